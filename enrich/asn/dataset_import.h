// `data import`: streams one IP-to-ASN dataset file into the store (dataset row,
// every prefix row, AS names) in one transaction, so a file that fails part way
// leaves the store as it was, and the same file (by SHA-256) is imported once.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "enrich/asn/importers.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg::asn {

/// "pfx2as", "ip2asn", "ip-location-db", "pyasn" -> the format; nullopt otherwise.
std::optional<AsnFormat> parse_format_name(std::string_view name);
/// The name parse_format_name() accepts for `format` (stored as dataset.format).
std::string format_name(AsnFormat format);

/// The date a data file carries in its name: the first run of 8 or more digits that
/// starts with a valid YYYYMMDD ("routeviews-rv2-20240101-1200.pfx2as.gz",
/// "ipasn_20140513.dat.gz", "ip-location-db-asn-2.3.2026061719"), as 00:00 UTC.
std::optional<UnixTime> date_from_name(std::string_view name);
/// The default dataset name: the file name without compression/data extensions and
/// without its date, prefixed with the format unless it already names it
/// ("asn-ipv4.csv" -> "ip-location-db-asn-ipv4", "ipasn_20140513.dat.gz" -> "pyasn-ipasn").
std::string default_dataset_name(AsnFormat format, const std::string& path);
/// Lowercase hex SHA-256 of the file's bytes, streamed; an Error naming the file.
Result<std::string> file_sha256(const std::string& path);
/// For ip-location-db: true when the file's numeric addresses are IPv6. A name with
/// "ipv6"/"-v6" says so; otherwise the first numeric start value decides (above
/// 2^32-1 means IPv6). Dotted/colon files give false (the importer reads them as text).
Result<bool> detect_numeric_v6(const std::string& path);

/// What to import.
struct DatasetImportRequest {
  AsnFormat format = AsnFormat::pyasn;
  std::string path;
  std::string name;                 ///< "" = default_dataset_name()
  std::optional<UnixTime> date;     ///< nullopt = from the file name, its folder's name, else its mtime
  std::optional<bool> numeric_v6;   ///< ip-location-db numeric files; nullopt = detect_numeric_v6()
  size_t max_problems = 1000;       ///< bad lines kept for the report (all are counted)
};

/// What an import did.
struct DatasetImportResult {
  DatasetInfo dataset;              ///< the stored row (the earlier one when already imported)
  bool already_imported = false;    ///< same SHA-256 seen before: nothing was changed
  ImportStats stats;                ///< lines, rows, skipped, bad lines
  std::vector<Error> problems;      ///< bad lines, where = "FILE:line N"
  double seconds = 0;               ///< wall time of parse + store + commit
};

/// Imports `request.path` into `store`. An Error (unreadable or truncated file, SQL
/// failure) rolls the whole file back; bad lines are reported, counted and skipped.
Result<DatasetImportResult> import_dataset(Store& store, const DatasetImportRequest& request);

}  // namespace sg::asn
