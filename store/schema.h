// Schema and migrations of the store.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sqlite.h"

namespace sg {

/// The schema version this build writes.
int current_schema_version();

/// What a database file holds before any migration.
struct SchemaState {
  std::vector<std::string> tables;  ///< its tables, by name (empty for a new file)
  std::optional<int> version;       ///< meta.schema_version; nullopt for a new file
};

/// Reads the tables and the schema version without changing anything. An Error
/// names the file when it is not SQLite, holds tables but no spamgraph schema (a
/// foreign database), or has a damaged schema version.
Result<SchemaState> inspect_schema(sql::Database& db);

/// A meta.schema_version value: a positive integer of at most six digits, else nullopt.
std::optional<int> parse_schema_version(std::string_view text);

/// Brings the database up to current_schema_version(). All pending migrations run in
/// one transaction under the write lock, so concurrent openers migrate once. Refuses
/// (with an error naming the file) a foreign database and one written by a newer
/// spamgraph. A current store is only read, without taking the write lock.
Status migrate(sql::Database& db);

/// Recomputes network_seen from the edges and entity_seen, inside the caller's
/// transaction: after edges were removed, which the maintained rows cannot undo.
Status rebuild_network_seen(sql::Database& db);

}  // namespace sg
