// `enrich asn`: gives every IP of the graph its prefix, origin AS, AS name and
// country from the stored datasets and the given .mmdb files, as edges whose provenance
// is the dataset (observation time = the dataset's date). Of a series (datasets of one
// name) an IP is looked up in the table of its messages' days only. See README.md.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "enrich/asn/mmdb.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg::asn {

/// What one dataset says about one address.
struct AsnFact {
  IpPrefix prefix;            ///< the most specific prefix holding the address
  uint32_t asn = 0;           ///< 0 = the dataset gives no AS (country-only data)
  std::string_view name;      ///< AS name ("" = none)
  std::string_view country;   ///< ISO code ("" = none)
};

/// Derive step, a pure function: ip -in-prefix-> prefix, prefix -originated-by-> asn,
/// asn -holder-> org, prefix -country-> country, each at `time`, trusted (the
/// dataset's statement, not a claim by a sender).
std::vector<Observation> asn_observations(const IpAddress& ip, const AsnFact& fact, UnixTime time);

/// Opens `path` and finds or registers its dataset row (format "mmdb", name = file
/// name without ".mmdb", date = metadata build epoch, sha256 of the file).
Result<DatasetInfo> register_mmdb(Store& store, const std::string& path, const MmdbReader& reader);

/// Options of one enrichment run.
struct EnrichAsnOptions {
  std::vector<std::string> mmdb_paths;  ///< .mmdb files read in place
  std::string dataset_name;             ///< "" = every dataset; else only datasets of that name
  /// Every IP is looked up in each series' table for this moment (choose_dataset_for);
  /// none: in the table of each day the IP was seen in mail, or the latest table.
  std::optional<UnixTime> as_of;
};

/// What a run did.
struct EnrichAsnReport {
  size_t ips = 0;  ///< IP entities looked up
  struct PerDataset {
    std::string label;       ///< "name YYYY-MM-DD"
    std::string format;
    size_t series_size = 1;  ///< datasets of its name in the run (more than 1: a time series)
    size_t asked = 0;        ///< IPs looked up in it (the series' table for them)
    size_t matched = 0;      ///< IPs the dataset has a prefix for
    size_t observations = 0; ///< new observations written (re-runs write none)
    /// The largest gap, by size, between the dataset's date and a message time (or
    /// --as-of) it answered for: date - time, negative = the table is older. None when
    /// it answered only for IPs in no message.
    std::optional<int64_t> largest_gap;
  };
  /// Datasets asked for at least one IP (and those alone in their series), stored
  /// tables in id order, then the mmdb files in the order given.
  std::vector<PerDataset> datasets;
  struct Unmatched {
    std::string ip;
    std::string reason;  ///< special range name ("private (RFC 1918)"), or "no dataset has it"
  };
  std::vector<Unmatched> unmatched;  ///< IPs no dataset matched, in address order
  size_t tables = 0;           ///< stored tables loaded (only those asked for some IP)
  size_t prefixes = 0;         ///< prefix rows loaded from the store
  double load_seconds = 0;     ///< reading the tables from SQLite and building them
  double lookup_seconds = 0;   ///< lookups and writes
};

/// Runs the enrichment in one batch (all or nothing). Errors: no dataset at all, no
/// dataset of the requested name, an unreadable mmdb, a store failure.
Result<EnrichAsnReport> enrich_asn(Store& store, const EnrichAsnOptions& options);

}  // namespace sg::asn
