#include "store/campaigns.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/utf8.h"

namespace sg {

namespace {

constexpr const char* kSummaryColumns =
    "SELECT c.id, c.name, c.pinned, c.created, c.updated, c.messages, c.first_seen, c.last_seen FROM campaign c";

CampaignSummary summary_from(const sql::Statement& row) {
  CampaignSummary summary;
  summary.id = row.int64(0);
  summary.name = row.text(1);
  summary.pinned = row.int64(2) != 0;
  summary.created = row.int64(3);
  summary.updated = row.int64(4);
  summary.messages = row.int64(5);
  summary.first_seen = row.int64(6);
  summary.last_seen = row.int64(7);
  return summary;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status check_name(std::string_view name) {
  if (name.empty()) return Error{"a campaign needs a name", "name"};
  if (name.size() > 200) return Error{"a campaign name is at most 200 bytes", "name"};
  if (all_digits(name)) return Error{"a campaign name cannot be a number (numbers are ids)", std::string(name)};
  if (to_valid_utf8(name) != name) return Error{"a campaign name must be UTF-8", "name"};
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return Error{"a campaign name cannot hold control characters", "name"};
  return Ok{};
}

Status run_statement(Store& store, const char* text, std::initializer_list<int64_t> values) {
  auto statement = store.database().prepare(text);
  int index = 1;
  for (int64_t value : values) statement.bind(index++, value);
  if (!statement.run()) return Error{statement.error(), store.database().path()};
  return Ok{};
}

}  // namespace

Result<std::vector<CampaignSummary>> list_campaigns(Store& store) {
  auto query = store.database().prepare(std::string(kSummaryColumns) + " ORDER BY c.id");
  std::vector<CampaignSummary> campaigns;
  while (query.step()) campaigns.push_back(summary_from(query));
  if (!query.error().empty()) return Error{"reading campaigns: " + query.error(), store.database().path()};
  return campaigns;
}

Result<CampaignSummary> find_campaign(Store& store, std::string_view id_or_name) {
  auto query = store.database().prepare(std::string(kSummaryColumns) +
                                        (all_digits(id_or_name) ? " WHERE c.id = ?1" : " WHERE c.name = ?1"));
  if (all_digits(id_or_name)) {
    int64_t id = 0;
    auto [end, error] = std::from_chars(id_or_name.data(), id_or_name.data() + id_or_name.size(), id);
    if (error != std::errc{}) return Error{"no such campaign", std::string(id_or_name)};
    query.bind(1, id);
  } else {
    query.bind(1, id_or_name);
  }
  if (query.step()) return summary_from(query);
  if (!query.error().empty()) return Error{"reading campaigns: " + query.error(), store.database().path()};
  return Error{"no such campaign (give its id or its name; `campaign show` lists them)",
               to_valid_utf8(id_or_name.substr(0, 200))};
}

Result<int64_t> create_campaign(Store& store, std::string_view name, bool pinned, UnixTime now) {
  if (auto status = check_name(name); !status) return status.error();
  auto insert = store.database().prepare(
      "INSERT INTO campaign(name, pinned, created, updated) VALUES (?1, ?2, ?3, ?3) ON CONFLICT(name) DO NOTHING");
  insert.bind(1, name).bind(2, int64_t{pinned}).bind(3, now);
  if (!insert.run()) return Error{"storing campaign: " + insert.error(), std::string(name)};
  if (store.database().changes() == 0) return Error{"a campaign of that name exists already", std::string(name)};
  return store.database().last_insert_id();
}

Status rename_campaign(Store& store, int64_t id, std::string_view name, UnixTime now) {
  if (auto status = check_name(name); !status) return status;
  auto clash = store.database().prepare("SELECT id FROM campaign WHERE name = ?1 AND id <> ?2");
  clash.bind(1, name).bind(2, id);
  if (clash.step()) return Error{"a campaign of that name exists already", std::string(name)};
  auto update = store.database().prepare("UPDATE campaign SET name = ?2, pinned = 1, updated = ?3 WHERE id = ?1");
  update.bind(1, id).bind(2, name).bind(3, now);
  if (!update.run()) return Error{"renaming campaign: " + update.error(), std::string(name)};
  return Ok{};
}

Status assign_messages(Store& store, int64_t campaign_id, const std::vector<int64_t>& message_ids, UnixTime now) {
  std::set<int64_t> changed;
  if (auto status = move_messages(store, campaign_id, message_ids, now, changed); !status) return status;
  for (int64_t id : changed)
    if (auto status = refresh_campaign_totals(store, id); !status) return status;
  return Ok{};
}

Status move_messages(Store& store, int64_t campaign_id, const std::vector<int64_t>& message_ids, UnixTime now,
                     std::set<int64_t>& changed) {
  auto holder = store.database().prepare("SELECT campaign_id FROM campaign_message WHERE message_id = ?1");
  auto upsert = store.database().prepare(
      "INSERT INTO campaign_message(message_id, campaign_id) VALUES (?1, ?2)"
      " ON CONFLICT(message_id) DO UPDATE SET campaign_id = excluded.campaign_id");
  changed.insert(campaign_id);  // the campaign, and those its new messages leave
  for (int64_t message : message_ids) {
    holder.bind(1, message);
    if (holder.step()) changed.insert(holder.int64(0));
    if (!holder.error().empty()) return Error{"assigning messages: " + holder.error(), store.database().path()};
    holder.reset();
    upsert.bind(1, message).bind(2, campaign_id);
    if (!upsert.run()) return Error{"assigning messages: " + upsert.error(), store.database().path()};
  }
  return run_statement(store, "UPDATE campaign SET updated = ?2 WHERE id = ?1", {campaign_id, now});
}

Status refresh_campaign_totals(Store& store, int64_t id) {
  return run_statement(store,
                       "UPDATE campaign SET (messages, first_seen, last_seen) = ("
                       "SELECT COUNT(*), COALESCE(MIN(m.time), 0), COALESCE(MAX(m.time), 0)"
                       " FROM campaign_message cm JOIN message m ON m.id = cm.message_id WHERE cm.campaign_id = ?1)"
                       " WHERE id = ?1",
                       {id});
}

Status delete_campaign(Store& store, int64_t id) {
  if (auto status = run_statement(store, "DELETE FROM campaign_message WHERE campaign_id = ?1", {id}); !status)
    return status;
  return run_statement(store, "DELETE FROM campaign WHERE id = ?1", {id});
}

Status pin_campaign(Store& store, int64_t id, UnixTime now) {
  return run_statement(store, "UPDATE campaign SET pinned = 1, updated = ?2 WHERE id = ?1", {id, now});
}

Result<std::vector<int64_t>> campaign_message_ids(Store& store, int64_t id) {
  auto query = store.database().prepare(
      "SELECT message_id FROM campaign_message WHERE campaign_id = ?1 ORDER BY message_id");
  query.bind(1, id);
  std::vector<int64_t> ids;
  while (query.step()) ids.push_back(query.int64(0));
  if (!query.error().empty()) return Error{"reading campaign messages: " + query.error(), store.database().path()};
  return ids;
}

Result<std::vector<CampaignAssignment>> campaign_assignments(Store& store) {
  auto query = store.database().prepare(
      "SELECT cm.message_id, cm.campaign_id, c.pinned FROM campaign_message cm"
      " JOIN campaign c ON c.id = cm.campaign_id ORDER BY cm.message_id");
  std::vector<CampaignAssignment> rows;
  while (query.step()) rows.push_back({query.int64(0), query.int64(1), query.int64(2) != 0});
  if (!query.error().empty()) return Error{"reading campaign messages: " + query.error(), store.database().path()};
  return rows;
}

Status replace_campaign_hubs(Store& store, const std::vector<CampaignHub>& hubs, UnixTime now) {
  if (auto status = store.database().exec("DELETE FROM campaign_hub"); !status) return status;
  auto insert = store.database().prepare(
      "INSERT INTO campaign_hub(key, reason, degree, time) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(key) DO NOTHING");
  for (const CampaignHub& hub : hubs) {
    insert.bind(1, hub.key).bind(2, hub.reason).bind(3, hub.degree).bind(4, now);
    if (!insert.run()) return Error{"storing hubs: " + insert.error(), hub.key};
  }
  return Ok{};
}

Result<std::vector<CampaignHub>> list_campaign_hubs(Store& store) {
  auto query = store.database().prepare("SELECT key, reason, degree FROM campaign_hub ORDER BY degree DESC, key");
  std::vector<CampaignHub> hubs;
  while (query.step()) hubs.push_back({query.text(0), query.text(1), query.int64(2)});
  if (!query.error().empty()) return Error{"reading hubs: " + query.error(), store.database().path()};
  return hubs;
}

Result<std::vector<int64_t>> messages_naming(Store& store, const EntityRef& entity) {
  sql::Database& db = store.database();
  std::vector<int64_t> entities;  // the entities whose messages count
  std::vector<int64_t> ips;       // IPs whose sent or relayed messages count
  std::vector<int64_t> hop_messages;  // messages whose hops named the domain
  auto collect = [&](const char* text, int64_t id, std::vector<int64_t>& into) -> Status {
    auto lease = db.cached(text);
    sql::Statement& query = *lease;
    query.bind(1, id);
    while (query.step()) into.push_back(query.int64(0));
    if (!query.error().empty()) return Error{query.error(), db.path()};
    return Ok{};
  };
  if (entity.kind == EntityKind::ip || (entity.kind == EntityKind::prefix && !store.find_entity(entity))) {
    auto ids = store.ip_ids(entity.key);
    if (!ids) return ids.error();
    entities = *ids;
  } else if (auto id = store.find_entity(entity)) {
    entities.push_back(*id);
    Status status = Ok{};
    switch (entity.kind) {
      case EntityKind::domain:
        // A registrable domain stands for its subdomains.
        status = collect("SELECT id FROM entity WHERE parent_id = ?1 AND kind = 'domain'", *id, entities);
        break;
      case EntityKind::prefix:
        status = collect("SELECT src FROM edge WHERE dst = ?1 AND relation = 'in-prefix'", *id, ips);
        break;
      case EntityKind::asn: {
        std::vector<int64_t> prefixes;
        status = collect("SELECT src FROM edge WHERE dst = ?1 AND relation = 'originated-by'", *id, prefixes);
        for (int64_t prefix : prefixes)
          if (status) status = collect("SELECT src FROM edge WHERE dst = ?1 AND relation = 'in-prefix'", prefix, ips);
        break;
      }
      default:
        break;
    }
    if (!status) return status.error();
    if (entity.kind == EntityKind::domain) {
      // The messages whose hops gave the name (not every message of those IPs).
      const std::vector<int64_t> names = entities;
      for (int64_t name : names)
        if (auto status = collect(
                "SELECT o.source_id FROM edge e JOIN observation o ON o.edge_id = e.id"
                " WHERE e.dst = ?1 AND e.relation IN ('helo', 'ptr') AND o.source_kind = 'message'",
                name, hop_messages);
            !status)
          return status.error();
    }
  } else {
    return Error{"not in the store", describe(entity)};
  }
  entities.insert(entities.end(), ips.begin(), ips.end());
  std::sort(entities.begin(), entities.end());
  entities.erase(std::unique(entities.begin(), entities.end()), entities.end());
  std::vector<int64_t> messages;
  auto lease = db.cached("SELECT message_id FROM message_link WHERE entity_id = ?1");
  sql::Statement& query = *lease;
  for (int64_t id : entities) {
    query.bind(1, id);
    while (query.step()) messages.push_back(query.int64(0));
    if (!query.error().empty()) return Error{query.error(), db.path()};
    query.reset();
  }
  messages.insert(messages.end(), hop_messages.begin(), hop_messages.end());
  std::sort(messages.begin(), messages.end());
  messages.erase(std::unique(messages.begin(), messages.end()), messages.end());
  return messages;
}

}  // namespace sg
