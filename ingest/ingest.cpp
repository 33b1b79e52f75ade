#include "ingest/ingest.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <thread>

#include "collectors/mail_source.h"
#include "core/run_catching.h"
#include "ingest/analysis_pipeline.h"
#include "ingest/bounded_queue.h"
#include "ingest/indicator_import.h"
#include "ingest/progress.h"

namespace sg {

namespace {

constexpr size_t kMaxReportedErrors = 50;
constexpr size_t kMaxPartlyReadExamples = 10;

using Clock = std::chrono::steady_clock;

// What the reading thread hands to the storing thread.
struct IngestItem {
  std::optional<Evidence> evidence;  ///< an analysed message, or
  std::vector<Observation> observations;  ///< its graph facts (computed here, off the writer thread)
  std::vector<Error> problems;       ///< what could not be read (message or source)
  uint64_t bytes = 0;
};

// Reads and analyses every source off the writer thread (on options.jobs threads
// when more than one), so analysis overlaps the SQLite writes; stops early when
// the consumer closes the queue.
void produce(const IngestOptions& options, MailFormat format, BoundedQueue<IngestItem>& queue) {
  PipelineOptions pipeline;
  pipeline.jobs = options.jobs;
  pipeline.observations = true;
  for (const std::string& path : options.paths) {
    std::vector<Error> problems;
    auto on_message = [&](AnalyzedMessage& message) -> bool {
      IngestItem item;
      item.bytes = message.raw.bytes.size();
      Evidence& evidence = message.evidence;
      if (!has_header_fields(evidence)) {
        item.problems.push_back(Error{"no header fields, not a message", where_from(message.raw.source)});
      } else {
        item.observations = std::move(message.observations);
        item.evidence = std::move(evidence);
      }
      return queue.push(std::move(item));
    };
    auto on_problem = [&](Error&& problem) { problems.push_back(std::move(problem)); };
    auto status = analyze_messages(path, format, options.analysis, pipeline, on_message, on_problem);
    if (!status) problems.push_back(status.error());
    if (!problems.empty()) {
      IngestItem item;
      item.problems = std::move(problems);
      if (!queue.push(std::move(item))) break;
    }
  }
  queue.close();
}

}  // namespace

std::string where_from(const MessageSource& source) {
  if (source.kind == SourceKind::mbox) return fmt::format("{} @{}", source.path, source.offset);
  if (source.kind == SourceKind::imap) return fmt::format("{} UID {}", source.path, source.uid);
  return source.path;
}

bool has_header_fields(const Evidence& evidence) {
  return !evidence.hops.empty() || evidence.raw_headers.find(':') != std::string::npos;
}

void IngestReport::note_error(const std::string& text) {
  if (errors.size() < kMaxReportedErrors) errors.push_back(text);
}

void IngestReport::count_message(const Evidence& evidence, uint64_t message_bytes) {
  ++read;
  bytes += message_bytes;
  for (const Hop& hop : evidence.hops) {
    ++received_fields;
    if (!hop.parsed) ++received_unreadable[hop.dialect.empty() ? "unknown" : hop.dialect];
  }
  if (!evidence.problems.empty()) {
    // Stored anyway; name where, so the user can look at the bytes.
    ++partly_read;
    if (partly_read_examples.size() < kMaxPartlyReadExamples)
      partly_read_examples.push_back(where_from(evidence.source) + ": " + evidence.problems.front());
  }
}

void IngestReport::count_unreadable(const Error& problem) {
  ++unreadable;
  ++unreadable_reasons[problem.message];
  note_error(problem.to_string());
}

Result<IngestReport> run_ingest(Store& store, const IngestOptions& options, std::ostream& progress_out) {
  if (options.format == "indicators") return import_indicator_lists(store, options);
  IngestReport report;
  auto format = parse_mail_format(options.format);
  if (!format) return Error{"unknown format (auto, eml, dir, maildir, mbox, paste)", "--format " + options.format};

  BoundedQueue<IngestItem> queue(256);
  // An exception must not leave a thread: it would end the process in
  // std::terminate with nothing said. The reader's is reported as an Error.
  std::optional<Error> reader_failure;  // read after join(), which orders it
  std::thread reader([&] {
    auto status = run_catching([&] { produce(options, *format, queue); });
    if (!status) {
      reader_failure = status.error();
      queue.close();
    }
  });
  // ...and one thrown on this thread (by the store) must find the reader ended,
  // not a joinable std::thread whose destructor calls std::terminate.
  JoinOnExit<IngestItem> join_reader(reader, queue);
  IngestProgress progress(progress_out, options.progress);
  size_t in_batch = 0;
  auto batch_started = Clock::now();
  std::optional<Error> store_error;

  while (auto item = queue.pop()) {
    if (!item->evidence) {
      if (item->bytes > 0) ++report.read;  // a message that is no message; else a source-level problem
      for (const Error& problem : item->problems) report.count_unreadable(problem);
      continue;
    }
    const Evidence& evidence = *item->evidence;
    report.count_message(evidence, item->bytes);
    if (in_batch == 0) {
      if (auto status = store.begin(); !status) {
        store_error = status.error();
        break;
      }
      batch_started = Clock::now();
    }
    auto added = store.add_message(evidence, item->observations);
    if (!added) {
      store_error = added.error();
      break;
    }
    ++(*added ? report.stored : report.duplicates);
    queue.give_back(std::move(*item));
    ++in_batch;
    if (in_batch >= options.batch_messages ||
        Clock::now() - batch_started > std::chrono::duration<double>(options.batch_seconds)) {
      if (auto status = store.commit(); !status) {
        store_error = status.error();
        break;
      }
      in_batch = 0;
    }
    progress.update(report);
  }
  queue.close();
  reader.join();
  if (store_error) {
    store.rollback();
    return *store_error;
  }
  if (in_batch > 0)
    if (auto status = store.commit(); !status) return status.error();
  progress.update(report, true);
  // What was read before the reader failed is stored; the rest was not read.
  if (reader_failure)
    return Error{reader_failure->message + " (reading stopped; what was read before is stored)", "ingest"};
  return report;
}

}  // namespace sg
