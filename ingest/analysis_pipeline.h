// Reading and analysing a mailbox on several threads, with the results handed on
// in the order the messages were read.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "collectors/mail_source.h"
#include "core/observation.h"
#include "core/result.h"

namespace sg {

/// One message read and analysed.
struct AnalyzedMessage {
  RawMessage raw;
  Evidence evidence;
  std::vector<Observation> observations;  ///< filled only with PipelineOptions::observations
};

/// How analyze_messages spreads the work.
struct PipelineOptions {
  unsigned jobs = 1;            ///< analysis threads; 1 reads and analyses on the calling thread, starting none
  bool observations = false;    ///< also compute observations_from_evidence, on the analysis threads
  size_t batch_messages = 64;   ///< messages handed to an analysis thread at a time, at most...
  size_t batch_bytes = 4u << 20;  ///< ...and a batch ends once it holds this many bytes of messages
  ReaderOptions reader;         ///< passed to MessageReader::open
};

/// The default number of analysis threads: one per core, less one for the
/// thread that consumes what they find (it stores it, in `ingest`), at least 1.
unsigned default_analysis_jobs();

/// Reads every message of `path` as MessageReader reads it and analyses each one
/// with `analysis`: with jobs > 1 on that many threads, which take turns at the
/// reader, a batch of messages at a time. Memory stays bounded whatever the size
/// of the mailbox: about jobs x 3 batches of batch_bytes (plus one message each).
/// Messages are read over the ones of an earlier batch, reusing their buffers
/// (those up to 64 KiB: MessageReader::next(RawMessage&)), so reading allocates little.
/// `on_message` and `on_problem` run on the calling thread, in the order the
/// reader met messages and problems, so what they see does not depend on `jobs`.
/// `on_message` may move from the message it gets; returning false stops reading
/// and analysis early. Fails only when `path` cannot be opened as `format`.
/// What the callbacks or the analysis throw comes out of analyze_messages, after
/// every thread it started has ended.
Status analyze_messages(const std::string& path, MailFormat format, const AnalysisOptions& analysis,
                        const PipelineOptions& options, const std::function<bool(AnalyzedMessage&)>& on_message,
                        const std::function<void(Error&&)>& on_problem);

}  // namespace sg
