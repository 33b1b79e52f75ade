// IMAP server responses (RFC 3501 section 7, 9): finding where one ends in a byte
// stream, and reading it into values. Pure functions of the bytes: the server may
// be hostile, so every size is bounded and damage is an Error, never an exception.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sg::imap {

/// Bounds on what one response may hold.
struct ResponseLimits {
  size_t max_line = 16u << 20;     ///< bytes of a response outside its literals (a SEARCH of a large mailbox is long)
  size_t max_literal = 64u << 20;  ///< bytes of one literal (a message's header block or body)
  size_t max_literals = 64;        ///< literals in one response
};

/// Finds the end of one response in bytes that arrive a piece at a time: a line
/// ending in CRLF, or several joined by literals ("{12}\r\n" and 12 bytes).
class ResponseFramer {
 public:
  explicit ResponseFramer(const ResponseLimits& limits = {}) : limits_(limits) {}

  /// Looks at `buffer` (the bytes received so far, starting at the response) and
  /// returns the length of the complete response at its start, or 0 when more
  /// bytes are needed. Calls with a longer buffer resume where the last one
  /// stopped; after a response is found, the next call starts a new one. An
  /// Error when a bound is passed: a literal larger than max_literal is refused
  /// as soon as its size is announced, before its bytes arrive.
  Result<size_t> complete_length(std::string_view buffer);
  /// How many bytes of a literal still have to arrive (0 outside a literal): lets
  /// a reader append a large literal in one piece.
  size_t literal_remaining(size_t buffered) const;
  /// Forgets a partly framed response.
  void reset();

 private:
  ResponseLimits limits_;
  size_t scanned_ = 0;        // bytes of the buffer looked at
  size_t segment_start_ = 0;  // where the line being scanned began (after the last literal)
  size_t literal_end_ = 0;    // inside a literal: where it ends
  size_t line_bytes_ = 0;     // bytes outside literals so far
  size_t literals_ = 0;
};

/// One value of a response: an atom (also numbers, NIL and names like BODY[HEADER]),
/// a string (quoted or literal, as its bytes), or a parenthesised list.
struct Value {
  enum class Kind : uint8_t { atom, string, list };
  Kind kind = Kind::atom;
  std::string_view text;  ///< atom or string bytes (views into the response)
  uint32_t end = 0;       ///< a list: the index one past its last descendant in Response::values
};

/// A response read into values. `values` view into the bytes given to
/// parse_response (and into `unescaped`): keep those bytes while it is used.
/// Moving keeps the views valid; copying would not, so a Response is not copied.
struct Response {
  Response() = default;
  Response(Response&&) = default;
  Response& operator=(Response&&) = default;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;

  enum class Kind : uint8_t { tagged, untagged, continuation };
  Kind kind = Kind::untagged;
  std::string_view tag;            ///< tagged: the command's tag
  std::optional<uint64_t> number;  ///< untagged "* 12 EXISTS": 12
  std::string_view name;           ///< "OK", "NO", "BAD", "BYE", "PREAUTH", "EXISTS", "FETCH", "LIST", "SEARCH", ... (upper case as sent)
  std::string_view code;           ///< status responses: the response code inside "[...]", "" if none
  std::string_view text;           ///< status responses and continuations: the human text after the code
  std::vector<Value> values;       ///< other responses: what follows the name, in order (lists flattened: see Value::end)
  std::deque<std::string> unescaped;  ///< quoted strings that held escapes, unescaped (a deque: moving keeps them in place)
};

/// Reads one complete response (as ResponseFramer found it, CRLF included).
/// `values` point into `bytes`. Fails with what could not be read and where.
Result<Response> parse_response(std::string_view bytes);

/// True for an atom equal to `word`, ignoring ASCII case.
bool is_atom(const Value& value, std::string_view word);

/// A number atom as an integer; nullopt when it is not a number below 2^63.
std::optional<uint64_t> number_value(const Value& value);

/// The index of the value after `index` at the same level (skipping a list's contents).
size_t next_sibling(const Response& response, size_t index);

/// What a FETCH response said about one message.
struct FetchedItem {
  uint64_t sequence = 0;          ///< the message's sequence number
  std::optional<uint64_t> uid;
  std::optional<std::string_view> header;  ///< BODY[HEADER] (NIL: absent)
  std::optional<std::string_view> whole;   ///< BODY[] (with --full)
  std::optional<uint64_t> size;            ///< RFC822.SIZE
  std::string_view internal_date;          ///< INTERNALDATE as sent
  std::vector<std::string_view> flags;     ///< FLAGS
};

/// The data of "* N FETCH (...)"; an Error when it is no FETCH or is damaged.
Result<FetchedItem> read_fetch(const Response& response);

/// One mailbox as "* LIST (flags) delimiter name" names it.
struct ListedMailbox {
  std::string raw_name;             ///< as the server sent it (modified UTF-7)
  std::string delimiter;            ///< hierarchy delimiter ("" for NIL)
  std::vector<std::string> flags;   ///< \Noselect, \HasChildren, \Junk, ...
};

/// The data of a LIST response.
Result<ListedMailbox> read_list(const Response& response);

/// The UIDs of "* SEARCH 1 2 3" or "* ESEARCH (TAG "x") UID ALL 1:3,7", appended
/// to `out` in the order sent (ranges expanded, at most `limit` in all).
Status read_search(const Response& response, std::vector<uint64_t>& out, size_t limit);

/// The number in a response code such as "UIDVALIDITY 3857529045", if the code
/// has that name.
std::optional<uint64_t> code_number(std::string_view code, std::string_view name);

/// A sequence set "1:4,7,9:10" for ascending `uids` (consecutive runs joined).
std::string sequence_set(const std::vector<uint64_t>& uids, size_t begin, size_t end);

}  // namespace sg::imap
