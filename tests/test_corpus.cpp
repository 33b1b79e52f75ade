// Every file of the shared corpus of real mail goes through the whole pipeline.
#include <doctest/doctest.h>

#include <sstream>

#include "cli/commands.h"
#include "tests/helpers.h"

using namespace sg;

TEST_CASE("corpus: every real message ingests; unreadable Received fields are few and counted") {
  TempDir dir("corpus");
  auto store = Store::open(dir.path("corpus.db"));
  REQUIRE(store);
  IngestOptions options;
  options.paths = {shared_path("corpus")};
  options.analysis.fallback_time = 1700000000;
  std::ostringstream progress;
  auto report = run_ingest(**store, options, progress);
  REQUIRE(report);
  std::ostringstream summary;
  print_ingest_report(*report, summary);
  MESSAGE(summary.str());
  // SOURCES.md: 367 single messages plus two mbox files of 3 and 29 messages; the
  // peer-expectations JSON and the two text files of the corpus are not mail.
  CHECK(report->read >= 395);
  CHECK(report->stored + report->duplicates + report->unreadable >= report->read);
  CHECK(report->received_fields >= 1366);
  int64_t unreadable = 0;
  for (const auto& [dialect, count] : report->received_unreadable) unreadable += count;
  CHECK(unreadable * 100 <= report->received_fields);  // at most 1%
  // Messages stored despite unreadable parts are named with the line.
  CHECK(report->partly_read > 0);
  CHECK(summary.str().find("received1.eml: line 11: Received: not readable") != std::string::npos);
  auto stats = (*store)->stats();
  REQUIRE(stats);
  CHECK(stats->messages == report->stored);
  CHECK(stats->entities["ip"] > 300);
  CHECK(stats->entities["domain"] > 500);
}
