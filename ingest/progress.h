// The progress line of an ingest: counts and rate, redrawn in place.
#pragma once
#include <chrono>
#include <ostream>

#include "ingest/ingest.h"

namespace sg {

/// Redraws one line ("N read (M MiB), N new, ...  N msg/s") on a terminal at most ten
/// times a second, so that drawing never slows the ingest it reports on.
class IngestProgress {
 public:
  /// Draws on `out` when `enabled`; when not, update() does nothing.
  IngestProgress(std::ostream& out, bool enabled);
  /// Redraws the line from `report` unless it was drawn less than 100 ms ago;
  /// `final` draws it whatever the time and ends it with a newline.
  void update(const IngestReport& report, bool final = false);

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  bool enabled_;
  Clock::time_point start_, last_{};
};

}  // namespace sg
