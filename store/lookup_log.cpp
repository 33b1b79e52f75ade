#include "store/lookup_log.h"

#include <algorithm>

namespace sg {

namespace {

constexpr const char* kColumns = "id, source, entity_id, query, time, status, ttl, server, answer";

}  // namespace

std::string pack_hops(const std::vector<std::string>& hops) {
  std::string packed;
  for (const std::string& hop : hops) {
    const auto size = static_cast<uint32_t>(hop.size());
    packed += static_cast<char>((size >> 24) & 0xff);
    packed += static_cast<char>((size >> 16) & 0xff);
    packed += static_cast<char>((size >> 8) & 0xff);
    packed += static_cast<char>(size & 0xff);
    packed += hop;
  }
  return packed;
}

Result<std::vector<std::string>> unpack_hops(std::string_view packed) {
  std::vector<std::string> hops;
  size_t offset = 0;
  while (offset < packed.size()) {
    if (packed.size() - offset < 4)
      return Error{"truncated hop length", "answer byte " + std::to_string(offset)};
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<unsigned char>(packed[offset + i]);
    offset += 4;
    if (packed.size() - offset < size)
      return Error{"hop of " + std::to_string(size) + " bytes runs past the end", "answer byte " + std::to_string(offset)};
    hops.emplace_back(packed.substr(offset, size));
    offset += size;
  }
  return hops;
}

Result<LookupLog> LookupLog::open(Store& store) {
  LookupLog log(store);
  log.insert_ = store.database().prepare(
      "INSERT INTO lookup(source, entity_id, query, time, status, ttl, server, answer)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!log.insert_.ok()) return Error{"preparing lookup insert: " + log.insert_.error(), store.database().path()};
  log.last_status_ = store.database().prepare(
      "SELECT status FROM lookup WHERE entity_id = ?1 AND source = ?2 AND query = ?3 ORDER BY time DESC, id DESC"
      " LIMIT 1");
  if (!log.last_status_.ok())
    return Error{"preparing lookup status query: " + log.last_status_.error(), store.database().path()};
  return log;
}

Result<std::optional<std::string>> LookupLog::last_status(int64_t entity_id, std::string_view source,
                                                          std::string_view query) {
  last_status_.bind(1, entity_id).bind(2, source).bind(3, query);
  std::optional<std::string> status;
  if (last_status_.step()) status = last_status_.text(0);
  const std::string error = last_status_.error();
  last_status_.reset();
  if (!error.empty()) return Error{error, std::string(query)};
  return status;
}

Result<int64_t> LookupLog::insert(const LookupRow& row) {
  insert_.bind(1, row.source).bind(2, row.entity_id).bind(3, row.query).bind(4, row.time).bind(5, row.status);
  if (row.ttl)
    insert_.bind(6, *row.ttl);
  else
    insert_.bind_null(6);
  insert_.bind(7, row.server).bind_blob(8, row.answer);
  if (!insert_.run()) return Error{"storing lookup: " + insert_.error(), row.query};
  return store_->database().last_insert_id();
}

Result<LookupRow> LookupLog::read_row(sql::Statement& statement) {
  LookupRow row;
  row.id = statement.int64(0);
  row.source = statement.text(1);
  row.entity_id = statement.int64(2);
  row.query = statement.text(3);
  row.time = statement.int64(4);
  row.status = statement.text(5);
  if (!statement.is_null(6)) row.ttl = statement.int64(6);
  row.server = statement.text(7);
  row.answer = statement.text(8);  // sqlite3_column_text of a BLOB returns its bytes unchanged
  return row;
}

Result<LookupRow> LookupLog::get(int64_t id) {
  auto select = store_->database().prepare(std::string("SELECT ") + kColumns + " FROM lookup WHERE id = ?1");
  select.bind(1, id);
  if (!select.step()) {
    if (!select.error().empty()) return Error{select.error(), "lookup " + std::to_string(id)};
    return Error{"no such lookup", "lookup " + std::to_string(id)};
  }
  return read_row(select);
}

Result<std::vector<LookupRow>> LookupLog::for_entity(int64_t entity_id, std::string_view source) {
  auto select = store_->database().prepare(std::string("SELECT ") + kColumns +
                                           " FROM lookup WHERE entity_id = ?1 AND source = ?2 ORDER BY time, id");
  select.bind(1, entity_id).bind(2, source);
  std::vector<LookupRow> rows;
  while (select.step()) {
    auto row = read_row(select);
    if (!row) return row.error();
    rows.push_back(std::move(*row));
  }
  if (!select.error().empty()) return Error{select.error(), store_->database().path()};
  return rows;
}

Result<LatestLookups> LookupLog::latest(std::string_view source, const std::vector<std::string>& answered,
                                        UnixTime since) {
  auto select = store_->database().prepare(
      "SELECT entity_id, query, status, MAX(time) FROM lookup WHERE source = ?1 AND time > ?2"
      " GROUP BY entity_id, query, status");
  select.bind(1, source).bind(2, since);
  LatestLookups latest;
  while (select.step()) {
    const std::string status = select.text(2);
    if (std::find(answered.begin(), answered.end(), status) == answered.end()) continue;
    const std::string_view query = select.text_view(1);
    const size_t space = query.rfind(' ');
    std::string kind(space == std::string_view::npos ? query : query.substr(space + 1));
    UnixTime& time = latest[{select.int64(0), std::move(kind)}];
    time = std::max(time, select.int64(3));
  }
  if (!select.error().empty()) return Error{select.error(), store_->database().path()};
  return latest;
}

Result<std::vector<EntityRow>> LookupLog::entities(EntityKind kind) {
  auto select = store_->database().prepare("SELECT id, key FROM entity WHERE kind = ?1 ORDER BY id");
  select.bind(1, to_text(kind));
  std::vector<EntityRow> rows;
  while (select.step()) rows.push_back(EntityRow{select.int64(0), EntityRef{kind, select.text(1)}});
  if (!select.error().empty()) return Error{select.error(), store_->database().path()};
  return rows;
}

}  // namespace sg
