#include "collectors/received_lexer.h"

#include <array>

namespace sg::received_detail {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// What a byte does to the lexer, looked up in one table so the per-byte loops stay
// a load and a test.
enum ByteClass : uint8_t {
  kBlank = 1,      // blanks, control bytes (NUL included: never part of a name) and ','
  kEndsWord = 2,   // '(' '[' '<' ';' start a token of their own
  kInComment = 4,  // '(' ')' '\\' matter inside a comment
};

constexpr std::array<uint8_t, 256> make_byte_classes() {
  std::array<uint8_t, 256> classes{};
  for (int byte = 0; byte <= ' '; ++byte) classes[byte] = kBlank;
  classes[0x7f] = kBlank;
  classes[','] = kBlank;
  for (unsigned char c : {'(', '[', '<', ';'}) classes[c] |= kEndsWord;
  for (unsigned char c : {'(', ')', '\\'}) classes[c] |= kInComment;
  return classes;
}

constexpr std::array<uint8_t, 256> kByteClasses = make_byte_classes();

uint8_t byte_class(char c) { return kByteClasses[static_cast<unsigned char>(c)]; }

bool is_separator(char c) { return (byte_class(c) & kBlank) != 0; }

// Index of the ')' that closes the comment opened at `open`, or npos when it never
// closes (the comment then runs to the end of the text).
size_t comment_close(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if ((byte_class(text[i]) & kInComment) == 0) continue;
    if (text[i] == '\\') {  // quoted-pair: the next byte is literal
      ++i;
      continue;
    }
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

// End of a bracketed token (one past `close`); an unclosed one ends at the next blank.
// `missing_from` remembers where the search last failed: once no `close` follows a
// position, none follows any later one, and searching again for every stray '['
// would make the lexer quadratic.
size_t delimited_end(std::string_view text, size_t open, char close, size_t& missing_from) {
  if (open < missing_from) {
    const size_t found = text.find(close, open + 1);
    if (found != std::string_view::npos) return found + 1;
    missing_from = open;
  }
  size_t i = open + 1;
  while (i < text.size() && !is_separator(text[i])) ++i;
  return i;
}

size_t word_end(std::string_view text, size_t start) {
  size_t i = start;
  while (i < text.size() && (byte_class(text[i]) & (kBlank | kEndsWord)) == 0) ++i;
  return i;
}

// The inside of a literal or angle address; `end` may lack the closing byte if it was unclosed.
std::string_view inside(std::string_view text, size_t start, size_t end, char close) {
  const size_t inner_end = (end > start + 1 && text[end - 1] == close) ? end - 1 : end;
  return text.substr(start + 1, inner_end - (start + 1));
}

}  // namespace

Lexed lex(std::string_view text, std::span<Token> out) {
  size_t count = 0;
  size_t i = 0;
  size_t no_bracket_from = std::string_view::npos;
  size_t no_angle_from = std::string_view::npos;
  while (i < text.size() && count < out.size()) {
    const char c = text[i];
    if (is_separator(c)) {
      ++i;
      continue;
    }
    Token token;
    size_t end = 0;
    if (c == '(') {
      const size_t close = comment_close(text, i);
      const size_t inner_end = close == std::string_view::npos ? text.size() : close;
      end = close == std::string_view::npos ? text.size() : close + 1;
      token = {TokenKind::comment, text.substr(i + 1, inner_end - i - 1)};
    } else if (c == '[') {
      end = delimited_end(text, i, ']', no_bracket_from);
      token = {TokenKind::literal, inside(text, i, end, ']')};
    } else if (c == '<') {
      end = delimited_end(text, i, '>', no_angle_from);
      token = {TokenKind::angle, inside(text, i, end, '>')};
    } else if (c == ';') {
      end = i + 1;
      token = {TokenKind::semicolon, text.substr(i, 1)};
    } else {
      end = word_end(text, i);
      token = {TokenKind::word, text.substr(i, end - i)};
    }
    out[count++] = token;
    i = end;
  }
  while (i < text.size() && is_separator(text[i])) ++i;
  return {count, i};
}

bool is_unclosed_comment(const Token& token, std::string_view text) {
  // A closed comment's text stops before its ')', so only an unclosed one reaches the end.
  return token.kind == TokenKind::comment && token.text.data() + token.text.size() == text.data() + text.size();
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (lower(haystack[i]) == lower(needle[0]) && iequals(haystack.substr(i, needle.size()), needle)) return true;
  return false;
}

std::string_view trim_punctuation(std::string_view word) {
  while (!word.empty() && (word.back() == ',' || word.back() == ';' || word.back() == '"' || word.back() == '\''))
    word.remove_suffix(1);
  while (!word.empty() && (word.front() == '"' || word.front() == '\'')) word.remove_prefix(1);
  return word;
}

std::string_view trim_trailing_dots(std::string_view name) {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

bool looks_like_host_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || byte >= 0x80;
    if (!ok) return false;
  }
  return true;
}

}  // namespace sg::received_detail
