// Campaigns, pivots, timelines and diffs (analysis/) through the library and the
// real binary: the bundled case with DNS (a real unbound on 127.0.0.1) and ASN
// enrichment, the repository's corpus for clustering against big providers, id
// continuity across runs, hand edits, and the two ways a diff is computed.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "analysis/campaign_auto.h"
#include "analysis/diff.h"
#include "analysis/pivot.h"
#include "analysis/timeline.h"
#include "core/time.h"
#include "store/campaigns.h"
#include "store/graph_queries.h"
#include "store/store.h"
#include "tests/dns_test_server.h"
#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using nlohmann::json;

namespace {

const UnixTime kFirstDay = make_utc(2020, 1, 10, 9, 0, 0);   // when the first excerpt is dated
const UnixTime kSecondDay = make_utc(2020, 2, 20, 9, 0, 0);  // and the second

// Ingests the two excerpts of the bundled case a month apart (they carry no date).
void ingest_seed_dated(const std::string& db) {
  for (const auto& [file, day] : {std::pair{"data/seed/jacks-1.txt", "2020-01-10T09:00:00Z"},
                                  std::pair{"data/seed/jacks-2.txt", "2020-02-20T09:00:00Z"}}) {
    CommandResult ingest = spamgraph(db, {"ingest", "--assume-time", day, repo_path(file)});
    INFO(ingest.err);
    REQUIRE(ingest.exit_code == 0);
  }
}

std::unique_ptr<Store> open(const std::string& db) {
  auto store = Store::open(db);
  REQUIRE_MESSAGE(store, (store ? "" : store.error().to_string()));
  return std::move(store.value());
}

// A store of the bundled case (dated) and the repository's corpus.
std::unique_ptr<Store> seed_and_corpus(const TempDir& dir) {
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  REQUIRE(spamgraph(db, {"ingest", test_data("corpus")}).exit_code <= 1);
  return open(db);
}

// The campaign (id) holding the message stored from `source_path`, 0 when none.
int64_t campaign_of(Store& store, const std::string& source_path) {
  auto query = store.database().prepare(
      "SELECT COALESCE(cm.campaign_id, 0) FROM message m LEFT JOIN campaign_message cm ON cm.message_id = m.id"
      " WHERE m.source_path = ?1");
  query.bind(1, source_path);
  return query.step() ? query.int64(0) : -1;
}

std::set<std::string> values_of(const json& rows, const std::string& kind) {
  std::set<std::string> values;
  for (const json& row : rows)
    if (row["kind"] == kind) values.insert(row["value"].get<std::string>());
  return values;
}

// A third message of the campaign: the same origin, a new sender domain.
std::string third_message(const TempDir& dir) {
  const std::string path = dir.path("jacks-3.txt");
  std::ofstream(path) << "Received: from 114.113.195.12  (EHLO re27.leadw.link) (114.113.195.12)\n"
                         "Received: from newdomain42.xyz (static-ip.137.54.244.103.rev.i4hk.com [103.244.54.137])\n"
                         "Return-Path: <bounce-1@newdomain42.xyz>\n";
  return path;
}

// Rows computed afresh (the CTE `fresh`), rows kept in `table`, rows of both equal
// in `columns` (joined on `keys`), and fresh rows with more than one message. Checks
// that the kept rows are the fresh ones.
struct Comparison {
  int64_t fresh = 0, kept = 0, equal = 0, shared = 0;
};
Comparison compare(Store& store, const std::string& with, const std::string& table, const std::string& keys,
                   const std::vector<std::string>& columns) {
  std::string equal;
  for (const std::string& column : columns) equal += (equal.empty() ? "" : " AND ") + ("f." + column + " = t." + column);
  auto query = store.database().prepare(with + " SELECT (SELECT COUNT(*) FROM fresh), (SELECT COUNT(*) FROM " + table +
                                        "), (SELECT COUNT(*) FROM fresh f JOIN " + table + " t USING (" + keys +
                                        ") WHERE " + (equal.empty() ? "1" : equal) +
                                        "), (SELECT COUNT(*) FROM fresh WHERE messages > 1)");
  Comparison result;
  REQUIRE(query.step());
  result = Comparison{query.int64(0), query.int64(1), query.int64(2), query.int64(3)};
  CAPTURE(table);
  CHECK(result.kept == result.fresh);
  CHECK(result.equal == result.fresh);
  return result;
}

}  // namespace

TEST_CASE("campaign auto: the bundled case is one campaign, and corpus mail shared only through big providers stays out") {
  TempDir dir("findings-corpus");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  CommandResult corpus = spamgraph(db, {"ingest", test_data("corpus")});
  INFO(corpus.err);
  REQUIRE(corpus.exit_code <= 1);  // some corpus files are deliberately damaged

  const json summary = run_json(db, {"campaign", "auto", "--json"});
  auto store = open(db);
  const int64_t seed = campaign_of(*store, repo_path("data/seed/jacks-1.txt"));
  CHECK(seed > 0);
  CHECK(campaign_of(*store, repo_path("data/seed/jacks-2.txt")) == seed);
  auto members = campaign_message_ids(*store, seed);
  REQUIRE(members);
  CHECK(members->size() == 2);  // nothing of the corpus joined it

  // The big providers the corpus shares were suppressed, and listed with the reason.
  std::set<std::string> hubs;
  for (const json& hub : summary["hubs"]) hubs.insert(hub["key"].get<std::string>() + " | " + hub["reason"].get<std::string>());
  INFO(summary.dump(2));
  CHECK(hubs.count("domain gmail.com | large mail provider"));
  CHECK(summary["campaigns"].get<int>() >= 2);

  // Without the suppression, mail merges through those providers: the list matters.
  const json unsuppressed = run_json(db, {"campaign", "auto", "--no-known-hubs", "--json"});
  const json all = run_json(db, {"campaign", "show", "--json"});
  int64_t largest_before = 0, largest_after = 0;
  // `campaign show --json` lists objects with id, name, messages, first_seen, last_seen.
  for (const json& campaign : all) {
    CHECK(campaign.contains("id"));
    CHECK(campaign.contains("name"));
    CHECK(campaign.contains("first_seen"));
    CHECK(campaign.contains("last_seen"));
    largest_after = std::max<int64_t>(largest_after, campaign["messages"].get<int64_t>());
  }
  CHECK(unsuppressed["clustered"].get<int64_t>() >= summary["clustered"].get<int64_t>());
  (void)largest_before;
  CHECK(largest_after > 2);
}

TEST_CASE("campaign auto: a campaign that continues keeps its id and name, and hand edits survive") {
  TempDir dir("findings-continuity");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  const json first = run_json(db, {"campaign", "auto", "--json"});
  CHECK(first["created"] == 1);
  json list = run_json(db, {"campaign", "show", "--json"});
  REQUIRE(list.size() == 1);
  const int64_t id = list[0]["id"].get<int64_t>();
  const std::string name = list[0]["name"].get<std::string>();
  CHECK(list[0]["messages"] == 2);
  CHECK(list[0]["first_seen"] == "2020-01-10T09:00:00Z");
  CHECK(list[0]["last_seen"] == "2020-02-20T09:00:00Z");

  // New mail of the campaign: same id, same name, three messages.
  REQUIRE(spamgraph(db, {"ingest", "--assume-time", "2020-03-01T00:00:00Z", third_message(dir)}).exit_code == 0);
  const json second = run_json(db, {"campaign", "auto", "--json"});
  CHECK(second["continued"] == 1);
  CHECK(second["created"] == 0);
  list = run_json(db, {"campaign", "show", "--json"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == id);
  CHECK(list[0]["name"] == name);
  CHECK(list[0]["messages"] == 3);

  // Renamed by hand, split by hand: both survive the next run.
  REQUIRE(spamgraph(db, {"campaign", "rename", std::to_string(id), "JA-CKS"}).exit_code == 0);
  CommandResult split = spamgraph(db, {"campaign", "split", "JA-CKS", "newdomain42[.]xyz", "--name", "later wave"});
  INFO(split.out << split.err);
  REQUIRE(split.exit_code == 0);
  run_json(db, {"campaign", "auto", "--json"});
  list = run_json(db, {"campaign", "show", "--json"});
  REQUIRE(list.size() == 2);
  CHECK(list[0]["name"] == "JA-CKS");
  CHECK(list[0]["messages"] == 2);
  CHECK(list[1]["name"] == "later wave");
  CHECK(list[1]["messages"] == 1);
  // Merged back by name: one campaign of three.
  REQUIRE(spamgraph(db, {"campaign", "merge", "JA-CKS", "later wave"}).exit_code == 0);
  const json merged = run_json(db, {"campaign", "show", "JA-CKS", "--json"});
  CHECK(merged["messages"] == 3);
  CHECK(values_of(merged["members"], "domain").count("newdomain42.xyz"));

  // A name that is a number, or holds control characters, is refused; nothing changes.
  CommandResult numeric = spamgraph(db, {"campaign", "rename", "JA-CKS", "42"});
  CHECK(numeric.exit_code == 2);
  CHECK(numeric.err.find("number") != std::string::npos);
  CHECK(spamgraph(db, {"campaign", "rename", "JA-CKS", "bad\x1bname"}).exit_code == 2);
  CHECK(run_json(db, {"campaign", "show", "--json"})[0]["name"] == "JA-CKS");
  CommandResult missing = spamgraph(db, {"campaign", "show", "no such"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no such campaign") != std::string::npos);
}

TEST_CASE("findings: the bundled case with DNS and ASN enrichment (acceptance)") {
  const std::string v4 = repo_path(kIpLocationDir + "/asn-ipv4.csv");
  REQUIRE_MESSAGE(std::filesystem::exists(v4), v4 << " is missing: run scripts/setup.sh");
  TempDir dir("findings-acceptance");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  auto dns = DnsTestServer::start(blog_zone());
  REQUIRE_MESSAGE(dns, (dns ? "" : dns.error().to_string()));
  CommandResult enrich_dns = spamgraph(db, {"enrich", "dns", "--resolver", (*dns)->address(), "--now", "2020-03-01"});
  INFO(enrich_dns.out << enrich_dns.err);
  REQUIRE(enrich_dns.exit_code == 0);
  REQUIRE(spamgraph(db, {"data", "import", "ip-location-db", v4}).exit_code == 0);
  REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);

  // One campaign holds both messages.
  const json summary = run_json(db, {"campaign", "auto", "--json"});
  CHECK(summary["campaigns"] == 1);
  CHECK(summary["clustered"] == 2);

  // Between the two dates, somach789.xyz and authoranz.xyz appeared, on 103.244.54.137;
  // the first message's domains vanished.
  const json diff = run_json(db, {"diff", "--since", "2020-01-11", "--until", "2020-02-28", "--json"});
  INFO(diff.dump(2));
  const std::set<std::string> appeared = values_of(diff["appeared"], "domain");
  CHECK(appeared == std::set<std::string>{"authoranz.xyz", "somach789.xyz"});
  for (const json& row : diff["appeared"])
    if (row["kind"] == "domain") CHECK(json_contains(row["ips"], "103.244.54.137"));
  CHECK(values_of(diff["appeared"], "ip") == std::set<std::string>{"114.113.195.11"});
  CHECK(values_of(diff["vanished"], "domain") == std::set<std::string>{"g0zs8omwfqere.link", "kldoqzn6x62p3.top"});
  // The same for the campaign alone.
  const json campaign_diff = run_json(db, {"diff", "--since", "2020-01-11", "--until", "2020-02-28", "--campaign", "1", "--json"});
  CHECK(values_of(campaign_diff["appeared"], "domain") == appeared);

  // A pivot from the defanged IP reaches the domains through HELO, shared messages and DNS.
  const json tree = run_json(db, {"pivot", "103[.]244[.]54[.]137", "--depth", "2", "--json"});
  CHECK(tree["value"] == "103.244.54.137");
  std::set<std::string> linked;
  for (const json& child : tree["children"]) linked.insert(child["kind"].get<std::string>() + " " + child["value"].get<std::string>());
  CHECK(linked.count("domain somach789.xyz"));
  CHECK(linked.count("domain authoranz.xyz"));
  CHECK(linked.count("prefix 103.244.52.0/22"));
  const json* prefix = find_row(tree["children"], "value", "103.244.52.0/22");
  REQUIRE(prefix);
  CHECK((*prefix)["trust"] == "fact");
  CHECK(find_row((*prefix)["children"], "value", "AS58779"));
  // --rel keeps only the relations asked for.
  const json helo_only = run_json(db, {"pivot", "103.244.54.137", "--rel", "helo", "--json"});
  CHECK(values_of(helo_only["children"], "domain") == std::set<std::string>{"kldoqzn6x62p3.top", "somach789.xyz"});

  // The timeline: two messages six weeks apart, the second week with the new domains.
  const json timeline = run_json(db, {"timeline", "1", "--json"});
  CHECK(timeline["messages"] == 2);
  REQUIRE(timeline["weeks"].size() == 7);
  CHECK(timeline["weeks"][0]["week"] == "2020-01-06");
  CHECK(timeline["weeks"][0]["messages"] == 1);
  CHECK(timeline["weeks"][6]["messages"] == 1);
  CHECK(json_contains(timeline["weeks"][6]["new"], "domain somach789.xyz"));
  CHECK(json_contains(timeline["weeks"][6]["new"], "domain authoranz.xyz"));
  const json by_ip = run_json(db, {"timeline", "114[.]113[.]195[.]11", "--json"});
  CHECK(by_ip["messages"] == 1);
  // shares takes the defanged form too.
  const json shares = run_json(db, {"shares", "103[.]244[.]54[.]137", "--json"});
  CHECK(find_row(shares, "domain", "somach789.xyz"));
}

TEST_CASE("diff: entity_seen and reading the messages agree, on the corpus") {
  const std::string v4 = repo_path(kIpLocationDir + "/asn-ipv4.csv");
  REQUIRE_MESSAGE(std::filesystem::exists(v4), v4 << " is missing: run scripts/setup.sh");
  TempDir dir("findings-diff-paths");
  auto store = seed_and_corpus(dir);
  // Networks too: the IPs' prefixes and ASes.
  REQUIRE(spamgraph(dir.path("graph.db"), {"data", "import", "ip-location-db", v4}).exit_code == 0);
  REQUIRE(spamgraph(dir.path("graph.db"), {"enrich", "asn"}).exit_code == 0);
  auto newest = store->database().prepare("SELECT MAX(time), MIN(time) FROM message");
  REQUIRE(newest.step());
  const UnixTime last = newest.int64(0), first = newest.int64(1);
  int compared = 0, networks = 0;
  for (UnixTime since : {first + 1, kFirstDay + 1, kSecondDay, (first + last) / 2, last}) {
    DiffOptions options;
    options.since = since;
    options.now = last;
    auto fast = diff_period(*store, options);
    options.read_messages = true;
    auto slow = diff_period(*store, options);
    REQUIRE(fast);
    REQUIRE(slow);
    auto keys = [](const std::vector<IndicatorStats>& rows) {
      std::set<std::string> out;
      for (const IndicatorStats& row : rows) out.insert(std::string(to_text(row.kind)) + " " + row.value);
      return out;
    };
    INFO("since " << format_iso8601(since));
    CHECK(keys(fast->appeared) == keys(slow->appeared));
    CHECK(keys(fast->vanished) == keys(slow->vanished));
    compared += static_cast<int>(fast->appeared.size() + fast->vanished.size());
    for (const auto* rows : {&fast->appeared, &fast->vanished})
      for (const IndicatorStats& row : *rows) networks += row.kind == EntityKind::asn || row.kind == EntityKind::prefix;
  }
  CHECK(compared > 10);  // the periods were not all empty
  CHECK(networks > 5);
}

TEST_CASE("entity_seen, ip_seen, family_seen, edge_source, family_edge_name: what ingest keeps equals what the migration computes") {
  TempDir dir("findings-entity-seen");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  REQUIRE(spamgraph(db, {"ingest", test_data("corpus/spamassassin")}).exit_code <= 1);
  REQUIRE(spamgraph(db, {"ingest", "--assume-time", "2020-03-01T00:00:00Z", third_message(dir)}).exit_code == 0);
  auto store = open(db);
  // Every (entity, message) pair mail gave: a link of the message, or either end of
  // an edge the message stated.
  const std::string named = R"sql(
    WITH named AS (
      SELECT ml.entity_id AS entity_id, m.id AS message_id, m.time AS time
        FROM message_link ml JOIN message m ON m.id = ml.message_id
      UNION
      SELECT e.src, m.id, m.time FROM observation o JOIN edge e ON e.id = o.edge_id JOIN message m ON m.id = o.source_id
        WHERE o.source_kind = 'message'
      UNION
      SELECT e.dst, m.id, m.time FROM observation o JOIN edge e ON e.id = o.edge_id JOIN message m ON m.id = o.source_id
        WHERE o.source_kind = 'message'),)sql";
  const Comparison entities = compare(*store, named + R"sql(
    fresh AS (
      SELECT entity_id, MIN(time) AS first_seen, MAX(time) AS last_seen, COUNT(*) AS messages
        FROM named GROUP BY entity_id))sql",
                                      "entity_seen", "entity_id", {"first_seen", "last_seen", "messages"});
  CHECK(entities.fresh > 50);
  // The IPs among them, kept apart.
  const Comparison ips = compare(*store, named + R"sql(
    fresh AS (
      SELECT entity_id AS ip_id, MIN(time) AS first_seen, MAX(time) AS last_seen, COUNT(*) AS messages, e.key AS key
        FROM named n JOIN entity e ON e.id = n.entity_id WHERE e.kind = 'ip' GROUP BY entity_id))sql",
                                 "ip_seen", "ip_id", {"first_seen", "last_seen", "messages", "key"});
  CHECK(ips.fresh > 10);
  CHECK(ips.shared > 3);
  // The same by registrable domain: a message counts once for its domain's family,
  // however many names of it the message gave.
  const Comparison families = compare(*store, named + R"sql(
    fresh AS (
      SELECT COALESCE(d.parent_id, d.id) AS family_id, MIN(n.time) AS first_seen, MAX(n.time) AS last_seen,
             COUNT(DISTINCT n.message_id) AS messages, (SELECT key FROM entity WHERE id = COALESCE(d.parent_id, d.id)) AS key
        FROM named n JOIN entity d ON d.id = n.entity_id WHERE d.kind = 'domain' GROUP BY 1))sql",
                                      "family_seen", "family_id", {"first_seen", "last_seen", "messages", "key"});
  CHECK(families.fresh > 20);
  CHECK(families.shared > 5);  // families some messages shared
  // Each edge's sightings per kind of source: messages counted once however many
  // hops of one message stated the edge.
  const Comparison edges = compare(*store, R"sql(
    WITH fresh AS (
      SELECT edge_id, source_kind, MIN(time) AS first_seen, MAX(time) AS last_seen,
             CASE WHEN source_kind = 'message' THEN COUNT(DISTINCT source_id) ELSE 0 END AS messages,
             MAX(trusted) AS trusted
        FROM observation GROUP BY edge_id, source_kind))sql",
                                   "edge_source", "edge_id, source_kind",
                                   {"first_seen", "last_seen", "messages", "trusted"});
  CHECK(edges.fresh > 50);
  CHECK(edges.shared > 5);  // edges several messages stated
  // The names under a registrable domain that are an end of some edge.
  const Comparison names = compare(*store, R"sql(
    WITH fresh AS (
      SELECT x.parent_id AS family_id, x.id AS entity_id, 0 AS messages FROM edge e JOIN entity x ON x.id IN (e.src, e.dst)
        WHERE x.kind = 'domain' AND x.parent_id IS NOT NULL GROUP BY 1, 2))sql",
                                   "family_edge_name", "family_id, entity_id", {});
  CHECK(names.fresh > 5);
}

TEST_CASE("network_seen: what ingest and enrichment keep equals what the migration computes, also after a removal") {
  const std::string v4 = repo_path(kIpLocationDir + "/asn-ipv4.csv");
  REQUIRE_MESSAGE(std::filesystem::exists(v4), v4 << " is missing: run scripts/setup.sh");
  TempDir dir("findings-network-seen");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  REQUIRE(spamgraph(db, {"ingest", test_data("corpus/spamassassin")}).exit_code <= 1);
  // Each network from its IPs' entity_seen: prefixes through in-prefix edges, then
  // ASes and route objects through their prefixes. (The messages of fresh rows are
  // their IPs' sum, so `shared` counts networks with more than one.)
  const std::string fresh = R"sql(
    WITH inside AS (
      SELECT x.dst AS network_id, s.first_seen, s.last_seen, s.messages FROM edge x
        JOIN entity_seen s ON s.entity_id = x.src WHERE x.relation = 'in-prefix'),
    fresh AS (
      SELECT network_id, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen, SUM(messages) AS messages,
             (SELECT kind FROM entity WHERE id = network_id) AS kind, (SELECT key FROM entity WHERE id = network_id) AS key
        FROM (
        SELECT * FROM inside UNION ALL
        SELECT y.dst, i.first_seen, i.last_seen, i.messages FROM inside i JOIN edge y ON y.src = i.network_id
          WHERE y.relation IN ('originated-by', 'route-object'))
        GROUP BY network_id))sql";
  auto check = [&](const char* when, int64_t at_least) {
    CAPTURE(when);
    auto store = open(db);
    const Comparison networks =
        compare(*store, fresh, "network_seen", "network_id", {"first_seen", "last_seen", "messages", "kind", "key"});
    CHECK(networks.fresh >= at_least);
    CHECK(networks.shared >= at_least / 10);
  };
  check("before enrichment", 0);
  // New edges put seen IPs in prefixes, and the prefixes under ASes.
  REQUIRE(spamgraph(db, {"data", "import", "ip-location-db", v4}).exit_code == 0);
  REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);
  check("after enrich asn", 20);
  // New mail from IPs already inside networks widens them: 103.244.54.137 again, later.
  REQUIRE(spamgraph(db, {"ingest", "--assume-time", "2020-03-01T00:00:00Z", third_message(dir)}).exit_code == 0);
  {
    auto store = open(db);
    auto query = store->database().prepare(
        "SELECT n.last_seen FROM network_seen n JOIN entity e ON e.id = n.network_id WHERE e.kind = 'asn' AND e.key = ?1");
    query.bind(1, "AS58779");
    REQUIRE(query.step());
    CHECK(query.int64(0) == make_utc(2020, 3, 1, 0, 0, 0));
  }
  check("after new mail", 20);
  // The new relay's IP joins its prefix at the next enrichment.
  REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);
  check("after enriching the new IP", 20);
  // Removing the dataset removes the edges, and the networks' spans with them.
  REQUIRE(spamgraph(db, {"data", "remove", "1"}).exit_code == 0);
  check("after the dataset's removal", 0);
  auto store = open(db);
  auto left = store->database().prepare("SELECT COUNT(*) FROM network_seen");
  REQUIRE(left.step());
  CHECK(left.int64(0) == 0);
}

TEST_CASE("timeline: weeks start on Monday, UTC") {
  CHECK(week_start(make_utc(2020, 1, 10, 9, 0, 0)) == make_utc(2020, 1, 6, 0, 0, 0));  // a Friday
  CHECK(week_start(make_utc(2020, 1, 6, 0, 0, 0)) == make_utc(2020, 1, 6, 0, 0, 0));   // a Monday
  CHECK(week_start(make_utc(2020, 1, 5, 23, 59, 59)) == make_utc(2019, 12, 30, 0, 0, 0));
  CHECK(week_start(make_utc(1969, 12, 31, 12, 0, 0)) == make_utc(1969, 12, 29, 0, 0, 0));
}

TEST_CASE("pivot: shared messages counted in memory equal SQL's grouping, and a limit cuts the full order") {
  TempDir dir("findings-pivot");
  auto store = seed_and_corpus(dir);
  // The entities that most messages name: each shares messages with many others.
  std::vector<int64_t> roots;
  auto busiest = store->database().prepare(
      "SELECT entity_id FROM message_link GROUP BY entity_id ORDER BY COUNT(*) DESC, entity_id LIMIT 8");
  while (busiest.step()) roots.push_back(busiest.int64(0));
  REQUIRE(roots.size() == 8);
  // What SQL says the messages naming `root` also name: distinct messages, both
  // relation sets in the order of their ids, times and trust.
  auto expected = store->database().prepare(
      "SELECT o.entity_id, COUNT(DISTINCT o.message_id), MIN(o.time), MAX(o.time), MAX(o.trusted),"
      " (SELECT GROUP_CONCAT(name, ',') FROM (SELECT DISTINCT r.id, r.name FROM message_link m2"
      "   JOIN message_link o2 ON o2.message_id = m2.message_id JOIN relation r ON r.id = o2.relation_id"
      "   WHERE m2.entity_id = ?1 AND o2.entity_id = o.entity_id ORDER BY r.id)),"
      " (SELECT GROUP_CONCAT(name, ',') FROM (SELECT DISTINCT r.id, r.name FROM message_link m2"
      "   JOIN message_link o2 ON o2.message_id = m2.message_id JOIN relation r ON r.id = m2.relation_id"
      "   WHERE m2.entity_id = ?1 AND o2.entity_id = o.entity_id ORDER BY r.id))"
      " FROM message_link m JOIN message_link o ON o.message_id = m.message_id AND o.entity_id <> ?1"
      " WHERE m.entity_id = ?1 GROUP BY o.entity_id");
  int compared = 0, cuts = 0;
  for (int64_t root : roots) {
    std::map<int64_t, Neighbour> by_id;
    bool truncated = true;
    auto links = entity_neighbours(*store, root, 1000000, truncated);
    REQUIRE(links);
    CHECK_FALSE(truncated);
    for (Neighbour& link : *links)
      if (link.via == Neighbour::Via::messages) by_id.emplace(link.other_id, std::move(link));
    expected.bind(1, root);
    size_t rows = 0;
    while (expected.step()) {
      ++rows;
      auto found = by_id.find(expected.int64(0));
      REQUIRE(found != by_id.end());
      const Neighbour& link = found->second;
      CHECK(link.count == expected.int64(1));
      CHECK(link.first_seen == expected.int64(2));
      CHECK(link.last_seen == expected.int64(3));
      CHECK(link.trusted == (expected.int64(4) != 0));
      CHECK(link.relation == expected.text(5));
      CHECK(link.via_relation == expected.text(6));
      ++compared;
    }
    expected.reset();
    CHECK(rows == by_id.size());
    // Reading only the newest links says so.
    bool cut = false;
    REQUIRE(entity_neighbours(*store, root, 1, cut));
    CHECK(cut);

    // A limit keeps the first links of the whole ordered list and counts the rest.
    auto entity = stored_entity(*store, root);
    REQUIRE(entity);
    PivotOptions all;
    all.limit = 100000;
    auto full = pivot(*store, entity->ref, all);
    REQUIRE(full);
    if (full->children.size() <= 3) continue;
    ++cuts;
    for (size_t i = 1; i < full->children.size(); ++i) {
      const PivotNode& before = full->children[i - 1];
      const PivotNode& after = full->children[i];
      CHECK((before.count > after.count || (before.count == after.count && before.last_seen >= after.last_seen)));
    }
    PivotOptions three;
    three.limit = 3;
    auto top = pivot(*store, entity->ref, three);
    REQUIRE(top);
    REQUIRE(top->children.size() == 3);
    CHECK(top->more == static_cast<int64_t>(full->children.size()) - 3);
    for (size_t i = 0; i < 3; ++i) {
      CHECK(top->children[i].entity.key == full->children[i].entity.key);
      CHECK(top->children[i].relation == full->children[i].relation);
      CHECK(top->children[i].count == full->children[i].count);
    }
  }
  CHECK(compared > 100);
  CHECK(cuts >= 4);
}

TEST_CASE("pivot and timeline: errors name what is missing") {
  TempDir dir("findings-errors");
  const std::string db = dir.path("graph.db");
  ingest_seed_dated(db);
  CommandResult unknown = spamgraph(db, {"pivot", "198.51.100.7"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("198.51.100.7") != std::string::npos);
  CHECK(unknown.err.find("not in the store") != std::string::npos);
  CommandResult garbage = spamgraph(db, {"timeline", "not an indicator at all"});
  CHECK(garbage.exit_code == 2);
  CommandResult bad_date = spamgraph(db, {"diff", "--since", "yesterday-ish"});
  CHECK(bad_date.exit_code == 2);
  CHECK(bad_date.err.find("--since") != std::string::npos);
}

TEST_CASE("shares: the totals kept at ingest give what reading every message gives, on the corpus") {
  TempDir dir("findings-shares-totals");
  auto store = seed_and_corpus(dir);
  // Every IP a message named, and every domain name such an IP was tied to.
  std::vector<std::string> ips, domains;
  auto keys = store->database().prepare(
      "SELECT DISTINCT e.kind, e.key FROM message_link l JOIN entity e ON e.id = l.entity_id"
      " WHERE e.kind IN ('ip', 'domain') ORDER BY 1, 2");
  while (keys.step()) (keys.text(0) == "ip" ? ips : domains).push_back(keys.text(1));
  REQUIRE(ips.size() > 20);
  REQUIRE(domains.size() > 20);
  // A range that covers everything makes the store read each message instead.
  const TimeRange totals{}, everything{INT64_MIN, INT64_MAX};
  int links = 0, exact = 0;
  auto compare = [&](const std::vector<SharedLink>& fast, const std::vector<SharedLink>& slow) {
    REQUIRE(fast.size() == slow.size());
    for (size_t i = 0; i < fast.size(); ++i) {
      INFO(slow[i].value);
      CHECK(fast[i].value == slow[i].value);
      CHECK(fast[i].roles == slow[i].roles);
      CHECK(fast[i].via == slow[i].via);
      CHECK(fast[i].first_seen == slow[i].first_seen);
      CHECK(fast[i].last_seen == slow[i].last_seen);
      CHECK(fast[i].trusted == slow[i].trusted);
      // Totals of different kinds of link cannot be united message by message: the
      // largest is a lower bound, and exact when the messages tie them one way only.
      CHECK(fast[i].messages <= slow[i].messages);
      CHECK(fast[i].names <= slow[i].names);
      const bool one_way = std::none_of(slow[i].via.begin(), slow[i].via.end(),
                                        [](const std::string& via) { return via == "direct" || via == "dns"; });
      if (one_way) CHECK(fast[i].messages == slow[i].messages);
      if (one_way) CHECK(fast[i].names == slow[i].names);
      exact += fast[i].messages == slow[i].messages;
      ++links;
    }
  };
  int grouped = 0;
  for (bool for_ip : {true, false})
    for (ShareGrouping grouping : {ShareGrouping::family, ShareGrouping::name})
      for (const std::string& value : for_ip ? ips : domains) {
        if (!for_ip && grouping == ShareGrouping::name) continue;  // IPs have no families
        INFO("shares " << value << (grouping == ShareGrouping::family ? " by family" : " by name"));
        auto fast = for_ip ? store->domains_sharing_ip(value, totals, grouping) : store->ips_sharing_domain(value, totals);
        auto slow =
            for_ip ? store->domains_sharing_ip(value, everything, grouping) : store->ips_sharing_domain(value, everything);
        REQUIRE(fast);
        REQUIRE(slow);
        compare(*fast, *slow);
        if (for_ip && grouping == ShareGrouping::family)
          for (const SharedLink& link : *fast) grouped += link.names > 1;
      }
  CHECK(links > 100);
  CHECK(grouped > 0);  // some families stand for several names
  CHECK(exact * 10 >= links * 9);  // lower bounds are the exception
}
