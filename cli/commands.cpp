#include "cli/commands.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "cli/bounded_queue.h"
#include "collectors/analysis_pipeline.h"
#include "collectors/indicator_list.h"
#include "collectors/mail_source.h"
#include "core/utf8.h"

namespace sg {

namespace {

constexpr size_t kMaxReportedErrors = 50;
constexpr size_t kMaxPartlyReadExamples = 10;

using Clock = std::chrono::steady_clock;

// "file" or, inside an mbox, "file @offset".
std::string where_from(const MessageSource& source) {
  return source.kind == "mbox" ? fmt::format("{} @{}", source.path, source.offset) : source.path;
}

void note_error(IngestReport& report, const std::string& text) {
  if (report.errors.size() < kMaxReportedErrors) report.errors.push_back(text);
}

// Keeps the numbers of one ingest and redraws the progress line at most ~10x/s.
class Progress {
 public:
  Progress(std::ostream& out, bool enabled) : out_(out), enabled_(enabled), start_(Clock::now()) {}
  void update(const IngestReport& report, bool final = false) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    out_ << fmt::format("\r{} read, {} new, {} duplicates, {} unreadable  {:.0f} msg/s ", report.read, report.stored,
                        report.duplicates, report.unreadable, seconds > 0 ? report.read / seconds : 0.0);
    if (final) out_ << "\n";
    out_.flush();
  }

 private:
  std::ostream& out_;
  bool enabled_;
  Clock::time_point start_, last_{};
};

}  // namespace

namespace {

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
      if (evidence.hops.empty() && evidence.raw_headers.find(':') == std::string::npos) {
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
  struct JoinReader {
    BoundedQueue<IngestItem>& queue;
    std::thread& thread;
    ~JoinReader() {
      queue.close();
      if (thread.joinable()) thread.join();
    }
  } join_reader{queue, reader};
  Progress progress(progress_out, options.progress);
  size_t in_batch = 0;
  auto batch_started = Clock::now();
  std::optional<Error> store_error;

  while (auto item = queue.pop()) {
    if (!item->evidence) {
      if (item->bytes > 0) ++report.read;  // a message that is no message; else a source-level problem
      for (const Error& problem : item->problems) {
        ++report.unreadable;
        ++report.unreadable_reasons[problem.message];
        note_error(report, problem.to_string());
      }
      continue;
    }
    const Evidence& evidence = *item->evidence;
    ++report.read;
    report.bytes += item->bytes;
    for (const Hop& hop : evidence.hops) {
      ++report.received_fields;
      if (!hop.parsed) ++report.received_unreadable[hop.dialect.empty() ? "unknown" : hop.dialect];
    }
    if (!evidence.problems.empty()) {
      // Stored anyway; name where, so the user can look at the bytes.
      ++report.partly_read;
      if (report.partly_read_examples.size() < kMaxPartlyReadExamples) {
        report.partly_read_examples.push_back(where_from(evidence.source) + ": " + evidence.problems.front());
      }
    }
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

Result<IngestReport> import_indicator_lists(Store& store, const IngestOptions& options) {
  IngestReport report;
  for (const std::string& path : options.paths) {
    std::string text;
    if (path == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        ++report.unreadable;
        ++report.unreadable_reasons["cannot read file"];
        note_error(report, path + ": cannot read file");
        continue;
      }
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::string> problems;
    const std::vector<ListedIndicator> indicators = parse_indicator_list(text, problems);
    for (const std::string& problem : problems) {
      ++report.unreadable;
      ++report.unreadable_reasons["not an indicator"];
      note_error(report, path + ": " + problem);
    }
    const std::string label =
        options.source_label.empty() ? std::filesystem::path(path).filename().string() : options.source_label;
    const UnixTime time = options.import_time ? options.import_time : static_cast<UnixTime>(std::time(nullptr));
    if (auto status = store.begin(); !status) return status.error();
    auto import_id = store.add_import(label, path, time);
    if (!import_id) {
      store.rollback();
      return import_id.error();
    }
    for (const ListedIndicator& indicator : indicators) {
      ++report.read;
      auto added = store.observe_import(
          Observation{EntityRef{"source", label}, "lists", EntityRef{indicator.kind, indicator.value}, time, false},
          *import_id);
      if (!added) {
        store.rollback();
        return added.error();
      }
      ++(*added ? report.stored : report.duplicates);
    }
    if (auto status = store.commit(); !status) return status.error();
  }
  return report;
}

Status run_catching(const std::function<void()>& work) {
  try {
    work();
  } catch (const std::exception& error) {
    return Error{std::string("internal error: ") + error.what(), ""};
  } catch (...) {
    return Error{"internal error: an unknown exception", ""};
  }
  return Ok{};
}

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

Result<Evidence> analyze_path(const std::string& path, const std::string& format_name,
                              const AnalysisOptions& options) {
  auto format = parse_mail_format(format_name);
  if (!format) return Error{"unknown format (auto, eml, mbox, paste)", "--format " + format_name};
  std::optional<RawMessage> first;
  std::vector<Error> problems;
  auto status = read_messages(
      path, *format,
      [&](RawMessage&& raw) {
        first = std::move(raw);
        return false;  // the first message is all `parse` wants
      },
      problems);
  if (!status) return status.error();
  if (!first) return problems.empty() ? Error{"no message found", path} : problems.front();
  Analyzer analyzer(options);
  return analyzer.analyze(first->bytes, first->source);
}

}  // namespace sg
