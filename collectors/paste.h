// Header excerpts pasted from a blog, forum or ticket, turned back into header
// blocks header analysis can read. Pastes lose what web pages and mail clients
// drop: folding indentation, line order, the `by` part, spaces (as U+00A0), and
// they carry prose around the headers and masked parts ("bounce-********@x").
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sg {

/// One run of header fields found in a paste.
struct PasteExcerpt {
  std::string headers;  ///< normalised header block: one "Name: value" per field, folded lines indented
  size_t offset = 0;    ///< byte offset of the excerpt's first field line in the paste
  size_t line = 0;      ///< 1-based line number of that line
  size_t fields = 0;    ///< number of fields in `headers`
};

/// Splits a paste into header excerpts. Leading blanks (also U+3000) and empty
/// lines between fields are removed; U+00A0 becomes a space; a line that is not
/// a field and follows a field directly (or is indented deeper than it, or
/// continues a Received with "by"/"with"/"id"/"for"/";") is that field's lost
/// folding and is re-folded; prose (mostly non-ASCII text, English sentences,
/// unknown "Word:" names) and omission marks ("...", "(snip)", "略") are dropped
/// and reported in `problems` as "line N: reason". Prose set apart by empty
/// lines between two runs of fields starts a new excerpt (a blog post quoting
/// two messages yields two). Field order and masked text are kept as written.
/// Lines end with `eol` ("\n" or "\r\n"). Bounded: linear in the input.
std::vector<PasteExcerpt> split_paste(std::string_view text, std::vector<std::string>& problems,
                                      std::string_view eol = "\n");

/// All fields of a paste as one header block (the excerpts of split_paste
/// joined in order), ending with a line break; "" when the paste has no field.
std::string normalize_paste(std::string_view text, std::vector<std::string>& problems, std::string_view eol = "\n");

/// How much of a text looks_like_paste reads; a reader that detects formats
/// hands it at least this much when there is that much.
inline constexpr size_t kPasteWindow = 64 * 1024;

/// True when `text` holds header fields but is not a message as a mail store
/// writes it: it starts with empty lines, indentation or prose before the first
/// field; or it is only header lines (no body) and either has lines that are no
/// field (lost folding) or lacks every field a real message has (From, Date,
/// Message-ID, To, Subject, ...), as an excerpt of trace fields does. A text
/// that starts with a field and fills kPasteWindow is a message, however large
/// its header block: only a text seen whole can be shown to have no body.
bool looks_like_paste(std::string_view text);

}  // namespace sg
