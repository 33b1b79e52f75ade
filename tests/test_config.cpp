// The config file: keys, repeatable lines, errors naming file and line.
#include <doctest/doctest.h>

#include <fstream>

#include "cli/config.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

std::string write_config(const TempDir& dir, const std::string& text) {
  const std::string path = dir.path("config");
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("config: every key, repeatable lines, and mmdb paths relative to the file") {
  TempDir dir("config");
  const std::string path = write_config(dir,
                                        "# spamgraph\n"
                                        "db = /var/lib/spam.db\n"
                                        "trusted = mx1.example.net\n"
                                        "trusted = 192.0.2.0/24   # second line joins the first\n"
                                        "resolver = 127.0.0.1:5353\n"
                                        "resolver = [::1]:53\n"
                                        "mmdb = GeoLite2-ASN.mmdb\n"
                                        "mmdb = /srv/geo/Country.mmdb\n"
                                        "source.iptoasn-v4 = http://mirror.example/ip2asn-v4.tsv.gz\n");
  auto config = load_config(path);
  REQUIRE_MESSAGE(config, (config ? "" : config.error().to_string()));
  CHECK(config->db == "/var/lib/spam.db");
  CHECK(config->trusted == "mx1.example.net,192.0.2.0/24");
  CHECK(config->resolvers == std::vector<std::string>{"127.0.0.1:5353", "[::1]:53"});
  CHECK(config->mmdb == std::vector<std::string>{dir.path("GeoLite2-ASN.mmdb"), "/srv/geo/Country.mmdb"});
  CHECK(config->sources.at("iptoasn-v4") == "http://mirror.example/ip2asn-v4.tsv.gz");
  CHECK(config->path == path);
}

TEST_CASE("config: an unknown key or a line without '=' names the file and line") {
  TempDir dir("config-bad");
  auto unknown = load_config(write_config(dir, "db = x.db\n\nresolvers = 127.0.0.1\n"));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().where == dir.path("config") + ":3");
  CHECK(unknown.error().message.find("unknown key `resolvers`") != std::string::npos);
  auto no_equals = load_config(write_config(dir, "trusted mx1.example.net\n"));
  REQUIRE_FALSE(no_equals);
  CHECK(no_equals.error().where == dir.path("config") + ":1");
  auto missing = load_config(dir.path("nope"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().where == dir.path("nope"));
}
