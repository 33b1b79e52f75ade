// enrich rdap against a real HTTP server on 127.0.0.1 (tests/http_fixture_server.py)
// serving RDAP answers for the motivating network (tests/data/registry/rdap/), and
// rdap_facts over the recorded answers of real registries.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "core/observation.h"
#include "enrich/rdap/rdap.h"
#include "enrich/registry/rdap_facts.h"
#include "store/datasets.h"
#include "tests/helpers.h"
#include "tests/registry_facts.h"
#include "tests/http_test_server.h"

using namespace sg;

namespace {

registry::Facts facts_of(const std::string& file, const EntityRef& asked) {
  auto answer = rdap::parse_rdap_answer(200, read_file(test_data("fixtures/rdap/" + file)));
  REQUIRE(answer.has_value());
  return registry::rdap_facts(*answer, asked, 1700000000);
}

}  // namespace

TEST_CASE("registry: rdap facts of recorded answers, an autnum, a network and a domain") {
  const auto as = facts_of("whoisit-recorded/arin__registry_autnum_13335.json", EntityRef{EntityKind::asn, "AS13335"});
  CHECK(attribute(as, "AS13335", "as-name") == "CLOUDFLARENET");
  CHECK(has_fact(as, "AS13335", kAbuseContact, "abuse@cloudflare.com"));
  CHECK(has_fact(as, "AS13335", kHolder, "CLOUDFLARENET Cloudflare, Inc."));

  const auto net = facts_of("whoisit-recorded/apnic__ip_1.1.1.1.json", EntityRef{EntityKind::ip, "1.1.1.1"});
  CHECK(has_fact(net, "1.1.1.1", kRegisteredIn, "1.1.1.0/24"));
  CHECK(has_fact(net, "1.1.1.0/24", kCountry, "AU"));
  CHECK(has_fact(net, "1.1.1.0/24", kAbuseContact, "helpdesk@apnic.net"));

  const auto domain = facts_of("whoisit-recorded/verisign__com_v1_domain_google.com.json",
                               EntityRef{EntityKind::domain, "google.com"});
  CHECK(has_fact(domain, "google.com", registry::kRegistrar, "MarkMonitor Inc."));
  CHECK(has_fact(domain, "google.com", Relation{"ns"}, "ns1.google.com"));
  CHECK(attribute(domain, "google.com", "registered") == "1997-09-15");
  CHECK(attribute(domain, "google.com", "registrar-iana-id") == "292");

  // A 404 is an answer with no facts.
  auto missing = rdap::parse_rdap_answer(404, R"({"errorCode":404,"title":"Not Found"})");
  REQUIRE(missing.has_value());
  CHECK(registry::rdap_facts(*missing, EntityRef{EntityKind::ip, "192.0.2.1"}, 0).observations.empty());
}

TEST_CASE("registry: enrich rdap asks a local server for the seed's IPs, stores every answer, and asks nothing twice") {
  TempDir dir("registry-rdap");
  auto server = HttpTestServer::start(test_data("registry/rdap"));
  REQUIRE(server.has_value());
  const std::string db = dir.path("t.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);
  const auto enrich = [&] {
    return run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "rdap", "--rdap-base", (*server)->url("/"),
                        "--no-domains", "--json"});
  };
  CommandResult first = enrich();
  const auto summary = nlohmann::json::parse(first.out);
  CHECK(summary["status"]["200"] == 1);  // 114.113.195.101; the other IPs are 404s, answers too
  CHECK(summary["status"]["404"].get<int>() >= 1);
  CHECK(summary["failed"].empty());
  CHECK(first.exit_code == 0);

  CommandResult again = enrich();
  CHECK(nlohmann::json::parse(again.out)["sent"] == 0);

  CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "ip", "114.113.195.101", "--json"});
  REQUIRE(show.exit_code == 0);
  const auto report = nlohmann::json::parse(show.out);
  std::string links;
  for (const auto& link : report["chain"])
    links += link["from"]["key"].get<std::string>() + " " + link["relation"].get<std::string>() + " " +
             link["to"]["key"].get<std::string>() + "\n";
  CHECK(links.find("114.113.195.101 registered-in 114.113.195.0/24\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 holder Eric Tam\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 country HK\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 abuse-contact abuse@et355.example\n") != std::string::npos);
  CommandResult prefix = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "prefix", "114.113.195.0/24"});
  CHECK(prefix.out.find("network-name       ET355-HK") != std::string::npos);
  CHECK(prefix.out.find("registered         2019-06-12") != std::string::npos);
}
