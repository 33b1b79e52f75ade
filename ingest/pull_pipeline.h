// The three stages every `pull` source runs through (ingest/pull.h): the source
// reads batches of messages on a thread of its own, a second thread analyses
// them, and the calling thread stores them, several batches per transaction,
// each with the cursor that covers it. So reading from a server, analysis and
// SQLite overlap, and what is committed and where the cursor says the pull
// stopped can never disagree.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "core/observation.h"
#include "core/result.h"
#include "ingest/bounded_queue.h"
#include "ingest/progress.h"
#include "ingest/pull.h"
#include "store/mail_cursor.h"
#include "store/store.h"

namespace sg::pull_detail {

/// A message read from a source, before analysis.
struct PulledMessage {
  std::string bytes;
  MessageSource source;
};

/// One batch as a source reads it, and what storing it means for where the pull stands.
struct PulledBatch {
  size_t mailbox = 0;                  ///< index in PullReport::mailboxes whose counts it adds to
  std::vector<PulledMessage> messages;
  MailCursor cursor;                   ///< written with the batch (no source: none)
  std::vector<std::string> seen;       ///< names to remember as read (Maildir files, POP3 UIDLs)...
  std::string seen_source;             ///< ...of this source
  std::vector<std::string> notes;      ///< problems to report (a message cut at the size limit)
  std::vector<Error> unreadable;       ///< messages or files that could not be read at all
  bool count_as_new = false;           ///< add the messages to MailboxPull::new_on_server (a source that
                                       ///< cannot count them before reading: an mbox)
  // Filled by the analysis stage:
  std::vector<Evidence> evidence;
  std::vector<std::vector<Observation>> observations;
};

/// What a source does on its thread: pushes batches until it is done or push()
/// returns false (the store failed: stop). Its Error ends the pull after every
/// batch pushed before it is stored.
using BatchSource = std::function<Status(BoundedQueue<PulledBatch>& out)>;

/// Stores analysed batches, committing every `commit_interval` (or every
/// `commit_messages`), and counts what it stored into the report.
class BatchStore {
 public:
  BatchStore(Store& store, PullReport& report, std::ostream& progress_out, bool progress);

  /// Runs `source` on a thread, analysis (with `analysis`) on another, and stores
  /// here. Returns the source's Error or the store's; everything before it is committed.
  Status run(const BatchSource& source, const AnalysisOptions& analysis);
  /// Draws the progress line a last time.
  void finish();

  std::chrono::milliseconds commit_interval{1000};  ///< the longest a transaction stays open
  size_t commit_messages = 20000;                   ///< ...or the most messages it holds

 private:
  /// Adds one batch to the open transaction (opening one when none is).
  Status add(PulledBatch& batch);
  /// Commits the open transaction, if any.
  Status commit();

  Store& store_;
  PullReport& report_;
  IngestProgress progress_;
  bool in_transaction_ = false;
  size_t in_transaction_messages_ = 0;
  std::chrono::steady_clock::time_point transaction_started_;
};

}  // namespace sg::pull_detail
