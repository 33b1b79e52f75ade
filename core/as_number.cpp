#include "core/as_number.h"

#include "core/ascii.h"

namespace sg {

std::optional<uint32_t> parse_as_number(std::string_view text) {
  if (starts_with_nocase(text, "as")) {
    text.remove_prefix(2);
    if (!text.empty() && ascii_lower(text.front()) == 'n') text.remove_prefix(1);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!is_ascii_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > 0xffffffffu) return std::nullopt;
  return static_cast<uint32_t>(value);
}

std::string as_number_key(uint32_t asn) { return "AS" + std::to_string(asn); }

}  // namespace sg
