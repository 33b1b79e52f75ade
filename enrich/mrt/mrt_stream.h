// Reads MRT files record by record: plain, gzip or bzip2 (detected by magic),
// streamed through fixed buffers. Damage is reported with its offset and reason,
// and reading goes on where a next record can be found with confidence.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "enrich/mrt/mrt_record.h"

namespace sg::mrt {

/// Something wrong in a file that reading survived (or stopped at).
struct MrtProblem {
  uint64_t offset = 0;   ///< in the decompressed stream, of the record concerned
  std::string reason;    ///< "record declares 51527683 bytes, only 18720635 left", ...
  bool fatal = false;    ///< reading stopped here
};

/// Limits against hostile files.
struct MrtLimits {
  uint32_t max_record = 16u << 20;  ///< a larger declared length is damage (real records stay below 1 MiB)
  uint32_t resync_window = 64;      ///< bytes searched past a bad boundary for the next header
};

/// Statistics of one read.
struct MrtReadStats {
  uint64_t records = 0;       ///< records handed to the callback
  uint64_t bytes = 0;         ///< decompressed bytes read
  uint64_t resynced = 0;      ///< record boundaries repaired by searching for the next header
};

/// Receives each record; returning false stops the read (not an error).
using RecordHandler = std::function<bool(const MrtRecord& record)>;
/// Receives each problem as it is found.
using ProblemHandler = std::function<void(const MrtProblem& problem)>;

/// Reads every record of `path`. The Error names the file (unreadable, corrupt
/// gzip/bzip2 data); problems inside the MRT framing go to `on_problem`, and a
/// truncated file ends with a fatal problem, not an Error: what came before it is
/// good data.
Result<MrtReadStats> read_mrt_file(const std::string& path, const RecordHandler& on_record,
                                   const ProblemHandler& on_problem, const MrtLimits& limits = {});

/// The same over bytes already in memory (tests, fuzzing).
MrtReadStats read_mrt_bytes(std::string_view bytes, const RecordHandler& on_record, const ProblemHandler& on_problem,
                            const MrtLimits& limits = {});

/// "TABLE_DUMP_V2/RIB_IPV4_UNICAST"-style name of a record type and subtype.
std::string record_type_name(uint16_t type, uint16_t subtype);

}  // namespace sg::mrt
