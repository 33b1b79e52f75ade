#include "ingest/analysis_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace sg {

namespace {

void analyse(Analyzer& analyzer, bool with_observations, AnalyzedMessage& message) {
  analyzer.analyze(message.raw.bytes, message.raw.source, message.evidence);
  if (with_observations) message.observations = observations_from_evidence(message.evidence);
}

// Messages travel in batches so that threads meet at a lock once per batch, not
// once per message. Each analysis thread takes its turn at the reader, reads a
// batch, analyses it and leaves it for the calling thread, which hands batches on
// in the order they were read and then gives each back to the thread it came
// from. So the thread that analyses a message has just read its bytes (they are
// in its core's cache), and memory is freed by the thread that allocated it:
// glibc frees into the thread's own arena cheaply, into another's under a lock.
struct Batch {
  unsigned owner = 0;      // the analysis thread that fills it
  uint64_t sequence = 0;   // its place in reading order
  std::vector<AnalyzedMessage> messages;  // slots read over round after round: their strings keep their capacity
  std::vector<std::pair<size_t, Error>> problems;  // reader problems, each after the first `first` messages
  bool last = false;                               // the reader has no more after this one
};

constexpr size_t kBatchesPerThread = 3;  // one being analysed, two waiting to be handed on

class Pipeline {
 public:
  Pipeline(std::unique_ptr<MessageReader> reader, const AnalysisOptions& analysis, const PipelineOptions& options)
      : reader_(std::move(reader)),
        analysis_(analysis),
        options_(options),
        batches_(options.jobs * kBatchesPerThread),
        free_(options.jobs) {
    for (size_t i = 0; i < batches_.size(); ++i) {
      batches_[i].owner = static_cast<unsigned>(i / kBatchesPerThread);
      free_[batches_[i].owner].push_back(&batches_[i]);
    }
  }

  // What a thread throws (std::bad_alloc, or from the callbacks) stops the others
  // and comes out of run() on the calling thread, after every thread has ended.
  void run(const std::function<bool(AnalyzedMessage&)>& on_message, const std::function<void(Error&&)>& on_problem) {
    std::vector<std::thread> analysing;
    struct Ending {  // runs however run() is left
      Pipeline& pipeline;
      std::vector<std::thread>& threads;
      ~Ending() {
        pipeline.stop();
        for (std::thread& thread : threads) thread.join();
      }
    } ending{*this, analysing};
    for (unsigned worker = 0; worker < options_.jobs; ++worker)
      analysing.emplace_back([this, worker] {
        try {
          read_and_analyse(worker);
        } catch (...) {
          std::lock_guard lock(mutex_);
          if (!failure_) failure_ = std::current_exception();
          stopping_ = true;
          changed_.notify_all();
        }
      });
    hand_on(on_message, on_problem);
  }

 private:
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
  }

  void read_and_analyse(unsigned worker) {
    Analyzer analyzer(analysis_);
    std::vector<Error> problems;
    for (;;) {
      Batch* batch = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || read_all_ || (!reading_ && !free_[worker].empty()); });
        if (stopping_ || read_all_) return;
        batch = free_[worker].back();
        free_[worker].pop_back();
        batch->sequence = next_sequence_++;
        reading_ = true;
      }
      // The reader is this thread's alone until reading_ is cleared.
      fill(*batch, problems);
      {
        std::lock_guard lock(mutex_);
        reading_ = false;
        read_all_ = batch->last;
      }
      changed_.notify_all();
      for (size_t i = 0; i < batch->messages.size(); ++i) analyse(analyzer, options_.observations, batch->messages[i]);
      {
        std::lock_guard lock(mutex_);
        analysed_.push_back(batch);
      }
      changed_.notify_all();
    }
  }

  void fill(Batch& batch, std::vector<Error>& problems) {
    size_t count = 0;
    batch.problems.clear();
    batch.last = false;
    size_t bytes = 0;
    while (count < options_.batch_messages && bytes < options_.batch_bytes) {
      if (count == batch.messages.size()) batch.messages.emplace_back();
      RawMessage& raw = batch.messages[count].raw;  // read over the one of an earlier round
      const bool read = reader_->next(raw, problems);
      for (Error& problem : problems) batch.problems.emplace_back(count, std::move(problem));
      problems.clear();
      if (!read) {
        batch.last = true;
        break;
      }
      bytes += raw.bytes.size();
      ++count;
    }
    // Messages of an earlier, longer round must not stay behind: a mailbox could
    // make every slot keep a large one.
    batch.messages.resize(count);
  }

  // The calling thread: hands batches on in reading order.
  void hand_on(const std::function<bool(AnalyzedMessage&)>& on_message,
               const std::function<void(Error&&)>& on_problem) {
    for (uint64_t sequence = 0;; ++sequence) {
      Batch* batch = nullptr;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] {
          if (failure_) return true;
          auto found = std::find_if(analysed_.begin(), analysed_.end(),
                                    [&](const Batch* candidate) { return candidate->sequence == sequence; });
          if (found == analysed_.end()) return false;
          batch = *found;
          analysed_.erase(found);
          return true;
        });
        if (failure_) std::rethrow_exception(failure_);
      }
      size_t next_problem = 0;
      bool go_on = true;
      for (size_t i = 0; i < batch->messages.size() && go_on; ++i) {
        for (; next_problem < batch->problems.size() && batch->problems[next_problem].first <= i; ++next_problem)
          on_problem(std::move(batch->problems[next_problem].second));
        go_on = on_message(batch->messages[i]);
      }
      if (go_on)
        for (; next_problem < batch->problems.size(); ++next_problem)
          on_problem(std::move(batch->problems[next_problem].second));
      const bool last = batch->last;
      {
        std::lock_guard lock(mutex_);
        free_[batch->owner].push_back(batch);
      }
      changed_.notify_all();
      if (last || !go_on) return;
    }
  }

  std::unique_ptr<MessageReader> reader_;
  const AnalysisOptions& analysis_;
  const PipelineOptions& options_;
  std::vector<Batch> batches_;

  std::mutex mutex_;
  std::condition_variable changed_;       // any of the below changed
  std::vector<std::vector<Batch*>> free_;  // per analysis thread, its batches ready to be filled
  std::vector<Batch*> analysed_;          // waiting to be handed on, in any order
  uint64_t next_sequence_ = 0;            // the sequence number of the next batch read
  bool reading_ = false;                  // a thread is reading a batch
  bool read_all_ = false;                 // the reader has given its last batch
  bool stopping_ = false;                 // the calling thread wants no more
  std::exception_ptr failure_;            // what an analysis thread threw first
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
    AnalyzedMessage message;  // one for all: the reader reuses its strings
    for (;;) {
      const bool read = (*reader)->next(message.raw, problems);
      for (Error& problem : problems) on_problem(std::move(problem));
      problems.clear();
      if (!read) break;
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
