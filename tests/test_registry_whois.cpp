// enrich whois / enrich irr / whois against a real port-43 server on 127.0.0.1
// (tests/whois_fixture_server.py) answering for the motivating network with
// answers in the registries' shapes (tests/data/registry/whois/, see SOURCES.md).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "core/observation.h"
#include "enrich/registry/whois_facts.h"
#include "store/datasets.h"
#include "store/store.h"
#include "tests/helpers.h"
#include "tests/registry_facts.h"
#include "tests/whois_test_server.h"

using namespace sg;

TEST_CASE("registry: whois facts of recorded RIR answers name the network, holder, country and abuse contact") {
  const UnixTime now = 1700000000;
  const auto arin = registry::whois_facts(read_file(test_data("fixtures/whois/rir/whois.arin.net__74.125.225.229.txt")),
                                          EntityRef{EntityKind::ip, "74.125.225.229"}, now);
  CHECK(has_fact(arin, "74.125.225.229", kRegisteredIn, "74.125.0.0/16"));
  CHECK(has_fact(arin, "74.125.0.0/16", kHolder, "Google Inc."));
  CHECK(has_fact(arin, "74.125.0.0/16", kCountry, "US"));
  CHECK(has_fact(arin, "74.125.0.0/16", kAbuseContact, "arin-contact@google.com"));
  CHECK(attribute(arin, "74.125.0.0/16", "network-name") == "GOOGLE");
  CHECK(attribute(arin, "74.125.0.0/16", "registered") == "2007-03-13");

  // LACNIC: a short IPv4 prefix, CRLF, the abuse-c handle's object.
  const auto lacnic = registry::whois_facts(
      read_file(test_data("fixtures/whois/rir/whois.lacnic.net__200.57.141.161.txt")),
      EntityRef{EntityKind::ip, "200.57.141.161"}, now);
  CHECK(has_fact(lacnic, "200.57.141.161", kRegisteredIn, "200.57.128.0/19"));
  CHECK(has_fact(lacnic, "200.57.128.0/19", kHolder, "Triara.com, S.A. de C.V."));
  CHECK(has_fact(lacnic, "200.57.128.0/19", kAbuseContact, "operacion.redes@triara.com"));
  CHECK(attribute(lacnic, "200.57.128.0/19", "registered") == "2000-12-04");

  // APNIC, a KRNIC block: the most specific of two inetnums, the IRT's abuse mailbox.
  const auto apnic = registry::whois_facts(read_file(test_data("fixtures/whois/rir/whois.apnic.net__210.107.73.73.txt")),
                                           EntityRef{EntityKind::ip, "210.107.73.73"}, now);
  CHECK(has_fact(apnic, "210.107.73.73", kRegisteredIn, "210.107.0.0/17"));
  CHECK(has_fact(apnic, "210.107.0.0/17", kAbuseContact, "hostmaster@nic.or.kr"));
  CHECK(has_fact(apnic, "210.107.0.0/17", kMaintainedBy, "APNIC-HM"));
}

TEST_CASE("registry: IRR route objects become route entities with origin and maintainer") {
  const auto facts = registry::irr_facts(
      read_file(test_data("fixtures/whois/irr/whois.radb.net__origin_AS2856__from_62.239.237.1.txt")), 1700000000);
  const std::string key = "192.151.16.0/20 AS2856 RADB";
  CHECK(has_fact(facts, "192.151.16.0/20", kRouteObject, key));
  CHECK(has_fact(facts, key, kRouteOrigin, "AS2856"));
  CHECK(has_fact(facts, key, kMaintainedBy, "MAINT-AS3491"));
  CHECK(attribute(facts, key, "descr") == "Proxy-registered route object");
  CHECK(attribute(facts, key, "last-changed") == "2008-11-24");
  CHECK(attribute(facts, key, "remarks").find("exported under this origin AS") != std::string::npos);
  // Hostile bytes: no crash, nothing invented.
  static constexpr char kHostile[] = "route: \xff\x00/99\norigin: AS\n";
  CHECK(registry::irr_facts(std::string(kHostile, sizeof kHostile - 1), 0).observations.empty());
}

TEST_CASE("registry: enrich whois and irr explain 114.113.195.101 from local servers, and a second run sends nothing") {
  TempDir dir("registry-whois");
  auto server = WhoisTestServer::start(test_data("registry/whois"));
  REQUIRE(server.has_value());
  const std::string address = "127.0.0.1:" + std::to_string((*server)->port());
  const std::string db = dir.path("t.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);

  const auto whois = [&] {
    return run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "whois", "--whois-server", address, "--json"});
  };
  const auto irr = [&] {
    return run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "irr", "--irr-server", address, "--json"});
  };
  CommandResult first = whois();
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  const auto summary = nlohmann::json::parse(first.out);
  CHECK(summary["status"]["OK"] == 1);  // the IP the answers know; the others: "No entries found"
  CHECK(summary["lookups_stored"] == summary["sent"]);
  REQUIRE(irr().exit_code == 0);       // the prefix's route object names AS133027...
  REQUIRE(whois().exit_code == 0);     // ...which the registry is asked about now
  REQUIRE(irr().exit_code == 0);       // and the IRR for its other prefixes
  REQUIRE(irr().exit_code == 0);       // and for the prefixes those route objects brought

  const size_t asked = (*server)->queries().size();
  CommandResult again = whois();
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["sent"] == 0);
  CHECK(nlohmann::json::parse(irr().out)["sent"] == 0);
  CHECK((*server)->queries().size() == asked);

  CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "ip", "114.113.195.101", "--json"});
  REQUIRE_MESSAGE(show.exit_code == 0, show.err);
  const auto report = nlohmann::json::parse(show.out);
  std::vector<std::string> links;
  for (const auto& link : report["chain"])
    links.push_back(link["from"]["key"].get<std::string>() + " " + link["relation"].get<std::string>() + " " +
                    link["to"]["key"].get<std::string>());
  const auto has = [&](const std::string& link) { return std::find(links.begin(), links.end(), link) != links.end(); };
  CHECK(has("114.113.195.101 registered-in 114.113.195.0/24"));
  CHECK(has("114.113.195.0/24 country HK"));
  CHECK(has("114.113.195.0/24 holder Eric Tam"));
  CHECK(has("114.113.195.0/24 abuse-contact abuse@et355.example"));
  CHECK(has("114.113.195.0/24 route-object 114.113.195.0/24 AS133027 RADB"));
  CHECK(has("114.113.195.0/24 AS133027 RADB route-origin AS133027"));
  CHECK(has("114.113.195.0/24 AS133027 RADB mnt-by MAINT-AS3491"));
  CHECK(has("AS133027 holder ET355-AS Eric Tam"));
  REQUIRE(report["notes"].size() == 1);
  CHECK(report["notes"][0].get<std::string>().find("maintained by MAINT-AS3491, not by AS133027") !=
        std::string::npos);

  // The AS's other route objects are in the graph: what else it holds.
  CommandResult as = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "asn", "AS133027", "--json"});
  REQUIRE(as.exit_code == 0);
  const auto as_report = nlohmann::json::parse(as.out);
  bool as_name = false;  // an attribute, with its source
  for (const auto& a : as_report["attributes"])
    as_name |= a["name"] == "as-name" && a["value"] == "ET355-AS" && a["source"] == "lookup" &&
               a["ref"].get<std::string>().rfind("whois AS133027 OK from 127.0.0.1:", 0) == 0;
  CHECK(as_name);
  std::string routes;
  for (const auto& edge : as_report["edges"])
    if (edge["relation"] == "route-origin") routes += edge["key"].get<std::string>() + ";";
  for (const char* prefix : {"114.113.195.0/24", "122.115.76.0/24", "191.101.60.0/24", "223.252.175.0/24"})
    CHECK(routes.find(std::string(prefix) + " AS133027 RADB") != std::string::npos);

  // Every answer was stored before it was derived: the raw bytes are in `lookup`.
  auto store = Store::open(db, StoreAccess::read);
  REQUIRE(store.has_value());
  auto count = (*store)->database().prepare(
      "SELECT count(*) FROM lookup WHERE source IN ('whois', 'irr') AND length(answer) > 0");
  REQUIRE(count.step());
  CHECK(count.int64(0) == static_cast<int64_t>(asked));
}

TEST_CASE("registry: the whois command shows the answer and its server, and errors name the server") {
  auto server = WhoisTestServer::start(test_data("registry/whois"));
  REQUIRE(server.has_value());
  const std::string port = std::to_string((*server)->port());
  CommandResult result = run_command({SPAMGRAPH_BINARY, "whois", "AS133027", "-h", "127.0.0.1", "-p", port, "--json"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["hops"][0]["server"] == "127.0.0.1");
  CHECK(json["hops"][0]["parsed"]["objects"][0]["class"] == "aut-num");
  CommandResult text = run_command({SPAMGRAPH_BINARY, "whois", "AS133027", "-h", "127.0.0.1:" + port});
  CHECK(text.out.find("as-name:        ET355-AS") != std::string::npos);
  CommandResult silent = run_command({SPAMGRAPH_BINARY, "whois", "silent", "-h", "127.0.0.1", "-p", port, "--timeout", "1"});
  CHECK(silent.exit_code == 2);
  CHECK(silent.err.find("127.0.0.1") != std::string::npos);
}
