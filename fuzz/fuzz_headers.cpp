// libFuzzer target: a whole message through header analysis (fields, Received,
// auth headers, addresses, encoded words, MIME body URLs, trust).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/analyze.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sg::Analyzer analyzer{sg::AnalysisOptions{}};
  const sg::Evidence evidence =
      analyzer.analyze(std::string_view(reinterpret_cast<const char*>(data), size), sg::MessageSource{});
  sink = evidence.hops.size() + evidence.indicators.size() + evidence.problems.size();
  return 0;
}
