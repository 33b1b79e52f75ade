// libFuzzer target: a whole message through header analysis (fields, Received,
// auth headers, addresses, encoded words, MIME body URLs, trust), then out as
// `parse --json` and the table would show it. Aborts when the JSON cannot be
// written without the replacing fallback, does not parse back, is not valid UTF-8,
// or when the escaped text still holds a control character.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/evidence_json.h"
#include "collectors/analyze.h"
#include "core/utf8.h"

namespace {

void check_json_round_trip(const sg::Evidence& evidence) {
  std::string text;
  try {
    // The strict dump throws on ill-formed UTF-8: evidence_to_json must have
    // replaced it already, not left it to write_json's fallback.
    text = sg::evidence_to_json(evidence).dump(2);
    (void)nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
  if (!sg::is_well_formed_utf8(text)) std::abort();
}

void check_terminal_escape(std::string_view bytes) {
  const std::string shown = sg::escape_for_terminal(bytes);
  if (!sg::is_well_formed_utf8(shown)) std::abort();
  for (size_t i = 0; i < shown.size(); ++i) {
    const auto c = static_cast<unsigned char>(shown[i]);
    if (c < 0x20 || c == 0x7F) std::abort();
    // U+0080..U+009F are C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < shown.size() && static_cast<unsigned char>(shown[i + 1]) < 0xA0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sg::Analyzer analyzer{sg::AnalysisOptions{}};
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const sg::Evidence evidence = analyzer.analyze(bytes, sg::MessageSource{});
  check_json_round_trip(evidence);
  check_terminal_escape(bytes);
  check_terminal_escape(evidence.subject);
  return 0;
}
