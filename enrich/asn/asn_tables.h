// The stored datasets as in-memory longest-prefix-match tables: one PrefixTable per
// dataset, so every dataset answers for itself and each answer keeps its provenance.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "enrich/asn/prefix_table.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg::asn {

/// One dataset's table, ready for lookups. Records carry interned AS name and country.
struct LoadedDataset {
  DatasetInfo info;
  PrefixTable table;  ///< per prefix the record of its lowest AS
  /// Multi-origin prefixes (pfx2as "a_b", AS sets): canonical CIDR -> the records of
  /// its other ASes, which the table (one record per prefix) cannot hold.
  std::unordered_map<std::string, std::vector<AsnRecord>> more_origins;
};

/// Every loaded dataset, with what loading cost.
struct AsnTables {
  std::vector<std::unique_ptr<LoadedDataset>> datasets;  ///< dataset id order
  size_t rows = 0;             ///< prefix rows read from the store
  double read_seconds = 0;     ///< SQLite scan + prefix parsing + add()
  double build_seconds = 0;    ///< PrefixTable::build() of all tables
};

/// Loads the prefix datasets (not mmdb: those are read in place) from `store`; only
/// those called `name` when it is not empty.
Result<AsnTables> load_asn_tables(Store& store, const std::string& name = "");
/// Loads one dataset's rows and names into a built table.
Status load_dataset_table(Store& store, LoadedDataset& dataset, size_t* rows = nullptr);

}  // namespace sg::asn
