#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "store/entity_id_cache.h"
#include "store/schema.h"
#include "store/store.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

// One temporary folder for this file's databases, removed at exit.
std::string temp_db(const char* name) {
  static TempDir dir("store");
  return dir.path(name);
}

Hop hop(const char* ip, const char* helo, const char* rdns) {
  Hop h;
  h.from_ip = IpAddress::parse(ip);
  h.from_helo = helo;
  h.from_rdns = rdns;
  return h;
}

// The shape of the blog's first excerpt, built by hand so the store is tested alone.
Evidence seed_like(const std::string& hash, const char* relay, const char* helo, const char* envelope_domain,
                   UnixTime time) {
  Evidence e;
  e.header_hash = hash;
  e.raw_headers = "Received: ...\n";
  e.source = MessageSource{SourceKind::paste, "seed.txt", 0, 0, 0};
  e.hops = {hop(relay, "re27.leadw.link", ""), hop("103.244.54.137", helo, "static-ip.137.54.244.103.rev.i4hk.com")};
  e.origin_hop = 1;
  e.time = time;
  e.time_source = "date-header";
  e.indicators = {{EntityKind::domain, envelope_domain, Role::envelope_from, false},
                  {EntityKind::email, std::string("bounce@") + envelope_domain, Role::envelope_from, false},
                  {EntityKind::domain, helo, Role::header_from, false}};
  return e;
}

bool has_role(const SharedLink& link, const std::string& role) {
  return std::find(link.roles.begin(), link.roles.end(), role) != link.roles.end();
}

const SharedLink* find(const std::vector<SharedLink>& links, const std::string& value) {
  for (const SharedLink& link : links)
    if (link.value == value) return &link;
  return nullptr;
}

}  // namespace

TEST_CASE("store: messages become edges, and shares answers both directions with times") {
  auto store = Store::open(temp_db("shares.db"));
  REQUIRE(store);
  const UnixTime t1 = make_utc(2019, 12, 20, 0, 0, 0), t2 = make_utc(2020, 2, 1, 0, 0, 0);
  auto first = (*store)->add_message(seed_like("h1", "114.113.195.101", "kldoqzn6x62p3.top", "g0zs8omwfqere.link", t1));
  REQUIRE(first);
  CHECK(*first);
  auto second = (*store)->add_message(seed_like("h2", "114.113.195.11", "somach789.xyz", "authoranz.xyz", t2));
  REQUIRE(second);
  auto again = (*store)->add_message(seed_like("h1", "114.113.195.101", "kldoqzn6x62p3.top", "g0zs8omwfqere.link", t1));
  REQUIRE(again);
  CHECK_FALSE(*again);  // same header block: nothing changes

  auto links = (*store)->domains_sharing_ip("103.244.54.137", TimeRange{}, ShareGrouping::name);
  REQUIRE(links);
  for (const SharedLink& link : *links) CHECK(link.names == 1);
  const SharedLink* helo = find(*links, "kldoqzn6x62p3.top");
  REQUIRE(helo);
  CHECK(has_role(*helo, "helo"));
  CHECK(has_role(*helo, "header-from"));
  CHECK(helo->messages == 1);
  CHECK(helo->first_seen == t1);
  const SharedLink* envelope = find(*links, "authoranz.xyz");
  REQUIRE(envelope);
  CHECK(envelope->roles == std::vector<std::string>{"envelope-from"});
  CHECK(envelope->via == std::vector<std::string>{"origin-ip"});
  const SharedLink* ptr = find(*links, "static-ip.137.54.244.103.rev.i4hk.com");
  REQUIRE(ptr);
  CHECK(ptr->first_seen == t1);
  CHECK(ptr->last_seen == t2);
  CHECK(ptr->messages == 2);

  // By registrable domain (the default), the PTR name stands under i4hk.com.
  auto families = (*store)->domains_sharing_ip("103.244.54.137", TimeRange{});
  REQUIRE(families);
  CHECK_FALSE(find(*families, "static-ip.137.54.244.103.rev.i4hk.com"));
  const SharedLink* i4hk = find(*families, "i4hk.com");
  REQUIRE(i4hk);
  CHECK(i4hk->names == 1);
  CHECK(i4hk->roles == std::vector<std::string>{"ptr"});
  CHECK(i4hk->messages == 2);
  CHECK(find(*families, "kldoqzn6x62p3.top")->names == 1);

  auto since = (*store)->domains_sharing_ip("103.244.54.137", TimeRange{make_utc(2020, 1, 1, 0, 0, 0), {}},
                                            ShareGrouping::name);
  REQUIRE(since);
  CHECK(find(*since, "somach789.xyz"));
  CHECK_FALSE(find(*since, "kldoqzn6x62p3.top"));
  CHECK(find(*since, "static-ip.137.54.244.103.rev.i4hk.com")->first_seen == t2);

  auto relays = (*store)->domains_sharing_ip("114.113.195.0/24", TimeRange{}, ShareGrouping::name);
  REQUIRE(relays);
  CHECK(find(*relays, "re27.leadw.link"));
  CHECK(find(*relays, "g0zs8omwfqere.link")->via == std::vector<std::string>{"relay-ip"});
  auto relay_families = (*store)->domains_sharing_ip("114.113.195.0/24", TimeRange{});
  REQUIRE(relay_families);
  CHECK_FALSE(find(*relay_families, "re27.leadw.link"));
  REQUIRE(find(*relay_families, "leadw.link"));
  CHECK(find(*relay_families, "leadw.link")->names == 1);
  CHECK(find(*relay_families, "leadw.link")->messages >= 1);

  auto ips = (*store)->ips_sharing_domain("i4hk.com", TimeRange{});  // registrable: includes the PTR name
  REQUIRE(ips);
  REQUIRE(find(*ips, "103.244.54.137"));
  CHECK(has_role(*find(*ips, "103.244.54.137"), "ptr"));
  auto by_envelope = (*store)->ips_sharing_domain("g0zs8omwfqere.link", TimeRange{});
  REQUIRE(by_envelope);
  CHECK(has_role(*find(*by_envelope, "103.244.54.137"), "origin-ip"));
  CHECK(has_role(*find(*by_envelope, "114.113.195.101"), "relay-ip"));
  CHECK_FALSE(find(*by_envelope, "114.113.195.11"));

  auto stats = (*store)->stats();
  REQUIRE(stats);
  CHECK(stats->messages == 2);
  CHECK(stats->entities["ip"] == 3);
  CHECK(stats->entities["email"] == 2);

  auto shown = (*store)->show(EntityRef{EntityKind::ip, "103.244.54.137"});
  REQUIRE(shown);
  bool saw_helo = false;
  for (const EdgeView& edge : shown->edges)
    if (edge.relation == kHelo.text() && edge.other.key == "somach789.xyz") {
      saw_helo = true;
      REQUIRE_FALSE(edge.provenance.empty());
      CHECK(edge.provenance[0].ref.find("seed.txt") != std::string::npos);
    }
  CHECK(saw_helo);
  auto message = (*store)->show(EntityRef{EntityKind::message, "h2"});
  REQUIRE(message);
  REQUIRE(message->message);
  CHECK(message->message->time == t2);
  CHECK_FALSE((*store)->show(EntityRef{EntityKind::ip, "192.0.2.1"}));
  CHECK_FALSE((*store)->domains_sharing_ip("not-an-ip/99", TimeRange{}));
}

TEST_CASE("store: a rolled-back batch leaves nothing behind and the next batch works") {
  auto store = Store::open(temp_db("rollback.db"));
  REQUIRE(store);
  REQUIRE((*store)->begin());
  REQUIRE((*store)->add_message(seed_like("r1", "114.113.195.101", "a.example", "b.example", 100)));
  (*store)->rollback();
  CHECK((*store)->stats()->messages == 0);
  REQUIRE((*store)->begin());
  REQUIRE((*store)->add_message(seed_like("r1", "114.113.195.101", "a.example", "b.example", 100)));
  REQUIRE((*store)->commit());
  CHECK((*store)->stats()->messages == 1);
  CHECK((*store)->stats()->entities["domain"] >= 2);
}

TEST_CASE("store: a database from a newer spamgraph is refused, naming the file") {
  const std::string path = temp_db("newer.db");
  {
    auto store = Store::open(path);
    REQUIRE(store);
    REQUIRE((*store)->database().exec("UPDATE meta SET value = '999' WHERE key = 'schema_version'"));
  }
  auto reopened = Store::open(path);
  REQUIRE_FALSE(reopened);
  CHECK(reopened.error().where == path);
  CHECK(reopened.error().message.find("newer") != std::string::npos);
}

#include "store/key_hash_filter.h"

TEST_CASE("store: the key hash filter has no false negatives and few false positives") {
  auto store = Store::open(temp_db("filter.db"));
  REQUIRE(store);
  KeyHashFilter filter;
  REQUIRE(filter.load((*store)->database()));
  CHECK(filter.loaded());
  uint64_t x = 88172645463325252ull;
  auto next = [&] {  // xorshift64
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<uint64_t> added;
  for (int i = 0; i < 100000; ++i) added.push_back(next());
  for (uint64_t hash : added) filter.add(hash);
  for (uint64_t hash : added) REQUIRE(filter.maybe_contains(hash));
  int false_positives = 0;
  for (int i = 0; i < 100000; ++i) false_positives += filter.maybe_contains(next()) ? 1 : 0;
  CHECK(false_positives < 1000);  // 8 Mbit, 3 probes, 100k keys: ~0.05% expected
}

TEST_CASE("store: an entity stored by an earlier process is found, not duplicated") {
  const std::string path = temp_db("reopen.db");
  {
    auto store = Store::open(path);
    REQUIRE(store);
    REQUIRE((*store)->add_message(seed_like("p1", "114.113.195.101", "a.example", "b.example", 100)));
  }
  auto store = Store::open(path);
  REQUIRE(store);
  REQUIRE((*store)->add_message(seed_like("p2", "114.113.195.101", "a.example", "b.example", 200)));
  auto stats = (*store)->stats();
  REQUIRE(stats);
  CHECK(stats->entities["ip"] == 2);
  // a.example, b.example, the PTR name, i4hk.com, the relay HELO re27.leadw.link and leadw.link
  CHECK(stats->entities["domain"] == 6);
}

TEST_CASE("entity id cache: finds what was inserted, needs both hashes to match, empties itself when full") {
  sg::EntityIdCache cache(4);
  cache.insert({1, 100}, 11);
  cache.insert({2, 100}, 12);  // same probe start, different primary: a second slot
  CHECK(cache.find({1, 100}) == std::optional<int64_t>(11));
  CHECK(cache.find({2, 100}) == std::optional<int64_t>(12));
  CHECK_FALSE(cache.find({1, 101}));  // secondary differs: not the same entity
  cache.insert({1, 100}, 21);         // replaces, does not grow
  CHECK(cache.size() == 2);
  CHECK(cache.find({1, 100}) == std::optional<int64_t>(21));
  cache.insert({3, 7}, 13);
  cache.insert({4, 8}, 14);
  CHECK(cache.size() == 4);
  cache.insert({5, 9}, 15);  // full: emptied first, then holds only the new entry
  CHECK(cache.size() == 1);
  CHECK_FALSE(cache.find({1, 100}));
  CHECK(cache.find({5, 9}) == std::optional<int64_t>(15));
}
