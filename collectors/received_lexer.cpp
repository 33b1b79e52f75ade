#include "collectors/received_lexer.h"

#include <array>

#include "core/byte_scan.h"

namespace sg::received_detail {

namespace {

// What a byte does to the lexer, looked up in one table so the per-byte loops stay
// a load and a test.
enum ByteClass : uint8_t {
  kBlank = 1,      // blanks (space, tab, CR, LF) and ','
  kEndsWord = 2,   // '(' '[' '<' ';' start a token of their own
  kInComment = 4,  // '(' ')' '\\' matter inside a comment
};

constexpr std::array<uint8_t, 256> make_byte_classes() {
  std::array<uint8_t, 256> classes{};
  // Control bytes are no blanks: a NUL or ESC inside a name must not cut it into
  // a readable prefix, so it stays in the word, which the parser then refuses.
  for (unsigned char c : {' ', '\t', '\r', '\n', ','}) classes[c] = kBlank;
  for (unsigned char c : {'(', '[', '<', ';'}) classes[c] |= kEndsWord;
  for (unsigned char c : {'(', ')', '\\'}) classes[c] |= kInComment;
  return classes;
}

constexpr std::array<uint8_t, 256> kByteClasses = make_byte_classes();

uint8_t byte_class(char c) { return kByteClasses[static_cast<unsigned char>(c)]; }

bool is_separator(char c) { return (byte_class(c) & kBlank) != 0; }

// Words and comments are scanned 16 bytes at a time while 16 remain; every load
// stays inside the text (a word near its end is found in its last 16 bytes), and
// what is shorter goes through the table one byte at a time.
constexpr size_t kBlock = 16;

// One bit per byte of `block` that ends a word: the kBlank and kEndsWord bytes.
unsigned word_ends_in(scan::Block block) {
  const scan::Block blanks = (scan::equal(block, ' ') | scan::equal(block, '\t')) |
                             (scan::equal(block, '\r') | scan::equal(block, '\n'));
  const scan::Block punctuation = (scan::equal(block, ',') | scan::equal(block, '(')) |
                                  (scan::equal(block, '[') | scan::equal(block, '<'));
  return scan::mask((blanks | scan::equal(block, ';')) | punctuation);
}

// One bit per byte of `block` that matters inside a comment: the kInComment bytes.
unsigned comment_bytes_in(scan::Block block) {
  return scan::mask(scan::equal(block, '(') | scan::equal(block, ')') | scan::equal(block, '\\'));
}

// Index of the next byte at or after `i` that may matter inside a comment, or
// text.size() when none is left.
size_t next_comment_byte(std::string_view text, size_t i) {
  for (; i + kBlock <= text.size(); i += kBlock)
    if (const unsigned found = comment_bytes_in(scan::load(text.data() + i))) return i + __builtin_ctz(found);
  while (i < text.size() && (byte_class(text[i]) & kInComment) == 0) ++i;
  return i;
}

// Index of the ')' that closes the comment opened at `open`, or npos when it never
// closes (the comment then runs to the end of the text).
size_t comment_close(std::string_view text, size_t open) {
  int depth = 0;
  for (size_t i = next_comment_byte(text, open); i < text.size(); i = next_comment_byte(text, i + 1)) {
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
size_t delimited_end(std::string_view text, size_t open, char close, size_t& missing_from, bool& unclosed) {
  if (open < missing_from) {
    const size_t found = text.find(close, open + 1);
    if (found != std::string_view::npos) return found + 1;
    missing_from = open;
  }
  unclosed = true;
  size_t i = open + 1;
  while (i < text.size() && !is_separator(text[i])) ++i;
  return i;
}

size_t word_end(std::string_view text, size_t start) {
  size_t i = start;
  for (; i + kBlock <= text.size(); i += kBlock)
    if (const unsigned found = word_ends_in(scan::load(text.data() + i))) return i + __builtin_ctz(found);
  if (i == text.size()) return i;
  if (text.size() >= kBlock) {
    // The last block of the text, which overlaps what was searched already.
    const size_t last = text.size() - kBlock;
    const unsigned found = word_ends_in(scan::load(text.data() + last)) >> (i - last);
    return found ? i + __builtin_ctz(found) : text.size();
  }
  while (i < text.size() && (byte_class(text[i]) & (kBlank | kEndsWord)) == 0) ++i;
  return i;
}

Token make_token(TokenKind kind, std::string_view text, size_t start, size_t end) {
  return {kind, static_cast<uint32_t>(end - start), text.data() + start};
}

// The inside of a literal or angle address; `end` may lack the closing byte if it was unclosed.
Token delimited_token(TokenKind kind, std::string_view text, size_t start, size_t end, char close) {
  const size_t inner_end = (end > start + 1 && text[end - 1] == close) ? end - 1 : end;
  return make_token(kind, text, start + 1, inner_end);
}

}  // namespace

Lexed lex(std::string_view text, std::span<Token> out) {
  size_t count = 0;
  size_t i = 0;
  bool unclosed = false;
  size_t no_bracket_from = std::string_view::npos;
  size_t no_angle_from = std::string_view::npos;
  while (true) {
    while (i < text.size() && is_separator(text[i])) ++i;  // the blanks before a token, or at the end
    if (i == text.size() || count == out.size()) break;
    const char c = text[i];
    const uint8_t kind = byte_class(c);
    size_t end = 0;
    if ((kind & kEndsWord) == 0) {  // most tokens are words
      end = word_end(text, i);
      out[count++] = make_token(TokenKind::word, text, i, end);
    } else if (c == '(') {
      const size_t close = comment_close(text, i);
      unclosed = unclosed || close == std::string_view::npos;
      end = close == std::string_view::npos ? text.size() : close + 1;
      out[count++] = make_token(TokenKind::comment, text, i + 1, close == std::string_view::npos ? text.size() : close);
    } else if (c == '[') {
      end = delimited_end(text, i, ']', no_bracket_from, unclosed);
      out[count++] = delimited_token(TokenKind::literal, text, i, end, ']');
    } else if (c == '<') {
      end = delimited_end(text, i, '>', no_angle_from, unclosed);
      out[count++] = delimited_token(TokenKind::angle, text, i, end, '>');
    } else {  // ';'
      end = i + 1;
      out[count++] = make_token(TokenKind::semicolon, text, i, end);
    }
    i = end;
  }
  return {count, i, unclosed};
}

size_t find_last(std::string_view text, char byte) {
  size_t end = text.size();
  for (; end >= kBlock; end -= kBlock) {
    if (const unsigned found = scan::mask(scan::equal(scan::load(text.data() + end - kBlock), byte)))
      return end - kBlock + (31 - static_cast<size_t>(__builtin_clz(found)));
  }
  if (end > 0 && text.size() >= kBlock) {
    // The first block of the text, which overlaps what was searched already.
    const unsigned before_end = (1u << end) - 1;
    const unsigned found = scan::mask(scan::equal(scan::load(text.data()), byte)) & before_end;
    return found ? 31 - static_cast<size_t>(__builtin_clz(found)) : std::string_view::npos;
  }
  while (end-- > 0)
    if (text[end] == byte) return end;
  return std::string_view::npos;
}

// The last letters of "id" and "for" are rare in what is searched (dates), so
// the blocks are searched for them, and only a hit looks back at the bytes before.
bool holds_id_or_for(std::string_view text) {
  auto ends_keyword = [&](size_t i) {
    const char c = static_cast<char>(text[i] | 0x20);  // lowercases letters, maps nothing else onto one
    if (c == 'd') return i >= 1 && (text[i - 1] | 0x20) == 'i';
    return i >= 2 && (text[i - 1] | 0x20) == 'o' && (text[i - 2] | 0x20) == 'f';
  };
  auto candidates_in = [](const char* at) {
    const scan::Block lowered = scan::load(at) | scan::splat(0x20);
    return scan::mask(scan::equal(lowered, 'd') | scan::equal(lowered, 'r'));
  };
  size_t i = 0;
  for (; i + kBlock <= text.size(); i += kBlock)
    for (unsigned found = candidates_in(text.data() + i); found != 0; found &= found - 1)
      if (ends_keyword(i + __builtin_ctz(found))) return true;
  if (i < text.size() && text.size() >= kBlock) {
    // The last block of the text, which overlaps what was searched already.
    const size_t last = text.size() - kBlock;
    for (unsigned found = candidates_in(text.data() + last) >> (i - last); found != 0; found &= found - 1)
      if (ends_keyword(i + __builtin_ctz(found))) return true;
    return false;
  }
  for (; i < text.size(); ++i) {
    const char c = static_cast<char>(text[i] | 0x20);
    if ((c == 'd' || c == 'r') && ends_keyword(i)) return true;
  }
  return false;
}

bool is_unclosed_comment(const Token& token, std::string_view text) {
  // A closed comment's text stops before its ')', so only an unclosed one reaches the end.
  return token.kind == TokenKind::comment && token.begin + token.size == text.data() + text.size();
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (ascii_lower(haystack[i]) == ascii_lower(needle[0]) && iequals(haystack.substr(i, needle.size()), needle))
      return true;
  return false;
}

namespace {

// Letters, digits, '-', '.', '_', non-ASCII bytes, and the control bytes a
// sender may have put in a name (see looks_like_host_name).
constexpr std::array<bool, 256> kHostNameBytes = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_' || c >= 0x80 || (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
  return table;
}();

}  // namespace

bool looks_like_host_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!kHostNameBytes[static_cast<unsigned char>(c)]) return false;
  return true;
}

}  // namespace sg::received_detail
