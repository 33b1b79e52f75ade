#include "cli/commands.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "core/utf8.h"

namespace sg {

Status flush_standard_output() {
  errno = 0;
  std::cout.flush();
  // std::cout writes through stdio's stdout: a failed write may show on either.
  const bool lost = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
  if (!lost) return Ok{};
  const int cause = errno;
  return Error{cause != 0 ? std::string("cannot write: ") + std::strerror(cause) : "cannot write", "standard output"};
}

// Reasons, errors and examples quote file names and message text (a MIME
// boundary, a header line): shown escaped, like every value from spam.
void print_ingest_report(const IngestReport& report, std::ostream& out) {
  out << fmt::format("read {}, new {}, duplicates {}, unreadable {}\n", report.read, report.stored, report.duplicates,
                     report.unreadable);
  for (const auto& [reason, count] : report.unreadable_reasons)
    out << fmt::format("  unreadable: {} x{}\n", escape_for_terminal(reason), count);
  int64_t unreadable_received = 0;
  for (const auto& [dialect, count] : report.received_unreadable) unreadable_received += count;
  if (unreadable_received > 0) {
    out << fmt::format("Received fields: {}, not readable {}:", report.received_fields, unreadable_received);
    for (const auto& [dialect, count] : report.received_unreadable)
      out << fmt::format(" {} {}", escape_for_terminal(dialect), count);
    out << "\n";
  }
  for (const std::string& error : report.errors) out << "  " << escape_for_terminal(error) << "\n";
  if (report.partly_read > 0) {
    out << fmt::format("stored with parts not readable: {} messages, e.g.\n", report.partly_read);
    for (const std::string& example : report.partly_read_examples) out << "  " << escape_for_terminal(example) << "\n";
  }
}

}  // namespace sg
