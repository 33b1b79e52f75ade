// The BGP update events of imported MRT update dumps (table bgp_update): who
// announced or withdrew a prefix, when, and with which path. RIB dumps are
// datasets like any prefix table (store/datasets.h).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace sg {

/// One announcement or withdrawal.
struct BgpUpdateEvent {
  UnixTime time = 0;
  char kind = 'A';          ///< 'A' announced, 'W' withdrawn
  std::string prefix;       ///< canonical CIDR
  std::string peer_ip;
  uint32_t peer_asn = 0;
  uint32_t origin_asn = 0;  ///< 0 for a withdrawal
  std::string as_path;      ///< "" for a withdrawal
  std::string dataset;      ///< "name YYYY-MM-DD" of the update dump (queries fill it)
};

/// Writes the events of one update dump with a prepared statement; use inside one
/// batch (Store::begin/commit) so a failed import leaves nothing behind.
class BgpUpdateWriter {
 public:
  /// Prepares the statement for dataset `dataset_id` of `store`.
  static Result<BgpUpdateWriter> create(Store& store, int64_t dataset_id);
  /// Stores one event (the views are copied by SQLite).
  Status add(UnixTime time, char kind, std::string_view prefix, std::string_view peer_ip, uint32_t peer_asn,
             uint32_t origin_asn, std::string_view as_path);
  /// Events stored so far.
  int64_t rows() const { return rows_; }

 private:
  BgpUpdateWriter() = default;
  int64_t dataset_id_ = 0;
  int64_t rows_ = 0;
  sql::Statement insert_;
};

/// The stored events of `prefix` (canonical CIDR), oldest first, at most `limit`.
Result<std::vector<BgpUpdateEvent>> bgp_updates_of_prefix(Store& store, const std::string& prefix, size_t limit = 1000);

}  // namespace sg
