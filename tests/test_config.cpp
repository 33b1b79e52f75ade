// The config file: keys, repeatable lines, errors naming file and line.
#include <doctest/doctest.h>

#include <fstream>

#include "cli/config.h"
#include "cli/registry_flags.h"
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

TEST_CASE("config: the registry keys, and the flags over them") {
  TempDir dir("config-registry");
  auto config = load_config(write_config(dir,
                                         "contact = abuse@example.org\n"
                                         "rate.rdap.apnic.net = 30/min\n"
                                         "rate.127.0.0.1 = 50/s,8\n"
                                         "whois-server = 127.0.0.1:4343\n"
                                         "irr-server = rr.example.net\n"
                                         "rdap-base = http://127.0.0.1:8080/rdap/\n"
                                         "ripestat-url = http://127.0.0.1:8080/ripestat\n"
                                         "sourceapp = my-lab\n"
                                         "cymru-resolver = 127.0.0.1:5353\n"
                                         "cymru-server = 127.0.0.1:4344\n"));
  REQUIRE_MESSAGE(config, (config ? "" : config.error().to_string()));
  const RegistrySettings& registry = config->registry;
  CHECK(registry.contact == "abuse@example.org");
  CHECK(registry.rates.at("127.0.0.1") == "50/s,8");
  CHECK(registry.whois_server == "127.0.0.1:4343");
  CHECK(registry.irr_server == "rr.example.net");
  CHECK(registry.rdap_base == "http://127.0.0.1:8080/rdap/");
  CHECK(registry.ripestat_url == "http://127.0.0.1:8080/ripestat");
  CHECK(registry.sourceapp == "my-lab");
  CHECK(registry.cymru_resolver == "127.0.0.1:5353");
  CHECK(registry.cymru_server == "127.0.0.1:4344");

  RegistryFlags flags;
  flags.overrides.whois_server = "127.0.0.1:9999";  // the flag wins over the key
  flags.rates = {"127.0.0.1=5/s"};
  auto run = resolve_registry_flags(flags, registry);
  REQUIRE_MESSAGE(run, (run ? "" : run.error().to_string()));
  CHECK(run->settings.whois_server == "127.0.0.1:9999");
  CHECK(run->settings.irr_server == "rr.example.net");
  CHECK(run->settings.contact == "abuse@example.org");
  CHECK(run->max_age == 7 * 86400);
  const net::HostLimits local = run->policies.limits_for("127.0.0.1");
  CHECK(local.rate_per_second == doctest::Approx(5.0));
  CHECK(local.max_concurrent == 8);  // the config's in-flight cap stays under the flag's rate
  CHECK(run->policies.limits_for("RDAP.apnic.net").rate_per_second == doctest::Approx(0.5));

  flags.rates = {"127.0.0.1=fast"};
  auto bad = resolve_registry_flags(flags, registry);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().where == "--rate 127.0.0.1=fast");
  RegistrySettings bad_key = registry;
  bad_key.rates["x.example"] = "10/fortnight";
  auto bad_config = resolve_registry_flags(RegistryFlags{}, bad_key);
  REQUIRE_FALSE(bad_config);
  CHECK(bad_config.error().where == "rate.x.example = 10/fortnight");
  CHECK(bad_config.error().message.find("unit") != std::string::npos);
}
