// Analysing on several threads: the same results, in the same order, as one
// thread reading and analysing message after message.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ingest/analysis_pipeline.h"
#include "tests/helpers.h"

using namespace sg;
namespace fs = std::filesystem;

namespace {

// What the sink saw, one line per message or problem, in order.
std::vector<std::string> events_of(const std::string& path, MailFormat format, const PipelineOptions& options,
                                   size_t stop_after = 0) {
  AnalysisOptions analysis;
  analysis.fallback_time = 1700000000;
  std::vector<std::string> events;
  size_t messages = 0;
  auto on_message = [&](AnalyzedMessage& message) {
    events.push_back(message.raw.source.path + "@" + std::to_string(message.raw.source.offset) + " " +
                     message.evidence.header_hash + " hops=" + std::to_string(message.evidence.hops.size()) +
                     " indicators=" + std::to_string(message.evidence.indicators.size()) +
                     " observations=" + std::to_string(message.observations.size()));
    return stop_after == 0 || ++messages < stop_after;
  };
  auto on_problem = [&](Error&& error) { events.push_back("problem: " + error.to_string()); };
  auto status = analyze_messages(path, format, analysis, options, on_message, on_problem);
  REQUIRE_MESSAGE(status.has_value(), status.error().to_string());
  return events;
}

// The reference: one thread, MessageReader and Analyzer by hand.
std::vector<std::string> events_by_hand(const std::string& path, MailFormat format,
                                        const ReaderOptions& reader_options = {}) {
  AnalysisOptions analysis;
  analysis.fallback_time = 1700000000;
  Analyzer analyzer(analysis);
  std::vector<std::string> events;
  auto reader = MessageReader::open(path, format, reader_options);
  REQUIRE(reader.has_value());
  std::vector<Error> problems;
  for (;;) {
    auto raw = (*reader)->next(problems);
    for (const Error& problem : problems) events.push_back("problem: " + problem.to_string());
    problems.clear();
    if (!raw) break;
    const Evidence evidence = analyzer.analyze(raw->bytes, raw->source);
    events.push_back(raw->source.path + "@" + std::to_string(raw->source.offset) + " " + evidence.header_hash +
                     " hops=" + std::to_string(evidence.hops.size()) +
                     " indicators=" + std::to_string(evidence.indicators.size()) +
                     " observations=" + std::to_string(observations_from_evidence(evidence).size()));
  }
  return events;
}

}  // namespace

TEST_CASE("the corpus analysed on 1 and on 3 threads: the same messages, problems and order") {
  const std::vector<std::string> expected = events_by_hand(corpus_path(""), MailFormat::automatic);
  REQUIRE(expected.size() == 222 + 1);  // 222 messages and 1 file that is not mail (test_mail_source)
  for (unsigned jobs : {1u, 3u}) {
    for (size_t batch : {1u, 7u, 64u}) {
      CAPTURE(jobs);
      CAPTURE(batch);
      PipelineOptions options;
      options.jobs = jobs;
      options.batch_messages = batch;
      options.observations = true;
      CHECK(events_of(corpus_path(""), MailFormat::automatic, options) == expected);
    }
  }
  PipelineOptions by_bytes;  // batches cut by size: one message each here
  by_bytes.jobs = 2;
  by_bytes.batch_bytes = 1;
  by_bytes.observations = true;
  CHECK(events_of(corpus_path(""), MailFormat::automatic, by_bytes) == expected);
}

TEST_CASE("a reader problem arrives between the messages it came between") {
  TempDir dir("pipeline");
  const std::string big(5000, 'x');
  const std::string path = dir.path("box");
  std::ofstream(path) << "From a Mon Jan  1 00:00:00 2024\nSubject: one\n\nok\n\n"
                         "From b Mon Jan  1 00:00:00 2024\nSubject: big\n\n" << big << "\n\n"
                      << "From c Mon Jan  1 00:00:00 2024\nSubject: three\n\nok\n";
  PipelineOptions options;
  options.jobs = 2;
  options.batch_messages = 1;
  options.reader.max_message_size = 1000;
  options.observations = true;
  const std::vector<std::string> events = events_of(path, MailFormat::mbox, options);
  REQUIRE(events.size() == 3);
  CHECK(events[0].rfind(path + "@0 ", 0) == 0);
  CHECK(events[1].find("problem: " + path + ": message at byte offset") == 0);
  CHECK(events[2].find(path + "@") == 0);
  CHECK(events == events_by_hand(path, MailFormat::mbox, options.reader));
}

TEST_CASE("the sink stops the pipeline early, and every thread ends") {
  PipelineOptions options;
  options.jobs = 3;
  options.batch_messages = 4;
  options.observations = true;
  const std::vector<std::string> all = events_by_hand(corpus_path(""), MailFormat::automatic);
  for (size_t stop_after : {1u, 5u, 50u}) {
    CAPTURE(stop_after);
    const std::vector<std::string> events = events_of(corpus_path(""), MailFormat::automatic, options, stop_after);
    size_t messages = 0;
    for (const std::string& event : events) messages += event.rfind("problem: ", 0) != 0;
    CHECK(messages == stop_after);
    REQUIRE(events.size() <= all.size());
    CHECK(std::equal(events.begin(), events.end(), all.begin()));
  }
}

TEST_CASE("a path that cannot be opened fails before any thread starts") {
  PipelineOptions options;
  options.jobs = 2;
  size_t calls = 0;
  auto status = analyze_messages(
      "/nonexistent/box", MailFormat::mbox, AnalysisOptions{}, options, [&](AnalyzedMessage&) { return ++calls > 0; },
      [&](Error&&) { ++calls; });
  REQUIRE_FALSE(status.has_value());
  CHECK(status.error().to_string().find("/nonexistent/box") != std::string::npos);
  CHECK(calls == 0);
}

TEST_CASE("what the sink throws comes out on the calling thread, after every thread has ended") {
  for (unsigned jobs : {1u, 3u}) {
    CAPTURE(jobs);
    PipelineOptions options;
    options.jobs = jobs;
    options.batch_messages = 2;
    size_t calls = 0;
    auto on_message = [&](AnalyzedMessage&) -> bool {
      if (++calls == 7) throw std::runtime_error("sink failed");
      return true;
    };
    CHECK_THROWS_WITH(analyze_messages(corpus_path(""), MailFormat::automatic, AnalysisOptions{}, options, on_message,
                                       [](Error&&) {}),
                      "sink failed");
    CHECK(calls == 7);
  }
}
