// `data fetch --import`: puts downloaded files straight into the store.
#pragma once
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/fetch/fetch.h"
#include "store/store.h"

namespace sg::fetch {

/// What happened to one fetched file.
struct FetchedImport {
  FetchedFile file;
  /// The import's result; unset for .mmdb files, which are read in place by
  /// `enrich asn --mmdb` and never copied into the store.
  std::optional<asn::DatasetImportResult> result;
};

/// Imports every text-format file of `files` (a file imported before, by SHA-256,
/// changes nothing). Stops at the first file that cannot be imported; files before
/// it stay imported, that file leaves nothing behind.
Result<std::vector<FetchedImport>> import_fetched(Store& store, const std::vector<FetchedFile>& files);

}  // namespace sg::fetch
