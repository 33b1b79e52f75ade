// The ingest: mail sources read and analysed on reading threads, stored by one
// writer in batches, each batch a transaction.
#pragma once
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "core/result.h"
#include "store/store.h"

namespace sg {

/// What an ingest should read and how.
struct IngestOptions {
  std::vector<std::string> paths;  ///< files, folders, or "-" for standard input
  std::string format = "auto";     ///< auto, eml, dir, maildir, mbox, paste, indicators
  std::string source_label;        ///< indicators: the provenance label (default: the file name)
  UnixTime import_time = 0;        ///< indicators: when they were listed (default: now)
  AnalysisOptions analysis;        ///< trust, body URLs and fallback time for every message
  unsigned jobs = 1;               ///< threads that read and analyse (analysis_pipeline.h)
  size_t batch_messages = 10000;   ///< messages per transaction
  double batch_seconds = 2.0;      ///< ...or this long, whichever comes first
  bool progress = false;           ///< redraw a progress line (progress.h) on the progress stream
};

/// What an ingest read, stored and could not read: the summary for the user.
struct IngestReport {
  int64_t read = 0;        ///< messages read from the sources
  int64_t stored = 0;      ///< new messages stored
  int64_t duplicates = 0;  ///< already in the store (same header block)
  int64_t unreadable = 0;  ///< messages or sources that could not be read at all
  std::map<std::string, int64_t> unreadable_reasons;  ///< unreadable, counted by reason
  int64_t received_fields = 0;                       ///< Received fields seen
  std::map<std::string, int64_t> received_unreadable;  ///< unreadable Received fields by dialect guess
  std::vector<std::string> errors;                   ///< the first errors, each naming file and place
  int64_t partly_read = 0;                           ///< stored messages with some part not readable
  std::vector<std::string> partly_read_examples;     ///< the first few, "file[ @offset]: line N: ..."
  uint64_t bytes = 0;                                ///< message bytes read

  /// Keeps `text` in `errors` unless enough are kept already: a broken mailbox
  /// must not make the summary as long as the mailbox.
  void note_error(const std::string& text);
  /// Counts one analysed message of `bytes` bytes about to be stored: read,
  /// bytes, its Received fields, and what could not be read of it.
  void count_message(const Evidence& evidence, uint64_t bytes);
  /// Counts a message or source that could not be read at all.
  void count_unreadable(const Error& problem);
};

/// False for bytes with no header field at all: not a message, not stored.
bool has_header_fields(const Evidence& evidence);

/// "file" or, inside an mbox, "file @offset", or for IMAP "mailbox UID n": where a message is.
std::string where_from(const MessageSource& source);

/// Reads every message of the sources, analyses it, stores it in batches; with
/// format "indicators", reads indicator lists instead (see import_indicator_lists).
/// A source that cannot be read is counted and reported; the rest continue and
/// every committed batch stays stored. Fails only when the store fails.
/// An exception on the reading threads stops reading and comes back as an Error
/// once what was read is stored. The progress line, when asked for, goes to `progress`.
Result<IngestReport> run_ingest(Store& store, const IngestOptions& options, std::ostream& progress);

}  // namespace sg
