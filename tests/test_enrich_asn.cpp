// `data import`, `enrich asn`, `asn` and `show ip` through the real binary, on the
// bundled case with the real ip-location-db ASN data (fetched by scripts/setup.sh),
// the pyasn fixtures and MaxMind's GeoLite2-ASN test database.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using nlohmann::json;

namespace {



const json* find_link(const json& chain, const std::string& relation) { return find_row(chain, "relation", relation); }

const json* find_edge(const json& report, const std::string& relation) {
  return find_row(report["edges"], "relation", relation);
}

std::string ingest_seed(const TempDir& dir) {
  const std::string db = dir.path("graph.db");
  CommandResult ingest = spamgraph(db, {"ingest", repo_path("data/seed")});
  INFO(ingest.err);
  REQUIRE(ingest.exit_code == 0);
  return db;
}

}  // namespace

TEST_CASE("enrich asn: the bundled case with ip-location-db names AS58779 and AS133027 (acceptance)") {
  const std::string v4 = repo_path(kIpLocationDir + "/asn-ipv4.csv");
  const std::string v6 = repo_path(kIpLocationDir + "/asn-ipv6.csv");
  REQUIRE_MESSAGE(std::filesystem::exists(v4), v4 << " is missing: run scripts/setup.sh (it npm-packs @ip-location-db/asn)");
  REQUIRE_MESSAGE(std::filesystem::exists(v6), v6 << " is missing: run scripts/setup.sh");
  TempDir dir("enrich-asn-acceptance");
  const std::string db = ingest_seed(dir);

  CommandResult import = spamgraph(db, {"data", "import", "ip-location-db", v4, v6});
  INFO(import.out << import.err);
  REQUIRE(import.exit_code == 0);
  CHECK(import.out.find("imported ip-location-db-asn-ipv4 2026-06-17") != std::string::npos);
  CHECK(import.out.find("imported ip-location-db-asn-ipv6 2026-06-17") != std::string::npos);

  CommandResult enrich = spamgraph(db, {"enrich", "asn"});
  INFO(enrich.out << enrich.err);
  REQUIRE(enrich.exit_code == 0);
  CHECK(enrich.out.find("looked up 3 IPs") != std::string::npos);

  const json shown = run_json(db, {"show", "ip", "103.244.54.137"});
  // The direct edge, with the dataset and its date as provenance...
  const json* in_prefix = find_edge(shown, "in-prefix");
  REQUIRE(in_prefix);
  CHECK((*in_prefix)["key"] == "103.244.52.0/22");
  REQUIRE((*in_prefix)["provenance"].size() == 1);
  CHECK((*in_prefix)["provenance"][0]["kind"] == "dataset");
  CHECK((*in_prefix)["provenance"][0]["ref"].get<std::string>().rfind("ip-location-db-asn-ipv4 2026-06-17 ", 0) == 0);
  CHECK((*in_prefix)["provenance"][0]["time"] == "2026-06-17T00:00:00Z");
  // ...and the whole chain: prefix -> AS -> holder.
  const json& chain = shown["chain"];
  const json* prefix = find_link(chain, "in-prefix");
  const json* origin = find_link(chain, "originated-by");
  const json* holder = find_link(chain, "holder");
  REQUIRE(prefix);
  REQUIRE(origin);
  REQUIRE(holder);
  CHECK((*prefix)["to"]["key"] == "103.244.52.0/22");
  CHECK((*origin)["from"]["key"] == "103.244.52.0/22");
  CHECK((*origin)["to"]["key"] == "AS58779");
  CHECK((*holder)["to"]["kind"] == "org");
  CHECK((*holder)["to"]["key"] == "i4HK Limited");
  CHECK((*origin)["datasets"] == json::array({"ip-location-db-asn-ipv4 2026-06-17"}));

  const json as = run_json(db, {"asn", "AS133027"});
  CHECK(as["asn"] == "AS133027");
  std::set<std::string> prefixes;
  for (const json& p : as["prefixes"]) {
    CHECK(p["dataset"] == "ip-location-db-asn-ipv4");
    CHECK(p["date"] == "2026-06-17");
    prefixes.insert(p["prefix"]);
  }
  for (const char* expected : {"43.251.35.0/24", "43.252.171.0/24", "122.115.77.0/24"})
    CHECK_MESSAGE(prefixes.count(expected), expected);
  REQUIRE(as["names"].size() >= 1);
  CHECK(as["names"][0]["name"] == "i4HK Limited");

  // The graph side of an AS: the IP of the bundled case and its domains.
  const json as58779 = run_json(db, {"asn", "58779"});
  REQUIRE(as58779["ips"].size() == 1);
  CHECK(as58779["ips"][0]["ip"] == "103.244.54.137");
  std::set<std::string> domains;
  for (const json& d : as58779["ips"][0]["domains"]) domains.insert(d);
  CHECK(domains.count("somach789.xyz"));
  CHECK(domains.count("g0zs8omwfqere.link"));

  CommandResult text = spamgraph(db, {"show", "ip", "103.244.54.137"});
  CHECK(text.out.find("-originated-by-> asn AS58779  [ip-location-db-asn-ipv4 2026-06-17]") != std::string::npos);

  // The other links of the chain are entities too: a prefix (any address inside
  // it names it) and an AS (in any of its spellings).
  const json prefix_entity = run_json(db, {"show", "prefix", "103.244.54.0/22"});
  CHECK(prefix_entity["key"] == "103.244.52.0/22");
  const json* origin_edge = find_edge(prefix_entity, "originated-by");
  REQUIRE(origin_edge != nullptr);
  CHECK((*origin_edge)["key"] == "AS58779");
  const json as_entity = run_json(db, {"show", "asn", "as58779"});
  CHECK(as_entity["key"] == "AS58779");
  const json* holder_edge = find_edge(as_entity, "holder");
  REQUIRE(holder_edge != nullptr);
  CHECK((*holder_edge)["key"] == "i4HK Limited");
  CommandResult bad = spamgraph(db, {"show", "asn", "ASX"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("not an AS number") != std::string::npos);
}

TEST_CASE("enrich asn: pyasn fixtures, two datasets, re-import, bad lines, unmatched addresses") {
  TempDir dir("enrich-asn-pyasn");
  const std::string db = ingest_seed(dir);
  const std::string y2014 = test_data("fixtures/ipasn/pyasn/ipasn_20140513.dat.gz");
  const std::string y2015 = test_data("fixtures/ipasn/pyasn/ipasn6_20151101.dat.gz");
  REQUIRE(spamgraph(db, {"data", "import", "pyasn", y2014}).exit_code == 0);
  CommandResult again = spamgraph(db, {"data", "import", "pyasn", y2014});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already imported as pyasn-ipasn 2014-05-13") != std::string::npos);

  // A file with bad lines: named with line numbers, the rest stored, exit 1.
  const std::string bad = dir.path("mine.dat");
  run_command({"/bin/sh", "-c", "printf '1.2.3.0/24\\t64500\\nbroken\\n' > " + bad});
  CommandResult partly = spamgraph(db, {"data", "import", "pyasn", bad, "--date", "2020-02-02", "--name", "mine"});
  CHECK(partly.exit_code == 1);
  CHECK(partly.err.find(bad + ":line 2: ") != std::string::npos);
  CHECK(partly.out.find("imported mine 2020-02-02") != std::string::npos);

  REQUIRE(spamgraph(db, {"data", "import", "pyasn", y2015}).exit_code == 0);
  CommandResult enrich = spamgraph(db, {"enrich", "asn"});
  INFO(enrich.out << enrich.err);
  REQUIRE(enrich.exit_code == 0);
  CHECK(enrich.out.find("unmatched 0") != std::string::npos);

  const json relay = run_json(db, {"show", "ip", "114.113.195.101"});
  const json* prefix = find_link(relay["chain"], "in-prefix");
  REQUIRE(prefix);
  CHECK((*prefix)["to"]["key"] == "114.113.195.0/24");
  CHECK((*prefix)["first_seen"] == "2014-05-13T00:00:00Z");
  CHECK((*prefix)["datasets"] == json::array({"pyasn-ipasn 2014-05-13"}));
  const json* origin = find_link(relay["chain"], "originated-by");
  REQUIRE(origin);
  CHECK((*origin)["to"]["key"] == "AS58779");

  // Both datasets state 103.244.54.0/24 -> AS58779: two provenance entries.
  const json origin_ip = run_json(db, {"show", "ip", "103.244.54.137"});
  const json* edge = find_edge(origin_ip, "in-prefix");
  REQUIRE(edge);
  CHECK((*edge)["key"] == "103.244.54.0/24");
  CHECK((*edge)["count"] == 2);
  REQUIRE((*edge)["provenance"].size() == 2);
  CHECK((*find_link(origin_ip["chain"], "originated-by"))["datasets"] ==
        json::array({"pyasn-ipasn 2014-05-13", "pyasn-ipasn6 2015-11-01"}));

  // Only one dataset by name; a second run adds nothing.
  CommandResult one = spamgraph(db, {"enrich", "asn", "--dataset", "pyasn-ipasn6"});
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("pyasn-ipasn6 2015-11-01") != std::string::npos);
  CHECK(one.out.find("pyasn-ipasn 2014") == std::string::npos);
  CHECK(one.out.find("new observations 0") != std::string::npos);
  CHECK(spamgraph(db, {"enrich", "asn", "--dataset", "nothing-like-it"}).exit_code == 2);
  CHECK(spamgraph(db, {"asn", "ASx"}).exit_code == 2);
}

TEST_CASE("enrich asn: an mmdb read in place is a dataset with its build date") {
  TempDir dir("enrich-asn-mmdb");
  const std::string db = dir.path("graph.db");
  // Addresses the GeoLite2-ASN test database answers (EXPECTED.md), and one it does not.
  run_command({"/bin/sh", "-c",
               "printf '1.128.0.1\\n2600:7000::1\\n8.8.8.8\\n' > " + dir.path("ips.txt")});
  const std::string mmdb = test_data("fixtures/mmdb/maxmind-test-data/GeoLite2-ASN-Test.mmdb");
  CommandResult ingest =
      spamgraph(db, {"ingest", "--format", "indicators", "--source", "test", dir.path("ips.txt")});
  INFO(ingest.out << ingest.err);
  REQUIRE(ingest.exit_code == 0);
  CommandResult enrich = spamgraph(db, {"enrich", "asn", "--mmdb", mmdb});
  INFO(enrich.out << enrich.err);
  REQUIRE(enrich.exit_code == 0);
  CHECK(enrich.out.find("GeoLite2-ASN-Test 2026-02-04") != std::string::npos);
  CHECK(enrich.out.find("8.8.8.8") != std::string::npos);  // unmatched, listed

  const json telstra = run_json(db, {"show", "ip", "1.128.0.1"});
  const json* origin = find_link(telstra["chain"], "originated-by");
  REQUIRE(origin);
  CHECK((*origin)["to"]["key"] == "AS1221");
  CHECK((*origin)["datasets"] == json::array({"GeoLite2-ASN-Test 2026-02-04"}));
  const json* holder = find_link(telstra["chain"], "holder");
  REQUIRE(holder);
  CHECK((*holder)["to"]["key"] == "Telstra Pty Ltd");
  const json* prefix = find_link(telstra["chain"], "in-prefix");
  REQUIRE(prefix);
  CHECK((*prefix)["to"]["key"].get<std::string>().rfind("1.128.0.0/", 0) == 0);

  const json he = run_json(db, {"show", "ip", "2600:7000::1"});
  REQUIRE(find_link(he["chain"], "originated-by"));
  CHECK((*find_link(he["chain"], "originated-by"))["to"]["key"] == "AS6939");

  // The mmdb's prefixes are not copied, but `asn` lists the ones the graph touched.
  const json as = run_json(db, {"asn", "AS1221"});
  CHECK(as["prefixes"].empty());
  REQUIRE(as["graph_prefixes"].size() == 1);
  CHECK(as["graph_prefixes"][0]["dataset"] == "GeoLite2-ASN-Test");
  CHECK(as["graph_prefixes"][0]["format"] == "mmdb");
  REQUIRE(as["ips"].size() == 1);
  CHECK(as["ips"][0]["ip"] == "1.128.0.1");

  // Registered once: a second run, taking the file from the config's `mmdb =` line,
  // reuses the dataset row and adds no observation.
  run_command({"/bin/sh", "-c", "printf 'mmdb = " + mmdb + "\\n' > " + dir.path("config")});
  CommandResult from_config = run_command({SPAMGRAPH_BINARY, "--config", dir.path("config"), "--db", db, "enrich", "asn"});
  INFO(from_config.out << from_config.err);
  REQUIRE(from_config.exit_code == 0);
  CHECK(from_config.out.find("GeoLite2-ASN-Test 2026-02-04") != std::string::npos);
  CHECK(from_config.out.find("new observations 0") != std::string::npos);
  CommandResult datasets = run_command({"/usr/bin/sqlite3", db, "SELECT COUNT(*) FROM dataset"});
  CHECK(datasets.out == "1\n");
}

TEST_CASE("enrich asn: a Country .mmdb gives the country of an IP's network, and no AS") {
  TempDir dir("enrich-asn-country");
  const std::string db = dir.path("graph.db");
  run_command({"/bin/sh", "-c", "printf '89.160.20.112\\n2001:218::1\\n' > " + dir.path("ips.txt")});
  CommandResult ingest = spamgraph(db, {"ingest", "--format", "indicators", "--source", "test", dir.path("ips.txt")});
  REQUIRE(ingest.exit_code == 0);
  CommandResult enrich = spamgraph(
      db, {"enrich", "asn", "--mmdb", test_data("fixtures/mmdb/maxmind-test-data/GeoLite2-Country-Test.mmdb")});
  INFO(enrich.out << enrich.err);
  REQUIRE(enrich.exit_code == 0);
  for (const auto& [ip, country] : {std::pair{"89.160.20.112", "SE"}, std::pair{"2001:218::1", "JP"}}) {
    const json shown = run_json(db, {"show", "ip", ip});
    INFO(shown.dump(2));
    const json* located = find_link(shown["chain"], "country");
    REQUIRE(located != nullptr);
    CHECK((*located)["to"]["key"] == country);
    CHECK(find_link(shown["chain"], "originated-by") == nullptr);  // a Country database names no AS
  }
}
