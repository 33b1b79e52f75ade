// Streaming parsers for offline IP-to-ASN datasets. Each takes arbitrary bytes
// (plain, gzip or bzip2, detected by magic), keeps memory bounded, reports bad lines
// as "line N: reason" problems, and calls back once per (prefix, asn, name, country).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"

namespace sg::asn {

/// The dataset layouts understood by the importers.
enum class AsnFormat {
  pfx2as,       ///< CAIDA RouteViews: "1.0.0.0\t24\t13335"; MOAS "a_b" / AS set "a,b": a row per AS
  ip2asn,       ///< iptoasn.com: "start\tend\tasn\tcountry\tdescription"; AS 0 (not routed) skipped
  ip_location,  ///< ip-location-db ASN CSV: "start,end,asn,name", dotted or numeric, RFC 4180 quotes
  pyasn,        ///< pyasn IPASN: "prefix/len\tasn", ";" comments
};

/// One imported mapping; the views are valid only during the callback. Ranges are
/// split into the fewest CIDR prefixes (IPv6 parts inside ::ffff:0:0/96 are dropped).
struct AsnRow {
  IpPrefix prefix;
  uint32_t asn = 0;
  std::string_view name;     ///< AS name or description ("" when the format has none)
  std::string_view country;  ///< ISO country code ("" when unknown)
};

/// Receives each row; return false to stop the import early.
using AsnRowSink = std::function<bool(const AsnRow&)>;

/// Tuning and limits for one import.
struct ImportOptions {
  bool numeric_v6 = false;     ///< ip_location: numeric start/end are IPv6 (else IPv4)
  size_t max_line = 4096;      ///< longer lines are reported and skipped
  size_t max_problems = 1000;  ///< problems kept; the rest are only counted
};

/// What an import read.
struct ImportStats {
  size_t lines = 0;      ///< lines read, including comments and bad lines
  size_t rows = 0;       ///< callbacks made
  size_t skipped = 0;    ///< well-formed lines that map nothing (AS 0, comments, blanks)
  size_t bad_lines = 0;  ///< lines reported as problems (including ones not kept)
};

/// Imports the file at `path`. Bad lines go to `problems` (where = "line N"); a
/// Result error means the file could not be read to the end (missing, corrupt or
/// truncated compression) — rows before that point were already delivered.
Result<ImportStats> import_asn_file(const std::string& path, AsnFormat format, const AsnRowSink& sink,
                                    std::vector<Error>& problems, const ImportOptions& options = {});
/// Same as import_asn_file over bytes in memory.
Result<ImportStats> import_asn_bytes(std::string_view bytes, AsnFormat format, const AsnRowSink& sink,
                                     std::vector<Error>& problems, const ImportOptions& options = {});

/// Parses one line of `format`, calling `sink` per row. Returns "" when the line was
/// used or deliberately skipped, else the reason it is malformed. Sets `stop` when sink
/// returned false. Exposed for tests and for callers with their own line source.
std::string parse_asn_line(std::string_view line, AsnFormat format, const AsnRowSink& sink,
                           const ImportOptions& options, ImportStats& stats, bool& stop);

}  // namespace sg::asn
