// `bgp import`: an MRT file into the store, in one transaction. A RIB dump becomes
// a dataset (format "mrt") dated by the dump time, whose rows are prefix -> origin
// with the number of peers that carried each; `enrich asn` then attributes IPs
// with it like any prefix table. An update dump becomes a dataset (format
// "mrt-updates") of announcement and withdrawal events (store/bgp_archive.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/mrt/mrt_stream.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg::mrt {

/// What to import.
struct MrtImportRequest {
  std::string path;
  std::string name;             ///< "" = default_mrt_name(path)
  bool all = false;             ///< keep the whole table, not only what concerns the graph
  size_t keep_problems = 100;   ///< problems kept for the report (all are counted)
};

/// What an import did.
struct MrtImportResult {
  DatasetInfo dataset;              ///< the stored row (the earlier one when already imported)
  bool already_imported = false;    ///< same SHA-256 seen before: its dataset got `rows_added` more
  bool rib = true;                  ///< a RIB dump (else updates)
  uint64_t records = 0;
  uint64_t elements = 0;            ///< routes (RIB entries) or events read
  uint64_t prefixes = 0;            ///< distinct prefixes seen (RIB)
  uint64_t multi_origin = 0;        ///< of them, announced by more than one AS (MOAS)
  uint64_t rows_seen = 0;           ///< (prefix, origin) rows or events before the graph filter
  uint64_t rows_kept = 0;           ///< stored (in all, for this file)
  uint64_t rows_added = 0;          ///< by this run
  uint64_t graph_ips = 0;           ///< the graph's IP entities the filter kept routes for
  uint64_t graph_asns = 0;          ///< origin ASes of those routes whose other prefixes were kept too
  std::vector<MrtProblem> problems;
  uint64_t problem_count = 0;
  double seconds = 0;
};

/// The default dataset name: "routeviews-COLLECTOR" or "ris-RRC" when the path
/// follows those archives' layouts (also as `data fetch` stores them), else "mrt-"
/// and the file name without its date and compression ("rib.20140523.0600.bz2" ->
/// "mrt-rib").
std::string default_mrt_name(const std::string& path);

/// Imports `request.path`. By default only what concerns the graph is kept: the
/// prefixes holding one of its IPs, and every prefix of the ASes originating
/// those (so `asn AS` can say what else the AS held that day); `all` keeps
/// everything. The same file (by SHA-256) again adds to its dataset what the
/// graph needs now, so importing before or after ingesting mail both work. An Error (unreadable file, a file with no routes, SQL failure)
/// rolls the whole file back; damage inside the file is reported and survived.
Result<MrtImportResult> import_mrt(Store& store, const MrtImportRequest& request);

}  // namespace sg::mrt
