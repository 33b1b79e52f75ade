// `diff`: what infrastructure appeared and what vanished in a period. An
// indicator appeared when mail first named it in [since, until] and never
// before; it vanished when mail named it in the previous period of the same
// length but not in [since, until]. Over the whole store with an open end this
// is index ranges of the seen tables (family_seen, ip_seen, network_seen); for
// one campaign with an open end, ranges of its stored facts; with an end in the
// past (or stale facts), the messages of the periods are read.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/indicator_set.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// The period and scope of a diff.
struct DiffOptions {
  UnixTime since = 0;
  std::optional<UnixTime> until;         ///< unset: up to the newest message
  std::optional<int64_t> campaign;       ///< only this campaign's mail
  UnixTime now = 0;                      ///< the open end's time when the store holds no message
  size_t tie_limit = 10;                 ///< IPs named per domain ("now on 103.244.54.137")
  bool read_messages = false;            ///< read the periods' messages even where entity_seen would answer
  size_t limit = 0;                      ///< indicators listed per list at most (0: all); the totals count all
};

/// A diff.
struct DiffResult {
  UnixTime since = 0;
  UnixTime until = 0;
  UnixTime previous_since = 0;  ///< the previous period is [previous_since, since)
  std::vector<IndicatorStats> appeared;  ///< by kind (kIndicatorKinds order), then first_seen and value
  std::vector<IndicatorStats> vanished;  ///< by kind, then last_seen and value
  std::map<EntityKind, int64_t> appeared_by_kind;  ///< how many appeared, listed or not
  std::map<EntityKind, int64_t> vanished_by_kind;  ///< how many vanished, listed or not
};

/// The diff of the store, or of one campaign.
Result<DiffResult> diff_period(Store& store, const DiffOptions& options);

}  // namespace sg
