// `data fetch`: the libcurl downloader, the dataset sources and the command,
// against a real HTTP server on 127.0.0.1 (tests/http_fixture_server.py) serving
// real dataset bytes from tests/data/fixtures. No request leaves the machine.
#include <doctest/doctest.h>
#include <zlib.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/hash.h"
#include "enrich/fetch/download.h"
#include "enrich/fetch/fetch.h"
#include "enrich/fetch/sources.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"

using namespace sg;
using namespace sg::fetch;
namespace fs = std::filesystem;

namespace {

const char* kPyasnFixture = "fixtures/ipasn/pyasn/ipasn_20140513.dat.gz";
const char* kMmdbFixture = "fixtures/mmdb/maxmind-test-data/GeoLite2-ASN-Test.mmdb";

void write_file(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

void gzip_file(const std::string& bytes, const std::string& path) {
  fs::create_directories(fs::path(path).parent_path());
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A server over a folder holding the pyasn dataset as /ipasn.dat.gz, plus a
/// download folder.
struct Served {
  TempDir root{"fetch-served"};
  TempDir out{"fetch-out"};
  std::string bytes = read_file(test_data(kPyasnFixture));
  std::string sha256 = sha256_hex(bytes);
  std::unique_ptr<HttpTestServer> server;

  Served() {
    write_file(root.path("ipasn.dat.gz"), bytes);
    auto started = HttpTestServer::start(root.root());
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
    server = std::move(*started);
  }
  std::string url(const std::string& path) const { return server->url(path); }
  std::string dest(const std::string& name = "ipasn.dat.gz") const { return out.path(name); }
  /// Requests whose line contains `part`.
  size_t count_requests(const std::string& part) const {
    size_t n = 0;
    for (const std::string& line : server->requests()) n += contains(line, part) ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("fetch: a full download has the source's bytes and leaves no .part") {
  Served s;
  auto result = download_file(s.url("/ipasn.dat.gz"), s.dest(), {});
  REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
  CHECK(result->sha256 == s.sha256);
  CHECK(sha256_hex(read_file(s.dest())) == s.sha256);
  CHECK(result->size == s.bytes.size());
  CHECK(result->bytes_received == s.bytes.size());
  CHECK_FALSE(result->not_modified);
  CHECK_FALSE(result->resumed);
  CHECK_FALSE(fs::exists(part_path(s.dest())));
  CHECK(contains(read_file(meta_path(s.dest())), "sha256: " + s.sha256));
}

TEST_CASE("fetch: an interrupted download keeps its .part and the next run resumes it with Range") {
  Served s;
  const std::string url = s.url("/cut/ipasn.dat.gz");
  auto first = download_file(url, s.dest(), {});
  REQUIRE_FALSE(first.has_value());
  const std::string message = first.error().to_string();
  CHECK(contains(message, url));
  CHECK(contains(message, "run again to resume"));
  CHECK_FALSE(fs::exists(s.dest()));
  REQUIRE(fs::exists(part_path(s.dest())));
  const uint64_t kept = fs::file_size(part_path(s.dest()));
  CHECK(kept == s.bytes.size() / 2);

  auto second = download_file(url, s.dest(), {});
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().to_string()));
  CHECK(second->resumed);
  CHECK(second->bytes_received == s.bytes.size() - kept);
  CHECK(second->sha256 == s.sha256);
  CHECK(read_file(s.dest()) == s.bytes);
  CHECK_FALSE(fs::exists(part_path(s.dest())));
  // The server saw the ranged request, carrying the validator the part started with.
  const auto requests = s.server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(contains(requests[1], " 206 range=bytes=" + std::to_string(kept) + "- if-range=\""));
}

TEST_CASE("fetch: a stalled transfer times out, keeps its .part and resumes") {
  Served s;
  const std::string url = s.url("/stall/ipasn.dat.gz");
  DownloadOptions options;
  options.low_speed_bytes = 1000;
  options.low_speed_seconds = 1;
  const auto started = std::chrono::steady_clock::now();
  auto first = download_file(url, s.dest(), options);
  REQUIRE_FALSE(first.has_value());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));  // curl averages speed over ~5 s
  CHECK(contains(first.error().to_string(), "run again to resume"));
  REQUIRE(fs::exists(part_path(s.dest())));
  CHECK(fs::file_size(part_path(s.dest())) == s.bytes.size() / 2);
  auto second = download_file(url, s.dest(), options);
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().to_string()));
  CHECK(second->resumed);
  CHECK(read_file(s.dest()) == s.bytes);
}

TEST_CASE("fetch: a 200 answer to a Range request replaces the part, 416 completes a whole part") {
  Served s;
  SUBCASE("the server ignores Range") {
    const std::string url = s.url("/norange/ipasn.dat.gz");
    write_file(part_path(s.dest()), std::string(1000, 'x'));
    write_file(part_path(s.dest()) + ".meta", "url: " + url + "\n");
    auto result = download_file(url, s.dest(), {});
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
    CHECK_FALSE(result->resumed);
    CHECK(read_file(s.dest()) == s.bytes);
    CHECK(s.count_requests("GET /norange/ipasn.dat.gz 200 range=bytes=1000-") == 1);
  }
  SUBCASE("the part already holds the whole file") {
    const std::string url = s.url("/ipasn.dat.gz");
    write_file(part_path(s.dest()), s.bytes);
    write_file(part_path(s.dest()) + ".meta", "url: " + url + "\n");
    auto result = download_file(url, s.dest(), {});
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
    CHECK(result->bytes_received == 0);
    CHECK(read_file(s.dest()) == s.bytes);
    CHECK(s.count_requests(" 416 range=bytes=" + std::to_string(s.bytes.size()) + "-") == 1);
  }
  SUBCASE("the file changed since the part was started (If-Range)") {
    const std::string url = s.url("/ipasn.dat.gz");
    write_file(part_path(s.dest()), std::string(1000, 'x'));
    write_file(part_path(s.dest()) + ".meta", "url: " + url + "\netag: \"old\"\n");
    auto result = download_file(url, s.dest(), {});
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
    CHECK_FALSE(result->resumed);
    CHECK(read_file(s.dest()) == s.bytes);
    CHECK(s.count_requests(" 200 range=bytes=1000- if-range=\"old\"") == 1);
  }
  SUBCASE("a server that ignores If-Range is caught by the ETag of its 206") {
    const std::string url = s.url("/noifrange/ipasn.dat.gz");
    write_file(part_path(s.dest()), std::string(1000, 'x'));
    write_file(part_path(s.dest()) + ".meta", "url: " + url + "\netag: \"old\"\n");
    auto result = download_file(url, s.dest(), {});
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
    CHECK(read_file(s.dest()) == s.bytes);
    const auto requests = s.server->requests();
    REQUIRE(requests.size() == 2);
    CHECK(contains(requests[0], " 206 range=bytes=1000-"));
    CHECK(contains(requests[1], " 200 range=- "));
  }
  SUBCASE("a part from another URL is not continued") {
    write_file(part_path(s.dest()), std::string(1000, 'x'));
    write_file(part_path(s.dest()) + ".meta", "url: http://127.0.0.1:9/elsewhere\n");
    auto result = download_file(s.url("/ipasn.dat.gz"), s.dest(), {});
    REQUIRE(result.has_value());
    CHECK(read_file(s.dest()) == s.bytes);
    CHECK(s.count_requests("range=-") == 1);
  }
}

TEST_CASE("fetch: a checksum mismatch names both digests and keeps nothing") {
  Served s;
  DownloadOptions options;
  const std::string wrong = sha256_hex("something else");
  options.expected = Checksum{HashKind::sha256, wrong};
  auto result = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_FALSE(result.has_value());
  const std::string message = result.error().to_string();
  CHECK(contains(message, "expected sha256 " + wrong));
  CHECK(contains(message, "got sha256 " + s.sha256));
  CHECK(contains(message, s.url("/ipasn.dat.gz")));
  CHECK_FALSE(fs::exists(s.dest()));
  CHECK_FALSE(fs::exists(part_path(s.dest())));
  CHECK_FALSE(fs::exists(meta_path(s.dest())));

  // md5 as published elsewhere, computed by coreutils rather than by our code.
  const CommandResult md5sum = run_command({"/usr/bin/md5sum", test_data(kPyasnFixture)});
  REQUIRE(md5sum.exit_code == 0);
  auto md5 = parse_checksum(md5sum.out.substr(0, 32));
  REQUIRE(md5.has_value());
  CHECK(md5->kind == HashKind::md5);
  options.expected = *md5;
  auto good = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_MESSAGE(good.has_value(), (good ? "" : good.error().to_string()));
  CHECK(read_file(s.dest()) == s.bytes);
  // Once the file on disk matches the expected digest, nothing is requested.
  s.server->clear_requests();
  auto again = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE(again.has_value());
  CHECK(again->not_modified);
  CHECK(s.server->requests().empty());
}

TEST_CASE("fetch: HTTP errors name the URL and status, redirects are followed within a bound") {
  Served s;
  auto missing = download_file(s.url("/nothing-here.csv"), s.dest("nothing.csv"), {});
  REQUIRE_FALSE(missing.has_value());
  CHECK(contains(missing.error().to_string(), "HTTP 404"));
  CHECK(contains(missing.error().to_string(), s.url("/nothing-here.csv")));
  CHECK_FALSE(fs::exists(s.dest("nothing.csv")));
  CHECK_FALSE(fs::exists(part_path(s.dest("nothing.csv"))));

  auto redirected = download_file(s.url("/redirect/ipasn.dat.gz"), s.dest(), {});
  REQUIRE_MESSAGE(redirected.has_value(), (redirected ? "" : redirected.error().to_string()));
  CHECK(redirected->effective_url == s.url("/ipasn.dat.gz"));
  CHECK(read_file(s.dest()) == s.bytes);
  CHECK(s.count_requests("GET /redirect/ipasn.dat.gz 302") == 1);

  DownloadOptions options;
  options.max_redirects = 3;
  auto loop = download_file(s.url("/loop/0"), s.dest("loop"), options);
  REQUIRE_FALSE(loop.has_value());
  CHECK(contains(loop.error().to_string(), "redirect"));
  CHECK(s.count_requests("GET /loop/") == 4);

  auto refused = download_file("http://127.0.0.1:9/x.csv", s.dest("x.csv"), {});
  REQUIRE_FALSE(refused.has_value());
  CHECK(contains(refused.error().to_string(), "http://127.0.0.1:9/x.csv"));
}

TEST_CASE("fetch: a second fetch is conditional and gets 304, --force downloads again") {
  Served s;
  const std::string url = s.url("/ipasn.dat.gz");
  REQUIRE(download_file(url, s.dest(), {}).has_value());
  const auto written = fs::last_write_time(s.dest());
  auto second = download_file(url, s.dest(), {});
  REQUIRE_MESSAGE(second.has_value(), (second ? "" : second.error().to_string()));
  CHECK(second->not_modified);
  CHECK(second->bytes_received == 0);
  CHECK(second->sha256 == s.sha256);
  CHECK(fs::last_write_time(s.dest()) == written);
  const auto requests = s.server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(contains(requests[1], " 304 "));
  CHECK(contains(requests[1], "if-none-match=\""));
  CHECK(contains(requests[1], "if-modified-since="));

  DownloadOptions force;
  force.force = true;
  auto forced = download_file(url, s.dest(), force);
  REQUIRE(forced.has_value());
  CHECK_FALSE(forced->not_modified);
  CHECK(forced->bytes_received == s.bytes.size());
  CHECK(contains(s.server->requests().back(), " 200 range=- if-range=- if-none-match=- if-modified-since=-"));

  // A changed file on the server is downloaded again.
  write_file(s.root.path("ipasn.dat.gz"), s.bytes + "changed");
  struct stat info{};
  REQUIRE(stat(s.root.path("ipasn.dat.gz").c_str(), &info) == 0);
  auto changed = download_file(url, s.dest(), {});
  REQUIRE(changed.has_value());
  CHECK_FALSE(changed->not_modified);
  CHECK(read_file(s.dest()) == s.bytes + "changed");
}

TEST_CASE("fetch: progress reports grow to the file size") {
  Served s;
  DownloadOptions options;
  uint64_t last = 0, total = 0;
  int calls = 0;
  options.progress = [&](uint64_t done, uint64_t size) {
    CHECK(done >= last);
    last = done;
    total = size;
    ++calls;
  };
  REQUIRE(download_file(s.url("/ipasn.dat.gz"), s.dest(), options).has_value());
  CHECK(calls > 0);
  CHECK(last == s.bytes.size());
  CHECK(total == s.bytes.size());
}

TEST_CASE("fetch: sources by name, overridden by --url and config, unknown names list the known") {
  auto unknown = resolve_source("no-such-set", {}, "");
  REQUIRE_FALSE(unknown.has_value());
  for (const DatasetSource& source : known_sources()) CHECK(contains(unknown.error().to_string(), source.name));
  for (const char* name : {"ip-location-db-asn", "iptoasn-v4", "iptoasn-v6", "routeviews-pfx2as", "routeviews6-pfx2as",
                           "dbip-asn-lite", "geolite2-asn"})
    CHECK_MESSAGE(contains(known_source_names(), name), name);

  auto defaults = resolve_source("ip-location-db-asn", {}, "");
  REQUIRE(defaults.has_value());
  CHECK(defaults->format == "ip-location-db");
  CHECK(defaults->urls.size() == 2);
  CHECK_FALSE(defaults->overridden);

  const std::map<std::string, std::string> config = {{"iptoasn-v4", "http://mirror.invalid/a.tsv.gz"},
                                                     {"routeviews-pfx2as", "http://mirror.invalid/pfx2as-creation.log"}};
  auto configured = resolve_source("iptoasn-v4", config, "");
  REQUIRE(configured.has_value());
  CHECK(configured->urls == std::vector<std::string>{"http://mirror.invalid/a.tsv.gz"});
  CHECK(configured->format == "ip2asn");
  auto flagged = resolve_source("iptoasn-v4", config, "http://other.invalid/b.tsv.gz");
  REQUIRE(flagged.has_value());
  CHECK(flagged->urls == std::vector<std::string>{"http://other.invalid/b.tsv.gz"});
  // A mirror of CAIDA's log keeps the discovery; a specific file is downloaded as is.
  CHECK(resolve_source("routeviews-pfx2as", config, "")->discovery == Discovery::caida_log);
  CHECK(resolve_source("routeviews-pfx2as", {}, "http://m.invalid/x.pfx2as.gz")->discovery == Discovery::direct);
  // GeoLite2 has no URL without the user's licence key.
  auto geolite = resolve_source("geolite2-asn", {}, "");
  REQUIRE_FALSE(geolite.has_value());
  CHECK(contains(geolite.error().to_string(), "source.geolite2-asn"));

  const UnixTime march = 1709856000;  // 2024-03-08
  CHECK(expand_month("https://x/dbip-asn-lite-{YYYY-MM}.mmdb.gz", march) == "https://x/dbip-asn-lite-2024-03.mmdb.gz");
  CHECK(expand_month("https://x/dbip-asn-lite-{YYYY-MM}.mmdb.gz", 1704153600, 1) ==
        "https://x/dbip-asn-lite-2023-12.mmdb.gz");  // 2024-01-02, a month back
  CHECK(redact_url("https://u:secret@h/x?edition_id=A&license_key=KEY&suffix=tar.gz") ==
        "https://***@h/x?edition_id=A&license_key=***&suffix=tar.gz");

  const char* saved = std::getenv("XDG_DATA_HOME");
  const std::string saved_value = saved ? saved : "";
  setenv("XDG_DATA_HOME", "/srv/data", 1);
  CHECK(default_dataset_dir() == "/srv/data/spamgraph/datasets");
  unsetenv("XDG_DATA_HOME");
  if (const char* home = std::getenv("HOME"); home && *home)
    CHECK(default_dataset_dir() == std::string(home) + "/.local/share/spamgraph/datasets");
  if (saved) setenv("XDG_DATA_HOME", saved_value.c_str(), 1);
}

TEST_CASE("fetch: a configured source is fetched and returned with its import format") {
  Served s;
  auto source = resolve_source("iptoasn-v4", {{"iptoasn-v4", s.url("/ipasn.dat.gz")}}, "");
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.path("datasets");
  auto files = fetch_dataset(*source, options);
  REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
  REQUIRE(files->size() == 1);
  const FetchedFile& file = (*files)[0];
  CHECK(file.format == "ip2asn");
  CHECK(file.path == s.out.path("datasets/ipasn.dat.gz"));
  CHECK(file.updated);
  CHECK(read_file(file.path) == s.bytes);
  CHECK(import_command(file) == "spamgraph data import ip2asn " + file.path);
  FetchedFile odd = file;
  odd.path = "/tmp/it's here.csv";
  CHECK(import_command(odd) == "spamgraph data import ip2asn '/tmp/it'\\''s here.csv'");

  auto again = fetch_dataset(*source, options);
  REQUIRE(again.has_value());
  CHECK_FALSE((*again)[0].updated);

  options.checksum = Checksum{HashKind::sha256, sha256_hex("not it")};
  options.download.force = true;
  auto mismatch = fetch_dataset(*source, options);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(contains(mismatch.error().to_string(), sha256_hex("not it")));
}

TEST_CASE("fetch: routeviews follows CAIDA's creation log to the newest file") {
  Served s;
  write_file(s.root.path("rv/2014/05/routeviews-rv2-20140513-1200.pfx2as.gz"), s.bytes);
  write_file(s.root.path("rv/pfx2as-creation.log"),
             "# pfx2as creation log\n"
             "# seqnum\ttimestamp\tpath\n"
             "1\t1399939200\t2014/05/routeviews-rv2-20140513-1200.pfx2as.gz\n"
             "2\t1300000000\t2011/03/routeviews-rv2-20110313-1200.pfx2as.gz\n");
  auto source = resolve_source("routeviews-pfx2as", {}, s.url("/rv/pfx2as-creation.log"));
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.root();
  auto files = fetch_dataset(*source, options);
  REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
  REQUIRE(files->size() == 1);
  CHECK((*files)[0].format == "pfx2as");
  CHECK((*files)[0].url == s.url("/rv/2014/05/routeviews-rv2-20140513-1200.pfx2as.gz"));
  CHECK(read_file((*files)[0].path) == s.bytes);

  CHECK(newest_in_creation_log("1 100 a.gz\n2 300 c.gz\n3 200 b.gz\n").value() == "c.gz");
  CHECK_FALSE(newest_in_creation_log("<html>not a log</html>\n").has_value());
}

TEST_CASE("fetch: mmdb archives are unpacked and a published .sha256 is checked") {
  Served s;
  const std::string mmdb = read_file(test_data(kMmdbFixture));
  SUBCASE("GeoLite2 tar.gz with its .sha256 companion") {
    write_file(s.root.path("tar/GeoLite2-ASN_20240101/GeoLite2-ASN.mmdb"), mmdb);
    write_file(s.root.path("tar/GeoLite2-ASN_20240101/LICENSE.txt"), "licence text\n");
    const CommandResult tar = run_command({"/usr/bin/tar", "-czf", s.root.path("GeoLite2-ASN.tar.gz"), "-C",
                                           s.root.path("tar"), "GeoLite2-ASN_20240101/LICENSE.txt",
                                           "GeoLite2-ASN_20240101/GeoLite2-ASN.mmdb"});
    REQUIRE(tar.exit_code == 0);
    auto source = resolve_source("geolite2-asn", {{"geolite2-asn", s.url("/GeoLite2-ASN.tar.gz")}}, "");
    REQUIRE(source.has_value());
    FetchOptions options;
    options.dir = s.out.root();
    auto files = fetch_dataset(*source, options);
    REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
    CHECK((*files)[0].verified);
    CHECK((*files)[0].format == "mmdb");
    CHECK((*files)[0].path == s.out.path("GeoLite2-ASN.mmdb"));
    CHECK(read_file((*files)[0].path) == mmdb);
    CHECK(import_command((*files)[0]) == "spamgraph enrich asn --mmdb " + s.out.path("GeoLite2-ASN.mmdb"));
    CHECK(s.count_requests("GET /GeoLite2-ASN.tar.gz.sha256 200") == 1);

    // A published digest that does not match is an error naming both.
    write_file(s.root.path("GeoLite2-ASN.tar.gz.sha256"), std::string(64, 'a') + "  GeoLite2-ASN.tar.gz\n");
    options.download.force = true;
    auto bad = fetch_dataset(*source, options);
    REQUIRE_FALSE(bad.has_value());
    CHECK(contains(bad.error().to_string(), "expected sha256 " + std::string(64, 'a')));
    CHECK(contains(bad.error().to_string(), "got sha256 " + (*files)[0].sha256));
  }
  SUBCASE("DB-IP's monthly name falls back to last month") {
    const UnixTime now = 1709856000;  // 2024-03-08: the March file is not out yet
    gzip_file(mmdb, s.root.path("dbip-asn-lite-2024-02.mmdb.gz"));
    auto source = resolve_source("dbip-asn-lite", {{"dbip-asn-lite", s.url("/dbip-asn-lite-{YYYY-MM}.mmdb.gz")}}, "");
    REQUIRE(source.has_value());
    FetchOptions options;
    options.dir = s.out.root();
    options.now = now;
    auto files = fetch_dataset(*source, options);
    REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
    CHECK((*files)[0].path == s.out.path("dbip-asn-lite-2024-02.mmdb"));
    CHECK(read_file((*files)[0].path) == mmdb);
    CHECK(s.count_requests("GET /dbip-asn-lite-2024-03.mmdb.gz 404") == 1);
  }
}

TEST_CASE("fetch: `spamgraph data fetch` downloads, says what to import next, and is idempotent") {
  Served s;
  const std::string dir = s.out.path("datasets");
  const std::string url = s.url("/ipasn.dat.gz");
  CommandResult first =
      run_command({SPAMGRAPH_BINARY, "data", "fetch", "iptoasn-v4", "--url", url, "--dir", dir});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.out, "downloaded " + url));
  CHECK(contains(first.out, "spamgraph data import ip2asn " + dir + "/ipasn.dat.gz"));
  CHECK(read_file(dir + "/ipasn.dat.gz") == s.bytes);

  CommandResult second =
      run_command({SPAMGRAPH_BINARY, "data", "fetch", "iptoasn-v4", "--url", url, "--dir", dir});
  CHECK(second.exit_code == 0);
  CHECK(contains(second.out, "up to date " + url));
  CHECK(contains(s.server->requests().back(), " 304 "));

  // The config's `source.NAME = URL`, and a wrong --sha256.
  const std::string config = s.out.path("config");
  write_file(config, "source.iptoasn-v6 = " + url + "\n");
  CommandResult configured =
      run_command({SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "iptoasn-v6", "--dir", s.out.path("v6")});
  CHECK(configured.exit_code == 0);
  CHECK(contains(configured.out, "spamgraph data import ip2asn " + s.out.path("v6") + "/ipasn.dat.gz"));
  CommandResult listed = run_command({SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "--list"});
  CHECK(listed.exit_code == 0);
  CHECK(contains(listed.out, "routeviews-pfx2as"));
  CHECK(contains(listed.out, url + "  [from config]"));

  CommandResult wrong = run_command({SPAMGRAPH_BINARY, "data", "fetch", "iptoasn-v4", "--url", url, "--dir",
                                     s.out.path("wrong"), "--sha256", std::string(64, '0')});
  CHECK(wrong.exit_code == 2);
  CHECK(contains(wrong.err, "expected sha256 " + std::string(64, '0')));
  CHECK(contains(wrong.err, "got sha256 " + s.sha256));
  CHECK_FALSE(fs::exists(s.out.path("wrong/ipasn.dat.gz")));

  CommandResult unknown = run_command({SPAMGRAPH_BINARY, "data", "fetch", "nonesuch", "--dir", dir});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "nonesuch"));
  CHECK(contains(unknown.err, "dbip-asn-lite"));

  CommandResult missing = run_command({SPAMGRAPH_BINARY, "data", "fetch", "iptoasn-v4", "--url",
                                       s.url("/gone.tsv.gz"), "--dir", dir});
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "HTTP 404"));
  CHECK(contains(missing.err, s.url("/gone.tsv.gz")));
}

TEST_CASE("fetch: the printed next command imports the fetched file") {
  // A RouteViews-style pfx2as file made from the first rows of the real pyasn table
  // ("1.0.0.0/24<TAB>15169" becomes "1.0.0.0<TAB>24<TAB>15169").
  Served s;
  std::string pyasn;
  {
    gzFile gz = gzopen(test_data(kPyasnFixture).c_str(), "rb");
    REQUIRE(gz != nullptr);
    char buffer[65536];
    for (int n; pyasn.size() < 200000 && (n = gzread(gz, buffer, sizeof buffer)) > 0;)
      pyasn.append(buffer, static_cast<size_t>(n));
    gzclose(gz);
  }
  std::string pfx2as;
  int rows = 0;
  for (size_t start = 0; start < pyasn.size() && rows < 2000;) {
    const size_t end = pyasn.find('\n', start);
    if (end == std::string::npos) break;
    std::string line = pyasn.substr(start, end - start);
    start = end + 1;
    const size_t slash = line.find('/');
    if (line.empty() || line[0] == ';' || slash == std::string::npos) continue;
    line[slash] = '\t';
    pfx2as += line + "\n";
    ++rows;
  }
  REQUIRE(rows == 2000);
  gzip_file(pfx2as, s.root.path("rv/2014/05/routeviews-rv2-20140513-1200.pfx2as.gz"));
  write_file(s.root.path("rv/pfx2as-creation.log"), "1\t1399939200\t2014/05/routeviews-rv2-20140513-1200.pfx2as.gz\n");

  const std::string dir = s.out.path("datasets");
  CommandResult fetched = run_command({SPAMGRAPH_BINARY, "data", "fetch", "routeviews-pfx2as", "--url",
                                       s.url("/rv/pfx2as-creation.log"), "--dir", dir});
  INFO(fetched.out << fetched.err);
  REQUIRE(fetched.exit_code == 0);
  const std::string next = "spamgraph data import pfx2as " + dir + "/routeviews-rv2-20140513-1200.pfx2as.gz";
  REQUIRE(contains(fetched.out, "  " + next + "\n"));

  CommandResult imported = run_command({SPAMGRAPH_BINARY, "--db", s.out.path("graph.db"), "data", "import", "pfx2as",
                                        dir + "/routeviews-rv2-20140513-1200.pfx2as.gz"});
  INFO(imported.out << imported.err);
  CHECK(imported.exit_code == 0);
  CHECK(contains(imported.out, "2000 rows"));

  // --import does both steps; the file imported above (same SHA-256) changes nothing,
  // a fresh store gets the dataset dated from the file name.
  const std::string fresh = s.out.path("fresh.db");
  CommandResult both = run_command({SPAMGRAPH_BINARY, "--db", fresh, "data", "fetch", "routeviews-pfx2as", "--url",
                                    s.url("/rv/pfx2as-creation.log"), "--dir", dir, "--import"});
  INFO(both.out << both.err);
  REQUIRE(both.exit_code == 0);
  CHECK(contains(both.out, "imported pfx2as-routeviews-rv2 2014-05-13"));
  CHECK(contains(both.out, "2000 prefix rows"));
  CommandResult again = run_command({SPAMGRAPH_BINARY, "--db", fresh, "data", "fetch", "routeviews-pfx2as", "--url",
                                     s.url("/rv/pfx2as-creation.log"), "--dir", dir, "--import"});
  CHECK(contains(again.out, "already imported as pfx2as-routeviews-rv2 2014-05-13"));
}
