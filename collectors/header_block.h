// Splitting a raw message into header fields (RFC 5322 §2.2), zero-copy.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sg {

/// One header field as it stands in the message: views into the caller's buffer.
struct HeaderField {
  std::string_view name;       ///< field name as written (case preserved)
  std::string_view raw_value;  ///< everything after the colon, folding kept
  size_t line = 0;             ///< 1-based line number of the field's first line
};

/// The header block of a message.
struct HeaderBlock {
  std::vector<HeaderField> fields;  ///< in order of appearance, top first
  std::string_view raw;             ///< the header block including its final line break
  size_t body_offset = 0;           ///< where the body starts in the message (== size if none)
  bool crlf = false;                ///< some line of `raw` ends in CR LF (else raw holds no CR LF)
  std::vector<std::string> problems;  ///< lines that are not fields, "line N: reason"
};

/// Splits the header of `message` into fields, into `out` (core/result.h:
/// `_into`; its vectors keep their capacity for the next message). Accepts LF,
/// CRLF and mixed line ends, a leading mbox "From " line, and stops at the first
/// empty line. Lines that are neither a field nor a continuation are reported in
/// `problems` and skipped. Bounded: at most `max_fields` fields are kept.
void split_header_block_into(std::string_view message, HeaderBlock& out, size_t max_fields = 4096);

/// Length of the field name when `line` starts a header field ("Name:", blanks
/// allowed before the colon; the name is printable ASCII without ':'), else 0.
size_t field_name_length(std::string_view line);

/// Unfolds a raw value into `out` (core/result.h: `_into`): CRLF/LF followed by
/// WSP becomes the WSP; leading and trailing whitespace trimmed.
void unfold_into(std::string_view raw_value, std::string& out);

/// The unfolded value as a view: into `raw_value` itself when it holds no line
/// break (the usual one-line field, no copy), else into `scratch`, which is
/// overwritten. Valid while both live unchanged.
std::string_view unfolded_view(std::string_view raw_value, std::string& scratch);

/// Case-insensitive ASCII comparison of field names.
bool field_name_is(std::string_view name, std::string_view wanted);

}  // namespace sg
