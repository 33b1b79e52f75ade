// ASCII helpers for protocol text (header names, schemes, config lines), locale-independent.
// The one home for byte classes, case folding, trimming and hex digits: every
// parser of the project uses these rather than <cctype>, whose answers depend on
// the locale and whose arguments must not be negative chars.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// 'A'..'Z' to 'a'..'z'; every other byte unchanged.
constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// '0'..'9'.
constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

/// 'a'..'z' and 'A'..'Z'.
constexpr bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Space, tab, CR or LF: what surrounds values in headers, config files and listings.
constexpr bool is_blank_or_newline(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/// 0..15 for a hex digit of either case, -1 for any other byte.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `text` without the leading and trailing bytes for which `is_junk(c)` holds.
template <typename IsJunk>
constexpr std::string_view trim_if(std::string_view text, IsJunk is_junk) {
  while (!text.empty() && is_junk(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_junk(text.back())) text.remove_suffix(1);
  return text;
}

/// `text` without leading and trailing spaces, tabs, CRs and LFs.
constexpr std::string_view trim_blanks(std::string_view text) { return trim_if(text, is_blank_or_newline); }

/// Lowers 'A'..'Z' in place; every other byte unchanged.
inline void ascii_lowercase_in_place(std::string& text) {
  for (char& c : text) c = ascii_lower(c);
}

/// A copy of `text` with 'A'..'Z' lowered.
inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  ascii_lowercase_in_place(out);
  return out;
}

/// A copy of `text` with 'a'..'z' raised (registry handles, country codes).
inline std::string ascii_uppercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// True when `text` begins with `lower_prefix` ignoring ASCII case; the prefix must be lowercase.
constexpr bool starts_with_nocase(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i)
    if (ascii_lower(text[i]) != lower_prefix[i]) return false;
  return true;
}

/// True when `text` equals `lower_word` ignoring ASCII case; the word must be lowercase.
constexpr bool equals_nocase(std::string_view text, std::string_view lower_word) {
  return text.size() == lower_word.size() && starts_with_nocase(text, lower_word);
}

/// True when `text` ends with `lower_suffix` ignoring ASCII case; the suffix must be lowercase.
constexpr bool ends_with_nocase(std::string_view text, std::string_view lower_suffix) {
  return text.size() >= lower_suffix.size() &&
         starts_with_nocase(text.substr(text.size() - lower_suffix.size()), lower_suffix);
}

}  // namespace sg
