#include "report/defang.h"

#include <array>

namespace sg {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[at + i]) != word[i]) return false;
  return true;
}

bool is_scheme_char(char c) {
  const char l = lower(c);
  return (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || c == '+' || c == '-' || c == '.';
}

// Whether text[at] is already the middle of "[x]".
bool already_bracketed(std::string_view text, size_t at) {
  return at > 0 && at + 1 < text.size() && text[at - 1] == '[' && text[at + 1] == ']';
}

struct Scheme {
  std::string_view word;      // lower case, with "://"
  std::string_view defanged;  // what replaces the letters before "://"
};
constexpr std::array<Scheme, 3> kSchemes{{{"https://", "hxxps"}, {"http://", "hxxp"}, {"ftp://", "fxp"}}};

}  // namespace

std::string defang(std::string_view indicator) {
  std::string out;
  out.reserve(indicator.size() + 16);
  for (size_t i = 0; i < indicator.size();) {
    const char c = indicator[i];
    // A scheme is replaced only where a word starts, so "xhttp://" stays (it is no
    // link a reader would follow) and the letters are kept in their original case
    // except the replaced "tt"/"t".
    if ((lower(c) == 'h' || lower(c) == 'f') && (i == 0 || !is_scheme_char(indicator[i - 1]))) {
      bool replaced = false;
      for (const Scheme& scheme : kSchemes) {
        if (!starts_with_nocase(indicator, i, scheme.word)) continue;
        out += scheme.defanged;
        i += scheme.word.size() - 3;  // "://" is copied by the loop
        replaced = true;
        break;
      }
      if (replaced) continue;
    }
    if ((c == '.' || c == '@') && !already_bracketed(indicator, i)) {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
    ++i;
  }
  return out;
}

}  // namespace sg
