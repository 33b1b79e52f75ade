// Tokens of a Received header value, and the small text tests the parser needs.
// Internal to collectors/received.cpp; split out so the parser reads as clauses,
// not as byte loops.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/ascii.h"

namespace sg::received_detail {

enum class TokenKind : uint8_t {
  word,     ///< a run of bytes up to a separator or an opening delimiter
  comment,  ///< "( ... )", nesting respected; text is the inside
  literal,  ///< "[ ... ]", an address literal (or what a server put in brackets)
  angle,    ///< "< ... >", a mailbox or an id
  semicolon,  ///< ";" outside comments: the last one introduces the date
};

/// Plain data with no initialisers, so the token arrays the parser keeps on its
/// stack cost nothing to set up: only the tokens lex() writes are ever read.
struct Token {
  TokenKind kind;
  uint32_t size;      ///< of text(); a field is parsed up to 16 KiB
  const char* begin;  ///< of text()

  /// Without the enclosing delimiters.
  std::string_view text() const { return {begin, size}; }
};

struct Lexed {
  size_t count = 0;        ///< tokens written
  size_t consumed = 0;     ///< bytes of the text they cover; less than its size when `out` was full
  bool unclosed = false;   ///< a comment, literal or angle address lacked its closing byte
};

/// Splits `text` (at most 4 GiB) into tokens, writing at most out.size() of them
/// (a real Received field has about twenty). Separators are blanks (space, tab,
/// CR, LF) and commas; control bytes are part of words, so a name holding one
/// comes out whole, to be refused, not cut into a readable piece. An unclosed
/// comment runs to the end, as RFC 5322 reads it; an unclosed literal or angle
/// address ends at the next blank so one stray bracket does not swallow the rest
/// of the field. Linear in text.size().
Lexed lex(std::string_view text, std::span<Token> out);

/// The index of the last `byte` in `text`, or npos; as text.rfind(byte), 16 bytes a step.
size_t find_last(std::string_view text, char byte);

/// Whether `text` holds "id" or "for" in any case (as words or inside them).
bool holds_id_or_for(std::string_view text);

/// True for a comment whose ')' never came: it runs to the end of `text`.
bool is_unclosed_comment(const Token& token, std::string_view text);

// ASCII case-insensitive helpers (header keywords are ASCII; other bytes compare
// exactly). Inline: the parser calls them for nearly every token.

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

inline bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

inline bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

bool icontains(std::string_view haystack, std::string_view needle);

/// Drops separator punctuation a writer glued to a word ("st.tahina.priv.at,",
/// "\"foo.woas.net\"").
inline std::string_view trim_punctuation(std::string_view word) {
  while (!word.empty() && (word.back() == ',' || word.back() == ';' || word.back() == '"' || word.back() == '\''))
    word.remove_suffix(1);
  while (!word.empty() && (word.front() == '"' || word.front() == '\'')) word.remove_prefix(1);
  return word;
}

/// Drops trailing dots of a fully qualified name ("out-25.smtp.github.com.").
inline std::string_view trim_trailing_dots(std::string_view name) {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

/// Letters, digits, '-', '.', '_' and non-ASCII bytes (U-labels) only, and not
/// empty. Control bytes count too: a name a sender corrupted with one is still
/// in a name's place, and is found so to be reported unreadable.
bool looks_like_host_name(std::string_view text);

}  // namespace sg::received_detail
