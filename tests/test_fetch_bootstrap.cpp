// `data fetch rdap-bootstrap`: IANA's four bootstrap files from a local HTTP server
// (tests/http_fixture_server.py) serving the openrdap 2015-2016 snapshot, checked
// by the bootstrap parser and installed into a folder that starts as a copy of the
// shipped data/rdap-bootstrap. No request leaves the machine.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "enrich/fetch/bootstrap_fetch.h"
#include "enrich/fetch/sources.h"
#include "enrich/rdap/bootstrap.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"

using namespace sg;
using namespace sg::fetch;
namespace fs = std::filesystem;

namespace {

const char* const kNames[] = {"asn.json", "ipv4.json", "ipv6.json", "dns.json"};

void write_bytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A server whose /rdap/ holds the openrdap snapshot (its trimmed dns file as
/// dns.json), and a bootstrap folder holding a copy of the shipped snapshot.
struct Served {
  TempDir root{"bootstrap-served"};
  TempDir out{"bootstrap-out"};
  std::map<std::string, std::string> served;   // name -> bytes the server has
  std::map<std::string, std::string> shipped;  // name -> bytes of data/rdap-bootstrap
  std::unique_ptr<HttpTestServer> server;

  Served() {
    const std::string fixtures = test_data("fixtures/rdap/bootstrap/openrdap-2015-2016/");
    for (const std::string name : kNames) {
      served[name] = read_file(fixtures + (name == "dns.json" ? "dns-trimmed-3-services.json" : name));
      write_bytes(root.path("rdap/" + name), served[name]);
      shipped[name] = read_file(repo_path("data/rdap-bootstrap/" + name));
      write_bytes(folder() + "/" + name, shipped[name]);
    }
    auto started = HttpTestServer::start(root.root());
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
    server = std::move(*started);
  }
  std::string folder() const { return out.path("bootstrap"); }
  std::string downloads() const { return out.path("datasets"); }
  /// The rdap-bootstrap source with its URLs overridden as by `source.rdap-bootstrap = URL`.
  DatasetSource source(const std::string& urls) const {
    auto resolved = resolve_source("rdap-bootstrap", {{"rdap-bootstrap", urls}}, "");
    REQUIRE_MESSAGE(resolved.has_value(), (resolved ? "" : resolved.error().to_string()));
    return *resolved;
  }
  Result<std::vector<BootstrapFile>> fetch(const std::string& urls) const {
    FetchOptions options;
    options.dir = downloads();
    options.download.timeout = std::chrono::seconds(30);
    return fetch_rdap_bootstrap(source(urls), options, folder());
  }
  /// The folder's files as bytes, and nothing else in it.
  std::map<std::string, std::string> folder_files() const {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(folder()))
      files[entry.path().filename().string()] = read_file(entry.path().string());
    return files;
  }
};

}  // namespace

TEST_CASE("fetch rdap-bootstrap: the default source is IANA's four files, 16 MiB each at most") {
  auto source = resolve_source("rdap-bootstrap", {}, "");
  REQUIRE(source.has_value());
  CHECK(source->format == "rdap-bootstrap");
  CHECK(source->max_size == (uint64_t{16} << 20));
  auto urls = bootstrap_urls(source->urls);
  REQUIRE(urls.has_value());
  CHECK(*urls == std::vector<std::string>{"https://data.iana.org/rdap/asn.json", "https://data.iana.org/rdap/ipv4.json",
                                          "https://data.iana.org/rdap/ipv6.json", "https://data.iana.org/rdap/dns.json"});
  // A mirror's folder gives all four; files in any order; each error names the URL.
  auto mirror = bootstrap_urls({"http://mirror.example/rdap/"});
  REQUIRE(mirror.has_value());
  CHECK((*mirror)[3] == "http://mirror.example/rdap/dns.json");
  auto shuffled = bootstrap_urls({"http://m.example/dns.json", "http://m.example/asn.json?x=1",
                                  "http://m.example/ipv6.json", "http://m.example/ipv4.json"});
  REQUIRE(shuffled.has_value());
  CHECK((*shuffled)[0] == "http://m.example/asn.json?x=1");
  auto unknown = bootstrap_urls({"http://m.example/rdap/", "http://m.example/object-tags.json"});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(contains(unknown.error().to_string(), "http://m.example/object-tags.json"));
  auto twice = bootstrap_urls({"http://m.example/rdap/", "http://other.example/asn.json"});
  REQUIRE_FALSE(twice.has_value());
  CHECK(contains(twice.error().to_string(), "http://other.example/asn.json"));
  auto missing = bootstrap_urls({"http://m.example/asn.json", "http://m.example/ipv4.json"});
  REQUIRE_FALSE(missing.has_value());
  CHECK(contains(missing.error().to_string(), "ipv6.json"));
}

TEST_CASE("fetch rdap-bootstrap: the files are replaced, load, and a second fetch is conditional") {
  Served s;
  auto files = s.fetch(s.server->url("/rdap/"));
  REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
  REQUIRE(files->size() == 4);
  for (const BootstrapFile& file : *files) {
    INFO(file.name);
    CHECK(file.downloaded);
    CHECK(file.replaced);
    CHECK(file.path == s.folder() + "/" + file.name);
    CHECK(read_file(file.path) == s.served[file.name]);
    CHECK(file.size == s.served[file.name].size());
  }
  // Only the four files: the validators are kept with the downloads, not in the folder.
  CHECK(s.folder_files() == s.served);
  CHECK(fs::exists(s.downloads() + "/rdap-bootstrap/asn.json.meta"));
  auto loaded = rdap::load_bootstrap(s.folder());
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? "" : loaded.error().to_string()));
  CHECK(loaded->publication(rdap::BootstrapRegistry::dns) != "");
  CHECK(loaded->entry_count(rdap::BootstrapRegistry::asn) > 0);
  CHECK_FALSE(loaded->base_urls_for_ip(*IpAddress::parse("193.0.6.139")).empty());

  s.server->clear_requests();
  auto again = s.fetch(s.server->url("/rdap/"));
  REQUIRE_MESSAGE(again.has_value(), (again ? "" : again.error().to_string()));
  for (const BootstrapFile& file : *again) {
    CHECK_FALSE(file.downloaded);
    CHECK_FALSE(file.replaced);
  }
  const auto requests = s.server->requests();
  REQUIRE(requests.size() == 4);
  for (const std::string& line : requests) {
    CHECK(contains(line, " 304 "));
    CHECK_FALSE(contains(line, "if-none-match=-"));
  }
  CHECK(s.folder_files() == s.served);
}

TEST_CASE("fetch rdap-bootstrap: a file that does not parse is refused and the folder stays as it was") {
  Served s;
  const std::string urls = s.server->url("/rdap/asn.json") + " " + s.server->url("/rdap/ipv4.json") + " " +
                           s.server->url("/broken/ipv6.json") + " " + s.server->url("/rdap/dns.json");
  SUBCASE("not JSON") { write_bytes(s.root.path("broken/ipv6.json"), s.served["ipv6.json"].substr(0, 200)); }
  SUBCASE("JSON, but not a bootstrap file") {
    write_bytes(s.root.path("broken/ipv6.json"), "{\"version\": \"1.0\", \"services\": [[[\"not-a-prefix\"], "
                                                 "[\"https://rdap.example/\"]]]}");
  }
  SUBCASE("the IPv4 file served as the IPv6 one") { write_bytes(s.root.path("broken/ipv6.json"), s.served["ipv4.json"]); }
  auto files = s.fetch(urls);
  REQUIRE_FALSE(files.has_value());
  CHECK(contains(files.error().to_string(), s.server->url("/broken/ipv6.json")));
  CHECK(contains(files.error().to_string(), "ipv6.json"));
  // Byte for byte the shipped snapshot, and no temporary file beside it.
  CHECK(s.folder_files() == s.shipped);
  CHECK_FALSE(fs::exists(s.downloads() + "/rdap-bootstrap/ipv6.json"));

  // Once the server has a good file again, the whole snapshot is installed.
  write_bytes(s.root.path("broken/ipv6.json"), s.served["ipv6.json"]);
  auto fixed = s.fetch(urls);
  REQUIRE_MESSAGE(fixed.has_value(), (fixed ? "" : fixed.error().to_string()));
  CHECK(s.folder_files() == s.served);
}

TEST_CASE("fetch rdap-bootstrap: an HTTP error names the URL and changes nothing") {
  Served s;
  const std::string urls = s.server->url("/rdap/asn.json") + " " + s.server->url("/rdap/ipv4.json") + " " +
                           s.server->url("/rdap/ipv6.json") + " " + s.server->url("/gone/dns.json");
  auto files = s.fetch(urls);
  REQUIRE_FALSE(files.has_value());
  CHECK(contains(files.error().to_string(), "HTTP 404"));
  CHECK(contains(files.error().to_string(), s.server->url("/gone/dns.json")));
  CHECK(s.folder_files() == s.shipped);
}

TEST_CASE("fetch rdap-bootstrap: `spamgraph data fetch rdap-bootstrap` replaces the folder it is given") {
  Served s;
  const std::string config = s.out.path("config");
  write_bytes(config, "source.rdap-bootstrap = " + s.server->url("/rdap/") + "\n");
  const std::vector<std::string> command{SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "rdap-bootstrap",
                                         "--dir", s.downloads(), "--rdap-bootstrap", s.folder()};
  CommandResult first = run_command(command);
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.out, "downloaded " + s.server->url("/rdap/dns.json")));
  CHECK(contains(first.out, "replaced " + s.folder() + "/dns.json"));
  CHECK(s.folder_files() == s.served);

  CommandResult second = run_command(command);
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(contains(second.out, "up to date " + s.server->url("/rdap/asn.json")));
  CHECK(contains(second.out, "unchanged " + s.folder() + "/asn.json"));

  // The config's `rdap-bootstrap = DIR` is the folder when no flag names one.
  TempDir other("bootstrap-config-folder");
  write_bytes(config, "source.rdap-bootstrap = " + s.server->url("/rdap/") + "\nrdap-bootstrap = " + other.root() +
                          "\n");
  CommandResult configured =
      run_command({SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "rdap-bootstrap", "--dir", s.downloads()});
  INFO(configured.out << configured.err);
  REQUIRE(configured.exit_code == 0);
  CHECK(read_file(other.path("ipv4.json")) == s.served["ipv4.json"]);

  CommandResult listed = run_command({SPAMGRAPH_BINARY, "data", "fetch", "--list"});
  CHECK(contains(listed.out, "https://data.iana.org/rdap/dns.json"));
}
