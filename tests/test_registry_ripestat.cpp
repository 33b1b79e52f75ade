// enrich bgp against a real HTTP server on 127.0.0.1 (tests/http_fixture_server.py)
// serving RIPEstat answers for the motivating network (tests/data/registry/ripestat/),
// ripestat_facts over real recorded answers, and what `asn --history` and
// `shares AS` make of the time lines.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "core/observation.h"
#include "core/time.h"
#include "enrich/registry/ripestat_facts.h"
#include "store/datasets.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"
#include "tests/registry_facts.h"

using namespace sg;

namespace {

registry::Facts facts_of(std::string_view call, const std::string& file, const EntityRef& asked) {
  auto facts = registry::ripestat_facts(call, read_file(test_data(file)), asked, 1700000000);
  REQUIRE_MESSAGE(facts.has_value(), (facts ? "" : facts.error().to_string()));
  return *facts;
}

// Whether `facts` observe subject -relation-> object at `time` (ISO 8601).
bool observed_at(const registry::Facts& facts, std::string_view subject, Relation relation, std::string_view object,
                 std::string_view time) {
  const auto when = parse_iso8601(time);
  REQUIRE(when.has_value());
  for (const Observation& o : facts.observations)
    if (o.subject.key == subject && o.relation == relation && o.object.key == object && o.time == *when) return true;
  return false;
}

}  // namespace

TEST_CASE("registry: ripestat facts of real recorded answers keep each time line's own dates") {
  const std::string dir = "fixtures/ripestat/andrelia-2025-06/";
  const EntityRef as3333{EntityKind::asn, "AS3333"};
  auto announced = facts_of(registry::kAnnouncedPrefixes, dir + "announced_prefixes.json", as3333);
  CHECK(observed_at(announced, "2001:67c:2e8::/48", kOriginatedBy, "AS3333", "2020-12-12T16:00:00"));
  CHECK(observed_at(announced, "2001:67c:2e8::/48", kOriginatedBy, "AS3333", "2025-06-11T08:00:00"));
  CHECK_FALSE(observed_at(announced, "2001:67c:2e8::/48", kOriginatedBy, "AS3333", "2023-11-14T22:13:20"));

  auto history = facts_of(registry::kRoutingHistory, dir + "routing_history.json", as3333);
  CHECK(observed_at(history, "67.199.138.0/24", kOriginatedBy, "AS3333", "2014-10-13T00:00:00"));
  CHECK(observed_at(history, "67.199.138.0/24", kOriginatedBy, "AS3333", "2014-10-24T23:59:59"));

  const EntityRef ripe_ip{EntityKind::ip, "140.78.90.50"};
  auto network = facts_of(registry::kNetworkInfo, dir + "network_info.json", ripe_ip);
  REQUIRE_FALSE(network.observations.empty());
  CHECK(network.observations.front().subject == ripe_ip);
  CHECK(network.observations.front().relation == kInPrefix);
  CHECK(network.observations.front().time == 1700000000);  // no time line: the query's time
  CHECK(has_fact(network, "140.78.90.50", kInPrefix, "140.78.0.0/16"));
  CHECK(has_fact(network, "140.78.0.0/16", kOriginatedBy, "AS1205"));

  auto overview = facts_of(registry::kAsOverview, dir + "as_overview.json", as3333);
  CHECK(has_fact(overview, "AS3333", kHolder, "RIPE-NCC-AS - Reseaux IP Europeens Network Coordination Centre (RIPE NCC)"));
  CHECK(attribute(overview, "AS3333", "announced") == "yes");

  const EntityRef ripe_prefix{EntityKind::prefix, "193.0.0.0/21"};
  auto prefix_overview = facts_of(registry::kPrefixOverview, dir + "prefix_overview.json", ripe_prefix);
  CHECK(has_fact(prefix_overview, "193.0.0.0/21", kOriginatedBy, "AS3333"));
  CHECK(attribute(prefix_overview, "193.0.0.0/21", "iana-block") == "193.0.0.0/8 RIPE NCC (Status: ALLOCATED)");

  auto abuse = facts_of(registry::kAbuseContactFinder, dir + "abuse_contact_finder.json", ripe_prefix);
  CHECK(has_fact(abuse, "193.0.0.0/21", kAbuseContact, "abuse@ripe.net"));
  CHECK(attribute(abuse, "193.0.0.0/21", "authoritative-rir") == "ripe");
}

TEST_CASE("registry: ripestat facts of an error answer are none, and of a broken body an error") {
  const EntityRef as{EntityKind::asn, "AS64500"};
  auto error = registry::ripestat_facts(
      registry::kAnnouncedPrefixes,
      R"({"status":"error","status_code":400,"messages":[["error","invalid resource"]],"data":{}})", as, 1);
  REQUIRE(error.has_value());
  CHECK(error->observations.empty());
  auto broken = registry::ripestat_facts(registry::kAnnouncedPrefixes, "{\"data\": {\"prefixes\": [{", as, 1);
  CHECK_FALSE(broken.has_value());
  auto unknown = registry::ripestat_facts("looking-glass", "{}", as, 1);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().where == "looking-glass");
}

TEST_CASE("registry: enrich bgp asks a local server, follows the network an IP is in, and asks nothing twice") {
  TempDir dir("registry-bgp");
  auto server = HttpTestServer::start(test_data("registry/ripestat"));
  REQUIRE(server.has_value());
  const std::string db = dir.path("t.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);
  const auto enrich = [&](const std::string& max_age) {
    return run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "bgp", "--ripestat-url", (*server)->url("/"), "--now",
                        "2026-12-07",
                        "--sourceapp", "spamgraph-tests", "--max-age", max_age, "--json"});
  };
  CommandResult first = enrich("7d");
  INFO(first.out, first.err);
  const auto summary = nlohmann::json::parse(first.out);
  // 114.113.195.101's network-info names 114.113.195.0/24 and AS133027: both are asked about too.
  CHECK(summary["followed"] == 5);
  CHECK(summary["status"]["200"] == 6);
  CHECK(summary["status"]["404"].get<int>() >= 1);  // the seed's other IPs: no recorded answer
  CHECK(summary["failed"].empty());
  CHECK(first.exit_code == 0);
  std::string arrivals;
  for (const auto& arrival : (*server)->arrivals()) arrivals += arrival.path + "\n";
  CHECK(arrivals.find("/data/announced-prefixes/data.json?resource=AS133027&sourceapp=spamgraph-tests&starttime=") !=
        std::string::npos);

  CHECK(nlohmann::json::parse(enrich("7d").out)["sent"] == 0);
  CommandResult offline =
      run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "bgp", "--max-age", "0", "--offline", "--no-follow"});
  CHECK(offline.out.find("asn AS133027  announced-prefixes") != std::string::npos);

  CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "ip", "114.113.195.101", "--json"});
  REQUIRE(show.exit_code == 0);
  const auto shown_ip = nlohmann::json::parse(show.out);
  std::string links;
  for (const auto& link : shown_ip["chain"])
    links += link["from"]["key"].get<std::string>() + " " + link["relation"].get<std::string>() + " " +
             link["to"]["key"].get<std::string>() + "\n";
  INFO(links);
  CHECK(links.find("114.113.195.101 in-prefix 114.113.195.0/24\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 originated-by AS133027\n") != std::string::npos);
  CHECK(links.find("AS133027 holder ET355-AS Eric Tam\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 abuse-contact abuse@et355.example\n") != std::string::npos);

  CommandResult history = run_command({SPAMGRAPH_BINARY, "--db", db, "asn", "AS133027", "--history", "--json"});
  INFO(history.out, history.err);
  REQUIRE(history.exit_code == 0);
  const auto rows = nlohmann::json::parse(history.out)["history"];
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["prefix"] == "114.113.195.0/24");
  CHECK(rows[0]["first"] == "2019-07-02T00:00:00Z");  // routing-history starts the day before announced-prefixes' 08:00
  CHECK(rows[0]["last"] == "2026-12-07T00:00:00Z");  // network-info: announced when asked
  CHECK(rows[2]["prefix"] == "191.101.60.0/24");
  CHECK(rows[2]["first"] == "2020-03-15T00:00:00Z");
  CHECK(rows[3]["prefix"] == "223.252.175.0/24");
  CHECK(rows[3]["first"] == "2021-01-20T00:00:00Z");
  CHECK(rows[3]["sources"][0]["source"] == "ripestat");
  CommandResult history_text = run_command({SPAMGRAPH_BINARY, "--db", db, "asn", "AS133027", "--history"});
  CHECK(history_text.out.find("122.115.76.0/24") != std::string::npos);
  CHECK(history_text.out.find("2019-07-02") != std::string::npos);

  CommandResult shares = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "AS133027", "--json"});
  INFO(shares.err);
  REQUIRE(shares.exit_code == 0);
  const auto shared = nlohmann::json::parse(shares.out);
  std::string domains;
  for (const auto& link : shared) domains += link["domain"].get<std::string>() + "\n";
  CHECK(domains.find("leadw.link\n") != std::string::npos);  // re27.leadw.link, the relay's HELO
  CHECK(domains.find("re27.leadw.link") == std::string::npos);
  CHECK(domains.find("i4hk.com\n") == std::string::npos);  // 103.244.54.137's PTR: not AS133027's
}
