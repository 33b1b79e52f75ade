#include "ingest/progress.h"

#include <fmt/format.h>

namespace sg {

IngestProgress::IngestProgress(std::ostream& out, bool enabled) : out_(out), enabled_(enabled), start_(Clock::now()) {}

void IngestProgress::update(const IngestReport& report, bool final) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (!final && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  out_ << fmt::format("\r{} read ({:.1f} MiB), {} new, {} duplicates, {} unreadable  {:.0f} msg/s ", report.read,
                      static_cast<double>(report.bytes) / (1 << 20), report.stored, report.duplicates,
                      report.unreadable, seconds > 0 ? report.read / seconds : 0.0);
  if (final) out_ << "\n";
  out_.flush();
}

}  // namespace sg
