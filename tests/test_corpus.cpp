// Every file of the corpus of real mail goes through the whole pipeline.
#include <doctest/doctest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "ingest/ingest.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

struct Expected {
  int64_t read = 0;                ///< at least this many messages read
  int64_t received_fields = 0;     ///< at least this many Received fields
  int64_t unreadable_percent = 0;  ///< at most this share of them unreadable
  int64_t ips = 0;                 ///< more IP entities than this
  int64_t domains = 0;             ///< more domain entities than this
};

void ingest_and_check(const std::vector<std::string>& paths, const Expected& expected) {
  TempDir dir("corpus");
  auto store = Store::open(dir.path("corpus.db"));
  REQUIRE(store);
  IngestOptions options;
  options.paths = paths;
  options.analysis.fallback_time = 1700000000;
  std::ostringstream progress;
  auto report = run_ingest(**store, options, progress);
  REQUIRE(report);
  std::ostringstream summary;
  print_ingest_report(*report, summary);
  MESSAGE(summary.str());
  CHECK(report->read >= expected.read);
  CHECK(report->stored + report->duplicates + report->unreadable >= report->read);
  CHECK(report->received_fields >= expected.received_fields);
  int64_t unreadable = 0;
  for (const auto& [dialect, count] : report->received_unreadable) unreadable += count;
  CHECK(unreadable * 100 <= report->received_fields * expected.unreadable_percent);
  // Messages stored despite unreadable parts are named with the line.
  CHECK(report->partly_read > 0);
  CHECK(summary.str().find("received1.eml: line 11: Received: not readable") != std::string::npos);
  auto stats = (*store)->stats();
  REQUIRE(stats);
  CHECK(stats->messages == report->stored);
  CHECK(stats->entities["ip"] > expected.ips);
  CHECK(stats->entities["domain"] > expected.domains);
}

}  // namespace

TEST_CASE("corpus: every real message ingests, unreadable Received fields are few and counted") {
  // tests/data/SOURCES.md: 190 single messages plus two mbox files of 3 and 29
  // messages; the peer-expectations JSON is not mail. 8 of the 675 Received fields
  // are the junk lines rspamd's received1-4.eml hold on purpose.
  ingest_and_check({corpus_path("")},
                   {.read = 222, .received_fields = 675, .unreadable_percent = 2, .ips = 120, .domains = 250});
}

TEST_CASE("corpus: with the extra corpus, every real message ingests, at most 1% of Received fields unreadable") {
  const auto extra = extra_corpus();
  if (!extra) return;
  // Plus phishing_pot (64 messages) and linux-erofs-list-archive (113): 399 messages.
  ingest_and_check({corpus_path(""), *extra + "/phishing_pot", *extra + "/linux-erofs-list-archive"},
                   {.read = 395, .received_fields = 1366, .unreadable_percent = 1, .ips = 300, .domains = 500});
}
