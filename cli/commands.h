// What the commands of the `spamgraph` binary share: exit codes, the check that
// their answer was written, and the summaries they print.
#pragma once
#include <ostream>

#include "core/evidence.h"
#include "core/result.h"
#include "ingest/ingest.h"

namespace sg {

/// Exit codes of every command.
enum ExitCode : int { kExitOk = 0, kExitSomeUnreadable = 1, kExitFatal = 2 };

/// Flushes standard output and tells whether all of it was written: an answer lost
/// to a full disk must not end with exit code 0.
Status flush_standard_output();

/// The summary of an ingest for people; quoted names and text are escaped (escape_for_terminal()).
void print_ingest_report(const IngestReport& report, std::ostream& out);

/// A header-analyser style table: origin, hops with delays and trust marks, auth, indicators.
void print_evidence_table(const Evidence& evidence, std::ostream& out);

}  // namespace sg
