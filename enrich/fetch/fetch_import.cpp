#include "enrich/fetch/fetch_import.h"

namespace sg::fetch {

Result<std::vector<FetchedImport>> import_fetched(Store& store, const std::vector<FetchedFile>& files) {
  std::vector<FetchedImport> imports;
  for (const FetchedFile& file : files) {
    FetchedImport entry{file, std::nullopt};
    if (file.format != "mmdb") {
      auto format = asn::parse_format_name(file.format);
      if (!format) return Error{"no importer for format " + file.format, file.path};
      asn::DatasetImportRequest request;
      request.format = *format;
      request.path = file.path;
      auto result = asn::import_dataset(store, request);
      if (!result) return result.error();
      entry.result = std::move(*result);
    }
    imports.push_back(std::move(entry));
  }
  return imports;
}

}  // namespace sg::fetch
