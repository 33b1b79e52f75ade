// enrich cymru: the facts of Team Cymru's answers (the recorded shapes of
// tests/data/fixtures/cymru/), and whole runs against real local servers: unbound
// (tests/dns_test_server.h) serving the origin and AS TXT names, and the port-43
// fixture server (tests/whois_fixture_server.py) answering a bulk request from
// tests/data/registry/cymru/bulk. Both answer for the bundled seed case.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "core/observation.h"
#include "enrich/registry/cymru_facts.h"
#include "enrich/registry/enrich_cymru.h"
#include "store/datasets.h"
#include "store/store.h"
#include "tests/dns_test_server.h"
#include "tests/helpers.h"
#include "tests/python_test_server.h"
#include "tests/registry_facts.h"
#include "tests/whois_test_server.h"

using namespace sg;

namespace {

const char* kOrigin = "133027 | 114.113.195.0/24 | HK | apnic | 2014-05-20";
const char* kAs = "133027 | HK | apnic | 2014-05-20 | ET355-AS Eric Tam, HK";

// The TXT names Team Cymru would answer for the seed's IPs: the two of
// 114.113.195.0/24 and their AS; 103.244.54.137 has no record (NXDOMAIN).
DnsZone cymru_zone(const std::string& origin = kOrigin, const std::string& as = kAs) {
  DnsZone zone;
  zone.zones.emplace_back("asn.cymru.com.", "static");
  zone.add("101.195.113.114.origin.asn.cymru.com. 300 IN TXT \"" + origin + "\"");
  zone.add("11.195.113.114.origin.asn.cymru.com. 300 IN TXT \"" + origin + "\"");
  zone.add("AS133027.asn.cymru.com. 300 IN TXT \"" + as + "\"");
  return zone;
}

// A store holding the ingested seed case.
struct Seeded {
  TempDir dir{"registry-cymru"};
  std::string db = dir.path("t.db");
  Seeded() { REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0); }

  CommandResult enrich(std::vector<std::string> flags) const {
    std::vector<std::string> argv{SPAMGRAPH_BINARY, "--db", db, "enrich", "cymru", "--json"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run_command(argv);
  }

  // The chain of `show ip`, one "FROM RELATION TO [SOURCES]" line per link.
  std::string chain(const std::string& ip) const {
    CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "ip", ip, "--json"});
    REQUIRE_MESSAGE(show.exit_code == 0, show.err);
    std::string links;
    const auto report = nlohmann::json::parse(show.out);
    for (const auto& link : report["chain"]) {
      links += link["from"]["key"].get<std::string>() + " " + link["relation"].get<std::string>() + " " +
               link["to"]["key"].get<std::string>() + " [";
      for (const auto& source : link["datasets"]) links += source.get<std::string>().substr(0, 5);
      links += "]\n";
    }
    return links;
  }

  // status, server and answer of the cymru lookup asked as `query`.
  std::vector<std::string> lookup(const std::string& query) const {
    auto store = Store::open(db, StoreAccess::read);
    REQUIRE(store.has_value());
    auto row = (*store)->database().prepare("SELECT status, server, answer FROM lookup WHERE source = 'cymru' AND query = ?1");
    row.bind(1, query);
    REQUIRE(row.step());
    return {row.text(0), row.text(1), row.text(2)};
  }

  int64_t count(const std::string& sql) const {
    auto store = Store::open(db, StoreAccess::read);
    REQUIRE(store.has_value());
    auto statement = (*store)->database().prepare(sql);
    REQUIRE(statement.step());
    return statement.int64(0);
  }
};

// What Team Cymru says of 114.113.195.101, as `show ip` shows it.
void check_chain(const Seeded& seeded) {
  const std::string links = seeded.chain("114.113.195.101");
  CHECK_MESSAGE(links.find("114.113.195.101 in-prefix 114.113.195.0/24 [cymru]\n") != std::string::npos, links);
  CHECK(links.find("114.113.195.0/24 originated-by AS133027 [cymru]\n") != std::string::npos);
  CHECK(links.find("114.113.195.0/24 country HK [cymru]\n") != std::string::npos);
  CHECK(links.find("AS133027 holder ET355-AS Eric Tam [cymru]\n") != std::string::npos);
}

}  // namespace

TEST_CASE("registry: cymru facts of TXT and bulk answers name the prefix, its origins, country and the AS holder") {
  const UnixTime now = 1700000000;
  const EntityRef ip{EntityKind::ip, "114.113.195.101"};
  const auto origin = registry::cymru_origin_facts(std::string(kOrigin) + "\n", ip, now);
  CHECK(has_fact(origin, "114.113.195.101", kInPrefix, "114.113.195.0/24"));
  CHECK(has_fact(origin, "114.113.195.0/24", kOriginatedBy, "AS133027"));
  CHECK(has_fact(origin, "114.113.195.0/24", kCountry, "HK"));
  CHECK(attribute(origin, "114.113.195.0/24", "registry") == "apnic");
  CHECK(attribute(origin, "114.113.195.0/24", "allocated") == "2014-05-20");
  CHECK(origin.skipped.empty());

  // MOAS (the fixture's "3356 23028 | 192.0.2.0/24"), and the most specific of two prefixes.
  const std::string fixture = read_file(test_data("fixtures/cymru/origin_txt.txt"));
  const auto moas = registry::cymru_origin_facts(
      fixture + "64500 | 192.0.0.0/16 | US | arin | 1990-01-01\n", EntityRef{EntityKind::ip, "192.0.2.7"}, now);
  CHECK(has_fact(moas, "192.0.2.0/24", kOriginatedBy, "AS3356"));
  CHECK(has_fact(moas, "192.0.2.0/24", kOriginatedBy, "AS23028"));
  CHECK(has_fact(moas, "192.0.2.7", kInPrefix, "192.0.2.0/24"));
  CHECK_FALSE(has_fact(moas, "192.0.2.7", kInPrefix, "192.0.0.0/16"));
  CHECK(has_fact(moas, "192.0.0.0/16", kOriginatedBy, "AS64500"));
  CHECK_FALSE(has_fact(moas, "216.90.108.0/24", kOriginatedBy, "AS23028"));  // does not hold the address
  CHECK(moas.skipped.size() == 3);
  const auto v6 = registry::cymru_origin_facts(fixture, EntityRef{EntityKind::ip, "2001:470::1"}, now);
  CHECK(has_fact(v6, "2001:470::1", kInPrefix, "2001:470::/32"));

  const auto as = registry::cymru_as_facts(read_file(test_data("fixtures/cymru/as_txt.txt")),
                                           EntityRef{EntityKind::asn, "AS133027"}, now);
  CHECK(has_fact(as, "AS133027", kHolder, "ET355-AS Eric Tam"));
  CHECK(has_fact(as, "AS133027", kCountry, "HK"));
  CHECK(attribute(as, "AS133027", "allocated") == "2014-05-20");
  CHECK_FALSE(has_fact(as, "AS23028", kHolder, "TEAM-CYMRU - Team Cymru Inc."));  // about another AS
  CHECK(registry::cymru_holder_name("TEAM-CYMRU - Team Cymru Inc., US") == "TEAM-CYMRU - Team Cymru Inc.");
  CHECK(registry::cymru_holder_name("NO COUNTRY") == "NO COUNTRY");

  const std::string bulk = read_file(test_data("fixtures/cymru/bulk_verbose.txt"));
  const auto rows = registry::cymru_bulk_facts(bulk, ip, now);
  CHECK(has_fact(rows, "114.113.195.101", kInPrefix, "114.113.195.0/24"));
  CHECK(has_fact(rows, "114.113.195.0/24", kOriginatedBy, "AS133027"));
  CHECK(has_fact(rows, "AS133027", kHolder, "ET355-AS Eric Tam"));
  CHECK_FALSE(has_fact(rows, "216.90.108.31", kInPrefix, "216.90.108.0/24"));  // another address's row
  CHECK(registry::cymru_bulk_facts(bulk, EntityRef{EntityKind::ip, "10.0.0.1"}, now).observations.empty());

  // Garbage of every kind: nothing invented, every bad line said.
  static constexpr char kGarbage[] = "\xff\x00 | | \n133027 | not a prefix\n|||||||\n\x1b[31m\n";
  const std::string garbage(kGarbage, sizeof kGarbage - 1);
  const auto bad = registry::cymru_origin_facts(garbage, ip, now);
  CHECK(bad.observations.empty());
  CHECK(bad.skipped.size() == 4);
  CHECK(registry::cymru_as_facts(garbage, EntityRef{EntityKind::asn, "AS133027"}, now).observations.empty());
  CHECK(registry::cymru_bulk_facts(garbage, ip, now).observations.empty());
  CHECK(registry::cymru_bulk_facts("Bulk mode;\n" + garbage, ip, now).observations.empty());
}

TEST_CASE("registry: enrich cymru asks a local unbound for the seed's IPs and their AS, and a second run sends nothing") {
  auto dns = DnsTestServer::start(cymru_zone());
  REQUIRE_MESSAGE(dns.has_value(), (dns ? "" : dns.error().to_string()));
  Seeded seeded;
  const std::string resolver = (*dns)->address();

  CommandResult plan = seeded.enrich({"--cymru-resolver", resolver, "--offline"});
  REQUIRE_MESSAGE(plan.exit_code == 0, plan.err);
  const auto planned = nlohmann::json::parse(plan.out);
  CHECK(planned["bulk"] == false);
  CHECK(planned["planned"] == 3);  // the seed's three public IPs; no AS known yet
  bool origin_name = false;
  for (const auto& query : planned["would_query"])
    origin_name |= query["query"] == "origin 114.113.195.101" && query["name"] == "101.195.113.114.origin.asn.cymru.com";
  CHECK(origin_name);
  CommandResult limited = seeded.enrich({"--cymru-resolver", resolver, "--offline", "--limit", "1", "--bulk"});
  CHECK(nlohmann::json::parse(limited.out)["would_query"][0]["query"].get<std::string>().starts_with("bulk "));
  CHECK(nlohmann::json::parse(limited.out)["planned"] == 1);
  CHECK(seeded.count("SELECT count(*) FROM lookup") == 0);

  CommandResult first = seeded.enrich({"--cymru-resolver", resolver});
  REQUIRE_MESSAGE(first.exit_code == 0, first.out << first.err);
  const auto summary = nlohmann::json::parse(first.out);
  CHECK(summary["sent"] == 4);  // three origins, then the AS they named
  CHECK(summary["status"]["OK"] == 3);
  CHECK(summary["status"]["NXDOMAIN"] == 1);  // 103.244.54.137: no record
  CHECK(summary["lookups_stored"] == 4);
  CHECK(summary["server"] == resolver);
  CHECK(summary["failed"].empty());
  check_chain(seeded);

  // The answer is stored as the TXT strings, with the server asked.
  CHECK(seeded.lookup("origin 114.113.195.101") == std::vector<std::string>{"OK", resolver, std::string(kOrigin) + "\n"});
  CommandResult prefix = run_command({SPAMGRAPH_BINARY, "--db", seeded.db, "show", "prefix", "114.113.195.0/24"});
  CHECK(prefix.out.find("apnic") != std::string::npos);
  CHECK(prefix.out.find("2014-05-20") != std::string::npos);

  CommandResult again = seeded.enrich({"--cymru-resolver", resolver});
  REQUIRE(again.exit_code == 0);
  const auto second = nlohmann::json::parse(again.out);
  CHECK(second["sent"] == 0);
  CHECK(second["fresh"] == 4);
  CHECK(seeded.count("SELECT count(*) FROM lookup WHERE source = 'cymru'") == 4);
}

TEST_CASE("registry: enrich cymru --bulk asks a local WHOIS server once and stores a lookup per IP") {
  auto server = WhoisTestServer::start(test_data("registry/cymru"));
  REQUIRE(server.has_value());
  Seeded seeded;
  const std::string address = "127.0.0.1:" + std::to_string((*server)->port());

  {  // More IPs than auto_bulk_above go over bulk WHOIS without being asked to.
    auto store = Store::open(seeded.db);
    REQUIRE(store.has_value());
    registry::CymruEnrichOptions options;
    options.offline = true;
    options.auto_bulk_above = 2;
    auto plan = registry::enrich_cymru(**store, options);
    REQUIRE(plan.has_value());
    CHECK(plan->bulk);
    CHECK(plan->would_query.size() == 3);
  }
  CommandResult first = seeded.enrich({"--bulk", "--cymru-server", address});
  REQUIRE_MESSAGE(first.exit_code == 0, first.out << first.err);
  const auto summary = nlohmann::json::parse(first.out);
  CHECK(summary["bulk"] == true);
  CHECK(summary["sent"] == 1);
  CHECK(summary["status"]["OK"] == 2);
  CHECK(summary["status"]["UNROUTED"] == 1);
  CHECK(summary["lookups_stored"] == 3);
  const auto queries = (*server)->queries();
  REQUIRE(queries.size() == 1);
  CHECK(queries[0].text.starts_with("begin verbose "));
  CHECK(queries[0].text.find(" 114.113.195.101 ") != std::string::npos);
  CHECK(queries[0].text.ends_with(" end"));
  check_chain(seeded);

  // One lookup per IP: the header line and that IP's row, as received.
  const auto row = seeded.lookup("bulk 114.113.195.101");
  CHECK(row[0] == "OK");
  CHECK(row[1] == address);
  const std::string& answer = row[2];
  CHECK(answer.starts_with("Bulk mode; whois.cymru.com [2026-12-06 12:00:00 +0000]\n133027  | 114.113.195.101 "));
  CHECK(answer.find("114.113.195.11 ") == std::string::npos);

  CommandResult again = seeded.enrich({"--bulk", "--cymru-server", address});
  REQUIRE(again.exit_code == 0);
  CHECK(nlohmann::json::parse(again.out)["sent"] == 0);
  CHECK((*server)->queries().size() == 1);
}

TEST_CASE("registry: enrich cymru says why garbage, an endless answer or a refusing server gave nothing, and loses nothing") {
  Seeded seeded;
  {
    auto dns = DnsTestServer::start(cymru_zone());
    REQUIRE(dns.has_value());
    REQUIRE(seeded.enrich({"--cymru-resolver", (*dns)->address()}).exit_code == 0);
  }
  const int64_t facts = seeded.count("SELECT count(*) FROM observation");

  SUBCASE("garbage TXT answers") {
    auto dns = DnsTestServer::start(cymru_zone("\\255\\000 | nonsense | \\027[31m", "not an AS"));
    REQUIRE(dns.has_value());
    CommandResult run = seeded.enrich({"--cymru-resolver", (*dns)->address(), "--max-age", "0"});
    CHECK(run.exit_code == 1);
    const auto summary = nlohmann::json::parse(run.out);  // valid JSON whatever the bytes
    CHECK(summary["status"]["UNREADABLE"] == 3);
    REQUIRE(summary["failed"].size() == 3);
    CHECK(summary["failed"][0]["error"].get<std::string>().find("UNREADABLE: origin TXT") == 0);
    CommandResult text = run_command({SPAMGRAPH_BINARY, "--db", seeded.db, "enrich", "cymru", "--cymru-resolver",
                                      (*dns)->address(), "--max-age", "0"});
    CHECK(text.out.find("failed: origin 114.113.195.101: UNREADABLE") != std::string::npos);
    CHECK(text.out.find('\x1b') == std::string::npos);  // the answer's escape sequence is shown escaped
  }
  SUBCASE("a DNS server that refuses") {
    auto dns = DnsTestServer::start(blog_zone());  // no cymru zone: REFUSED
    REQUIRE(dns.has_value());
    CommandResult run = seeded.enrich({"--cymru-resolver", (*dns)->address(), "--max-age", "0"});
    CHECK(run.exit_code == 1);
    const auto summary = nlohmann::json::parse(run.out);
    CHECK(summary["status"]["REFUSED"] == 4);
    CHECK(summary["failed"][0]["error"].get<std::string>().find("REFUSED") != std::string::npos);
  }
  SUBCASE("an endless bulk answer") {
    TempDir root("registry-cymru-endless");
    std::ofstream(root.path("bulk")) << "endless\n";
    auto server = WhoisTestServer::start(root.root());
    REQUIRE(server.has_value());
    CommandResult run = seeded.enrich({"--bulk", "--cymru-server", "127.0.0.1:" + std::to_string((*server)->port()),
                                       "--max-age", "0", "--timeout", "20"});
    CHECK(run.exit_code == 1);
    const auto summary = nlohmann::json::parse(run.out);
    CHECK(summary["status"]["TRUNCATED"] == 3);
    REQUIRE(summary["failed"].size() == 1);
    CHECK(summary["failed"][0]["error"].get<std::string>().find("answer exceeds") != std::string::npos);
  }
  SUBCASE("a bulk server that refuses connections") {
    const std::string nobody = "127.0.0.1:" + std::to_string(free_tcp_port());
    CommandResult run = seeded.enrich({"--bulk", "--cymru-server", nobody, "--max-age", "0"});
    CHECK(run.exit_code == 1);
    const auto summary = nlohmann::json::parse(run.out);
    CHECK(summary["status"]["ERROR"] == 3);
    REQUIRE(summary["failed"].size() == 1);
    CHECK(summary["failed"][0]["error"].get<std::string>().find("Connection refused") != std::string::npos);
  }
  SUBCASE("a resolver that is no address") {
    CommandResult run = seeded.enrich({"--cymru-resolver", "resolver.example", "--max-age", "0"});
    CHECK(run.exit_code == 2);
    CHECK(run.err.find("--cymru-resolver") != std::string::npos);
  }
  // What the first run stored stays, and still explains the address.
  CHECK(seeded.count("SELECT count(*) FROM observation") == facts);
  check_chain(seeded);
}
