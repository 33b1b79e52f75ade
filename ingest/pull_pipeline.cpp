#include "ingest/pull_pipeline.h"

#include <optional>
#include <thread>

#include "core/run_catching.h"

namespace sg::pull_detail {

namespace {

using Clock = std::chrono::steady_clock;

void analyse(Analyzer& analyzer, PulledBatch& batch) {
  batch.evidence.resize(batch.messages.size());
  batch.observations.resize(batch.messages.size());
  for (size_t i = 0; i < batch.messages.size(); ++i) {
    analyzer.analyze(batch.messages[i].bytes, batch.messages[i].source, batch.evidence[i]);
    if (has_header_fields(batch.evidence[i])) batch.observations[i] = observations_from_evidence(batch.evidence[i]);
  }
}

}  // namespace

BatchStore::BatchStore(Store& store, PullReport& report, std::ostream& progress_out, bool progress)
    : store_(store), report_(report), progress_(progress_out, progress) {}

Status BatchStore::run(const BatchSource& source, const AnalysisOptions& analysis) {
  BoundedQueue<PulledBatch> read(2);
  BoundedQueue<PulledBatch> analysed(2);
  std::optional<Error> source_failure;  // read after the join, which orders it
  std::optional<Error> analysis_failure;
  std::thread reading([&] {
    auto status = run_catching([&] {
      auto result = source(read);
      if (!result) source_failure = result.error();
    });
    if (!status) source_failure = status.error();
    read.close();
  });
  JoinOnExit<PulledBatch> join_reading(reading, read);
  std::thread analysing([&] {
    auto status = run_catching([&] {
      Analyzer analyzer(analysis);
      while (auto batch = read.pop()) {
        analyse(analyzer, *batch);
        if (!analysed.push(std::move(*batch))) break;
      }
    });
    if (!status) analysis_failure = status.error();
    read.close();  // a source still pushing stops
    analysed.close();
  });
  JoinOnExit<PulledBatch> join_analysing(analysing, analysed);

  Status stored = Ok{};
  while (auto batch = analysed.pop()) {
    stored = add(*batch);
    if (!stored) break;
  }
  analysed.close();
  read.close();
  analysing.join();
  reading.join();
  if (!stored) {
    if (in_transaction_) store_.rollback();
    in_transaction_ = false;
    return stored;
  }
  // What came before a failure of the source is complete: it stays.
  if (auto status = commit(); !status) return status;
  if (analysis_failure) return *analysis_failure;
  if (source_failure) return *source_failure;
  return Ok{};
}

Status BatchStore::add(PulledBatch& batch) {
  if (!in_transaction_) {
    if (auto status = store_.begin(); !status) return status;
    in_transaction_ = true;
    in_transaction_messages_ = 0;
    transaction_started_ = Clock::now();
  }
  MailboxPull& mailbox = report_.mailboxes[batch.mailbox];
  if (batch.count_as_new) mailbox.new_on_server += static_cast<int64_t>(batch.messages.size());
  for (size_t i = 0; i < batch.messages.size(); ++i) {
    const Evidence& evidence = batch.evidence[i];
    if (!has_header_fields(evidence)) {
      ++report_.totals.read;
      report_.totals.count_unreadable(Error{"no header fields, not a message", where_from(batch.messages[i].source)});
      continue;
    }
    auto added = store_.add_message(evidence, batch.observations[i]);
    if (!added) return added.error();
    report_.totals.count_message(evidence, batch.messages[i].bytes.size());
    ++(*added ? report_.totals.stored : report_.totals.duplicates);
    ++(*added ? mailbox.stored : mailbox.duplicates);
  }
  for (const Error& problem : batch.unreadable) report_.totals.count_unreadable(problem);
  for (const std::string& note : batch.notes) report_.totals.note_error(note);
  if (!batch.cursor.source.empty())
    if (auto status = write_mail_cursor(store_, batch.cursor); !status) return status;
  for (const std::string& name : batch.seen)
    if (auto status = mark_mail_seen(store_, batch.seen_source, name); !status) return status;
  in_transaction_messages_ += batch.messages.size();
  if (in_transaction_messages_ >= commit_messages || Clock::now() - transaction_started_ >= commit_interval)
    if (auto status = commit(); !status) return status;
  progress_.update(report_.totals);
  return Ok{};
}

Status BatchStore::commit() {
  if (!in_transaction_) return Ok{};
  in_transaction_ = false;
  return store_.commit();
}

void BatchStore::finish() { progress_.update(report_.totals, true); }

}  // namespace sg::pull_detail
