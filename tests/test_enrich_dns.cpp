// `enrich dns`: plan, fetch and derive against a real unbound (tests/dns_test_server.h),
// the library and the binary.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <set>

#include "core/domain.h"
#include "enrich/dns/derive.h"
#include "enrich/dns/enrich_dns.h"
#include "enrich/dns/plan.h"
#include "enrich/dns/reverse.h"
#include "store/lookup_log.h"
#include "store/store.h"
#include "tests/dns_test_server.h"
#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using namespace sg::dns;
using nlohmann::json;

namespace {

const char* const kBlogIp = "103.244.54.137";
const char* const kBlogRdns = "static-ip.137.54.244.103.rev.i4hk.com";
const UnixTime kDay1 = 1767225600;  // 2026-01-01T00:00:00Z
const UnixTime kDay2 = kDay1 + 86400;

/// One unbound for the library tests, serving blog_zone().
DnsTestServer& blog_server() {
  static std::unique_ptr<DnsTestServer> server = [] {
    auto started = DnsTestServer::start(blog_zone());
    if (!started) FAIL("cannot start unbound: " << started.error().to_string());
    return std::move(started.value());
  }();
  return *server;
}

std::unique_ptr<Store> open_store(const TempDir& dir) {
  auto store = Store::open(dir.path("graph.db"));
  REQUIRE_MESSAGE(store, (store ? "" : store.error().to_string()));
  return std::move(store.value());
}

void add_entities(Store& store, const std::vector<EntityRef>& entities) {
  REQUIRE(store.begin());
  for (const EntityRef& entity : entities) REQUIRE(store.entity_id(entity));
  REQUIRE(store.commit());
}

EnrichOptions options_for(const std::string& server, UnixTime now = kDay1) {
  EnrichOptions options;
  options.resolver.servers = {server};
  options.resolver.timeout_ms = 1000;
  options.resolver.tries = 2;
  options.now = now;
  return options;
}

EnrichSummary enrich(Store& store, const EnrichOptions& options) {
  auto summary = enrich_dns(store, options);
  REQUIRE_MESSAGE(summary, (summary ? "" : summary.error().to_string()));
  return std::move(summary.value());
}

/// The edge's (count, first_seen, last_seen), or count 0 when there is no such edge.
struct EdgeRow {
  int64_t count = 0;
  UnixTime first = 0, last = 0;
};
EdgeRow edge(Store& store, const EntityRef& src, Relation relation, const EntityRef& dst) {
  auto query = store.database().prepare(
      "SELECT e.count, e.first_seen, e.last_seen FROM edge e JOIN entity s ON s.id = e.src"
      " JOIN entity d ON d.id = e.dst WHERE s.kind = ?1 AND s.key = ?2 AND e.relation = ?3 AND d.kind = ?4"
      " AND d.key = ?5");
  query.bind(1, to_text(src.kind)).bind(2, src.key).bind(3, relation.text()).bind(4, to_text(dst.kind)).bind(5, dst.key);
  EdgeRow row;
  if (query.step()) row = EdgeRow{query.int64(0), query.int64(1), query.int64(2)};
  return row;
}

EntityRef domain(const std::string& key) { return EntityRef{EntityKind::domain, key}; }
EntityRef ip(const std::string& key) { return EntityRef{EntityKind::ip, key}; }

int64_t count_rows(Store& store, const std::string& sql) {
  auto query = store.database().prepare(sql);
  REQUIRE_MESSAGE(query.ok(), sql);
  return query.step() ? query.int64(0) : -1;
}

// --- a hand-made DNS response, for derive without any server ---

std::string wire_name(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out += static_cast<char>(dot - start);
    out += name.substr(start, dot - start);
    start = dot + 1;
  }
  return out + '\0';
}
std::string u16(unsigned value) { return {static_cast<char>(value >> 8), static_cast<char>(value & 0xff)}; }
std::string u32(uint32_t value) { return u16(value >> 16) + u16(value & 0xffff); }

struct WireRecord {
  std::string owner;
  RecordType type;
  uint32_t ttl;
  std::string rdata;
};
std::string response(const std::string& qname, RecordType qtype, const std::vector<WireRecord>& records,
                     unsigned rcode = 0) {
  std::string out = u16(0x1234) + u16(0x8180 | rcode) + u16(1) + u16(static_cast<unsigned>(records.size())) + u16(0) +
                    u16(0) + wire_name(qname) + u16(static_cast<unsigned>(qtype)) + u16(1);
  for (const WireRecord& record : records)
    out += (record.owner == qname ? u16(0xc00c) : wire_name(record.owner)) + u16(static_cast<unsigned>(record.type)) +
           u16(1) + u32(record.ttl) + u16(static_cast<unsigned>(record.rdata.size())) + record.rdata;
  return out;
}

bool has_observation(const std::vector<Observation>& observations, const EntityRef& subject, Relation relation,
                     const EntityRef& object) {
  for (const Observation& observation : observations)
    if (observation.subject == subject && observation.relation == relation && observation.object == object) return true;
  return false;
}


}  // namespace

TEST_CASE("dns derive: a pure function of the stored bytes") {
  StoredLookup lookup;
  lookup.id = 7;
  lookup.query = Query{"www.a.example", RecordType::A};
  lookup.time = kDay1;
  lookup.raw = {response("www.a.example", RecordType::A,
                         {{"www.a.example", RecordType::CNAME, 600, wire_name("a.example")},
                          {"a.example", RecordType::A, 300, std::string("\xc0\x00\x02\x01", 4)},
                          {"elsewhere.example", RecordType::A, 300, std::string("\xc0\x00\x02\x63", 4)}})};
  const Derived first = derive(lookup);
  CHECK(first.status == sg::dns::Status::NoError);
  CHECK(first.records.size() == 3);
  CHECK(first.skipped.empty());
  CHECK(first.observations.size() == 3);
  CHECK(has_observation(first.observations, domain("www.a.example"), kCname, domain("a.example")));
  CHECK(has_observation(first.observations, domain("www.a.example"), kResolvesTo, ip("192.0.2.1")));
  CHECK(has_observation(first.observations, domain("a.example"), kResolvesTo, ip("192.0.2.1")));
  // A record for a name off the chain is not believed.
  CHECK_FALSE(has_observation(first.observations, domain("elsewhere.example"), kResolvesTo, ip("192.0.2.99")));
  for (const Observation& observation : first.observations) {
    CHECK(observation.time == kDay1);
    CHECK(observation.trusted);
  }
  // Same bytes, same observations.
  const Derived again = derive(lookup);
  REQUIRE(again.observations.size() == first.observations.size());
  for (size_t i = 0; i < again.observations.size(); ++i) {
    CHECK(again.observations[i].subject == first.observations[i].subject);
    CHECK(again.observations[i].relation == first.observations[i].relation);
    CHECK(again.observations[i].object == first.observations[i].object);
  }

  // Bytes that are not DNS are reported, not trusted.
  lookup.raw = {std::string("\x12\x34\x81", 3)};
  const Derived broken = derive(lookup);
  CHECK(broken.observations.empty());
  REQUIRE(broken.skipped.size() == 1);
  CHECK(broken.skipped[0].find("lookup 7") != std::string::npos);

  // The packing of hops in lookup.answer round-trips, and a cut-off blob is an error.
  const std::vector<std::string> hops{"abc", "", std::string(300, 'x')};
  auto unpacked = unpack_hops(pack_hops(hops));
  REQUIRE(unpacked);
  CHECK(*unpacked == hops);
  auto cut = unpack_hops(pack_hops(hops).substr(0, 10));
  REQUIRE_FALSE(cut);
  CHECK(cut.error().where == "answer byte 7");  // 3 bytes left where a length should be
}

TEST_CASE("dns derive: re-deriving the stored lookups gives the stored edges") {
  TempDir dir("dns-rederive");
  auto store = open_store(dir);
  add_entities(*store, {ip(kBlogIp), domain("g0zs8omwfqere.link"), domain("kldoqzn6x62p3.top")});
  const EnrichSummary summary = enrich(*store, options_for(blog_server().address()));
  CHECK(summary.lookups_stored == summary.queries);

  auto log = LookupLog::open(*store);
  REQUIRE(log);
  auto rows = store->database().prepare("SELECT id FROM lookup ORDER BY id");
  int64_t derived_total = 0;
  while (rows.step()) {
    auto row = log->get(rows.int64(0));
    REQUIRE(row);
    auto query = parse_query_text(row->query);
    REQUIRE(query);
    auto raw = unpack_hops(row->answer);
    REQUIRE(raw);
    const Derived derived = derive(StoredLookup{row->id, *query, row->time, *raw});
    // Every derived observation is stored with this lookup as provenance.
    for (const Observation& observation : derived.observations) {
      auto stored = store->database().prepare(
          "SELECT COUNT(*) FROM observation o JOIN edge e ON e.id = o.edge_id JOIN entity s ON s.id = e.src"
          " JOIN entity d ON d.id = e.dst WHERE o.source_kind = 'lookup' AND o.source_id = ?1 AND s.key = ?2"
          " AND e.relation = ?3 AND d.key = ?4 AND o.time = ?5");
      stored.bind(1, row->id).bind(2, observation.subject.key).bind(3, observation.relation.text()).bind(4, observation.object.key)
          .bind(5, observation.time);
      REQUIRE(stored.step());
      CHECK_MESSAGE(stored.int64(0) == 1, row->query << " " << observation.relation.text() << " " << observation.object.key);
    }
    derived_total += static_cast<int64_t>(derived.observations.size());
  }
  // Plus the FCrDNS confirmation, which rests on two lookups.
  CHECK(derived_total + summary.fcrdns_confirmed == summary.observations);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM observation WHERE source_kind = 'lookup'") == summary.observations);
}

TEST_CASE("dns plan: types per entity, registrable domains, max-age, scope and limit") {
  const std::vector<EntityRow> ips{{1, ip(kBlogIp)}, {2, ip("2001:db8::25")}};
  const std::vector<EntityRow> domains{{3, domain("mx1.kldoqzn6x62p3.top")}, {4, domain("somach789.xyz")}};
  LatestLookups latest;
  latest[{1, "PTR"}] = kDay1 - 3600;        // an hour old
  latest[{4, "MX"}] = kDay1 - 2 * 86400;    // two days old
  PlanOptions options;
  options.now = kDay1;
  options.max_age = 86400;
  Plan plan = make_plan(ips, domains, latest, options);
  std::set<std::string> texts;
  for (const PlannedQuery& planned : plan.queries) texts.insert(query_text(planned.query));
  CHECK_FALSE(texts.count("137.54.244.103.in-addr.arpa PTR"));  // fresh
  CHECK(texts.count(reverse_name(*IpAddress::parse("2001:db8::25")) + " PTR"));
  // The registrable domain comes with its subdomain, with every type.
  for (const char* type : {"A", "AAAA", "MX", "NS", "TXT"}) {
    CHECK(texts.count(std::string("mx1.kldoqzn6x62p3.top ") + type));
    CHECK(texts.count(std::string("kldoqzn6x62p3.top ") + type));
    CHECK(texts.count(std::string("somach789.xyz ") + type));  // MX is two days old: asked again
  }
  CHECK(plan.queries.size() == 1 + 3 * 5);
  CHECK(plan.fresh == 1);
  CHECK(plan.entities == 4);

  options.max_age = 0;  // asks everything
  CHECK(make_plan(ips, domains, latest, options).queries.size() == 2 + 3 * 5);
  options.scope = PlanScope::Ips;
  CHECK(make_plan(ips, domains, latest, options).queries.size() == 2);
  options.scope = PlanScope::Domains;
  options.limit = 1;
  plan = make_plan(ips, domains, latest, options);
  CHECK(plan.entities == 1);
  CHECK(plan.queries.size() == 5);

  CHECK(*parse_duration_ms("1d", "--max-age") == 86'400'000);
  CHECK(*parse_duration_ms("12h", "--max-age") == 43'200'000);
  CHECK(*parse_duration_ms("30m", "--max-age") == 1'800'000);
  CHECK(*parse_duration_ms("500ms", "--timeout") == 500);
  CHECK(*parse_duration_ms("0", "--max-age") == 0);
  auto bad = parse_duration_ms("3 days", "--max-age");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().where == "--max-age 3 days");
  CHECK_FALSE(parse_scope("asn"));
}

TEST_CASE("dns enrich: max-age against stored lookups, then a day later") {
  TempDir dir("dns-maxage");
  auto store = open_store(dir);
  add_entities(*store, {domain("somach789.xyz")});
  // Domains only: the address the answer names would otherwise be planned next time.
  auto options = [](UnixTime now) {
    EnrichOptions options = options_for(blog_server().address(), now);
    options.plan.scope = PlanScope::Domains;
    return options;
  };
  const EnrichSummary first = enrich(*store, options(kDay1));
  CHECK(first.planned_entities == 1);
  CHECK(first.planned_queries == 5);
  CHECK(first.lookups_stored == 5);
  // An hour later everything is fresh: nothing is sent.
  const EnrichSummary soon = enrich(*store, options(kDay1 + 3600));
  CHECK(soon.planned_queries == 0);
  CHECK(soon.fresh == 5);
  CHECK(soon.queries == 0);
  // A day later it is asked again, and the edge gains a sighting.
  const EnrichSummary later = enrich(*store, options(kDay2));
  CHECK(later.planned_queries == 5);
  CHECK(later.new_edges == 0);
  const EdgeRow row = edge(*store, domain("somach789.xyz"), kResolvesTo, ip(kBlogIp));
  CHECK(row.count == 2);
  CHECK(row.first == kDay1);
  CHECK(row.last == kDay2);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM lookup WHERE query = 'somach789.xyz A'") == 2);
}

TEST_CASE("dns enrich: NXDOMAIN and SERVFAIL are stored lookups, and a name that stops resolving is flagged") {
  TempDir dir("dns-failures");
  auto store = open_store(dir);
  add_entities(*store, {domain("nx.jonjokojon789.shop"), domain("www.servfail.test"), domain("p963kr435uqq.link")});
  EnrichOptions options = options_for(blog_server().address());
  options.plan.scope = PlanScope::Domains;
  const EnrichSummary summary = enrich(*store, options);
  CHECK(summary.status.at("NXDOMAIN") == 5);  // nx.jonjokojon789.shop, all five types
  CHECK(summary.status.at("SERVFAIL") >= 5);  // www.servfail.test (and servfail.test)
  auto status_of = [&](const std::string& query) {
    auto select = store->database().prepare(
        "SELECT l.status, l.time, l.ttl IS NULL, length(l.answer), e.key FROM lookup l JOIN entity e ON e.id = l.entity_id"
        " WHERE l.query = ?1");
    select.bind(1, query);
    REQUIRE_MESSAGE(select.step(), query);
    CHECK(select.int64(1) == kDay1);
    CHECK(select.int64(2) == 1);   // no records, no TTL
    CHECK(select.int64(3) > 12);   // the raw answer is kept
    CHECK(select.text(4) == query.substr(0, query.find(' ')));
    return select.text(0);
  };
  CHECK(status_of("nx.jonjokojon789.shop A") == "NXDOMAIN");
  CHECK(status_of("www.servfail.test A") == "SERVFAIL");
  bool listed = false;
  for (const FailedLookup& failed : summary.failed)
    listed = listed || (failed.query == "nx.jonjokojon789.shop A" && failed.status == "NXDOMAIN" &&
                        failed.previous_status.empty() && failed.time == kDay1);
  CHECK(listed);

  // The next day the name is gone from the zone: its A lookup says NXDOMAIN, was NOERROR.
  DnsZone zone = blog_zone();
  std::erase_if(zone.records, [](const std::string& line) { return line.starts_with("p963kr435uqq.link. "); });
  auto server = DnsTestServer::start(zone);
  REQUIRE(server);
  const EnrichSummary later = enrich(*store, options_for((*server)->address(), kDay2));
  bool stopped = false;
  for (const FailedLookup& failed : later.failed)
    stopped = stopped || (failed.query == "p963kr435uqq.link A" && failed.status == "NXDOMAIN" &&
                          failed.previous_status == "NOERROR" && failed.time == kDay2);
  CHECK(stopped);
  // The old edge stays, last seen on the first day.
  const EdgeRow row = edge(*store, domain("p963kr435uqq.link"), kResolvesTo, ip(kBlogIp));
  CHECK(row.count == 1);
  CHECK(row.last == kDay1);

  // `show domain` tells the same story from the lookup table.
  auto report = store->show(domain("p963kr435uqq.link"));
  REQUIRE(report);
  const LookupHistory* a_history = nullptr;
  for (const LookupHistory& history : report->lookups)
    if (history.query == "p963kr435uqq.link A") a_history = &history;
  REQUIRE(a_history != nullptr);
  CHECK(a_history->source == "dns");
  CHECK(a_history->count == 2);
  CHECK(a_history->first_time == kDay1);
  CHECK(a_history->last_time == kDay2);
  CHECK(a_history->last_status == "NXDOMAIN");
  CHECK(a_history->previous_status == std::optional<std::string>("NOERROR"));
  CHECK(a_history->previous_time == std::optional<UnixTime>(kDay1));
}

TEST_CASE("dns enrich: PTR and FCrDNS, confirmed or not, IPv4 and IPv6") {
  TempDir dir("dns-fcrdns");
  auto store = open_store(dir);
  // The rDNS name is a domain entity too (a HELO, say): its A query serves both.
  add_entities(*store, {ip(kBlogIp), ip("103.244.54.138"), ip("2001:db8::25"), domain(kBlogRdns)});
  EnrichOptions options = options_for(blog_server().address());
  const EnrichSummary summary = enrich(*store, options);
  CHECK(summary.planned_queries == 3 + 5 + 5);  // three PTRs, five types for the name and for i4hk.com
  CHECK(summary.queries == 3 + 3 + 4 + 5);      // plus two more forward lookups; the name's A is asked once
  CHECK(summary.fcrdns_checked == 3);
  CHECK(summary.fcrdns_confirmed == 2);

  CHECK(edge(*store, ip(kBlogIp), kPtr, domain(kBlogRdns)).count == 1);
  CHECK(edge(*store, ip(kBlogIp), kFcrdns, domain(kBlogRdns)).count == 1);
  // 138's name points at .200: a PTR, not confirmed.
  CHECK(edge(*store, ip("103.244.54.138"), kPtr, domain("static-ip.138.54.244.103.rev.i4hk.com")).count == 1);
  CHECK(edge(*store, ip("103.244.54.138"), kFcrdns, domain("static-ip.138.54.244.103.rev.i4hk.com")).count == 0);
  CHECK(edge(*store, domain("static-ip.138.54.244.103.rev.i4hk.com"), kResolvesTo, ip("103.244.54.200")).count == 1);
  // IPv6: PTR, then AAAA back.
  CHECK(edge(*store, ip("2001:db8::25"), kPtr, domain("mail.sunsonshu55.shop")).count == 1);
  CHECK(edge(*store, ip("2001:db8::25"), kFcrdns, domain("mail.sunsonshu55.shop")).count == 1);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM lookup WHERE query = 'mail.sunsonshu55.shop AAAA'") == 1);
  // The forward lookup is stored for the PTR name's own entity.
  CHECK(count_rows(*store, std::string("SELECT COUNT(*) FROM lookup l JOIN entity e ON e.id = l.entity_id"
                                       " WHERE e.key = '") + kBlogRdns + "' AND l.query = '" + kBlogRdns + " A'") == 1);
  // Provenance: the fcrdns edge rests on the forward lookup.
  auto report = store->show(ip(kBlogIp));
  REQUIRE(report);
  bool provenance = false;
  for (const EdgeView& view : report->edges)
    if (view.relation == kFcrdns.text())
      for (const Provenance& source : view.provenance)
        provenance = provenance || (source.kind == ProvenanceKind::lookup && source.ref.find(std::string(kBlogRdns) + " A NOERROR from 127.0.0.1:") == 0);
  CHECK(provenance);
}

TEST_CASE("dns enrich: CNAME chains, MX, NS and SPF terms become edges") {
  TempDir dir("dns-records");
  auto store = open_store(dir);
  add_entities(*store, {domain("www.somach789.xyz"), domain("kldoqzn6x62p3.top"), domain("g0zs8omwfqere.link")});
  enrich(*store, options_for(blog_server().address()));
  // www.somach789.xyz -> track.authoranz.xyz -> authoranz.xyz -> 103.244.54.137
  CHECK(edge(*store, domain("www.somach789.xyz"), kCname, domain("track.authoranz.xyz")).count >= 1);
  CHECK(edge(*store, domain("track.authoranz.xyz"), kCname, domain("authoranz.xyz")).count >= 1);
  CHECK(edge(*store, domain("www.somach789.xyz"), kResolvesTo, ip(kBlogIp)).count == 1);
  CHECK(edge(*store, domain("authoranz.xyz"), kResolvesTo, ip(kBlogIp)).count == 1);
  // The lookup row keeps every hop of the chain, as length-prefixed raw messages, and the smallest TTL.
  auto log = LookupLog::open(*store);
  REQUIRE(log);
  auto www = store->find_entity(domain("www.somach789.xyz"));
  REQUIRE(www);
  auto rows = log->for_entity(*www, "dns");
  REQUIRE(rows);
  const LookupRow* a_row = nullptr;
  for (const LookupRow& row : *rows)
    if (row.query == "www.somach789.xyz A") a_row = &row;
  REQUIRE(a_row);
  CHECK(a_row->status == "NOERROR");
  CHECK(a_row->server == blog_server().address());
  CHECK(a_row->ttl == 600);  // the CNAMEs' 600 is below the A record's 3600
  auto hops = unpack_hops(a_row->answer);
  REQUIRE(hops);
  CHECK(hops->size() >= 2);
  auto txt = store->database().prepare("SELECT ttl FROM lookup WHERE query = 'g0zs8omwfqere.link TXT'");
  REQUIRE(txt.step());
  CHECK(txt.int64(0) == 300);
  // The chain's names are entities of their own now, ready for the next run.
  CHECK(store->find_entity(domain("track.authoranz.xyz")));
  // Names under a registrable domain with edges are listed for `shares` of their family.
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM family_edge_name n JOIN entity f ON f.id = n.family_id"
                           " JOIN entity e ON e.id = n.entity_id WHERE f.key = 'somach789.xyz'"
                           " AND e.key = 'www.somach789.xyz'") == 1);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM family_edge_name n JOIN entity f ON f.id = n.family_id"
                           " JOIN entity e ON e.id = n.entity_id WHERE f.key = 'authoranz.xyz'"
                           " AND e.key = 'track.authoranz.xyz'") == 1);
  // MX and NS.
  CHECK(edge(*store, domain("kldoqzn6x62p3.top"), kMx, domain("mx1.kldoqzn6x62p3.top")).count == 1);
  CHECK(edge(*store, domain("kldoqzn6x62p3.top"), kMx, domain("mx2.kldoqzn6x62p3.top")).count == 1);
  CHECK(edge(*store, domain("kldoqzn6x62p3.top"), kNs, domain("ns1.i4hk.com")).count == 1);
  CHECK(edge(*store, domain("kldoqzn6x62p3.top"), kNs, domain("ns2.i4hk.com")).count == 1);
  // SPF: "v=spf1 ip4:114.113.195.0/24 ip4:103.244.54.137 include:_spf.leadw.link ~all" (two strings).
  CHECK(edge(*store, domain("g0zs8omwfqere.link"), kSpfIp, EntityRef{EntityKind::prefix, "114.113.195.0/24"}).count == 1);
  CHECK(edge(*store, domain("g0zs8omwfqere.link"), kSpfIp, ip(kBlogIp)).count == 1);
  CHECK(edge(*store, domain("g0zs8omwfqere.link"), kSpfInclude, domain("_spf.leadw.link")).count == 1);
  // `shares` of the prefix finds the domain whose SPF names it, as a DNS link without messages.
  auto sharing = store->domains_sharing_ip("114.113.195.0/24", TimeRange{});
  REQUIRE(sharing);
  REQUIRE(sharing->size() == 1);
  CHECK(sharing->front().value == "g0zs8omwfqere.link");
  CHECK(sharing->front().roles == std::vector<std::string>{"spf-ip"});
  CHECK(sharing->front().via == std::vector<std::string>{"dns"});
  CHECK(sharing->front().messages == 0);
  CHECK(sharing->front().first_seen == kDay1);
  // And `shares` of the domain lists the addresses it resolves to and authorises.
  auto ips = store->ips_sharing_domain("g0zs8omwfqere.link", TimeRange{});
  REQUIRE(ips);
  REQUIRE(ips->size() == 1);
  CHECK(ips->front().value == kBlogIp);
  CHECK(ips->front().roles == std::vector<std::string>{"resolves-to", "spf-ip"});
  CHECK(ips->front().last_seen == kDay1);
  // AAAA.
  add_entities(*store, {domain("jonjokojon789.shop")});
  enrich(*store, options_for(blog_server().address()));
  CHECK(edge(*store, domain("jonjokojon789.shop"), kResolvesTo, ip("2001:db8::137")).count == 1);
  CHECK(edge(*store, domain("jonjokojon789.shop"), kResolvesTo, ip(kBlogIp)).count == 1);
}

TEST_CASE("dns enrich: --offline sends nothing, --only and --limit bound the plan") {
  TempDir dir("dns-offline");
  auto store = open_store(dir);
  add_entities(*store, {ip(kBlogIp), domain("somach789.xyz"), domain("authoranz.xyz"), domain("sunsonshu55.shop")});
  SilentUdpPort silent;
  EnrichOptions options = options_for("127.0.0.1:" + std::to_string(silent.port()));
  options.resolver.timeout_ms = 3000;
  options.offline = true;
  const auto start = std::chrono::steady_clock::now();
  const EnrichSummary summary = enrich(*store, options);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));  // no timeout was waited for
  CHECK(summary.queries == 0);
  CHECK(summary.status.empty());
  CHECK(summary.planned_entities == 4);
  CHECK(summary.would_query.size() == 1 + 3 * 5);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM lookup") == 0);

  // --only ip: the PTR and its forward lookup, nothing for the domains.
  options = options_for(blog_server().address());
  options.plan.scope = PlanScope::Ips;
  EnrichSummary ips = enrich(*store, options);
  CHECK(ips.planned_entities == 1);
  CHECK(ips.queries == 2);
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM lookup WHERE query LIKE '% MX'") == 0);

  // --only domain --limit 2: two of the three domains, five types each.
  options.plan.scope = PlanScope::Domains;
  options.plan.limit = 2;
  EnrichSummary limited = enrich(*store, options);
  CHECK(limited.planned_entities == 2);
  CHECK(limited.queries == 10);
  CHECK(count_rows(*store, "SELECT COUNT(DISTINCT entity_id) FROM lookup WHERE query LIKE '% MX'") == 2);

  // A silent server: every query is a stored TIMEOUT, and is asked again next time.
  options = options_for("127.0.0.1:" + std::to_string(silent.port()));
  options.resolver.timeout_ms = 100;
  options.resolver.tries = 1;
  options.plan.scope = PlanScope::Domains;
  const EnrichSummary timeouts = enrich(*store, options);
  CHECK(timeouts.status.count("NOERROR") == 0);
  // sunsonshu55.shop, the one listed domain not yet asked, timed out on all five types...
  CHECK(count_rows(*store, "SELECT COUNT(*) FROM lookup WHERE query LIKE 'sunsonshu55.shop %' AND status = 'TIMEOUT'") == 5);
  // ...so a minute later it is planned again, unlike the domains that got answers.
  options.now = kDay1 + 60;
  options.offline = true;
  const EnrichSummary again = enrich(*store, options);
  int sunsonshu = 0, somach = 0;
  for (const PlannedQuery& planned : again.would_query) {
    sunsonshu += planned.entity.key == "sunsonshu55.shop";
    somach += planned.entity.key == "somach789.xyz";
  }
  CHECK(sunsonshu == 5);
  CHECK(somach == 0);
}

TEST_CASE("dns enrich: the blog's 20 domains share 103.244.54.137, and a day later two have moved" * doctest::timeout(120)) {
  TempDir dir("dns-acceptance");
  const std::string db = dir.path("blog.db");
  CommandResult seed = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--assume-time", "2025-12-01", repo_path("data/seed")});
  REQUIRE_MESSAGE(seed.exit_code == 0, seed.err);
  CommandResult list = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", "--source",
                                    "jacks-blog", repo_path("data/lists/jacks-blog-domains.txt")});
  REQUIRE_MESSAGE(list.exit_code == 0, list.err);
  // A name that does not exist, to see how a failed lookup is shown.
  const std::string extra = dir.path("extra.txt");
  {
    std::ofstream out(extra);
    out << "nx.jonjokojon789.shop\n";
  }
  CommandResult extra_list = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", extra});
  REQUIRE_MESSAGE(extra_list.exit_code == 0, extra_list.err);

  auto day1_server = DnsTestServer::start(blog_zone());
  REQUIRE(day1_server);
  CommandResult run1 = run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "dns", "--resolver",
                                    (*day1_server)->address(), "--now", "2026-01-01T00:00:00Z", "--json"});
  INFO(run1.out << run1.err);
  REQUIRE(run1.exit_code == 0);
  const json summary1 = json::parse(run1.out);
  CHECK(summary1["server"] == (*day1_server)->address());
  CHECK(summary1["status"]["NOERROR"].get<int>() > 20 * 1);
  CHECK(summary1["fcrdns_confirmed"].get<int>() >= 1);
  CHECK(summary1["lookups"] == summary1["queries"]);
  const json* nx = find_row(summary1["failed"], "query", "nx.jonjokojon789.shop A");
  REQUIRE(nx);
  CHECK((*nx)["status"] == "NXDOMAIN");
  CHECK((*nx)["time"] == "2026-01-01T00:00:00Z");
  CHECK((*nx)["previous_status"] == "");

  CommandResult shares1 = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", kBlogIp, "--json"});
  REQUIRE(shares1.exit_code == 0);
  const json rows1 = json::parse(shares1.out);
  for (const std::string& name : blog_domains()) {
    const json* row = find_row(rows1, "domain", name);
    REQUIRE_MESSAGE(row, name);
    CHECK_MESSAGE(json_contains((*row)["roles"], "resolves-to"), name);
    CHECK_MESSAGE(json_contains((*row)["via"], "dns"), name);
    CHECK_MESSAGE((*row)["last_seen"] == "2026-01-01T00:00:00Z", name);
  }
  // A domain only the blog and DNS know: first seen by DNS, no messages.
  const json* listed_only = find_row(rows1, "domain", "p963kr435uqq.link");
  REQUIRE(listed_only);
  CHECK((*listed_only)["first_seen"] == "2026-01-01T00:00:00Z");
  CHECK((*listed_only)["messages"] == 0);
  CHECK((*listed_only)["roles"] == json::array({"resolves-to"}));
  // A sender domain keeps its message roles next to the DNS one.
  const json* sender = find_row(rows1, "domain", "g0zs8omwfqere.link");
  REQUIRE(sender);
  CHECK(json_contains((*sender)["roles"], "envelope-from"));
  CHECK(json_contains((*sender)["roles"], "spf-ip"));
  CHECK((*sender)["messages"].get<int>() >= 1);
  // The rDNS name: PTR and forward-confirmed, under its registrable domain, and by
  // itself with --names.
  const json* rdns_family = find_row(rows1, "domain", "i4hk.com");
  REQUIRE(rdns_family);
  CHECK(json_contains((*rdns_family)["roles"], "fcrdns"));
  CHECK(json_contains((*rdns_family)["roles"], "ptr"));
  const json names1 = json::parse(run_command({SPAMGRAPH_BINARY, "--db", db, "shares", kBlogIp, "--json", "--names"}).out);
  const json* rdns = find_row(names1, "domain", kBlogRdns);
  REQUIRE(rdns);
  CHECK(json_contains((*rdns)["roles"], "fcrdns"));
  CHECK(json_contains((*rdns)["roles"], "ptr"));
  CHECK((*rdns)["names"] == 1);

  // A day later, two domains have moved to another address.
  const std::vector<std::string> moved{"p963kr435uqq.link", "1eyv7xaaktsre.club"};
  DnsZone zone = blog_zone();
  for (const std::string& name : moved) zone.set_a(name, "198.51.100.7");
  auto day2_server = DnsTestServer::start(zone);
  REQUIRE(day2_server);
  CommandResult run2 = run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "dns", "--resolver",
                                    (*day2_server)->address(), "--now", "2026-01-02T00:00:00Z"});
  INFO(run2.out << run2.err);
  REQUIRE(run2.exit_code == 0);
  CHECK(run2.out.find("queries to " + (*day2_server)->address()) != std::string::npos);
  CHECK(run2.out.find("answers: NOERROR ") != std::string::npos);
  const size_t nx_line = run2.out.find("  NXDOMAIN    2026-01-02T00:00:00Z  nx.jonjokojon789.shop A AAAA MX NS TXT");
  REQUIRE(nx_line != std::string::npos);
  CHECK(run2.out.substr(nx_line, run2.out.find('\n', nx_line) - nx_line).ends_with("TXT (was NXDOMAIN)"));

  CommandResult shares2 = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", kBlogIp, "--json"});
  REQUIRE(shares2.exit_code == 0);
  const json rows2 = json::parse(shares2.out);
  for (const std::string& name : blog_domains()) {
    const json* row = find_row(rows2, "domain", name);
    REQUIRE_MESSAGE(row, name);
    const bool has_moved = std::find(moved.begin(), moved.end(), name) != moved.end();
    CHECK_MESSAGE((*row)["last_seen"] == (has_moved ? "2026-01-01T00:00:00Z" : "2026-01-02T00:00:00Z"), name);
  }
  CommandResult new_home = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "198.51.100.7", "--json"});
  REQUIRE(new_home.exit_code == 0);
  const json rows3 = json::parse(new_home.out);
  CHECK(rows3.size() == 2);
  for (const std::string& name : moved) {
    const json* row = find_row(rows3, "domain", name);
    REQUIRE_MESSAGE(row, name);
    CHECK((*row)["first_seen"] == "2026-01-02T00:00:00Z");
  }

  // --offline an hour later: only what the second run discovered (the new address) is
  // planned, the rest is fresh; nothing is sent or stored.
  CommandResult offline = run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "dns", "--offline", "--json", "--now",
                                       "2026-01-02T01:00:00Z"});
  INFO(offline.out << offline.err);
  REQUIRE(offline.exit_code == 0);
  const json plan = json::parse(offline.out);
  CHECK(plan["queries"] == 0);
  CHECK(plan["lookups"] == 0);
  CHECK(plan["fresh_skipped"].get<int>() > 100);
  std::set<std::string> planned;
  for (const json& item : plan["would_query"]) planned.insert(item["query"].get<std::string>());
  CHECK(planned.count("7.100.51.198.in-addr.arpa PTR"));
  CHECK_FALSE(planned.count("somach789.xyz A"));
  CHECK(plan["planned_queries"].get<size_t>() == planned.size());
  // A bad option names itself.
  CommandResult bad = run_command({SPAMGRAPH_BINARY, "--db", db, "enrich", "dns", "--max-age", "soon"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--max-age soon") != std::string::npos);
}

TEST_CASE("dns enrich: the config file's resolver lines, and lookups no server answered") {
  TempDir dir("dns-config");
  const std::string db = dir.path("graph.db");
  const std::string list = dir.path("list.txt");
  const std::string config = dir.path("config");
  {
    std::ofstream out(list);
    out << "somach789.xyz\n";
    std::ofstream conf(config);
    conf << "resolver = " << blog_server().address() << "\n";
  }
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", list}).exit_code == 0);
  CommandResult run = run_command({SPAMGRAPH_BINARY, "--config", config, "--db", db, "enrich", "dns", "--only", "domain",
                                   "--json", "--now", "2026-01-01"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const json summary = json::parse(run.out);
  CHECK(summary["server"] == blog_server().address());
  CHECK(summary["status"]["NOERROR"] == 5);
  CHECK(summary["planned_entities"] == 1);

  // --resolver wins over the config; a closed port answers nothing: stored, exit 1, said on stderr.
  CommandResult closed = run_command({SPAMGRAPH_BINARY, "--config", config, "--db", db, "enrich", "dns", "--resolver",
                                      "127.0.0.1:9", "--tries", "1", "--now", "2026-01-03"});
  INFO(closed.out << closed.err);
  CHECK(closed.exit_code == 1);
  CHECK(closed.out.find("queries to 127.0.0.1:9 ") != std::string::npos);
  CHECK(closed.err.find("lookups got no answer (CONNREFUSED ") != std::string::npos);
  CHECK(closed.err.find("from 127.0.0.1:9; they are asked again next run") != std::string::npos);
}
