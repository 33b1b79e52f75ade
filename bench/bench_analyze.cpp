// bench_analyze: header analysis alone over an mbox, nothing stored.
//
//   build/bench_analyze FILE.mbox [--read-only] [--no-body] [--repeat N] [--jobs N] [--digest]
//
// Reads FILE with the project's streaming mail source reader (collectors/mail_source.h)
// and runs sg::Analyzer (collectors/analyze.h) on every message, the same two steps
// `spamgraph ingest` takes before it writes to the store. Prints one JSON line:
// messages, bytes (the file size, so MB/s compares with bench/python_baseline.py),
// seconds, msgs_per_s, mb_per_s (MB = 10^6 bytes), plus a few totals from the
// Evidence so the work cannot be optimised away and a reader can sanity-check it.
//
//   --read-only  only split the mbox (reader cost, no analysis)
//   --no-body    skip the MIME body walk for URLs (AnalysisOptions::body_urls = false)
//   --repeat N   read the file N times (timings of small files are noisy)
//   --jobs N     analyse on N threads that take turns reading (ingest/analysis_pipeline.h);
//                1, the default, reads and analyses on the one thread there is
//   --digest     also print a SHA-256 over every message's Evidence as `parse --json` writes
//                it, plus its raw header block, to check that two builds analyse alike
//                (the serialising makes the timing meaningless)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/evidence_json.h"
#include "ingest/analysis_pipeline.h"
#include "collectors/mail_source.h"
#include "core/hash.h"

namespace {

int usage() {
  std::cerr << "usage: bench_analyze FILE.mbox [--read-only] [--no-body] [--repeat N] [--jobs N] [--digest]\n";
  return 2;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The lowercase hex SHA-256 of `bytes`.
std::string digest_of(sg::Sha256& sha256, std::string_view bytes) {
  std::string hex;
  sha256.hex_into(bytes, hex);
  return hex;
}

}  // namespace

int main(int argc, char** argv) {
  std::string path;
  bool read_only = false, no_body = false, digest = false;
  int repeat = 1;
  unsigned jobs = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--read-only") {
      read_only = true;
    } else if (arg == "--no-body") {
      no_body = true;
    } else if (arg == "--digest") {
      digest = true;
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      return usage();
    } else if (path.empty()) {
      path = arg;
    } else {
      return usage();
    }
  }
  if (path.empty()) return usage();

  std::error_code ec;
  const uint64_t file_bytes = std::filesystem::file_size(path, ec);
  if (ec) {
    std::cerr << "bench_analyze: " << path << ": " << ec.message() << "\n";
    return 1;
  }

  sg::AnalysisOptions options;
  options.body_urls = !no_body;
  options.fallback_time = 1700000000;  // fixed, so runs are comparable
  sg::PipelineOptions pipeline;
  pipeline.jobs = jobs;

  uint64_t messages = 0, message_bytes = 0, hops = 0, parsed_hops = 0, indicators = 0, problems = 0,
           reader_problems = 0, with_origin = 0;
  std::string digests;  // one SHA-256 per message, hashed once more at the end
  sg::Sha256 sha256;
  std::string message_digest;
  auto count = [&](sg::AnalyzedMessage& message) {
    ++messages;
    message_bytes += message.raw.bytes.size();
    const sg::Evidence& evidence = message.evidence;
    hops += evidence.hops.size();
    for (const auto& hop : evidence.hops) parsed_hops += hop.parsed ? 1 : 0;
    indicators += evidence.indicators.size();
    problems += evidence.problems.size();
    with_origin += evidence.origin_hop >= 0 ? 1 : 0;
    if (digest) {
      sha256.hex_into(sg::evidence_to_json(evidence).dump() + "\n" + evidence.raw_headers, message_digest);
      digests += message_digest;
    }
    return true;
  };
  auto report_problem = [&](sg::Error&& error) {
    if (reader_problems++ < 5) std::cerr << "bench_analyze: " << error.to_string() << "\n";
  };

  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < repeat; ++round) {
    if (!read_only) {
      if (auto status = sg::analyze_messages(path, sg::MailFormat::mbox, options, pipeline, count, report_problem);
          !status) {
        std::cerr << "bench_analyze: " << status.error().to_string() << "\n";
        return 1;
      }
      continue;
    }
    auto reader = sg::MessageReader::open(path, sg::MailFormat::mbox);
    if (!reader) {
      std::cerr << "bench_analyze: " << reader.error().to_string() << "\n";
      return 1;
    }
    std::vector<sg::Error> errors;
    while (auto message = (*reader)->next(errors)) {
      ++messages;
      message_bytes += message->bytes.size();
    }
    for (sg::Error& error : errors) report_problem(std::move(error));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double total_bytes = static_cast<double>(file_bytes) * repeat;

  std::printf(
      "{\"tool\": \"%s\", \"file\": \"%s\", \"messages\": %llu, \"bytes\": %.0f, \"seconds\": %.3f, "
      "\"msgs_per_s\": %.1f, \"mb_per_s\": %.2f, \"repeat\": %d, \"body_urls\": %s, "
      "\"message_bytes\": %llu, \"hops\": %llu, \"parsed_hops\": %llu, \"with_origin\": %llu, "
      "\"indicators\": %llu, \"analysis_problems\": %llu, \"reader_problems\": %llu, \"jobs\": %u%s}\n",
      read_only ? "bench_analyze --read-only" : "bench_analyze", json_escape(path).c_str(),
      static_cast<unsigned long long>(messages), total_bytes, seconds,
      seconds > 0 ? messages / seconds : 0.0, seconds > 0 ? total_bytes / 1e6 / seconds : 0.0, repeat,
      no_body ? "false" : "true", static_cast<unsigned long long>(message_bytes),
      static_cast<unsigned long long>(hops), static_cast<unsigned long long>(parsed_hops),
      static_cast<unsigned long long>(with_origin), static_cast<unsigned long long>(indicators),
      static_cast<unsigned long long>(problems), static_cast<unsigned long long>(reader_problems), jobs,
      digest ? (", \"digest\": \"" + digest_of(sha256, digests) + "\"").c_str() : "");
  return 0;
}
