// Schema and migrations of the store.
#pragma once
#include "core/result.h"
#include "store/sqlite.h"

namespace sg {

/// The schema version this build writes.
int current_schema_version();

/// Brings the database up to current_schema_version(), one migration per
/// transaction. Refuses (with an error naming the file) a database written by a
/// newer spamgraph.
Status migrate(sql::Database& db);

}  // namespace sg
