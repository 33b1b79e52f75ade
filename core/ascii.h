// ASCII helpers for protocol text (header names, schemes), locale-independent.
#pragma once
#include <string_view>

namespace sg {

/// 'A'..'Z' to 'a'..'z'; every other byte unchanged.
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// True when `text` begins with `lower_prefix` ignoring ASCII case; the prefix must be lowercase.
inline bool starts_with_nocase(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i)
    if (ascii_lower(text[i]) != lower_prefix[i]) return false;
  return true;
}

/// True when `text` ends with `lower_suffix` ignoring ASCII case; the suffix must be lowercase.
inline bool ends_with_nocase(std::string_view text, std::string_view lower_suffix) {
  return text.size() >= lower_suffix.size() && starts_with_nocase(text.substr(text.size() - lower_suffix.size()), lower_suffix);
}

}  // namespace sg
