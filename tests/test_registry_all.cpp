// enrich all against every local registry server at once: the WHOIS/IRR server
// (tests/whois_fixture_server.py) and one HTTP server for RDAP and RIPEstat
// (tests/http_fixture_server.py), all on 127.0.0.1, answering for the
// motivating network. What the blog author had to ask Robtex for, asked once.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/helpers.h"
#include "tests/http_test_server.h"
#include "tests/whois_test_server.h"

using namespace sg;

TEST_CASE("registry: enrich all explains 114.113.195.101 and AS133027, and a second run sends nothing") {
  TempDir dir("registry-all");
  auto whois = WhoisTestServer::start(test_data("registry/whois"));
  REQUIRE(whois.has_value());
  auto http = HttpTestServer::start(test_data("registry"));
  REQUIRE(http.has_value());
  const std::string whois_address = "127.0.0.1:" + std::to_string((*whois)->port());
  const std::string db = dir.path("t.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);
  const auto enrich_all = [&] {
    return run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "all", "--whois-server", whois_address,
                        "--irr-server", whois_address, "--rdap-base", (*http)->url("/rdap/"), "--ripestat-url",
                        (*http)->url("/ripestat"), "--no-domains", "--skip", "cymru", "--rate", "127.0.0.1=20/s,4", "--now",
                        "2026-12-07", "--json"});
  };
  CommandResult first = enrich_all();
  INFO(first.out, first.err);
  REQUIRE(first.exit_code == 0);
  const auto summary = nlohmann::json::parse(first.out);
  CHECK_FALSE(summary.contains("cymru"));  // skipped: its DNS test server is another test's
  for (const char* source : {"bgp", "whois", "irr", "rdap"}) {
    CAPTURE(source);
    CHECK(summary[source]["sent"].get<int>() > 0);
    CHECK(summary[source]["failed"].empty());
  }
  const size_t whois_asked = (*whois)->queries().size();
  const size_t http_asked = (*http)->arrivals().size();

  CommandResult again = enrich_all();
  REQUIRE(again.exit_code == 0);
  const auto second = nlohmann::json::parse(again.out);
  for (const char* source : {"bgp", "whois", "irr", "rdap"}) {
    CAPTURE(source);
    CHECK(second[source]["sent"] == 0);
  }
  CHECK((*whois)->queries().size() == whois_asked);
  CHECK((*http)->arrivals().size() == http_asked);

  // show ip: prefix, origin, holder, country, route object and maintainer, abuse contact.
  CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "ip", "114.113.195.101"});
  REQUIRE(show.exit_code == 0);
  for (const char* line : {"114.113.195.101 -in-prefix-> prefix 114.113.195.0/24",
                           "114.113.195.0/24 -originated-by-> asn AS133027",
                           "114.113.195.0/24 -holder-> org Eric Tam",
                           "114.113.195.0/24 -country-> country HK",
                           "114.113.195.0/24 -route-object-> route 114.113.195.0/24 AS133027 RADB",
                           "-mnt-by-> maintainer MAINT-AS3491",
                           "114.113.195.0/24 -abuse-contact-> email abuse@et355.example",
                           "not by AS133027"}) {
    CAPTURE(line);
    CHECK(show.out.find(line) != std::string::npos);
  }

  // asn --history: the four prefixes, with the dates BGP saw them and the route objects.
  CommandResult history = run_command({SPAMGRAPH_BINARY, "--db", db, "asn", "AS133027", "--history", "--json"});
  REQUIRE(history.exit_code == 0);
  const auto rows = nlohmann::json::parse(history.out)["history"];
  std::vector<std::string> prefixes;
  for (const auto& row : rows) prefixes.push_back(row["prefix"]);
  CHECK(prefixes == std::vector<std::string>{"114.113.195.0/24", "122.115.76.0/24", "191.101.60.0/24",
                                             "223.252.175.0/24"});
  std::vector<std::string> sources;
  for (const auto& source : rows[1]["sources"]) sources.push_back(source["source"]);
  CHECK(sources == std::vector<std::string>{"ripestat", "route object RADB"});
  CHECK(rows[1]["first"] == "2019-07-02T08:00:00Z");

  // shares AS133027: the domains behind any of its prefixes.
  CommandResult shares = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "AS133027"});
  REQUIRE(shares.exit_code == 0);
  CHECK(shares.out.find("leadw.link") != std::string::npos);  // the relay's HELO re27.leadw.link
  CHECK(shares.out.find("re27.leadw.link") == std::string::npos);
  CHECK(shares.out.find("AS133027 (4 prefixes)") != std::string::npos);
}
