// Read-side queries of the store: shares, stats, show.
#include <algorithm>
#include <map>
#include <set>

#include "core/domain.h"
#include "core/as_number.h"
#include "core/ip.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg {

// Accumulates rows into one SharedLink per value: per name, or per registrable
// domain (family) with the names behind it.
class LinkCollector {
 public:
  explicit LinkCollector(ShareGrouping grouping) : grouping_(grouping) {}
  ShareGrouping grouping() const { return grouping_; }

  // Relation names by id, for the bit sets of ip_domain_seen and ip_family_seen.
  Status load_relations(sql::Database& db) {
    auto query = db.cached("SELECT id, name FROM relation WHERE id BETWEEN 1 AND 63");
    while (query->step()) relations_.push_back({query->int64(0), query->text(1)});
    if (!query->error().empty()) return Error{query->error(), db.path()};
    return Ok{};
  }
  // The names of the relations in a bit set.
  std::vector<const std::string*> relations_in(uint64_t bits) const {
    std::vector<const std::string*> names;
    for (const auto& [id, name] : relations_)
      if (bits & (uint64_t{1} << id)) names.push_back(&name);
    return names;
  }

  // One sighting: `name` belongs to `family` (itself for an IP or a registrable domain).
  void add(const std::string& name, const std::string& family, const std::string& role, const std::string& via,
           UnixTime first, UnixTime last, int64_t message_id, bool trusted) {
    Entry& entry = entry_for(name, family);
    entry.roles.insert(role);
    entry.via.insert(via);
    widen(entry, first, last, trusted);
    if (message_id) entry.messages.insert(message_id);
  }

  // A total kept at ingest: `messages` distinct messages behind one kind of link, and
  // `names` names of the family (ip_family_seen's whole-pair row). Totals of different
  // kinds cannot be united message by message, so the link counts the largest (a lower
  // bound when they differ).
  void add_total(const std::string& name, const std::string& family, const char* role, const char* via,
                 UnixTime first, UnixTime last, int64_t messages, bool trusted, int64_t names = 0) {
    Entry& entry = entry_for(name, family);
    if (role) entry.roles.insert(role);
    if (via) entry.via.insert(via);
    widen(entry, first, last, trusted);
    entry.counted = std::max(entry.counted, messages);
    entry.names_counted = std::max(entry.names_counted, names);
  }

  // A total of a whole family, from ip_family_seen (grouping by family only).
  void add_family_total(const std::string& family, const char* role, const char* via, UnixTime first, UnixTime last,
                        int64_t messages, bool trusted, int64_t names) {
    Entry& entry = entries_[family];
    if (role) entry.roles.insert(role);
    if (via) entry.via.insert(via);
    widen(entry, first, last, trusted);
    entry.counted = std::max(entry.counted, messages);
    entry.names_counted = std::max(entry.names_counted, names);
  }

  std::vector<SharedLink> take(bool values_are_domains) {
    std::vector<SharedLink> links;
    links.reserve(entries_.size());
    for (auto& [value, entry] : entries_) {
      SharedLink link;
      link.value = value;
      link.roles.assign(entry.roles.begin(), entry.roles.end());
      link.via.assign(entry.via.begin(), entry.via.end());
      link.first_seen = entry.first;
      link.last_seen = entry.last;
      link.messages = std::max(static_cast<int64_t>(entry.messages.size()), entry.counted);
      link.trusted = entry.trusted;
      if (values_are_domains)
        link.names = grouping_ == ShareGrouping::name
                         ? 1
                         : std::max<int64_t>({static_cast<int64_t>(entry.names.size()), entry.names_counted, 1});
      links.push_back(std::move(link));
    }
    std::sort(links.begin(), links.end(), [](const SharedLink& a, const SharedLink& b) {
      return a.first_seen != b.first_seen ? a.first_seen < b.first_seen : a.value < b.value;
    });
    return links;
  }

 private:
  struct Entry {
    std::set<std::string> roles, via;
    UnixTime first = 0, last = 0;
    bool seen = false;
    std::set<int64_t> messages;
    int64_t counted = 0;
    std::set<std::string> names;  ///< grouping by family: the names seen one by one
    int64_t names_counted = 0;
    bool trusted = false;
  };

  Entry& entry_for(const std::string& name, const std::string& family) {
    if (grouping_ == ShareGrouping::name) return entries_[name];
    Entry& entry = entries_[family];
    entry.names.insert(name);
    return entry;
  }

  static void widen(Entry& entry, UnixTime first, UnixTime last, bool trusted) {
    if (!entry.seen || first < entry.first) entry.first = first;
    if (!entry.seen || last > entry.last) entry.last = last;
    entry.seen = true;
    entry.trusted = entry.trusted || trusted;
  }

  ShareGrouping grouping_;
  std::vector<std::pair<int64_t, std::string>> relations_;
  std::map<std::string, Entry> entries_;
};

namespace {

// The message relations that tie a message to an IP, and the role the IP played.
std::string ip_role_for(std::string_view relation) {
  if (relation == kSentFrom.text()) return std::string(to_text(Role::origin_ip));
  if (relation == kRelayedBy.text()) return std::string(to_text(Role::relay_ip));
  return std::string(to_text(Role::originating_ip));
}

// The relations above as an SQL list: "('sent-from', 'relayed-by', 'originating-ip')".
const std::string& message_ip_relations() {
  static const std::string list = "('" + std::string(kSentFrom.text()) + "', '" + std::string(kRelayedBy.text()) +
                                  "', '" + std::string(relation_of(Role::originating_ip).text()) + "')";
  return list;
}

// A word of the store read back: one this version does not know is an error, not a guess.
template <typename Word>
Result<Word> known(std::optional<Word> word, std::string_view text, const char* what) {
  if (!word) return Error{std::string("unknown ") + what + " in the store", std::string(text)};
  return *word;
}

Result<EntityRef> stored_entity(std::string_view kind, std::string key) {
  auto known_kind = known(parse_entity_kind(kind), kind, "entity kind");
  if (!known_kind) return known_kind.error();
  return EntityRef{*known_kind, std::move(key)};
}

// Rows of an entity-to-entity edge query: (other key, relation, first, last,
// source kind, source id, trusted, other's family), one per edge and source. The
// relation is the role (helo, ptr, resolves-to, fcrdns, spf-ip, ...); `via` tells a
// link a DNS answer made ("dns") from one a message or list stated ("direct"). Only
// message sources count as messages, so a DNS-only link shows 0.
Status add_direct_rows(sql::Statement& direct, LinkCollector& links, const std::string& db_path) {
  while (direct.step()) {
    const std::string_view source_kind = direct.text_view(4);
    const char* via = source_kind == to_text(ProvenanceKind::lookup) ? "dns" : "direct";
    links.add(direct.text(0), direct.text(7), direct.text(1), via, direct.int64(2), direct.int64(3),
              source_kind == to_text(ProvenanceKind::message) ? direct.int64(5) : 0, direct.int64(6) != 0);
  }
  if (!direct.error().empty()) return Error{direct.error(), db_path};
  return Ok{};
}

// Adds the edges of entity `id` to entities of `other_kind` (an IP's HELO, PTR and DNS
// names; a domain's addresses), each with its totals per source kind. `family` is the
// SQL of the other end's family (`x` is the other entity, `p` its parent).
Status add_edge_totals(sql::Database& db, int64_t id, const char* other_kind, const char* family,
                       LinkCollector& links) {
  struct EdgeEnd {
    int64_t edge_id;
    std::string key, relation, family;
  };
  std::vector<EdgeEnd> edges;
  {
    auto edges_lease = db.cached(std::string("SELECT e.id, x.key, e.relation, ") + family +
                                 " FROM edge e JOIN entity x ON x.id = CASE WHEN e.src = ?1 THEN e.dst ELSE e.src END"
                                 " LEFT JOIN entity p ON p.id = x.parent_id"
                                 " WHERE (e.src = ?1 OR e.dst = ?1) AND x.kind = ?2 ORDER BY e.id");
    sql::Statement& query = *edges_lease;
    query.bind(1, id).bind(2, other_kind);
    while (query.step()) edges.push_back({query.int64(0), query.text(1), query.text(2), query.text(3)});
    if (!query.error().empty()) return Error{query.error(), db.path()};
  }
  // Each edge's sightings totalled per kind of source, as ingest and enrichment keep
  // them (edge_source): a busy IP's name edges have tens of thousands of sightings.
  auto totals_lease = db.cached(
      "SELECT source_kind, first_seen, last_seen, messages, trusted FROM edge_source WHERE edge_id = ?1"
      " ORDER BY source_kind");
  sql::Statement& totals = *totals_lease;
  for (const EdgeEnd& edge : edges) {
    totals.bind(1, edge.edge_id);
    while (totals.step()) {
      const char* via = totals.text_view(0) == to_text(ProvenanceKind::lookup) ? "dns" : "direct";
      links.add_total(edge.key, edge.family, edge.relation.c_str(), via, totals.int64(1), totals.int64(2),
                      totals.int64(3), totals.int64(4) != 0);
    }
    if (!totals.error().empty()) return Error{totals.error(), db.path()};
    totals.reset();
  }
  return Ok{};
}

// Rows of ip_domain_seen or ip_family_seen: (other key, first, last, messages, trusted,
// IP relations, domain relations, names), the relations as bit sets. For an IP the
// domain's relations are the roles and the IP's the ways; for a domain, the other way
// round.
Status add_pair_totals(sql::Statement& pairs, LinkCollector& links, bool for_ip, bool families,
                       const std::string& db_path) {
  while (pairs.step()) {
    const std::string value = pairs.text(0);
    const UnixTime first = pairs.int64(1), last = pairs.int64(2);
    const int64_t messages = pairs.int64(3);
    const bool trusted = pairs.int64(4) != 0;
    std::vector<std::string> ip_roles;
    for (const std::string* name : links.relations_in(static_cast<uint64_t>(pairs.int64(5))))
      ip_roles.push_back(ip_role_for(*name));
    const auto domain_relations = links.relations_in(static_cast<uint64_t>(pairs.int64(6)));
    auto add = [&](const char* role, const char* via) {
      if (families)
        links.add_family_total(value, role, via, first, last, messages, trusted, pairs.int64(7));
      else
        links.add_total(value, value, role, via, first, last, messages, trusted);
    };
    add(nullptr, nullptr);
    for (const std::string& ip_role : ip_roles) add(for_ip ? nullptr : ip_role.c_str(), for_ip ? ip_role.c_str() : nullptr);
    for (const std::string* relation : domain_relations)
      add(for_ip ? relation->c_str() : nullptr, for_ip ? nullptr : relation->c_str());
  }
  if (!pairs.error().empty()) return Error{pairs.error(), db_path};
  return Ok{};
}

bool whole_time(const TimeRange& range) { return !range.since && !range.until; }

}  // namespace

Result<std::vector<int64_t>> Store::ip_ids(const std::string& ip_or_prefix) {
  std::vector<int64_t> ids;
  if (ip_or_prefix.find('/') == std::string::npos) {
    auto ip = IpAddress::parse(ip_or_prefix);
    if (!ip) return Error{"not an IP address or prefix", ip_or_prefix};
    if (auto id = find_entity(EntityRef{EntityKind::ip, ip->to_string()})) ids.push_back(*id);
    return ids;
  }
  auto prefix = IpPrefix::parse(ip_or_prefix);
  if (!prefix) return Error{"not an IP address or prefix", ip_or_prefix};
  // The prefix itself when something names it whole (an SPF ip4:/ip6: term).
  if (auto id = find_entity(EntityRef{EntityKind::prefix, prefix->to_string()})) ids.push_back(*id);
  // Keys are canonical text, so a scan is the honest way until prefixes get an index.
  auto scan = db_.prepare("SELECT id, key FROM entity WHERE kind = 'ip'");
  while (scan.step())
    if (auto ip = IpAddress::parse(scan.text_view(1)); ip && prefix->contains(*ip)) ids.push_back(scan.int64(0));
  return ids;
}

Result<std::vector<SharedLink>> Store::domains_sharing_ip(const std::string& ip_text, const TimeRange& range,
                                                          ShareGrouping grouping) {
  auto ids = ip_ids(ip_text);
  if (!ids) return ids.error();
  LinkCollector links(grouping);
  if (auto status = links.load_relations(db_); !status) return status.error();
  for (int64_t id : *ids)
    if (auto status = collect_domains_of_ip(id, range, links); !status) return status.error();
  return links.take(true);
}

Result<std::vector<SharedLink>> Store::domains_sharing_prefixes(const std::vector<IpPrefix>& prefixes,
                                                                const TimeRange& range, ShareGrouping grouping) {
  LinkCollector links(grouping);
  if (prefixes.empty()) return links.take(true);
  if (auto status = links.load_relations(db_); !status) return status.error();
  std::vector<int64_t> ids;
  auto scan = db_.prepare("SELECT id, key FROM entity WHERE kind = 'ip'");
  while (scan.step()) {
    auto ip = IpAddress::parse(scan.text_view(1));
    if (ip && std::any_of(prefixes.begin(), prefixes.end(), [&](const IpPrefix& p) { return p.contains(*ip); }))
      ids.push_back(scan.int64(0));
  }
  if (!scan.error().empty()) return Error{scan.error(), db_.path()};
  for (int64_t id : ids)
    if (auto status = collect_domains_of_ip(id, range, links); !status) return status.error();
  return links.take(true);
}

// In the period statements below, `COALESCE(p.key, d.key)` is the family of domain d: its
// registrable domain (its parent p), or itself when it is one.
Status Store::collect_domains_of_ip(int64_t id, const TimeRange& range, LinkCollector& links) {
  if (whole_time(range)) {
    // The whole history: the totals kept at ingest answer without reading each message.
    if (auto status = add_edge_totals(db_, id, "domain", "COALESCE(p.key, x.key)", links); !status) return status;
    const bool families = links.grouping() == ShareGrouping::family;
    auto pairs_lease = db_.cached(
        families ? "SELECT d.key, s.first_seen, s.last_seen, s.messages, s.trusted, s.ip_relations, s.domain_relations,"
                   " s.names FROM ip_family_seen s JOIN entity d ON d.id = s.family_id WHERE s.ip_id = ?1"
                 : "SELECT d.key, s.first_seen, s.last_seen, s.messages, s.trusted, s.ip_relations, s.domain_relations,"
                   " 1 FROM ip_domain_seen s JOIN entity d ON d.id = s.domain_id WHERE s.ip_id = ?1");
    sql::Statement& pairs = *pairs_lease;
    pairs.bind(1, id);
    return add_pair_totals(pairs, links, true, families, db_.path());
  }
  // Direct: ip -helo/ptr-> domain and domain -resolves-to-> ip, timed by their observations.
  auto direct_lease = db_.cached(
      "SELECT d.key, e.relation, MIN(o.time), MAX(o.time), o.source_kind, o.source_id, MAX(o.trusted),"
      " COALESCE(p.key, d.key)"
      " FROM edge e JOIN entity d ON d.id = CASE WHEN e.src = ?1 THEN e.dst ELSE e.src END"
      " LEFT JOIN entity p ON p.id = d.parent_id JOIN observation o ON o.edge_id = e.id"
      " WHERE (e.src = ?1 OR e.dst = ?1) AND d.kind = 'domain' AND o.time BETWEEN ?2 AND ?3"
      " GROUP BY e.id, o.source_kind, o.source_id");
  sql::Statement& direct = *direct_lease;
  direct.bind(1, id).bind(2, range.lower()).bind(3, range.upper());
  if (auto status = add_direct_rows(direct, links, db_.path()); !status) return status;

  // Through messages: message -sent-from/relayed-by-> ip, message -role-> domain.
  auto via_messages_lease = db_.cached(std::string(
      "SELECT d.key, r2.name, r1.name, l1.time, l1.message_id, l1.trusted, COALESCE(p.key, d.key)"
      " FROM message_link l1 JOIN relation r1 ON r1.id = l1.relation_id"
      " JOIN message_link l2 ON l2.message_id = l1.message_id JOIN relation r2 ON r2.id = l2.relation_id"
      " JOIN entity d ON d.id = l2.entity_id LEFT JOIN entity p ON p.id = d.parent_id"
      " WHERE l1.entity_id = ?1 AND r1.name IN ") + message_ip_relations() +
      " AND d.kind = 'domain' AND l1.time BETWEEN ?2 AND ?3");
  sql::Statement& via_messages = *via_messages_lease;
  via_messages.bind(1, id).bind(2, range.lower()).bind(3, range.upper());
  while (via_messages.step()) {
    const UnixTime time = via_messages.int64(3);
    links.add(via_messages.text(0), via_messages.text(6), via_messages.text(1), ip_role_for(via_messages.text_view(2)),
              time, time, via_messages.int64(4), via_messages.int64(5) != 0);
  }
  if (!via_messages.error().empty()) return Error{via_messages.error(), db_.path()};
  return Ok{};
}

Result<std::vector<SharedLink>> Store::ips_sharing_domain(const std::string& domain_text, const TimeRange& range) {
  std::string domain;
  if (!normalize_domain_into(domain_text, domain)) return Error{"not a domain name", domain_text};
  auto id = find_entity(EntityRef{EntityKind::domain, domain});
  if (!id) return LinkCollector(ShareGrouping::name).take(false);
  return ips_sharing_domain(*id, range);
}

Result<std::vector<SharedLink>> Store::ips_sharing_domain(int64_t domain_id, const TimeRange& range) {
  const std::optional<int64_t> id = domain_id;
  LinkCollector links(ShareGrouping::name);
  if (auto status = links.load_relations(db_); !status) return status.error();

  // The domain itself and, for a registrable domain, every name under it.
  const char* kTargets = "(SELECT ?1 UNION SELECT id FROM entity WHERE parent_id = ?1 AND kind = 'domain')";
  if (whole_time(range)) {
    // Edges name one entity each: the family's names that are an end of some edge
    // (family_edge_name), each probed by itself, keep to the edge indexes (one IN list
    // over a family of thousands of names cost 200 ms; probing every name, nearly all
    // URL hosts without edges, 27 ms of page reads for 1,091 names).
    std::vector<int64_t> targets{*id};
    auto children_lease = db_.cached("SELECT entity_id FROM family_edge_name WHERE family_id = ?1");
    sql::Statement& children = *children_lease;
    children.bind(1, *id);
    while (children.step()) targets.push_back(children.int64(0));
    if (!children.error().empty()) return Error{children.error(), db_.path()};
    for (int64_t target : targets)
      if (auto status = add_edge_totals(db_, target, "ip", "x.key", links); !status) return status.error();
    // The family's totals count each message once, however many of its names it gave;
    // a name under a registrable domain has its own.
    auto pairs_lease = db_.cached(
        "SELECT i.key, s.first_seen, s.last_seen, s.messages, s.trusted, s.ip_relations, s.domain_relations, 0"
        " FROM ip_family_seen s JOIN entity i ON i.id = s.ip_id WHERE s.family_id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM entity n WHERE n.id = ?1 AND n.parent_id IS NOT NULL)"
        " UNION ALL "
        "SELECT i.key, s.first_seen, s.last_seen, s.messages, s.trusted, s.ip_relations, s.domain_relations, 0"
        " FROM ip_domain_seen s JOIN entity i ON i.id = s.ip_id WHERE s.domain_id = ?1"
        " AND EXISTS (SELECT 1 FROM entity n WHERE n.id = ?1 AND n.parent_id IS NOT NULL)");
    sql::Statement& pairs = *pairs_lease;
    pairs.bind(1, *id);
    if (auto status = add_pair_totals(pairs, links, false, false, db_.path()); !status) return status.error();
    return links.take(false);
  }
  auto direct = db_.prepare(std::string(
      "SELECT i.key, e.relation, MIN(o.time), MAX(o.time), o.source_kind, o.source_id, MAX(o.trusted), i.key"
      " FROM edge e JOIN entity i ON i.id = CASE WHEN e.dst IN ") + kTargets + " THEN e.src ELSE e.dst END"
      " JOIN observation o ON o.edge_id = e.id"
      " WHERE (e.dst IN " + kTargets + " OR e.src IN " + kTargets + ") AND i.kind = 'ip'"
      " AND o.time BETWEEN ?2 AND ?3 GROUP BY e.id, o.source_kind, o.source_id");
  direct.bind(1, *id).bind(2, range.lower()).bind(3, range.upper());
  if (auto status = add_direct_rows(direct, links, db_.path()); !status) return status.error();

  auto via_messages = db_.prepare(std::string(
      "SELECT i.key, r2.name, r1.name, l1.time, l1.message_id, l2.trusted"
      " FROM message_link l1 JOIN relation r1 ON r1.id = l1.relation_id"
      " JOIN message_link l2 ON l2.message_id = l1.message_id JOIN relation r2 ON r2.id = l2.relation_id"
      " JOIN entity i ON i.id = l2.entity_id"
      " WHERE l1.entity_id IN ") + kTargets + " AND r2.name IN " + message_ip_relations() +
      " AND l1.time BETWEEN ?2 AND ?3");
  via_messages.bind(1, *id).bind(2, range.lower()).bind(3, range.upper());
  while (via_messages.step()) {
    const UnixTime time = via_messages.int64(3);
    const std::string ip = via_messages.text(0);
    links.add(ip, ip, ip_role_for(via_messages.text_view(1)), via_messages.text(2), time, time,
              via_messages.int64(4), via_messages.int64(5) != 0);
  }
  if (!via_messages.error().empty()) return Error{via_messages.error(), db_.path()};
  return links.take(false);
}

Result<StoreStats> Store::stats() {
  StoreStats stats;
  auto count = [&](const char* sql, int64_t& out) -> Status {
    auto query = db_.prepare(sql);
    if (query.step()) out = query.int64(0);
    if (!query.error().empty()) return Error{query.error(), db_.path()};
    return Ok{};
  };
  if (auto s = count("SELECT COUNT(*) FROM message", stats.messages); !s) return s.error();
  if (auto s = count("SELECT (SELECT COUNT(*) FROM edge) + (SELECT COUNT(*) FROM message_link)", stats.edges); !s)
    return s.error();
  if (auto s = count("SELECT COUNT(*) FROM observation", stats.observations); !s) return s.error();
  auto kinds = db_.prepare("SELECT kind, COUNT(*) FROM entity GROUP BY kind");
  while (kinds.step()) stats.entities[kinds.text(0)] = kinds.int64(1);
  auto range = db_.prepare("SELECT MIN(time), MAX(time) FROM message");
  if (range.step() && !range.is_null(0)) {
    stats.first_message = range.int64(0);
    stats.last_message = range.int64(1);
  }
  return stats;
}

Result<EntityReport> Store::show(const EntityRef& requested, int provenance_limit) {
  EntityRef entity = requested;
  if (entity.kind == EntityKind::ip) {
    auto ip = IpAddress::parse(entity.key);
    if (!ip) return Error{"not an IP address", entity.key};
    entity.key = ip->to_string();
  } else if (entity.kind == EntityKind::domain) {
    std::string domain;
    if (!normalize_domain_into(entity.key, domain)) return Error{"not a domain name", entity.key};
    entity.key = std::move(domain);
  } else if (entity.kind == EntityKind::prefix) {
    auto prefix = IpPrefix::parse(entity.key);
    if (!prefix) return Error{"not a prefix (try 103.244.52.0/22)", entity.key};
    entity.key = prefix->to_string();
  } else if (entity.kind == EntityKind::asn) {
    auto asn = parse_as_number(entity.key);
    if (!asn) return Error{"not an AS number (try AS58779)", entity.key};
    entity.key = as_number_key(*asn);
  }
  if (entity.kind == EntityKind::message) return show_message(entity.key);
  auto id = find_entity(entity);
  if (!id) return Error{"not in the store", describe(entity)};

  EntityReport report;
  report.entity = entity;
  auto parent = db_.prepare("SELECT p.key FROM entity e JOIN entity p ON p.id = e.parent_id WHERE e.id = ?1");
  parent.bind(1, *id);
  if (parent.step()) report.parent = parent.text(0);

  // Each attribute once, at its newest statement, with the source of that one.
  auto attributes = db_.prepare(
      "SELECT a.name, a.value, a.time, a.source_kind,"
      " COALESCE(l.source || ' ' || l.query || ' ' || l.status || CASE WHEN l.server = '' THEN '' ELSE ' from ' ||"
      " l.server END, d.name || ' ' || strftime('%Y-%m-%d', d.date, 'unixepoch') || ' ' || d.path, '')"
      " FROM attribute a LEFT JOIN lookup l ON a.source_kind = 'lookup' AND l.id = a.source_id"
      " LEFT JOIN dataset d ON a.source_kind = 'dataset' AND d.id = a.source_id"
      " WHERE a.entity_id = ?1 ORDER BY a.name, a.value, a.time DESC");
  attributes.bind(1, *id);
  while (attributes.step()) {
    if (!report.attributes.empty() && report.attributes.back().name == attributes.text_view(0) &&
        report.attributes.back().value == attributes.text_view(1))
      continue;  // an older statement of the same value
    auto kind = known(parse_provenance_kind(attributes.text_view(3)), attributes.text_view(3), "provenance");
    if (!kind) return kind.error();
    report.attributes.push_back(AttributeView{attributes.text(0), attributes.text(1), attributes.int64(2),
                                              Provenance{*kind, attributes.text(4), attributes.int64(2), true}});
  }
  if (!attributes.error().empty()) return Error{attributes.error(), db_.path()};

  auto edges = db_.prepare(
      "SELECT e.id, e.src = ?1, e.relation, o.kind, o.key, e.first_seen, e.last_seen, e.count, e.trusted"
      " FROM edge e JOIN entity o ON o.id = CASE WHEN e.src = ?1 THEN e.dst ELSE e.src END"
      " WHERE e.src = ?1 OR e.dst = ?1 ORDER BY e.relation, e.first_seen, o.key");
  edges.bind(1, *id);
  auto observations = db_.prepare(
      "SELECT o.source_kind, o.time, o.trusted, COALESCE(m.header_hash || ' ' || m.source_path, i.label || ' ' || i.path,"
      " l.query || ' ' || l.status || CASE WHEN l.server = '' THEN '' ELSE ' from ' || l.server END,"
      " d.name || ' ' || strftime('%Y-%m-%d', d.date, 'unixepoch') || ' ' || d.path, '')"
      " FROM observation o LEFT JOIN message m ON o.source_kind = 'message' AND m.id = o.source_id"
      " LEFT JOIN import i ON o.source_kind = 'import' AND i.id = o.source_id"
      " LEFT JOIN lookup l ON o.source_kind = 'lookup' AND l.id = o.source_id"
      " LEFT JOIN dataset d ON o.source_kind = 'dataset' AND d.id = o.source_id"
      " WHERE o.edge_id = ?1 ORDER BY o.time DESC LIMIT ?2");
  while (edges.step()) {
    EdgeView view;
    view.outgoing = edges.int64(1) != 0;
    view.relation = edges.text(2);
    auto other = stored_entity(edges.text_view(3), edges.text(4));
    if (!other) return other.error();
    view.other = std::move(*other);
    view.first_seen = edges.int64(5);
    view.last_seen = edges.int64(6);
    view.count = edges.int64(7);
    view.trusted = edges.int64(8) != 0;
    observations.bind(1, edges.int64(0)).bind(2, provenance_limit);
    while (observations.step()) {
      auto kind = known(parse_provenance_kind(observations.text_view(0)), observations.text_view(0), "provenance");
      if (!kind) return kind.error();
      view.provenance.push_back(
          Provenance{*kind, observations.text(3), observations.int64(1), observations.int64(2) != 0});
    }
    observations.reset();
    report.edges.push_back(std::move(view));
  }
  if (!edges.error().empty()) return Error{edges.error(), db_.path()};

  // The messages that name this entity, one row per relation, newest messages as provenance.
  auto per_relation = db_.prepare(
      "SELECT r.id, r.name, COUNT(*), MIN(m.time), MAX(m.time), MAX(l.trusted)"
      " FROM message_link l JOIN relation r ON r.id = l.relation_id JOIN message m ON m.id = l.message_id"
      " WHERE l.entity_id = ?1 GROUP BY r.id ORDER BY r.name");
  per_relation.bind(1, *id);
  auto recent = db_.prepare(
      "SELECT m.header_hash, m.source_path, m.time, l.trusted FROM message_link l JOIN message m ON m.id = l.message_id"
      " WHERE l.entity_id = ?1 AND l.relation_id = ?2 ORDER BY m.time DESC LIMIT ?3");
  while (per_relation.step()) {
    EdgeView view;
    view.outgoing = false;
    view.relation = per_relation.text(1);
    view.count = per_relation.int64(2);
    view.first_seen = per_relation.int64(3);
    view.last_seen = per_relation.int64(4);
    view.trusted = per_relation.int64(5) != 0;
    recent.bind(1, *id).bind(2, per_relation.int64(0)).bind(3, provenance_limit);
    while (recent.step()) {
      if (view.other.key.empty()) view.other = EntityRef{EntityKind::message, recent.text(0)};
      view.provenance.push_back(Provenance{ProvenanceKind::message, recent.text(0) + " " + recent.text(1),
                                           recent.int64(2), recent.int64(3) != 0});
    }
    recent.reset();
    report.edges.push_back(std::move(view));
  }
  if (!per_relation.error().empty()) return Error{per_relation.error(), db_.path()};

  auto lookups = db_.prepare(
      "SELECT source, query, COUNT(*), MIN(time), MAX(time),"
      " (SELECT status FROM lookup n WHERE n.entity_id = l.entity_id AND n.source = l.source AND n.query = l.query"
      "  ORDER BY n.time DESC, n.id DESC LIMIT 1)"
      " FROM lookup l WHERE entity_id = ?1 GROUP BY source, query ORDER BY source, query");
  auto previous = db_.prepare(
      "SELECT status, time FROM lookup WHERE entity_id = ?1 AND source = ?2 AND query = ?3 AND status <> ?4"
      " ORDER BY time DESC, id DESC LIMIT 1");
  lookups.bind(1, *id);
  while (lookups.step()) {
    LookupHistory history{lookups.text(0), lookups.text(1), lookups.int64(2), lookups.int64(3), lookups.int64(4),
                          lookups.text(5), std::nullopt, std::nullopt};
    previous.bind(1, *id).bind(2, history.source).bind(3, history.query).bind(4, history.last_status);
    if (previous.step()) {
      history.previous_status = previous.text(0);
      history.previous_time = previous.int64(1);
    }
    previous.reset();
    report.lookups.push_back(std::move(history));
  }
  if (!lookups.error().empty()) return Error{lookups.error(), db_.path()};
  return report;
}

Result<EntityReport> Store::show_message(const std::string& hash_or_prefix) {
  // A unique prefix of the header hash is enough, as with git.
  const std::string upper = hash_or_prefix + "\x7f";
  auto match = db_.prepare(
      "SELECT id, header_hash, time, time_source, COALESCE(subject, ''), source_kind, source_path,"
      " COALESCE(source_offset, 0), COALESCE(uidvalidity, 0), COALESCE(uid, 0), ingested_at, raw_headers"
      " FROM message WHERE header_hash >= ?1 AND header_hash < ?2 LIMIT 2");
  match.bind(1, hash_or_prefix).bind(2, upper);
  if (!match.step()) return Error{"not in the store", "message " + hash_or_prefix};
  const int64_t id = match.int64(0);
  MessageRecord record;
  record.header_hash = match.text(1);
  record.time = match.int64(2);
  record.time_source = match.text(3);
  record.subject = match.text(4);
  auto source_kind = known(parse_source_kind(match.text_view(5)), match.text_view(5), "message source kind");
  if (!source_kind) return source_kind.error();
  record.source.kind = *source_kind;
  record.source.path = match.text(6);
  record.source.offset = static_cast<uint64_t>(match.int64(7));
  record.source.uidvalidity = static_cast<uint64_t>(match.int64(8));
  record.source.uid = static_cast<uint64_t>(match.int64(9));
  record.ingested_at = match.int64(10);
  record.raw_headers = match.text(11);
  if (match.step()) return Error{"ambiguous message hash prefix", hash_or_prefix};

  EntityReport report;
  report.entity = EntityRef{EntityKind::message, record.header_hash};
  auto links = db_.prepare(
      "SELECT r.name, e.kind, e.key, l.trusted FROM message_link l JOIN relation r ON r.id = l.relation_id"
      " JOIN entity e ON e.id = l.entity_id WHERE l.message_id = ?1 ORDER BY r.name, e.key");
  links.bind(1, id);
  while (links.step()) {
    EdgeView view;
    view.relation = links.text(0);
    auto other = stored_entity(links.text_view(1), links.text(2));
    if (!other) return other.error();
    view.other = std::move(*other);
    view.first_seen = view.last_seen = record.time;
    view.count = 1;
    view.trusted = links.int64(3) != 0;
    view.provenance.push_back(
        Provenance{ProvenanceKind::message, record.header_hash + " " + record.source.path, record.time, view.trusted});
    report.edges.push_back(std::move(view));
  }
  if (!links.error().empty()) return Error{links.error(), db_.path()};
  report.message = std::move(record);
  return report;
}

}  // namespace sg
