// `data fetch`: the libcurl downloader, the dataset sources and the command,
// against a real HTTP server on 127.0.0.1 (tests/http_fixture_server.py) serving
// real dataset bytes from tests/data/fixtures. No request leaves the machine.
#include <bzlib.h>
#include <doctest/doctest.h>
#include <zlib.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/hash.h"
#include "enrich/fetch/download.h"
#include "enrich/fetch/fetch.h"
#include "enrich/fetch/sources.h"
#include "enrich/fetch/unpack.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"
#include "tests/into_results.h"

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
  std::string sha256 = into::sha256_hex(bytes);
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
  CHECK(into::sha256_hex(read_file(s.dest())) == s.sha256);
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
  const std::string wrong = into::sha256_hex("something else");
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

  options.checksum = Checksum{HashKind::sha256, into::sha256_hex("not it")};
  options.download.force = true;
  auto mismatch = fetch_dataset(*source, options);
  REQUIRE_FALSE(mismatch.has_value());
  CHECK(contains(mismatch.error().to_string(), into::sha256_hex("not it")));
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

// Hostile servers and files: every download has a size cap and a deadline, and
// every compressed download is decompressed under a cap before it is kept.
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


/// `bytes` as one bzip2 stream.
std::string bzip2_bytes(const std::string& bytes) {
  std::string out(bytes.size() + bytes.size() / 100 + 1024, '\0');
  unsigned size = static_cast<unsigned>(out.size());
  REQUIRE(BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(bytes.data()),
                                   static_cast<unsigned>(bytes.size()), 9, 0, 0) == BZ_OK);
  out.resize(size);
  return out;
}

/// `mebibytes` MiB of zeros as that many concatenated gzip members of about 1 kB
/// each: a bomb of ratio ~1000 made in milliseconds (gzip readers join members).
std::string gzip_bomb(int mebibytes) {
  const std::string member = gzip_bytes(std::string(size_t{1} << 20, '\0'));
  std::string bomb;
  for (int i = 0; i < mebibytes; ++i) bomb += member;
  return bomb;
}

/// Like gzip_bomb, with concatenated bzip2 streams (as pbzip2 writes).
std::string bzip2_bomb(int mebibytes) {
  const std::string stream = bzip2_bytes(std::string(size_t{1} << 20, '\0'));
  std::string bomb;
  for (int i = 0; i < mebibytes; ++i) bomb += stream;
  return bomb;
}

/// The names in `dir`, sorted.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(dir, ignored)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("fetch limits: an endless chunked body stops at the size cap and keeps no part") {
  Served s;
  DownloadOptions options;
  options.max_size = 1 << 20;
  const auto started = Clock::now();
  auto result = download_file(s.url("/endless"), s.dest("endless.csv"), options);
  REQUIRE_FALSE(result.has_value());
  const std::string message = result.error().to_string();
  CHECK(contains(message, s.url("/endless")));
  CHECK(contains(message, "larger than the size cap of 1048576 bytes"));
  CHECK(seconds_since(started) < 5);
  CHECK_FALSE(fs::exists(s.dest("endless.csv")));
  CHECK_FALSE(fs::exists(part_path(s.dest("endless.csv"))));
  CHECK_FALSE(fs::exists(part_path(s.dest("endless.csv")) + ".meta"));
}

TEST_CASE("fetch limits: a Content-Length over the cap is refused before anything is written") {
  Served s;
  const auto started = Clock::now();
  auto lying = download_file(s.url("/lying/ipasn.dat.gz"), s.dest(), {});
  REQUIRE_FALSE(lying.has_value());
  const std::string message = lying.error().to_string();
  CHECK(contains(message, s.url("/lying/ipasn.dat.gz")));
  CHECK(contains(message, "declares 99999999999999 bytes (Content-Length)"));
  CHECK(contains(message, "size cap of " + std::to_string(DownloadOptions{}.max_size) + " bytes"));
  CHECK(seconds_since(started) < 5);
  CHECK_FALSE(fs::exists(s.dest()));
  CHECK_FALSE(fs::exists(part_path(s.dest())));

  // An honest server with a file one byte over the cap, then exactly at it.
  DownloadOptions options;
  options.max_size = s.bytes.size() - 1;
  auto over = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_FALSE(over.has_value());
  CHECK(contains(over.error().to_string(), "declares " + std::to_string(s.bytes.size()) + " bytes"));
  CHECK(contains(over.error().to_string(), "size cap of " + std::to_string(s.bytes.size() - 1)));
  CHECK_FALSE(fs::exists(part_path(s.dest())));
  options.max_size = s.bytes.size();
  auto at = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_MESSAGE(at.has_value(), (at ? "" : at.error().to_string()));
  CHECK(read_file(s.dest()) == s.bytes);
}

TEST_CASE("fetch limits: a resumed part counts toward the cap, and a download over it is not resumed") {
  Served s;
  const size_t half = s.bytes.size() / 2;
  auto leave_part = [&](const std::string& url, const std::string& bytes) {
    write_file(part_path(s.dest()), bytes);
    write_file(part_path(s.dest()) + ".meta", "url: " + url + "\n");
  };
  DownloadOptions options;
  options.max_size = s.bytes.size() - 1;
  SUBCASE("the 206 declares the rest") {
    const std::string url = s.url("/ipasn.dat.gz");
    leave_part(url, s.bytes.substr(0, half));
    auto result = download_file(url, s.dest(), options);
    REQUIRE_FALSE(result.has_value());
    CHECK(contains(result.error().to_string(), "declares " + std::to_string(s.bytes.size() - half) +
                                                   " more bytes (Content-Length) after the " + std::to_string(half)));
    CHECK(s.count_requests(" 206 range=bytes=" + std::to_string(half) + "-") == 1);
  }
  SUBCASE("the 206 is chunked, so the bytes are counted") {
    const std::string url = s.url("/chunked/ipasn.dat.gz");
    leave_part(url, s.bytes.substr(0, half));
    auto result = download_file(url, s.dest(), options);
    REQUIRE_FALSE(result.has_value());
    CHECK(contains(result.error().to_string(), "larger than the size cap of " + std::to_string(s.bytes.size() - 1)));
    CHECK(s.count_requests(" 206 range=bytes=" + std::to_string(half) + "-") == 1);
  }
  SUBCASE("a part over a lowered cap is started over, not continued") {
    const std::string url = s.url("/chunked/ipasn.dat.gz");
    leave_part(url, s.bytes + "more than the file");
    options.max_size = s.bytes.size();
    auto result = download_file(url, s.dest(), options);
    REQUIRE_MESSAGE(result.has_value(), (result ? "" : result.error().to_string()));
    CHECK_FALSE(result->resumed);
    CHECK(read_file(s.dest()) == s.bytes);
    const auto requests = s.server->requests();
    REQUIRE(requests.size() == 1);
    CHECK(contains(requests[0], " 200 range=- "));
    return;
  }
  CHECK_FALSE(fs::exists(s.dest()));
  CHECK_FALSE(fs::exists(part_path(s.dest())));
  CHECK_FALSE(fs::exists(part_path(s.dest()) + ".meta"));
  // Within the cap the same part resumes.
  options.max_size = s.bytes.size();
  leave_part(s.url("/chunked/ipasn.dat.gz"), s.bytes.substr(0, half));
  auto resumed = download_file(s.url("/chunked/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_MESSAGE(resumed.has_value(), (resumed ? "" : resumed.error().to_string()));
  CHECK(resumed->resumed);
  CHECK(read_file(s.dest()) == s.bytes);
}

TEST_CASE("fetch limits: a drip-fed body stops at the deadline and keeps its part to resume") {
  Served s;
  DownloadOptions options;
  options.timeout = 1500ms;
  const auto started = Clock::now();
  auto result = download_file(s.url("/drip"), s.dest("drip.csv"), options);
  const double took = seconds_since(started);
  REQUIRE_FALSE(result.has_value());
  const std::string message = result.error().to_string();
  CHECK(contains(message, s.url("/drip")));
  CHECK_MESSAGE(contains(message, "not finished within the time limit of 1.5 s"), message);
  CHECK(contains(message, "run again to resume"));
  CHECK(took >= 1.4);
  CHECK(took < 5);
  CHECK_FALSE(fs::exists(s.dest("drip.csv")));
  REQUIRE(fs::exists(part_path(s.dest("drip.csv"))));
  CHECK(fs::file_size(part_path(s.dest("drip.csv"))) > 0);

  // A deadline shared with earlier steps that has passed sends nothing.
  s.server->clear_requests();
  options.deadline = Clock::now() - 1ms;
  auto late = download_file(s.url("/ipasn.dat.gz"), s.dest(), options);
  REQUIRE_FALSE(late.has_value());
  CHECK(contains(late.error().to_string(), "time limit of 1.5 s"));
  CHECK(s.server->requests().empty());
}

TEST_CASE("fetch limits: gzip and bzip2 bombs are refused by ratio and size, keeping nothing") {
  TempDir dir("fetch-bomb");
  const std::string bomb = gzip_bomb(200);  // ~200 kB inflating to 200 MiB
  REQUIRE(bomb.size() < 400 * 1024);
  write_file(dir.path("bomb.mmdb.gz"), bomb);
  write_file(dir.path("bomb.mmdb"), "the good copy of an earlier run");
  const auto started = Clock::now();
  auto status = gunzip_file(dir.path("bomb.mmdb.gz"), dir.path("bomb.mmdb"));  // the default limits
  REQUIRE_FALSE(status.has_value());
  CHECK(contains(status.error().to_string(), dir.path("bomb.mmdb.gz") + ": decompresses to more than 100 times its " +
                                                 std::to_string(bomb.size()) + " bytes (a decompression bomb)"));
  CHECK(seconds_since(started) < 5);
  CHECK(read_file(dir.path("bomb.mmdb")) == "the good copy of an earlier run");
  CHECK_FALSE(fs::exists(dir.path("bomb.mmdb.part")));

  // The size cap applies even where the ratio looks ordinary.
  UnpackLimits limits;
  limits.max_output = 1 << 20;
  std::string text;
  for (int64_t i = 0; text.size() < (size_t{3} << 20); ++i) text += std::to_string(i * 7919) + "\n";
  write_file(dir.path("big.gz"), gzip_bytes(text));
  auto capped = gunzip_file(dir.path("big.gz"), dir.path("big"), limits);
  REQUIRE_FALSE(capped.has_value());
  CHECK(contains(capped.error().to_string(), dir.path("big.gz") + ": decompresses to more than the size cap of 1048576"));
  CHECK_FALSE(fs::exists(dir.path("big")));
  CHECK_FALSE(fs::exists(dir.path("big.part")));
  limits.max_output = 4 << 20;
  REQUIRE(gunzip_file(dir.path("big.gz"), dir.path("big"), limits).has_value());
  CHECK(read_file(dir.path("big")) == text);

  // What the text importers read is checked the same way, bzip2 included.
  CHECK(contains(check_compressed(dir.path("bomb.mmdb.gz")).error().to_string(), "a decompression bomb"));
  write_file(dir.path("bomb.bz2"), bzip2_bomb(64));
  limits = UnpackLimits{};
  limits.ratio_floor = 1 << 20;
  auto bz = check_compressed(dir.path("bomb.bz2"), limits);
  REQUIRE_FALSE(bz.has_value());
  CHECK(contains(bz.error().to_string(), dir.path("bomb.bz2") + ": decompresses to more than 100 times"));
  write_file(dir.path("text.bz2"), bzip2_bytes(text.substr(0, 256 * 1024)));
  CHECK(check_compressed(dir.path("text.bz2")).has_value());
  CHECK(check_compressed(test_data(kPyasnFixture)).has_value());
}

TEST_CASE("fetch limits: a truncated gzip, bzip2 or tar.gz is an error and leaves nothing") {
  TempDir dir("fetch-cut");
  const std::string mmdb = read_file(test_data(kMmdbFixture));
  const std::string gz = gzip_bytes(mmdb);
  write_file(dir.path("x.mmdb"), "the good copy of an earlier run");
  // Cut in the middle of the data, and inside the 8-byte trailer.
  for (const size_t cut : {gz.size() / 2, gz.size() - 3}) {
    CAPTURE(cut);
    write_file(dir.path("x.mmdb.gz"), gz.substr(0, cut));
    auto status = gunzip_file(dir.path("x.mmdb.gz"), dir.path("x.mmdb"));
    REQUIRE_FALSE(status.has_value());
    CHECK(contains(status.error().to_string(), dir.path("x.mmdb.gz") + ": truncated gzip"));
    CHECK(read_file(dir.path("x.mmdb")) == "the good copy of an earlier run");
    CHECK_FALSE(fs::exists(dir.path("x.mmdb.part")));
    CHECK(contains(check_compressed(dir.path("x.mmdb.gz")).error().to_string(), "truncated gzip"));
  }
  write_file(dir.path("x.mmdb.gz"), gz);
  REQUIRE(gunzip_file(dir.path("x.mmdb.gz"), dir.path("x.mmdb")).has_value());
  CHECK(read_file(dir.path("x.mmdb")) == mmdb);
  // A file that is not gzip at all is not "unpacked" by copying it.
  auto plain = gunzip_file(test_data(kMmdbFixture), dir.path("plain.mmdb"));
  REQUIRE_FALSE(plain.has_value());
  CHECK(contains(plain.error().to_string(), "not a gzip file"));

  const std::string bz = bzip2_bytes(mmdb);
  write_file(dir.path("x.bz2"), bz.substr(0, bz.size() / 2));
  auto cut_bz = check_compressed(dir.path("x.bz2"));
  REQUIRE_FALSE(cut_bz.has_value());
  CHECK(contains(cut_bz.error().to_string(), dir.path("x.bz2") + ": truncated bzip2"));

  // A tar.gz cut after its .mmdb member: the member is whole, the archive is not.
  write_file(dir.path("tar/GeoLite2-ASN_20240101/GeoLite2-ASN.mmdb"), mmdb);
  REQUIRE(run_command({"/usr/bin/tar", "-czf", dir.path("GeoLite2-ASN.tar.gz"), "-C", dir.path("tar"),
                       "GeoLite2-ASN_20240101/GeoLite2-ASN.mmdb"})
              .exit_code == 0);
  const std::string tgz = read_file(dir.path("GeoLite2-ASN.tar.gz"));
  write_file(dir.path("GeoLite2-ASN.tar.gz"), tgz.substr(0, tgz.size() - 12));
  auto cut_tar = extract_from_tar_gz(dir.path("GeoLite2-ASN.tar.gz"), ".mmdb", dir.path("GeoLite2-ASN.mmdb"));
  REQUIRE_FALSE(cut_tar.has_value());
  CHECK(contains(cut_tar.error().to_string(), dir.path("GeoLite2-ASN.tar.gz") + ": truncated gzip"));
  CHECK_FALSE(fs::exists(dir.path("GeoLite2-ASN.mmdb")));
  CHECK_FALSE(fs::exists(dir.path("GeoLite2-ASN.mmdb.part")));
  write_file(dir.path("GeoLite2-ASN.tar.gz"), tgz);
  REQUIRE(extract_from_tar_gz(dir.path("GeoLite2-ASN.tar.gz"), ".mmdb", dir.path("GeoLite2-ASN.mmdb")).has_value());
  CHECK(read_file(dir.path("GeoLite2-ASN.mmdb")) == mmdb);
}

TEST_CASE("fetch limits: a tar member name of a gigabyte is refused, not allocated") {
  TempDir dir("fetch-tar-name");
  std::string header(512, '\0');
  header.replace(0, 13, "././@LongLink");
  header.replace(124, 11, "10000000000");  // octal: 1 GiB
  header[156] = 'L';
  write_file(dir.path("long.tar.gz"), gzip_bytes(header + std::string(4096, 'a')));
  auto status = extract_from_tar_gz(dir.path("long.tar.gz"), ".mmdb", dir.path("x.mmdb"));
  REQUIRE_FALSE(status.has_value());
  CHECK(contains(status.error().to_string(), dir.path("long.tar.gz") + ": not a tar archive (a 1073741824-byte member name)"));
  CHECK_FALSE(fs::exists(dir.path("x.mmdb")));
}

TEST_CASE("fetch limits: a bad compressed download leaves the previous copy and its .mmdb in place") {
  Served s;
  const std::string mmdb = read_file(test_data(kMmdbFixture));
  const std::string good = gzip_bytes(mmdb);
  write_file(s.root.path("dbip-asn-lite-2024-03.mmdb.gz"), good);
  auto source = resolve_source("dbip-asn-lite", {{"dbip-asn-lite", s.url("/dbip-asn-lite-{YYYY-MM}.mmdb.gz")}}, "");
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.root();
  options.now = 1709856000;  // 2024-03-08
  auto first = fetch_dataset(*source, options);
  REQUIRE_MESSAGE(first.has_value(), (first ? "" : first.error().to_string()));
  const std::vector<std::string> files = {"dbip-asn-lite-2024-03.mmdb", "dbip-asn-lite-2024-03.mmdb.gz",
                                          "dbip-asn-lite-2024-03.mmdb.gz.meta"};
  REQUIRE(listing(s.out.root()) == files);

  SUBCASE("truncated") { write_file(s.root.path("dbip-asn-lite-2024-03.mmdb.gz"), good.substr(0, good.size() / 2)); }
  SUBCASE("a bomb") { write_file(s.root.path("dbip-asn-lite-2024-03.mmdb.gz"), gzip_bomb(200)); }
  auto second = fetch_dataset(*source, options);
  REQUIRE_FALSE(second.has_value());
  const std::string message = second.error().to_string();
  CHECK(contains(message, s.url("/dbip-asn-lite-2024-03.mmdb.gz")));
  CHECK((contains(message, "truncated gzip") || contains(message, "a decompression bomb")));
  CHECK(contains(message, "(download discarded)"));
  CHECK(s.count_requests("GET /dbip-asn-lite-2024-03.mmdb.gz 200") == 2);
  CHECK(listing(s.out.root()) == files);
  CHECK(read_file(s.out.path("dbip-asn-lite-2024-03.mmdb.gz")) == good);
  CHECK(read_file(s.out.path("dbip-asn-lite-2024-03.mmdb")) == mmdb);
}

TEST_CASE("fetch limits: an archive kept from before that no longer unpacks is discarded and fetched afresh") {
  Served s;
  const std::string mmdb = read_file(test_data(kMmdbFixture));
  const std::string good = gzip_bytes(mmdb);
  write_file(s.root.path("x.mmdb.gz"), good);
  auto source = resolve_source("dbip-asn-lite", {{"dbip-asn-lite", s.url("/x.mmdb.gz")}}, "");
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.root();
  REQUIRE(fetch_dataset(*source, options).has_value());
  // The server's copy is unchanged (304), but the local archive was damaged and its .mmdb deleted.
  write_file(s.out.path("x.mmdb.gz"), good.substr(0, good.size() / 2));
  fs::remove(s.out.path("x.mmdb"));
  auto damaged = fetch_dataset(*source, options);
  REQUIRE_FALSE(damaged.has_value());
  CHECK(contains(damaged.error().to_string(), s.out.path("x.mmdb.gz") + ": truncated gzip"));
  CHECK(contains(damaged.error().to_string(), "(download discarded)"));
  CHECK(s.count_requests("GET /x.mmdb.gz 304") == 1);
  CHECK(listing(s.out.root()).empty());
  auto again = fetch_dataset(*source, options);
  REQUIRE_MESSAGE(again.has_value(), (again ? "" : again.error().to_string()));
  CHECK(read_file(s.out.path("x.mmdb")) == mmdb);
}

TEST_CASE("fetch limits: a truncated text dataset and an endless creation log keep nothing") {
  Served s;
  write_file(s.root.path("ip2asn-v4.tsv.gz"), s.bytes.substr(0, s.bytes.size() / 2));
  auto source = resolve_source("iptoasn-v4", {{"iptoasn-v4", s.url("/ip2asn-v4.tsv.gz")}}, "");
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.root();
  auto cut = fetch_dataset(*source, options);
  REQUIRE_FALSE(cut.has_value());
  CHECK(contains(cut.error().to_string(), "ip2asn-v4.tsv.gz.part: truncated gzip"));
  CHECK(listing(s.out.root()).empty());

  auto log = resolve_source("routeviews-pfx2as", {}, s.url("/endless/pfx2as-creation.log"));
  REQUIRE(log.has_value());
  REQUIRE(log->discovery == Discovery::caida_log);
  const auto started = Clock::now();
  auto endless = fetch_dataset(*log, options);
  REQUIRE_FALSE(endless.has_value());
  CHECK(contains(endless.error().to_string(), "larger than the size cap of " + std::to_string(kCreationLogMaxSize)));
  CHECK(seconds_since(started) < 5);
  CHECK(listing(s.out.root()).empty());
}

TEST_CASE("fetch limits: sizes and durations as users write them, and each source's cap") {
  CHECK(parse_byte_size("1048576").value() == 1048576);
  CHECK(parse_byte_size("300M").value() == uint64_t{300} << 20);
  CHECK(parse_byte_size("2GiB").value() == uint64_t{2} << 30);
  CHECK(parse_byte_size("64kB").value() == 64 * 1024);
  for (const char* bad : {"", "0", "M", "12X", "-5", "1.5G", "99999999999G"})
    CHECK_FALSE_MESSAGE(parse_byte_size(bad).has_value(), bad);
  CHECK(parse_duration("90").value() == 90s);
  CHECK(parse_duration("1500ms").value() == 1500ms);
  CHECK(parse_duration("30m").value() == 30min);
  CHECK(parse_duration("2h").value() == 2h);
  for (const char* bad : {"", "0", "5d", "s", "-1", "999999999h"}) CHECK_FALSE_MESSAGE(parse_duration(bad).has_value(), bad);

  for (const DatasetSource& known : known_sources()) {
    CAPTURE(known.name);
    // IANA's bootstrap files are small JSON, held to the bootstrap parser's 16 MiB.
    CHECK(known.max_size >= (known.format == "rdap-bootstrap" ? uint64_t{16} << 20 : uint64_t{128} << 20));
    CHECK(known.max_size <= uint64_t{1} << 30);
  }
  CHECK(resolve_source("ip-location-db-asn", {}, "")->max_size == uint64_t{256} << 20);
  auto configured = resolve_source("iptoasn-v4", {{"iptoasn-v4.max_size", "1K"}}, "");
  REQUIRE(configured.has_value());
  CHECK(configured->max_size == 1024);
  CHECK(configured->urls == resolve_source("iptoasn-v4", {}, "")->urls);
  auto bad = resolve_source("iptoasn-v4", {{"iptoasn-v4.max_size", "lots"}}, "");
  REQUIRE_FALSE(bad.has_value());
  CHECK(contains(bad.error().to_string(), "source.iptoasn-v4.max_size: not a size"));
}

TEST_CASE("fetch limits: `data fetch` honours --max-size, --timeout and source.NAME.max_size") {
  Served s;
  const std::string dir = s.out.path("datasets");
  auto fetch = [&](std::vector<std::string> extra, const std::string& config = "") {
    std::vector<std::string> argv = {SPAMGRAPH_BINARY};
    if (!config.empty()) argv.insert(argv.end(), {"--config", config});
    argv.insert(argv.end(), {"data", "fetch", "iptoasn-v4", "--dir", dir});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  };
  auto started = Clock::now();
  CommandResult endless = fetch({"--url", s.url("/endless/ip2asn-v4.tsv.gz"), "--max-size", "1M"});
  INFO(endless.out << endless.err);
  CHECK(endless.exit_code == 2);
  CHECK(contains(endless.err, "larger than the size cap of 1048576 bytes"));
  CHECK(seconds_since(started) < 5);
  CHECK(listing(dir).empty());

  started = Clock::now();
  CommandResult drip = fetch({"--url", s.url("/drip/ip2asn-v4.tsv.gz"), "--timeout", "1500ms"});
  INFO(drip.out << drip.err);
  CHECK(drip.exit_code == 2);
  CHECK(contains(drip.err, "not finished within the time limit of 1.5 s"));
  CHECK(seconds_since(started) < 5);
  CHECK_FALSE(fs::exists(dir + "/ip2asn-v4.tsv.gz"));

  const std::string config = s.out.path("config");
  write_file(config, "source.iptoasn-v4.max_size = 1K\n");
  CommandResult small = fetch({"--url", s.url("/ipasn.dat.gz")}, config);
  CHECK(small.exit_code == 2);
  CHECK(contains(small.err, "declares " + std::to_string(s.bytes.size()) + " bytes (Content-Length), over the size "
                            "cap of 1024 bytes"));
  CHECK_FALSE(fs::exists(dir + "/ipasn.dat.gz"));
  // The flag outranks the config; the good path still works under a deadline.
  CommandResult good = fetch({"--url", s.url("/ipasn.dat.gz"), "--max-size", "64M", "--timeout", "60s"}, config);
  INFO(good.out << good.err);
  CHECK(good.exit_code == 0);
  CHECK(read_file(dir + "/ipasn.dat.gz") == s.bytes);

  CommandResult zero = fetch({"--url", s.url("/ipasn.dat.gz"), "--max-size", "0"});
  CHECK(zero.exit_code == 2);
  CHECK(contains(zero.err, "--max-size 0"));
  CommandResult soon = fetch({"--url", s.url("/ipasn.dat.gz"), "--timeout", "soon"});
  CHECK(soon.exit_code == 2);
  CHECK(contains(soon.err, "--timeout soon: not a duration"));
}
