#include "collectors/analysis_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace sg {

namespace {

void analyse(Analyzer& analyzer, bool with_observations, AnalyzedMessage& message) {
  message.evidence = analyzer.analyze(message.raw.bytes, message.raw.source);
  if (with_observations) message.observations = observations_from_evidence(message.evidence);
}

// Messages travel in batches so that threads meet at a lock once per batch, not
// once per message. A batch slot goes round: the reader fills it, one analysis
// thread analyses it, the calling thread hands it on, and the reader refills it.
struct Batch {
  enum class State { empty, read, analysed };
  State state = State::empty;
  std::vector<AnalyzedMessage> messages;
  size_t count = 0;  // messages[0, count) are this round's; the rest are kept for their capacity
  std::vector<std::pair<size_t, Error>> problems;  // reader problems met before messages[first]
  bool last = false;                               // the reader has no more after this one
};

class Pipeline {
 public:
  Pipeline(std::unique_ptr<MessageReader> reader, const AnalysisOptions& analysis, const PipelineOptions& options)
      : reader_(std::move(reader)), analysis_(analysis), options_(options), slots_(options.jobs * 3) {}  // see analyse_batches

  void run(const std::function<bool(AnalyzedMessage&)>& on_message, const std::function<void(Error&&)>& on_problem) {
    std::thread reading([this] { read(); });
    std::vector<std::thread> analysing;
    for (unsigned worker = 0; worker < options_.jobs; ++worker)
      analysing.emplace_back([this, worker] { analyse_batches(worker); });
    hand_on(on_message, on_problem);
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    reading.join();
    for (std::thread& thread : analysing) thread.join();
  }

 private:
  Batch& slot(uint64_t sequence) { return slots_[sequence % slots_.size()]; }

  // The reading thread: fills slots in sequence, waiting while the next one is
  // still on its way round.
  void read() {
    std::vector<Error> problems;
    for (uint64_t sequence = 0;; ++sequence) {
      Batch& batch = slot(sequence);
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || batch.state == Batch::State::empty; });
        if (stopping_) return;
      }
      // The slot is the reader's alone until it is marked read.
      batch.count = 0;
      batch.problems.clear();
      batch.last = false;
      while (batch.count < options_.batch_messages) {
        std::optional<RawMessage> raw = reader_->next(problems);
        for (Error& problem : problems) batch.problems.emplace_back(batch.count, std::move(problem));
        problems.clear();
        if (!raw) {
          batch.last = true;
          break;
        }
        if (batch.count == batch.messages.size()) batch.messages.emplace_back();
        batch.messages[batch.count++].raw = std::move(*raw);
      }
      {
        std::lock_guard lock(mutex_);
        batch.state = Batch::State::read;
        read_up_to_ = sequence + 1;
      }
      changed_.notify_all();
      if (batch.last) return;
    }
  }

  // Analysis thread `worker` of n takes batches worker, worker + n, worker + 2n...
  // With as many slots as a multiple of n, it always meets the same slots, so the
  // Evidence it replaces there is what it allocated itself: glibc frees memory of
  // the thread's own arena cheaply, another thread's under that arena's lock.
  void analyse_batches(unsigned worker) {
    Analyzer analyzer(analysis_);
    for (uint64_t sequence = worker;; sequence += options_.jobs) {
      Batch& batch = slot(sequence);
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || sequence < read_up_to_; });
        if (stopping_) return;
      }
      for (size_t i = 0; i < batch.count; ++i) analyse(analyzer, options_.observations, batch.messages[i]);
      {
        std::lock_guard lock(mutex_);
        batch.state = Batch::State::analysed;
      }
      changed_.notify_all();
    }
  }

  // The calling thread: hands batches on in sequence.
  void hand_on(const std::function<bool(AnalyzedMessage&)>& on_message,
               const std::function<void(Error&&)>& on_problem) {
    for (uint64_t sequence = 0;; ++sequence) {
      Batch& batch = slot(sequence);
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return batch.state == Batch::State::analysed; });
      }
      size_t next_problem = 0;
      bool go_on = true;
      for (size_t i = 0; i < batch.count && go_on; ++i) {
        for (; next_problem < batch.problems.size() && batch.problems[next_problem].first <= i; ++next_problem)
          on_problem(std::move(batch.problems[next_problem].second));
        go_on = on_message(batch.messages[i]);
      }
      if (go_on)
        for (; next_problem < batch.problems.size(); ++next_problem)
          on_problem(std::move(batch.problems[next_problem].second));
      const bool last = batch.last;
      {
        std::lock_guard lock(mutex_);
        batch.state = Batch::State::empty;
      }
      changed_.notify_all();
      if (last || !go_on) return;
    }
  }

  std::unique_ptr<MessageReader> reader_;
  const AnalysisOptions& analysis_;
  const PipelineOptions& options_;
  std::vector<Batch> slots_;

  std::mutex mutex_;
  std::condition_variable changed_;  // any slot changed state, or stopping_ was set
  uint64_t read_up_to_ = 0;          // batches [0, read_up_to_) have been read
  bool stopping_ = false;
};

}  // namespace

unsigned default_analysis_jobs() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

Status analyze_messages(const std::string& path, MailFormat format, const AnalysisOptions& analysis,
                        const PipelineOptions& options, const std::function<bool(AnalyzedMessage&)>& on_message,
                        const std::function<void(Error&&)>& on_problem) {
  auto reader = MessageReader::open(path, format, options.reader);
  if (!reader) return reader.error();
  if (options.jobs <= 1) {
    Analyzer analyzer(analysis);
    std::vector<Error> problems;
    AnalyzedMessage message;
    for (;;) {
      std::optional<RawMessage> raw = (*reader)->next(problems);
      for (Error& problem : problems) on_problem(std::move(problem));
      problems.clear();
      if (!raw) break;
      message.raw = std::move(*raw);
      analyse(analyzer, options.observations, message);
      if (!on_message(message)) break;
    }
    return Ok{};
  }
  PipelineOptions bounded = options;
  bounded.batch_messages = std::max<size_t>(1, options.batch_messages);
  Pipeline(std::move(*reader), analysis, bounded).run(on_message, on_problem);
  return Ok{};
}

}  // namespace sg
