// The commands of the `spamgraph` binary as library calls: main.cpp only parses
// arguments, tests call these directly.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "core/result.h"
#include "store/store.h"

namespace sg {

/// Exit codes of every command.
enum ExitCode : int { kExitOk = 0, kExitSomeUnreadable = 1, kExitFatal = 2 };

/// Runs `work`; an exception escaping it comes back as Error "internal error: WHAT".
/// For the top of main() and of every thread, where an exception would otherwise
/// end the process through std::terminate without a word.
Status run_catching(const std::function<void()>& work);

/// Flushes standard output and tells whether all of it was written: an answer lost
/// to a full disk must not end with exit code 0.
Status flush_standard_output();

/// What `ingest` should read and how.
struct IngestOptions {
  std::vector<std::string> paths;  ///< files, folders, or "-" for standard input
  std::string format = "auto";     ///< auto, eml, dir, maildir, mbox, paste, indicators
  std::string source_label;        ///< indicators: the provenance label (default: the file name)
  UnixTime import_time = 0;        ///< indicators: when they were listed (default: now)
  AnalysisOptions analysis;
  unsigned jobs = 1;               ///< threads that read and analyse (analysis_pipeline.h)
  size_t batch_messages = 10000;   ///< messages per transaction
  double batch_seconds = 2.0;      ///< ...or this long, whichever comes first
  bool progress = false;           ///< redraw a progress line on stderr
};

/// The summary `ingest` prints.
struct IngestReport {
  int64_t read = 0;        ///< messages read from the sources
  int64_t stored = 0;      ///< new messages stored
  int64_t duplicates = 0;  ///< already in the store (same header block)
  int64_t unreadable = 0;  ///< messages or sources that could not be read at all
  std::map<std::string, int64_t> unreadable_reasons;
  int64_t received_fields = 0;                       ///< Received fields seen
  std::map<std::string, int64_t> received_unreadable;  ///< unreadable Received fields by dialect guess
  std::vector<std::string> errors;                   ///< the first errors, each naming file and place
  int64_t partly_read = 0;                           ///< stored messages with some part not readable
  std::vector<std::string> partly_read_examples;     ///< the first few, "file[ @offset]: line N: ..."
  uint64_t bytes = 0;                                ///< message bytes read
};

/// Reads every message of the sources, analyses it, stores it in batches; with
/// format "indicators", reads indicator lists instead (see import_indicator_lists).
/// A source that cannot be read is counted and reported; the rest continue and
/// every committed batch stays stored. Fails only when the store fails.
/// An exception on the reading threads stops reading and comes back as an Error
/// once what was read is stored.
Result<IngestReport> run_ingest(Store& store, const IngestOptions& options, std::ostream& progress);
/// The summary for people; quoted names and text are escaped (escape_for_terminal()).
void print_ingest_report(const IngestReport& report, std::ostream& out);

/// Stores every indicator of the lists as listed by `source_label` (an import
/// with its time and path: the provenance). `read` counts indicators, `stored`
/// the ones not listed by that source before; bad lines are counted as unreadable.
Result<IngestReport> import_indicator_lists(Store& store, const IngestOptions& options);

/// Analyses the first message of `path` ("-" = stdin) without storing it.
Result<Evidence> analyze_path(const std::string& path, const std::string& format, const AnalysisOptions& options);
/// A header-analyser style table: origin, hops with delays and trust marks, auth, indicators.
void print_evidence_table(const Evidence& evidence, std::ostream& out);

}  // namespace sg
