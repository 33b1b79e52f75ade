#include "store/mail_cursor.h"

namespace sg {

namespace {

MailCursor cursor_from_row(const sql::Statement& row) {
  MailCursor cursor;
  cursor.source = row.text(0);
  cursor.uidvalidity = static_cast<uint64_t>(row.int64(1));
  cursor.last_uid = static_cast<uint64_t>(row.int64(2));
  cursor.position = static_cast<uint64_t>(row.int64(3));
  cursor.fingerprint = row.text(4);
  cursor.updated = row.int64(5);
  return cursor;
}

constexpr const char* kCursorColumns = "SELECT source, uidvalidity, last_uid, position, fingerprint, updated FROM mail_cursor";

}  // namespace

Result<std::optional<MailCursor>> read_mail_cursor(Store& store, const std::string& source) {
  auto query = store.database().prepare(std::string(kCursorColumns) + " WHERE source = ?1");
  query.bind(1, source);
  if (query.step()) return std::optional<MailCursor>(cursor_from_row(query));
  if (!query.error().empty()) return Error{"reading the pull cursor: " + query.error(), source};
  return std::optional<MailCursor>();
}

Status write_mail_cursor(Store& store, const MailCursor& cursor) {
  auto query = store.database().prepare(
      "INSERT INTO mail_cursor(source, uidvalidity, last_uid, position, fingerprint, updated)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(source) DO UPDATE SET"
      // Two pulls of one mailbox at once: the one that commits last must not move
      // the other's cursor back (the UIDs in between would be fetched again).
      " last_uid = CASE WHEN uidvalidity = excluded.uidvalidity THEN max(last_uid, excluded.last_uid)"
      "                 ELSE excluded.last_uid END,"
      " uidvalidity = excluded.uidvalidity, position = excluded.position, fingerprint = excluded.fingerprint,"
      " updated = excluded.updated");
  query.bind(1, cursor.source)
      .bind(2, static_cast<int64_t>(cursor.uidvalidity))
      .bind(3, static_cast<int64_t>(cursor.last_uid))
      .bind(4, static_cast<int64_t>(cursor.position))
      .bind(5, std::string_view(cursor.fingerprint.data(), cursor.fingerprint.size()))
      .bind(6, cursor.updated);
  if (!query.run()) return Error{"writing the pull cursor: " + query.error(), cursor.source};
  return Ok{};
}

Result<std::vector<MailCursor>> list_mail_cursors(Store& store) {
  auto query = store.database().prepare(std::string(kCursorColumns) + " ORDER BY source");
  std::vector<MailCursor> cursors;
  while (query.step()) cursors.push_back(cursor_from_row(query));
  if (!query.error().empty()) return Error{"reading the pull cursors: " + query.error(), store.database().path()};
  return cursors;
}

Result<std::vector<std::string>> read_mail_seen(Store& store, const std::string& source) {
  auto query = store.database().prepare("SELECT name FROM mail_seen WHERE source = ?1");
  query.bind(1, source);
  std::vector<std::string> names;
  while (query.step()) names.push_back(query.text(0));
  if (!query.error().empty()) return Error{"reading the names already pulled: " + query.error(), source};
  return names;
}

Status mark_mail_seen(Store& store, const std::string& source, const std::string& name) {
  auto query = store.database().prepare("INSERT OR IGNORE INTO mail_seen(source, name) VALUES (?1, ?2)");
  query.bind(1, source).bind(2, name);
  if (!query.run()) return Error{"remembering a pulled message: " + query.error(), source};
  return Ok{};
}

Status forget_mail_seen(Store& store, const std::string& source) {
  auto query = store.database().prepare("DELETE FROM mail_seen WHERE source = ?1");
  query.bind(1, source);
  if (!query.run()) return Error{"forgetting the pulled names: " + query.error(), source};
  return Ok{};
}

}  // namespace sg
