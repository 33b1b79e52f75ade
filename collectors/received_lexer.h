// Tokens of a Received header value, and the small text tests the parser needs.
// Internal to collectors/received.cpp; split out so the parser reads as clauses,
// not as byte loops.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sg::received_detail {

enum class TokenKind : uint8_t {
  word,     ///< a run of bytes up to a separator or an opening delimiter
  comment,  ///< "( ... )", nesting respected; text is the inside
  literal,  ///< "[ ... ]", an address literal (or what a server put in brackets)
  angle,    ///< "< ... >", a mailbox or an id
  semicolon,  ///< ";" outside comments: the last one introduces the date
};

struct Token {
  TokenKind kind;
  std::string_view text;  ///< without the enclosing delimiters
};

struct Lexed {
  size_t count = 0;     ///< tokens written
  size_t consumed = 0;  ///< bytes of the text they cover; less than its size when `out` was full
};

/// Splits `text` into tokens, writing at most out.size() of them (a real Received
/// field has about twenty). Separators are blanks, control bytes and commas. An
/// unclosed comment runs to the end, as RFC 5322 reads it; an unclosed literal or
/// angle address ends at the next blank so one stray bracket does not swallow the
/// rest of the field. Linear in text.size().
Lexed lex(std::string_view text, std::span<Token> out);

/// True for a comment whose ')' never came: it runs to the end of `text`.
bool is_unclosed_comment(const Token& token, std::string_view text);

// ASCII case-insensitive helpers (header keywords are ASCII; other bytes compare exactly).
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
bool iends_with(std::string_view text, std::string_view suffix);
bool icontains(std::string_view haystack, std::string_view needle);

/// Drops separator punctuation a writer glued to a word ("st.tahina.priv.at,",
/// "\"foo.woas.net\"").
std::string_view trim_punctuation(std::string_view word);

/// Drops trailing dots of a fully qualified name ("out-25.smtp.github.com.").
std::string_view trim_trailing_dots(std::string_view name);

/// Letters, digits, '-', '.', '_' and non-ASCII bytes (U-labels) only, and not empty.
bool looks_like_host_name(std::string_view text);

}  // namespace sg::received_detail
