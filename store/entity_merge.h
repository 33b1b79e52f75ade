// Repair of stores written by concurrent writers before entities had a unique key.
#pragma once
#include "core/result.h"
#include "store/sqlite.h"

namespace sg {

/// Merges every group of entities with the same (kind, key) into its lowest id:
/// children, lookups, message links, edges (aggregated when two become one) and
/// their observations move to the kept entity, and the duplicates are deleted. Runs
/// inside the caller's transaction; a store without duplicates is left as it is.
Status merge_duplicate_entities(sql::Database& db);

}  // namespace sg
