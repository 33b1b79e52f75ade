#include "collectors/mime_urls.h"

#include "collectors/header_block.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <iconv.h>

#include "collectors/encoded_words.h"
#include "collectors/iso2022jp.h"
#include "collectors/transfer_decoding.h"
#include "collectors/unreadable.h"
#include "core/domain.h"
#include "core/word_scan.h"

namespace sg {

namespace {

constexpr size_t kMaxProblems = 16;  // one broken message must not flood the report

// Byte classes as tables: these run for every byte of every URL and host.
enum : unsigned char { kAlnum = 1, kHostPunctuation = 2 };  // kHostPunctuation: . - _ : (':' only in IPv6 literals)
const std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) table[c] = kAlnum;
  for (unsigned char c : std::string_view(".-_:")) table[c] = kHostPunctuation;
  return table;
}();
const std::array<char, 256> kLower = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return table;
}();

char lower(char c) { return kLower[static_cast<unsigned char>(c)]; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_alnum(char c) { return kByteClass[static_cast<unsigned char>(c)] == kAlnum; }

// Eight bytes lower-cased at once: each byte's high bit marks whether it is in
// 'A'..'Z' (sums of seven-bit values never carry into the next byte), and that
// mark moved to 0x20 lowers it.
uint64_t lower_eight(uint64_t word) {
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7F, kHighs = 0x8080808080808080;
  constexpr uint64_t kFromA = 0x3F3F3F3F3F3F3F3F;   // 0x80 - 'A' in every byte
  constexpr uint64_t kAfterZ = 0x2525252525252525;  // 0x80 - 'Z' - 1 in every byte
  const uint64_t low7 = word & kLow7;
  const uint64_t upper = (low7 + kFromA) & ~(low7 + kAfterZ) & ~word & kHighs;
  return word | upper >> 2;
}

// Writes the eight bytes of text at `i` lower-cased at out + i.
void copy_lower_eight(char* out, std::string_view text, size_t i) {
  uint64_t word;
  std::memcpy(&word, text.data() + i, 8);
  word = lower_eight(word);
  std::memcpy(out + i, &word, 8);
}

// Writes `text` lower-cased at `out`; returns the end of what it wrote. `out`
// may be text.data() itself.
char* copy_lower(char* out, std::string_view text) {
  const size_t n = text.size();
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) out[i] = lower(text[i]);
    return out + n;
  }
  for (size_t i = 0; i + 8 <= n; i += 8) copy_lower_eight(out, text, i);
  // The last bytes as the last eight, some of them again: lowering is idempotent, and
  // each byte read there is either untouched or already lowered.
  if (n % 8 != 0) copy_lower_eight(out, text, n - 8);
  return out + n;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  copy_lower(out.data(), out);  // in place: each byte is read before it is written
  return out;
}

void append_lower(std::string& out, std::string_view text) {
  const size_t start = out.size();
  out.resize(start + text.size());
  copy_lower(out.data() + start, text);
}

// Case-insensitive: does `text` hold `lower_word` at `pos`?
bool has_at(std::string_view text, size_t pos, std::string_view lower_word) {
  if (pos > text.size() || text.size() - pos < lower_word.size()) return false;
  for (size_t i = 0; i < lower_word.size(); ++i)
    if (lower(text[pos + i]) != lower_word[i]) return false;
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (is_blank(text.front()) || text.front() == '\r' || text.front() == '\n'))
    text.remove_prefix(1);
  while (!text.empty() && (is_blank(text.back()) || text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

// trim(line).empty(), without looking at both ends.
bool is_blank_line(std::string_view line) {
  for (char c : line)
    if (!is_blank(c) && c != '\r' && c != '\n') return false;
  return true;
}

// [begin, end) of the line starting at `pos`, and where the next line starts.
struct Line {
  std::string_view text;  // without the line break
  size_t next = 0;
};

Line line_at(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  const size_t next = end == std::string_view::npos ? text.size() : end + 1;
  if (end == std::string_view::npos) end = text.size();
  std::string_view line = text.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return {line, next};
}

// Sixteen bytes, compared all at once (GCC/Clang vector extensions: SSE2 or NEON).
using Block = unsigned char __attribute__((vector_size(16)));

// One bit per byte of a compare result (0xFF or 0), the first byte lowest:
// a single instruction on SSE2, a loop elsewhere.
unsigned byte_marks(Block hits) {
#if defined(__SSE2__)
  using Chars = char __attribute__((vector_size(16)));
  return static_cast<unsigned>(__builtin_ia32_pmovmskb128(reinterpret_cast<Chars&>(hits)));
#else
  unsigned marks = 0;
  for (int k = 0; k < 16; ++k) marks |= static_cast<unsigned>(hits[k] >> 7) << k;
  return marks;
#endif
}

// The first index from `from` on where `text` holds the three bytes a, b, c (the
// last compared with its case bit ignored when `fold_last`, for a letter), or npos.
// Sixteen positions a step: what is searched for (a delimiter line's "\n--", a
// quoted-printable "=3D") is rare, while its first byte alone is everywhere in
// HTML, and stopping at each one cost a memchr and a memcmp call apiece.
size_t find_trigram(std::string_view text, size_t from, char a, char b, char c, bool fold_last) {
  const auto at = [&](size_t i) {
    return text[i] == a && text[i + 1] == b && (fold_last ? (text[i + 2] | 0x20) == c : text[i + 2] == c);
  };
  if (text.size() < 18) {
    for (size_t i = from; i + 2 < text.size(); ++i)
      if (at(i)) return i;
    return std::string_view::npos;
  }
  // Where a match can start; the loads at +1 and +2 of its last block end with text.
  const std::string_view starts = text.substr(0, text.size() - 2);
  const unsigned char fold = fold_last ? 0x20 : 0;
  const size_t found = find_first_marked(
      starts, std::min(from, starts.size()),
      [&](const char* p) {
        Block first, second, third;
        std::memcpy(&first, p, 16);
        std::memcpy(&second, p + 1, 16);
        std::memcpy(&third, p + 2, 16);
        return byte_marks((first == a) & (second == b) & ((third | fold) == c));
      },
      [](char) { return false; });  // never asked: starts has sixteen bytes or more
  return found < starts.size() ? found : std::string_view::npos;
}

// The start of the next line after `pos` that begins with 'c', 'C', CR or LF
// (the only ones part_fields reads), or the end. A message's header is dozens
// of lines, most of them of no interest: their line breaks are found 32 bytes
// a step, and only the byte after each is looked at.
size_t next_line_of_interest(std::string_view text, size_t pos) {
  const auto of_interest = [&](size_t line_break) {
    if (line_break + 1 == text.size()) return true;  // the end
    const char first = text[line_break + 1];
    return (first | 0x20) == 'c' || first == '\r' || first == '\n';
  };
  for (; pos + 32 <= text.size(); pos += 32) {
    Block low, high;
    std::memcpy(&low, text.data() + pos, 16);
    std::memcpy(&high, text.data() + pos + 16, 16);
    for (uint32_t marks = byte_marks(low == '\n') | byte_marks(high == '\n') << 16; marks != 0; marks &= marks - 1) {
      const size_t line_break = pos + static_cast<size_t>(std::countr_zero(marks));
      if (of_interest(line_break)) return line_break + 1;
    }
  }
  for (; pos < text.size(); ++pos)
    if (text[pos] == '\n' && of_interest(pos)) return pos + 1;
  return text.size();
}

// Whether `line` starts the field `lower_name` (as part_field_name_length would
// say, case-insensitively): the name, blanks, then a colon not before "//".
bool is_field(std::string_view line, std::string_view lower_name) {
  if (line.size() < lower_name.size()) return false;
  // The names are long ("content-transfer-encoding"): eight bytes a step.
  size_t i = 0;
  for (; i + 8 <= lower_name.size(); i += 8) {
    uint64_t word, wanted;
    std::memcpy(&word, line.data() + i, 8);
    std::memcpy(&wanted, lower_name.data() + i, 8);
    if (lower_eight(word) != wanted) return false;
  }
  if (!has_at(line, i, lower_name.substr(i))) return false;
  size_t colon = lower_name.size();
  while (colon < line.size() && is_blank(line[colon])) ++colon;
  return colon < line.size() && line[colon] == ':' && line.substr(colon + 1, 2) != "//";
}

// field_name_length, except that "http://x" opens a body: it is no field.
size_t part_field_name_length(std::string_view line) {
  const size_t name_end = field_name_length(line);
  if (name_end == 0) return 0;
  return line.substr(line.find(':', name_end) + 1, 2) == "//" ? 0 : name_end;
}

// Case-insensitive: is `text` exactly `lower_word`?
bool iequals(std::string_view text, std::string_view lower_word) {
  return text.size() == lower_word.size() && has_at(text, 0, lower_word);
}

// The two fields of a part header the walk needs, unfolded and trimmed; empty
// when absent. Views into the header, or into `folded` when continuation
// lines had to be joined.
struct PartFields {
  std::string_view content_type;
  std::string_view transfer_encoding;
};

// Where a part's folded field values are joined: kept from part to part.
struct FoldedFields {
  std::string content_type;
  std::string transfer_encoding;
};

// A field value read line by line: the value after the colon of its first line,
// joined with its continuation lines in a buffer once there is one, trimmed
// when done. A view of the line itself when the field is not folded.
class FieldValue {
 public:
  // Starts reading the field whose first line is `line`; finish() stores it in `value`.
  void start(std::string_view line, std::string_view& value, std::string& folded) {
    value_ = &value;
    folded_ = &folded;
    first_ = line.substr(line.find(':') + 1);
    joined_ = false;
  }

  // Adds a continuation line (ignored when no field is being read).
  void add(std::string_view continuation) {
    if (value_ == nullptr) return;
    if (!joined_) folded_->assign(first_);
    joined_ = true;
    *folded_ += continuation;
  }

  void finish() {
    if (value_ != nullptr) *value_ = trim(joined_ ? std::string_view(*folded_) : first_);
    value_ = nullptr;
  }

 private:
  std::string_view* value_ = nullptr;
  std::string* folded_ = nullptr;
  std::string_view first_;
  bool joined_ = false;
};

// The unfolded, trimmed value of the field whose first line is `line` and whose
// next line starts at `pos` (advanced past the continuation lines). A view of
// the line itself unless continuation lines follow: those are joined in `folded`.
std::string_view unfolded_value(std::string_view headers, std::string_view line, size_t& pos, std::string& folded) {
  std::string_view value;
  FieldValue reading;
  reading.start(line, value, folded);
  // Continuation lines: those that start with a blank (an empty one does not).
  while (pos < headers.size() && is_blank(headers[pos])) {
    const Line more = line_at(headers, pos);
    reading.add(more.text);
    pos = more.next;
  }
  reading.finish();
  return value;
}

// The first Content-Type and first Content-Transfer-Encoding of a header, as
// they are found.
struct FieldFinder {
  PartFields fields;
  bool have_type = false, have_encoding = false;

  bool done() const { return have_type && have_encoding; }

  // Takes the field whose first line is `line` when it is one of the two and the
  // first of its kind; `pos`, where the next line starts, then goes past its
  // continuation lines in `headers`.
  void offer(std::string_view headers, std::string_view line, size_t& pos, FoldedFields& folded) {
    if (!have_type && is_field(line, "content-type")) {
      fields.content_type = unfolded_value(headers, line, pos, folded.content_type);
      have_type = true;
    } else if (!have_encoding && is_field(line, "content-transfer-encoding")) {
      fields.transfer_encoding = unfolded_value(headers, line, pos, folded.transfer_encoding);
      have_encoding = true;
    }
  }
};

// Offers `finder` the lines of `headers` from `pos` (a line start) up to the
// first empty line. A message's own header block is kilobytes of Received
// lines, and only lines starting with 'c' are looked at.
void find_part_fields(std::string_view headers, size_t pos, FieldFinder& finder, FoldedFields& folded) {
  while (pos < headers.size() && !finder.done()) {
    const char first = headers[pos];
    if (first == '\n' || (first == '\r' && (pos + 1 == headers.size() || headers[pos + 1] == '\n'))) break;
    if (first != 'c' && first != 'C') {  // not one of ours: on to the next line that may be
      pos = next_line_of_interest(headers, pos);
      continue;
    }
    const Line line = line_at(headers, pos);
    pos = line.next;
    finder.offer(headers, line.text, pos, folded);
  }
}

// The first Content-Type and Content-Transfer-Encoding of `headers`, up to the
// first empty line, both in one pass.
PartFields part_fields(std::string_view headers, FoldedFields& folded) {
  FieldFinder finder;
  find_part_fields(headers, 0, finder, folded);
  return finder.fields;
}

// Where `text` starts in `within`, when it lies in it.
std::optional<size_t> offset_in(std::string_view text, std::string_view within) {
  const auto begin = reinterpret_cast<uintptr_t>(within.data()), at = reinterpret_cast<uintptr_t>(text.data());
  if (at < begin || at > begin + within.size()) return std::nullopt;
  return at - begin;
}

// part_fields(block.raw, folded), for a header split_header_block has split: only
// lines it found fields on can be one of the two, so only those whose names
// have the length and first letter of one are read, and then the lines after
// the last field it kept (past its bound on fields there may be more).
PartFields header_fields(const HeaderBlock& block, FoldedFields& folded) {
  FieldFinder finder;
  for (const HeaderField& field : block.fields) {
    if (finder.done()) return finder.fields;
    if ((field.name.size() != 12 && field.name.size() != 25) || (field.name[0] | 0x20) != 'c') continue;
    const std::optional<size_t> start = offset_in(field.name, block.raw);
    if (!start) return part_fields(block.raw, folded);  // not split from block.raw: read it all
    const Line line = line_at(block.raw, *start);
    size_t pos = line.next;
    finder.offer(block.raw, line.text, pos, folded);
  }
  size_t tail = 0;  // where the lines after the last field kept start
  if (!block.fields.empty()) {
    const std::optional<size_t> last = offset_in(block.fields.back().name, block.raw);
    if (!last) return part_fields(block.raw, folded);
    tail = line_at(block.raw, *last).next;
  }
  find_part_fields(block.raw, tail, finder, folded);
  return finder.fields;
}

// A Content-Type value read in place: type and subtype as written (compare
// them with iequals), parameters with quotes removed and charset= trimmed but
// not lower-cased. Views into the value, or into ParameterBuffers when a
// quoted parameter held backslash escapes.
struct ContentTypeView {
  std::string_view type;
  std::string_view subtype;
  std::string_view boundary;
  std::string_view charset;
};

// Where unescaped quoted parameters are kept (rare: real mail quotes no quotes).
struct ParameterBuffers {
  std::string boundary;
  std::string charset;
  std::string unescaped;
};

// The quoted string opening at value[i] == '"': its text without the quotes and
// escapes, a view of `value` unless it had escapes (then of buffers.unescaped,
// and `unescaped` is set). `i` ends past the closing quote.
std::string_view quoted_parameter(std::string_view value, size_t& i, ParameterBuffers& buffers, bool& unescaped) {
  const size_t begin = ++i;
  unescaped = false;
  // Without a backslash before it, the next quote closes the string: the common case, two memchr.
  const size_t end = std::min(value.find('"', begin), value.size());
  if (value.substr(begin, end - begin).find('\\') == std::string_view::npos) {
    i = end < value.size() ? end + 1 : end;
    return value.substr(begin, end - begin);
  }
  for (; i < value.size() && value[i] != '"'; ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      unescaped = true;
      ++i;
    }
  }
  const std::string_view parameter = value.substr(begin, i - begin);
  if (i < value.size()) ++i;
  if (!unescaped) return parameter;
  buffers.unescaped.clear();
  for (size_t k = 0; k < parameter.size(); ++k) {
    if (parameter[k] == '\\' && k + 1 < parameter.size()) ++k;
    buffers.unescaped.push_back(parameter[k]);
  }
  return buffers.unescaped;
}

// `parameter`, where it stays valid while later parameters are read: when it
// is unescaped text (in buffers.unescaped), a copy in `kept`.
std::string_view keep_parameter(std::string_view parameter, bool unescaped, std::string& kept) {
  if (!unescaped) return parameter;
  kept.assign(parameter);
  return kept;
}

// The bytes that end the tokens of a Content-Type value, as flags to look up.
enum : unsigned char { kEndsAtSemicolon = 1, kEndsAtSlash = 2, kEndsAtBlank = 4, kEndsAtEquals = 8 };
const std::array<unsigned char, 256> kTokenEnd = [] {
  std::array<unsigned char, 256> table{};
  table[';'] = kEndsAtSemicolon;
  table['/'] = kEndsAtSlash;
  table[' '] = table['\t'] = kEndsAtBlank;
  table['='] = kEndsAtEquals;
  return table;
}();

// Where the token starting at `i` ends: the first byte with one of the `ends` flags.
size_t token_end(std::string_view value, size_t i, unsigned char ends) {
  while (i < value.size() && !(kTokenEnd[static_cast<unsigned char>(value[i])] & ends)) ++i;
  return i;
}

// Parses a Content-Type field value leniently (see parse_content_type).
ContentTypeView read_content_type(std::string_view value, ParameterBuffers& buffers) {
  ContentTypeView result;
  value = trim(value);
  size_t i = token_end(value, 0, kEndsAtSemicolon | kEndsAtSlash | kEndsAtBlank);
  result.type = value.substr(0, i);
  while (i < value.size() && is_blank(value[i])) ++i;
  if (i < value.size() && value[i] == '/') {
    ++i;
    while (i < value.size() && is_blank(value[i])) ++i;
    const size_t begin = i;
    i = token_end(value, i, kEndsAtSemicolon | kEndsAtBlank);
    result.subtype = value.substr(begin, i - begin);
  }
  // Parameters: name [blanks] = [blanks] (token | "quoted").
  while (i < value.size()) {
    while (i < value.size() && (value[i] == ';' || is_blank(value[i]) || value[i] == '\r' || value[i] == '\n')) ++i;
    const size_t name_begin = i;
    i = token_end(value, i, kEndsAtEquals | kEndsAtSemicolon | kEndsAtBlank);
    std::string_view name = value.substr(name_begin, i - name_begin);
    while (i < value.size() && is_blank(value[i])) ++i;
    if (i >= value.size() || value[i] != '=') {
      if (i < value.size() && value[i] != ';') ++i;  // junk: step over it
      continue;
    }
    ++i;
    while (i < value.size() && is_blank(value[i])) ++i;
    std::string_view parameter;
    bool unescaped = false;
    if (i < value.size() && value[i] == '"') {
      parameter = quoted_parameter(value, i, buffers, unescaped);
    } else {
      const size_t begin = i;
      i = token_end(value, i, kEndsAtSemicolon | kEndsAtBlank);
      parameter = value.substr(begin, i - begin);
    }
    // RFC 2231: "name*=charset'lang'value" and "name*0=" continuations.
    bool extended = false;
    if (const size_t star = name.find('*'); star != std::string_view::npos) {
      extended = name.size() > star + 1 ? name.back() == '*' : true;
      name = name.substr(0, star);
    }
    if (extended) {
      const size_t first = parameter.find('\'');
      const size_t second = first == std::string_view::npos ? std::string_view::npos : parameter.find('\'', first + 1);
      if (second != std::string_view::npos) parameter = parameter.substr(second + 1);
    }
    if (iequals(name, "boundary") && result.boundary.empty())
      result.boundary = keep_parameter(parameter, unescaped, buffers.boundary);
    else if (iequals(name, "charset") && result.charset.empty())
      result.charset = keep_parameter(trim(parameter), unescaped, buffers.charset);
  }
  return result;
}

// The body of the MIME entity in `part`, after its header lines. Lenient about a
// missing blank line: the first line that is neither a field nor a continuation
// starts the body. On the same pass over the header lines, which are few, the
// part's Content-Type and Content-Transfer-Encoding are read into `fields` as
// part_fields would read them from the header.
std::string_view split_entity(std::string_view part, PartFields& fields, FoldedFields& folded) {
  fields = {};
  bool have_type = false, have_encoding = false;
  FieldValue reading;
  size_t pos = 0;
  while (pos < part.size()) {
    const Line line = line_at(part, pos);
    if (is_blank_line(line.text)) {
      reading.finish();
      return part.substr(line.next);
    }
    if (is_blank(line.text.front()) && pos > 0) {  // a continuation line
      reading.add(line.text);
    } else {
      reading.finish();
      // One of the two fields is a field: only other lines need the general test.
      if (!have_type && is_field(line.text, "content-type")) {
        reading.start(line.text, fields.content_type, folded.content_type);
        have_type = true;
      } else if (!have_encoding && is_field(line.text, "content-transfer-encoding")) {
        reading.start(line.text, fields.transfer_encoding, folded.transfer_encoding);
        have_encoding = true;
      } else if (part_field_name_length(line.text) == 0) {
        return part.substr(pos);
      }
    }
    pos = line.next;
  }
  reading.finish();
  return {};
}

std::string encode_utf8(uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return "\xEF\xBF\xBD";
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

struct NamedEntity {
  std::string_view name;
  std::string_view text;
  bool without_semicolon;  // legacy entities browsers accept without ';'
};

// Only what matters for finding URLs: delimiters and the characters spammers
// write as entities to hide a scheme or host from naive scanners.
constexpr NamedEntity kEntities[] = {
    {"amp", "&", true},    {"lt", "<", true},     {"gt", ">", true},      {"quot", "\"", true},
    {"apos", "'", false},  {"nbsp", " ", true},   {"colon", ":", false},  {"sol", "/", false},
    {"period", ".", false}, {"equals", "=", false}, {"quest", "?", false}, {"num", "#", false},
    {"percnt", "%", false}, {"lpar", "(", false}, {"rpar", ")", false},   {"commat", "@", false},
    {"hyphen", "-", false}, {"lowbar", "_", false}, {"tab", " ", false},  {"newline", " ", false},
};

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, amp - i));
    i = amp + 1;
    if (i < text.size() && text[i] == '#') {
      size_t j = i + 1;
      const bool hex = j < text.size() && (text[j] == 'x' || text[j] == 'X');
      if (hex) ++j;
      uint32_t cp = 0;
      size_t digits = 0;
      while (j < text.size() && digits < 8) {
        const char c = text[j];
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) break;
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        ++digits;
        ++j;
      }
      if (digits == 0) {
        out.push_back('&');
        continue;
      }
      while (j < text.size() && digits >= 8 && is_alnum(text[j])) ++j;  // overlong number: swallow the rest
      if (j < text.size() && text[j] == ';') ++j;
      out += encode_utf8(cp);
      i = j;
      continue;
    }
    size_t j = i;
    while (j < text.size() && j - i < 10 && is_alnum(text[j])) ++j;
    const std::string name = to_lower(text.substr(i, j - i));
    const bool semicolon = j < text.size() && text[j] == ';';
    bool decoded = false;
    for (const NamedEntity& entity : kEntities) {
      if (entity.name != name || !(semicolon || entity.without_semicolon)) continue;
      out.append(entity.text);
      i = semicolon ? j + 1 : j;
      decoded = true;
      break;
    }
    if (!decoded) out.push_back('&');
  }
  return out;
}

// Characters a URL runs through in running text; everything else ends it.
// A table: this runs once per byte of every URL-like run in a body.
const std::array<bool, 256> kUrlChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0x21; c < 0x7F; ++c) table[c] = true;
  for (unsigned char c : std::string_view("<>\"'`{}|\\^")) table[c] = false;
  return table;
}();

bool is_url_char(char c) { return kUrlChar[static_cast<unsigned char>(c)]; }

// '/', '?', '#' and '\\' (which browsers read as '/') end the authority of a URL.
const std::array<bool, 256> kEndsAuthority = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("/?#\\")) table[c] = true;
  return table;
}();

bool ends_authority(char c) { return kEndsAuthority[static_cast<unsigned char>(c)]; }

// text[begin, end) for positions known to lie in it (begin <= end <= size): the
// URL path takes several such views per URL, and substr's range check keeps the
// compiler from inlining it.
std::string_view between(std::string_view text, size_t begin, size_t end) { return {text.data() + begin, end - begin}; }

// Drops sentence punctuation and unbalanced closing brackets a URL was written before.
std::string_view trim_url_tail(std::string_view url) {
  // Bracket counts over the whole URL, taken only when a bracket ends it (rarely)
  // and then once: trimming stays linear however many there are.
  bool counted = false;
  long round = 0, square = 0;  // unmatched ')' and ']' (negative: more openers)
  auto count = [&] {
    if (counted) return;
    counted = true;
    for (char c : url) {
      round += c == ')' ? 1 : c == '(' ? -1 : 0;
      square += c == ']' ? 1 : c == '[' ? -1 : 0;
    }
  };
  while (!url.empty()) {
    const char c = url.back();
    if (c == ')' || c == ']') count();
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '*') {
      url.remove_suffix(1);
    } else if (c == ')' && round > 0) {
      url.remove_suffix(1);
      --round;
    } else if (c == ']' && square > 0) {
      url.remove_suffix(1);
      --square;
    } else {
      break;
    }
  }
  return url;
}

// Scheme and host lower-cased, extra slashes after the scheme dropped and an
// empty path written "/" (as browsers do, so "https:///x.cn" and "https://x.cn/"
// are one URL); user info, path and query kept as written.
// Written to `out` (cleared first), a buffer the caller keeps.
void normalize_url(std::string_view url, std::string& out) {
  const size_t colon = url.find("://");
  size_t authority = colon + 3;
  out.clear();
  append_lower(out, url.substr(0, authority));
  while (authority < url.size() && url[authority] == '/') ++authority;
  size_t authority_end = authority;  // a loop, not find_first_of (memchr per byte)
  while (authority_end < url.size() && !ends_authority(url[authority_end])) ++authority_end;
  const size_t at = url.substr(authority, authority_end - authority).rfind('@');
  const size_t host = at == std::string_view::npos ? authority : authority + at + 1;
  out.append(url.substr(authority, host - authority));
  append_lower(out, url.substr(host, authority_end - host));
  if (authority_end == url.size() || url[authority_end] != '/') out += '/';
  out.append(url.substr(authority_end));
}

// The host in what follows "scheme://" (or "//"), as written (not lower-cased).
// `user_info_end`, when given, is set to where what follows the user info starts
// in `rest` (0 without user info).
std::string_view host_in_authority(std::string_view rest, size_t* user_info_end = nullptr) {
  size_t begin = 0;
  while (begin < rest.size() && rest[begin] == '/') ++begin;  // "https:///host": browsers skip them
  // One pass: the host follows the last '@' and ends at the first ':' after it.
  size_t host = begin, colon = std::string_view::npos, end = begin;
  enum : unsigned char { kOther, kEnd, kAt, kColon };
  static const std::array<unsigned char, 256> kAuthorityByte = [] {
    std::array<unsigned char, 256> table{};
    for (unsigned char c : std::string_view("/?#\\ ")) table[c] = kEnd;
    table['@'] = kAt;
    table[':'] = kColon;
    return table;
  }();
  // Up to the first byte that is not kOther, sixteen at a time: usually the end of a bare host.
  for (; end + 16 <= rest.size(); end += 16) {
    Block block;
    std::memcpy(&block, rest.data() + end, 16);
    const Block special = (block == '/') | (block == '?') | (block == '#') | (block == '\\') | (block == ' ') |
                          (block == '@') | (block == ':');
    if (const unsigned marks = byte_marks(special)) {
      end += static_cast<size_t>(std::countr_zero(marks));
      break;
    }
  }
  for (; end < rest.size(); ++end) {
    const unsigned char kind = kAuthorityByte[static_cast<unsigned char>(rest[end])];
    if (kind == kOther) continue;  // almost every byte: one test
    if (kind == kEnd) break;
    if (kind == kAt) {
      host = end + 1;
      colon = std::string_view::npos;
    } else if (colon == std::string_view::npos) {
      colon = end;
    }
  }
  if (user_info_end) *user_info_end = host;
  std::string_view view;
  if (host < end && rest[host] == '[') {
    const std::string_view literal = rest.substr(host + 1, end - host - 1);
    view = literal.substr(0, literal.find(']'));
  } else {
    view = rest.substr(host, (colon == std::string_view::npos ? end : colon) - host);
  }
  while (!view.empty() && view.back() == '.') view.remove_suffix(1);
  return view;
}

}  // namespace

std::string_view url_host_view(std::string_view url) {
  std::string_view rest = trim(url);
  // The URLs of this walk (what url_host is mostly asked about) start so: their
  // first "://" is the one after the scheme, which is valid.
  for (const std::string_view scheme : {std::string_view("https://"), std::string_view("http://")})
    if (rest.starts_with(scheme)) return host_in_authority(rest.substr(scheme.size()));
  if (const size_t colon = rest.find("://"); colon != std::string_view::npos) {
    static const std::array<bool, 256> kSchemeByte = [] {  // letters, digits, '+', '-' and '.'
      std::array<bool, 256> table{};
      for (int c = 0; c < 256; ++c) table[c] = kByteClass[c] == kAlnum || c == '+' || c == '-' || c == '.';
      return table;
    }();
    bool scheme = colon > 0;
    for (size_t i = 0; i < colon; ++i) scheme = scheme && kSchemeByte[static_cast<unsigned char>(rest[i])];
    if (scheme) rest.remove_prefix(colon + 3);
  } else if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
  }
  return host_in_authority(rest);
}

namespace {

bool plausible_host(std::string_view host, bool need_dot) {
  if (host.empty() || host.size() > 253) return false;
  unsigned char classes = 0;
  for (char c : host) {
    const unsigned char byte_class = kByteClass[static_cast<unsigned char>(c)];
    if (byte_class == 0) return false;
    classes |= byte_class;
  }
  const bool alnum = classes & kAlnum;
  return alnum && (!need_dot || host.find('.') != std::string_view::npos);
}

// plausible_host(host_in_authority(authority, &user_info_end), need_dot), for
// an authority with no '/', '?', '#', '\\' or blank in it (as try_url finds
// them). The common one, a bare host name, takes a single pass.
bool plausible_authority(std::string_view authority, bool need_dot, size_t& user_info_end) {
  enum : unsigned char { kNameAlnum = 1, kNamePunctuation = 2, kNotInName = 4 };
  static const std::array<unsigned char, 256> kNameByte = [] {
    std::array<unsigned char, 256> table;
    table.fill(kNotInName);
    for (int c = 0; c < 256; ++c)
      if (kByteClass[c] == kAlnum) table[c] = kNameAlnum;
    for (unsigned char c : std::string_view(".-_")) table[c] = kNamePunctuation;
    return table;
  }();
  unsigned char classes = 0;
  size_t i = 0;
  for (; i + 16 <= authority.size(); i += 16) {  // sixteen bytes a step: host names run to dozens
    Block block;
    std::memcpy(&block, authority.data() + i, 16);
    const Block folded = block | 0x20;  // 'A'..'Z' onto 'a'..'z'; no other byte lands there
    const Block alnum = ((folded >= 'a') & (folded <= 'z')) | ((block >= '0') & (block <= '9'));
    const Block in_name = alnum | (block == '.') | (block == '-') | (block == '_');
    if (byte_marks(alnum)) classes |= kNameAlnum;
    if (byte_marks(in_name) != 0xFFFF) classes |= kNotInName;
  }
  for (; i < authority.size(); ++i) classes |= kNameByte[static_cast<unsigned char>(authority[i])];
  // User info, a port, an IPv6 literal, or a byte no host has: the long way.
  if (classes & kNotInName) return plausible_host(host_in_authority(authority, &user_info_end), need_dot);
  user_info_end = 0;
  std::string_view host = authority;
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (host.empty() || host.size() > 253 || !(classes & kNameAlnum)) return false;
  return !need_dot || host.find('.') != std::string_view::npos;
}

bool is_non_ascii(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Bytes the common path of the URL scan stops at but a URL may still hold:
// non-ASCII (a host written in Unicode) and control bytes (which must be seen,
// not taken for the end of the URL).
bool is_unusual(char c) { return is_non_ascii(c) || is_control_byte(c); }

// A byte that may start a host after "//" or "www.": an ASCII letter or digit,
// or the first byte of a Unicode letter.
bool starts_host(char c) { return is_alnum(c) || is_non_ascii(c); }

// The length of the dot that ends at text[end - 1] (0 for none): '.', or the
// ideographic and full-width full stops IDNA reads as one (U+3002, U+FF0E, U+FF61).
size_t dot_before(std::string_view text, size_t end) {
  if (end >= 1 && text[end - 1] == '.') return 1;
  if (end < 3) return 0;
  const std::string_view last = text.substr(end - 3, 3);
  return last == "\xE3\x80\x82" || last == "\xEF\xBC\x8E" || last == "\xEF\xBD\xA1" ? 3 : 0;
}

// How much of a host holding non-ASCII bytes, found in running text, is the
// host. A Japanese sentence often goes on right after a URL ("example.jp詳しくは"),
// so a last label that holds non-ASCII bytes belongs to the host only when it is
// a listed public suffix ("中国"); else the host ends where its non-ASCII text
// starts, dots before it dropped.
size_t unicode_host_length(std::string_view host) {
  size_t label = host.size();
  while (label > 0 && dot_before(host, label) == 0) --label;
  const std::string_view last = host.substr(label);
  const auto non_ascii = std::find_if(last.begin(), last.end(), is_non_ascii);
  if (non_ascii == last.end()) return host.size();
  std::string suffix;
  if (normalize_host_name_into(last, suffix) && is_listed_public_suffix(suffix)) return host.size();
  size_t end = label + static_cast<size_t>(non_ascii - last.begin());
  while (const size_t dot = dot_before(host, end)) end -= dot;
  return end;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return -1;
}

// `text` with its '%' escapes decoded into `out`; false when a '%' escapes
// nothing ("%zz", a '%' at the end), which no host name holds.
bool percent_decode(std::string_view text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    const int high = hex_digit(text[i + 1]), low = hex_digit(text[i + 2]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return true;
}

// Appends `text` with every byte `escape` chooses written as "%XX", as browsers
// send control and non-ASCII bytes of a URL.
template <typename Escape>
void append_percent_encoded(std::string& out, std::string_view text, Escape escape) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    if (!escape(c)) {
      out.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out.push_back('%');
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
}

// The name of the attribute whose value starts at `pos` ('href="|x') as
// written (compare it case-insensitively), or "" when `pos` does not start an
// attribute value.
std::string_view attribute_before(std::string_view text, size_t pos) {
  size_t i = pos;
  if (i > 0 && (text[i - 1] == '"' || text[i - 1] == '\'')) --i;
  while (i > 0 && is_blank(text[i - 1])) --i;
  if (i == 0 || text[i - 1] != '=') return {};
  --i;
  while (i > 0 && is_blank(text[i - 1])) --i;
  static const std::array<bool, 256> kNameByte = [] {  // letters, digits, '-' and ':' ("xmlns:v")
    std::array<bool, 256> table{};
    for (int c = 0; c < 256; ++c) table[c] = kByteClass[c] == kAlnum || c == '-' || c == ':';
    return table;
  }();
  size_t begin = i;
  while (begin > 0 && kNameByte[static_cast<unsigned char>(text[begin - 1])]) --begin;
  return text.substr(begin, i - begin);
}

// Scheme-relative links ("//cdn.x.com/a.png") count in these attributes only.
bool link_attribute(std::string_view name) {
  return iequals(name, "href") || iequals(name, "src") || iequals(name, "action") || iequals(name, "background") ||
         iequals(name, "formaction");
}

// Namespace and DTD identifiers (xmlns="http://www.w3.org/1999/xhtml", the
// DOCTYPE) are names, not links: as indicators they would tie every HTML mail
// to www.w3.org and schemas.microsoft.com.
bool html_identifier(std::string_view text, size_t pos) {
  if (has_at(attribute_before(text, pos), 0, "xmlns")) return true;
  // Inside a tag opened by "<!doctype" within a few words before: the last '<'
  // before `pos`, with no '>' after it.
  const size_t window = pos > 256 ? pos - 256 : 0;
  for (size_t i = pos; i > window; --i) {
    if (text[i - 1] == '>') return false;
    if (text[i - 1] == '<') return has_at(text.substr(0, pos), i - 1, "<!doctype");
  }
  return false;
}

// Work buffers of a UrlCollector, kept by its owner for their capacity.
struct UrlBuffers {
  std::string candidate;   // a URL with its prefix, before its host is checked
  std::string normalized;  // a URL as it is collected
  std::vector<std::string> urls;  // the URLs collected, then spare slots whose strings keep their capacity
};

// Collects URLs in order, without duplicates, up to a cap.
class UrlCollector {
 public:
  UrlCollector(size_t max_urls, size_t max_length, UrlBuffers& buffers)
      : max_urls_(max_urls),
        max_length_(max_length),
        urls_(buffers.urls),
        candidate_(buffers.candidate),
        normalized_(buffers.normalized) {}

  void add(std::string_view url) {
    if (full_ || seen(url)) return;
    if (count_ >= max_urls_) {
      full_ = true;  // full: a new URL ends collecting, a repeated one changed nothing
      return;
    }
    // The only copy: repeats, most of a body's URLs, cost none. Into a slot kept
    // from an earlier body when there is one, so its string allocates nothing.
    if (count_ == urls_.size())
      urls_.emplace_back(url);
    else
      urls_[count_].assign(url);
    ++count_;
    if (!slots_.empty() || count_ > kLinearSearchMax) index_last();
  }

  // `charset`, when given, is the single-byte charset `text` is written in: a
  // host's non-ASCII bytes are read in it unless they are UTF-8.
  void scan(std::string_view text, bool html, CharsetDecoder* decoder = nullptr, std::string_view charset = {}) {
    decoder_ = decoder;
    charset_ = charset;
    // Without any '&' decoding would only copy the text: scan it where it is.
    if (html && text.find('&') != std::string_view::npos) {
      const std::string decoded = decode_entities(text);
      scan_plain(decoded, true);
    } else {
      scan_plain(text, html);
    }
    decoder_ = nullptr;  // the label may not outlive the scan
    charset_ = {};
  }

  bool full() const { return full_; }
  // What could not be read since the last call, as "reason: excerpt"; taken away.
  std::vector<std::string> take_notes() { return std::move(notes_); }
  // The URLs collected, in order; valid until the buffers are collected into again.
  std::span<const std::string> urls() const { return {urls_.data(), count_}; }

 private:
  // Where the URL run that goes on at `i` ends: the first byte that is no URL
  // character (is_url_char) or, for an `authority`, also one that ends it
  // (ends_authority). Sixteen bytes at a time, compared as signed bytes so that
  // everything from 0x80 up counts as below '!'.
  template <bool authority>
  static size_t url_stop(std::string_view text, size_t i) {
    using Signed = signed char __attribute__((vector_size(16)));
    for (; i + 16 <= text.size(); i += 16) {
      Signed b;
      std::memcpy(&b, text.data() + i, 16);
      const Signed pair = b | 2;  // '<' and '>', '\\' and '^' differ only in that bit
      Signed stops = (b < 0x21) | ((b > 0x7A) & (b != '~')) | (b == '"') | (b == '\'') | (b == '`') | (pair == '>') |
                     (pair == '^');  // the complement of kUrlChar
      if constexpr (authority) stops |= (b == '/') | (b == '?') | (b == '#');
      if (const unsigned marks = byte_marks(reinterpret_cast<Block&>(stops)))
        return i + static_cast<size_t>(std::countr_zero(marks));
    }
    while (i < text.size() && is_url_char(text[i]) && !(authority && ends_authority(text[i]))) ++i;
    return i;
  }

  // Where a URL candidate starts: text[begin, scheme_end) is what `prefix` is
  // completed with up to and including "://" ("HTTPS://", "//" after "http:",
  // nothing before "www." after "http://"), and its host starts at `host`.
  struct Candidate {
    size_t begin;
    size_t scheme_end;
    size_t host;
    std::string_view prefix;
    bool need_dot;  // a bare host must have a dot to count ("www.x" does not)
  };

  // Adds text[begin, end) after `prefix` when its host is plausible.
  bool take_url(std::string_view text, size_t begin, size_t end, std::string_view prefix, bool need_dot) {
    std::string_view url = text.substr(begin, std::min(end - begin, max_length_ + 1));
    url = trim_url_tail(url);
    if (url.size() > max_length_) url = url.substr(0, max_length_);
    candidate_.assign(prefix);
    candidate_.append(url);
    if (!plausible_host(url_host_view(candidate_), need_dot)) return false;
    normalize_url(candidate_, normalized_);
    add(normalized_);
    return true;
  }

  // take_url for the common URL, whose host try_url has just checked: one that
  // goes on past its authority (a path, query or fragment is left after trimming),
  // needs no cut and whose authority needed no trimming of its own. Its host is
  // then the one take_url would find, so the URL is normalised straight from
  // `text`, as normalize_url does it. False, with nothing done, for any other.
  // `host` is where the authority's host starts after any user info.
  bool take_checked_url(std::string_view text, const Candidate& url, size_t authority_end, size_t host, size_t end) {
    if (end - url.begin > max_length_) return false;
    const size_t stop = url.begin + trim_url_tail(between(text, url.begin, end)).size();
    if (stop <= authority_end) return false;
    const std::string_view authority = between(text, url.host, authority_end);
    const std::string_view scheme = between(text, url.begin, url.scheme_end);
    const std::string_view rest = between(text, authority_end, stop);
    const bool add_slash = rest.front() != '/';
    // Sized once and written through a pointer: appends would each check capacity.
    normalized_.resize(url.prefix.size() + scheme.size() + authority.size() + add_slash + rest.size());
    char* out = std::copy_n(url.prefix.data(), url.prefix.size(), normalized_.data());  // a lower-case literal
    if (url.scheme_end == url.host && host == 0) {
      out = copy_lower(out, between(text, url.begin, authority_end));  // scheme and host side by side
    } else {
      out = copy_lower(out, scheme);
      out = std::copy_n(authority.data(), host, out);  // user info as written
      out = copy_lower(out, between(authority, host, authority.size()));
    }
    if (add_slash) *out++ = '/';
    std::memcpy(out, rest.data(), rest.size());
    add(normalized_);
    return true;
  }

  // Tries the URL `url`. The host is checked before the rest is scanned, and a
  // failure skips the whole host: "http://!http://!..." costs one pass, not one
  // pass per "://". Returns where scanning goes on; sets `taken` when a URL was added.
  size_t try_url(std::string_view text, const Candidate& url, bool& taken) {
    const size_t authority_end = url_stop<true>(text, url.host);
    if (authority_end < text.size() && is_unusual(text[authority_end])) return try_unusual_url(text, url, taken);
    // Same answer as plausible_host(url_host("//" + authority)), without the strings.
    taken = false;
    const std::string_view authority = between(text, url.host, authority_end);
    const std::string_view trimmed = trim_url_tail(authority);
    size_t host = 0;
    if (!plausible_authority(trimmed, url.need_dot, host)) {
      if (authority.find('%') != std::string_view::npos) return try_unusual_url(text, url, taken);
      return std::max(authority_end, url.begin + 1);
    }
    const size_t end = url_stop<false>(text, authority_end);
    if (end < text.size() && is_control_byte(text[end])) return try_unusual_url(text, url, taken);
    taken = (trimmed.size() == authority.size() && take_checked_url(text, url, authority_end, host, end)) ||
            take_url(text, url.begin, end, url.prefix, url.need_dot);
    return taken ? end : std::max(authority_end, url.begin + 1);
  }

  // try_url for a URL the common path cannot take as it stands: a host written
  // in Unicode (recorded as its A-label), with '%' escapes (decoded, as browsers
  // do), or with control bytes (unreadable: noted, not recorded); a path with
  // control bytes (percent-encoded, as browsers send them). Rare, so the URL is
  // rewritten into a string of its own and taken from there.
  size_t try_unusual_url(std::string_view text, const Candidate& url, bool& taken) {
    taken = false;
    size_t authority_end = url.host;
    while (authority_end < text.size() && (is_unusual(text[authority_end]) ||
                                           (is_url_char(text[authority_end]) && !ends_authority(text[authority_end]))))
      ++authority_end;
    size_t end = authority_end;  // the path: URL characters, and control bytes to be seen
    if (end < text.size() && ends_authority(text[end]))
      while (end < text.size() && (is_url_char(text[end]) || is_control_byte(text[end]))) ++end;
    // Control bytes after the URL part it from what follows, as a blank would.
    while (end > url.host && is_control_byte(text[end - 1])) --end;
    authority_end = std::min(authority_end, end);
    const std::string_view authority = between(text, url.host, authority_end);
    const size_t skip = std::max(end, url.begin + 1);
    if (holds_control_byte(authority)) {
      note("host holds a control byte", text, url.begin, end);
      return skip;
    }
    std::string_view host = host_in_authority(authority);
    if (host.empty()) return skip;
    const size_t host_begin = static_cast<size_t>(host.data() - authority.data());
    if (const size_t length = unicode_host_length(host); length < host.size()) {
      host = host.substr(0, length);  // words follow the host: the URL ends with it
      authority_end = end = url.host + host_begin + length;
      if (host.empty()) return skip;
    }
    std::string ascii_host;
    if (const char* why = decode_host(host, ascii_host)) {
      note(why, text, url.begin, end);
      return skip;
    }
    // User info and port keep their place, non-ASCII bytes in them escaped as browsers send them.
    std::string rewritten(between(text, url.begin, url.host));
    append_percent_encoded(rewritten, authority.substr(0, host_begin), is_non_ascii);
    rewritten += ascii_host;
    append_percent_encoded(rewritten, between(text, url.host + host_begin + host.size(), authority_end), is_non_ascii);
    append_percent_encoded(rewritten, between(text, authority_end, end), is_control_byte);
    taken = take_url(rewritten, 0, rewritten.size(), url.prefix, url.need_dot);
    return skip;
  }

  // The host as it is recorded, into `out`: '%' escapes decoded, bytes in the
  // text's single-byte charset read as such unless they are UTF-8, U-labels
  // turned into A-labels (IDNA2008, UTS#46). nullptr when that gave a name,
  // else why not.
  const char* decode_host(std::string_view host, std::string& out) {
    std::string decoded;
    if (host.find('%') != std::string_view::npos) {
      if (!percent_decode(host, decoded)) return "host holds a '%' that escapes nothing";
      if (holds_control_byte(decoded)) return "host holds a control byte";
      host = decoded;
    }
    if (std::none_of(host.begin(), host.end(), is_non_ascii)) {
      out.assign(host);
      return nullptr;
    }
    std::string converted;
    if (!is_valid_utf8(host)) {
      if (decoder_ == nullptr) return "host is neither UTF-8 nor in the part's charset";
      Conversion conversion = decoder_->convert(host, charset_);
      if (conversion.replaced != 0 || !conversion.known_charset)
        return "host is neither UTF-8 nor in the part's charset";
      converted = std::move(conversion.text);
      host = converted;
    }
    if (!normalize_host_name_into(host, out)) return "host is no valid internationalised name";
    return nullptr;
  }

  // Notes a URL not read: why, and its first bytes escaped.
  void note(const char* why, std::string_view text, size_t begin, size_t end) {
    if (notes_.size() >= 16) return;  // one hostile body must not flood the notes
    notes_.push_back(std::string("URL not read, its ") + why + ": " + escaped_excerpt(between(text, begin, end)));
  }

  // Whether scan_plain has anything to try at `p`: the ':' of ":/", the '.' of
  // "w." (either case), or in HTML an '=' before "//x" (blanks and a quote
  // allowed between). Every other ':', '.' and '=' of a body (sentences, times,
  // markup) would only be stepped over.
  static bool is_trigger(std::string_view text, size_t p, bool html) {
    const char c = text[p];
    if (c == ':') return p + 1 < text.size() && text[p + 1] == '/';
    if (c == '.') return p > 0 && (text[p - 1] | 0x20) == 'w';
    if (c != '=' || !html) return false;
    size_t j = p + 1;
    while (j < text.size() && is_blank(text[j])) ++j;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
    return j + 2 < text.size() && text[j] == '/' && text[j + 1] == '/' && starts_host(text[j + 2]);
  }

  // The first trigger (is_trigger) at or after `i`, or the end: most of a body
  // lies between triggers, and much of it is non-ASCII text. Sixteen bytes at a
  // time (GCC/Clang vector extensions: SSE2 or NEON compares) find the few
  // ':', '.' and (in HTML) '=' worth a closer look.
  template <bool html>
  static size_t next_trigger(std::string_view text, size_t i) {
    const size_t n = text.size();
    const auto candidates = [&](size_t at) {  // one bit per ':', '.' (and '=') of the 16 bytes at `at`
      Block block;
      std::memcpy(&block, text.data() + at, 16);
      Block hits = (block == ':') | (block == '.');  // 0xFF where one is
      if constexpr (html) hits |= block == '=';
      return byte_marks(hits);
    };
    for (; i + 32 <= n; i += 32) {  // two blocks a step: one test for both
      for (uint32_t marks = candidates(i) | candidates(i + 16) << 16; marks != 0; marks &= marks - 1) {
        const size_t p = i + static_cast<size_t>(std::countr_zero(marks));
        if (is_trigger(text, p, html)) return p;
      }
    }
    if (i + 16 <= n) {
      for (unsigned marks = candidates(i); marks != 0; marks &= marks - 1) {
        const size_t p = i + static_cast<size_t>(std::countr_zero(marks));
        if (is_trigger(text, p, html)) return p;
      }
      i += 16;
    }
    while (i < n && !is_trigger(text, i, html)) ++i;
    return i;
  }

  // Jumps from one trigger character to the next (':' of "://", '.' of "www.",
  // '=' of an HTML attribute) instead of testing every byte: bodies are large.
  void scan_plain(std::string_view text, bool html) {
    const size_t n = text.size();
    size_t i = 0;
    size_t floor = 0;  // where the last URL tried ended: nothing before it starts a new one
    bool taken = false;
    while (i < n && !full_) {
      i = html ? next_trigger<true>(text, i) : next_trigger<false>(text, i);
      if (i >= n) break;
      const char c = text[i];
      if (c == ':' && i + 2 < n && text[i + 1] == '/' && text[i + 2] == '/') {
        size_t start = std::string_view::npos;
        if (i >= floor + 5 && has_at(text, i - 5, "https")) start = i - 5;
        else if (i >= floor + 4 && has_at(text, i - 4, "http")) start = i - 4;
        else if (i >= floor + 3 && has_at(text, i - 3, "ftp")) start = i - 3;
        if (start != std::string_view::npos) {
          if (html && html_identifier(text, start)) {
            i = floor = url_stop<false>(text, i + 3);
            continue;
          }
          size_t host = i + 3;
          while (host < n && text[host] == '/') ++host;  // "https:///x.cn"
          i = floor = try_url(text, {start, i + 3, host, "", false}, taken);
          continue;
        }
      } else if (c == '.' && i >= floor + 3 && i + 1 < n && starts_host(text[i + 1]) && has_at(text, i - 3, "www")) {
        const size_t start = i - 3;
        const char before = start > 0 ? text[start - 1] : ' ';
        if (!is_alnum(before) && before != '.' && before != '-' && before != '_' && before != '/' &&
            before != '@' && before != ':') {
          i = floor = try_url(text, {start, start, start, "http://", true}, taken);
          continue;
        }
      } else if (c == '=' && html) {
        size_t j = i + 1;
        while (j < n && is_blank(text[j])) ++j;
        if (j < n && (text[j] == '"' || text[j] == '\'')) ++j;
        if (j + 2 < n && text[j] == '/' && text[j + 1] == '/' && starts_host(text[j + 2]) &&
            link_attribute(attribute_before(text, j))) {
          i = floor = try_url(text, {j, j + 2, j + 2, "http:", true}, taken);
          continue;
        }
      }
      ++i;
    }
  }

  // Most bodies hold a handful of URLs: comparing them all is cheaper than
  // hashing, and allocates nothing. Beyond this many, slots_ indexes them.
  static constexpr size_t kLinearSearchMax = 16;

  bool seen(std::string_view url) const {
    if (slots_.empty()) return std::find(urls_.begin(), urls_.begin() + count_, url) != urls_.begin() + count_;
    return slots_[slot_for(url)] != 0;
  }

  // The slot holding `url`, or the empty slot where it would go (open addressing,
  // linear probing; slots_ is never more than half full).
  size_t slot_for(std::string_view url) const {
    const size_t mask = slots_.size() - 1;
    size_t slot = std::hash<std::string_view>{}(url) & mask;
    while (slots_[slot] != 0 && urls_[slots_[slot] - 1] != url) slot = (slot + 1) & mask;
    return slot;
  }

  // Enters the last URL in slots_, first (re)building it when it would pass half full.
  void index_last() {
    if (count_ * 2 > slots_.size()) {
      slots_.assign(std::max<size_t>(64, slots_.size() * 2), 0);
      for (size_t i = 0; i + 1 < count_; ++i) slots_[slot_for(urls_[i])] = static_cast<uint32_t>(i + 1);
    }
    slots_[slot_for(urls_[count_ - 1])] = static_cast<uint32_t>(count_);
  }

  size_t max_urls_;
  size_t max_length_;
  bool full_ = false;
  std::vector<std::string>& urls_;  // [0, count_) collected; the rest spare
  size_t count_ = 0;
  std::vector<uint32_t> slots_;  // 0: empty, else 1 + an index into urls_
  std::string& candidate_;
  std::string& normalized_;
  CharsetDecoder* decoder_ = nullptr;  // with charset_: how a host's non-UTF-8 bytes are read
  std::string_view charset_;
  std::vector<std::string> notes_;  // URLs not read, since take_notes
};

std::string_view first_token(std::string_view value) {
  value = trim(value);
  size_t end = 0;
  while (end < value.size() && !is_blank(value[end]) && value[end] != ';' && value[end] != '(') ++end;
  return value.substr(0, end);
}

// charset= from <meta charset> or <meta http-equiv content="...; charset=">.
std::string sniff_html_charset(std::string_view html) {
  const std::string head = to_lower(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("charset", pos)) != std::string::npos) {
    size_t i = pos + 7;
    pos = i;
    while (i < head.size() && is_blank(head[i])) ++i;
    if (i >= head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() && (is_blank(head[i]) || head[i] == '"' || head[i] == '\'')) ++i;
    size_t end = i;
    while (end < head.size() && (is_alnum(head[end]) || head[end] == '-' || head[end] == '_' || head[end] == '.' ||
                                 head[end] == ':'))
      ++end;
    if (end > i) return head.substr(i, end - i);
  }
  return {};
}

bool looks_like_html(std::string_view text) {
  const std::string_view start = trim(text.substr(0, 512));
  return has_at(start, 0, "<!doctype html") || has_at(start, 0, "<html") || has_at(start, 0, "<head") ||
         has_at(start, 0, "<body") || has_at(start, 0, "<div") || has_at(start, 0, "<table") ||
         has_at(start, 0, "<p>") || has_at(start, 0, "<a ");
}

// A delimiter line "--boundary" (or the close "--boundary--") found in a body.
struct Delimiter {
  size_t start = std::string_view::npos;  // first byte of the line
  size_t next = 0;                        // first byte after the line
  bool close = false;
};

Delimiter find_delimiter(std::string_view body, size_t from, std::string_view delimiter) {
  // A delimiter starts a line, and every one starts with "--" (the caller makes
  // it "--" + boundary): only lines that begin so are compared.
  const auto delimiter_at = [&](size_t pos) -> Delimiter {
    if (body.substr(pos, delimiter.size()) != delimiter) return {};
    const Line line = line_at(body, pos);
    std::string_view rest = line.text.substr(delimiter.size());
    const bool close = rest.substr(0, 2) == "--";
    if (close) rest.remove_prefix(2);
    // A longer boundary that merely starts with ours is not ours (nested parts).
    if (close || trim(rest).empty()) return {pos, line.next, close};
    return {};
  };
  if (from == 0)
    if (const Delimiter first = delimiter_at(0); first.start != std::string_view::npos) return first;
  for (size_t line_break = find_trigram(body, from == 0 ? 0 : from - 1, '\n', '-', '-', false);
       line_break != std::string_view::npos; line_break = find_trigram(body, line_break + 1, '\n', '-', '-', false))
    if (const Delimiter found = delimiter_at(line_break + 1); found.start != std::string_view::npos) return found;
  return {};
}

// The text before the line break that precedes a delimiter belongs to the
// delimiter (RFC 2046 §5.1.1).
std::string_view part_before(std::string_view body, size_t begin, size_t delimiter_start) {
  size_t end = delimiter_start;
  if (end > begin && body[end - 1] == '\n') --end;
  if (end > begin && body[end - 1] == '\r') --end;
  return body.substr(begin, end - begin);
}

// For a multipart without boundary=: the first "--token" line, when one exists.
std::string guess_boundary(std::string_view body) {
  size_t pos = 0;
  for (int lines = 0; pos < body.size() && lines < 200; ++lines) {
    const Line line = line_at(body, pos);
    pos = line.next;
    const std::string_view text = trim(line.text);
    if (text.size() > 2 && text.size() <= 72 && text.substr(0, 2) == "--" &&
        text.find_first_of(" \t") == std::string_view::npos) {
      std::string_view token = text.substr(2);
      if (token.size() > 2 && token.substr(token.size() - 2) == "--") token.remove_suffix(2);
      if (!token.empty()) return std::string(token);
    }
  }
  return {};
}

// How a part's body is transfer-encoded, as far as the walk cares.
enum class TransferEncoding { other, base64, quoted_printable };

TransferEncoding transfer_encoding(std::string_view field_value) {
  const std::string_view token = first_token(field_value);
  if (iequals(token, "base64")) return TransferEncoding::base64;
  if (iequals(token, "quoted-printable")) return TransferEncoding::quoted_printable;
  return TransferEncoding::other;
}

// What the walk of one part keeps while its children are walked: its views
// point in here. One per nesting depth.
struct PartBuffers {
  FoldedFields folded;
  ParameterBuffers parameters;
  std::string boundary_guess;
  std::string delimiter;  // "--" + boundary
  std::string message;    // a transfer-encoded message/rfc822 part, decoded
};

}  // namespace

// The buffers of a walk, kept from part to part and (by the caller's scratch)
// from message to message, so decoded text and joined header values cost an
// allocation only when a part is larger than any before it.
struct BodyUrlScratch::Buffers {
  std::string text;       // transfer-decoded text of the current text part
  std::string converted;  // the same in UTF-8, when decoded here rather than by the decoder
  UrlBuffers urls;
  std::vector<std::unique_ptr<PartBuffers>> parts;  // by depth; growing it moves no buffer a view points into
  std::string last_label;             // the last charset label names_iso2022jp was asked about
  bool last_label_iso2022jp = false;  // (the empty label is UTF-8)

  // Whether iconv_charset_name(label) is "ISO-2022-JP". Parts of one sender
  // repeat their label: the answer for the last one is kept.
  bool names_iso2022jp(std::string_view label) {
    if (label != last_label) {
      last_label.assign(label);
      last_label_iso2022jp = iconv_charset_name(label) == "ISO-2022-JP";
    }
    return last_label_iso2022jp;
  }

  PartBuffers& at_depth(size_t depth) {
    while (parts.size() <= depth) parts.push_back(std::make_unique<PartBuffers>());
    return *parts[depth];
  }

  // A rare giant part, or a body with a thousand URLs, must not pin its memory for
  // the rest of the scratch's life. Called before a walk: the last one's URLs are
  // in use until then.
  void release_large() {
    constexpr size_t kKeepUrls = 64;
    if (urls.urls.size() > kKeepUrls) urls.urls.resize(kKeepUrls);
    for (std::string& url : urls.urls)
      if (url.capacity() > 4096) std::string().swap(url);
    constexpr size_t kKeep = 64 * 1024;
    const auto release = [](std::string& buffer) {
      if (buffer.capacity() > kKeep) std::string().swap(buffer);
    };
    release(text);
    release(converted);
    if (last_label.capacity() > kKeep) {  // back to the empty label, which is UTF-8
      std::string().swap(last_label);
      last_label_iso2022jp = false;
    }
    release(urls.candidate);
    release(urls.normalized);
    for (const std::unique_ptr<PartBuffers>& part : parts) {
      for (std::string* buffer :
           {&part->folded.content_type, &part->folded.transfer_encoding, &part->parameters.boundary,
            &part->parameters.charset, &part->parameters.unescaped, &part->boundary_guess, &part->delimiter,
            &part->message})
        release(*buffer);
    }
  }
};

BodyUrlScratch::BodyUrlScratch() : buffers_(std::make_unique<Buffers>()) {}
BodyUrlScratch::~BodyUrlScratch() = default;

namespace {

using WalkBuffers = BodyUrlScratch::Buffers;

class Walker {
 public:
  Walker(CharsetDecoder& decoder, std::vector<std::string>& problems, const MimeLimits& limits, WalkBuffers& buffers)
      : decoder_(decoder),
        problems_(problems),
        limits_(limits),
        buffers_(buffers),
        urls_(limits.max_urls, limits.max_url_length, buffers.urls) {}

  // Walks the entity of `body` whose header says `fields` (views into the header
  // or into buffers at `depth`).
  void entity(const PartFields& fields, std::string_view body, size_t depth, bool digest) {
    if (stop_) return;
    if (++parts_ > limits_.max_parts) {
      problem("more than " + std::to_string(limits_.max_parts) + " MIME parts, rest ignored");
      stop_ = true;
      return;
    }
    PartBuffers& part = buffers_.at_depth(depth);
    ContentTypeView type = read_content_type(fields.content_type, part.parameters);
    if (type.type.empty()) {
      type.type = digest ? "message" : "text";
      type.subtype = digest ? "rfc822" : "plain";
    }
    const TransferEncoding encoding = transfer_encoding(fields.transfer_encoding);
    if (iequals(type.type, "multipart")) {
      if (depth >= limits_.max_depth) return too_deep();
      multipart(type, body, depth);
    } else if (iequals(type.type, "message") && (iequals(type.subtype, "rfc822") || iequals(type.subtype, "global"))) {
      if (depth >= limits_.max_depth) return too_deep();
      std::string_view inner = body;
      if (encoding != TransferEncoding::other) inner = transfer_decode(body, encoding, part.message);
      if (inner.substr(0, 5) == "From ") inner = inner.substr(line_at(inner, 0).next);  // mbox envelope line
      PartFields nested;
      const std::string_view nested_body = split_entity(inner, nested, buffers_.at_depth(depth + 1).folded);
      entity(nested, nested_body, depth + 1, false);
    } else if (iequals(type.type, "text") && !iequals(type.subtype, "rfc822-headers")) {
      text(type, encoding, body);
    }
    // Other types (images, archives, ...) hold no readable links: skipped.
  }

  std::span<const std::string> finish() {
    if (urls_.full()) problem("more than " + std::to_string(limits_.max_urls) + " URLs, rest ignored");
    return urls_.urls();
  }

 private:
  void problem(const std::string& reason) {
    if (reported_.size() >= kMaxProblems) {
      if (!overflow_) problems_.push_back("body: further MIME problems not listed");
      overflow_ = true;
      return;
    }
    std::string text = "body: " + reason;
    if (std::find(reported_.begin(), reported_.end(), text) != reported_.end()) return;
    reported_.push_back(text);
    problems_.push_back(std::move(text));
  }

  void too_deep() {
    problem("MIME nesting deeper than " + std::to_string(limits_.max_depth) + " levels, inner parts ignored");
  }

  void multipart(const ContentTypeView& type, std::string_view body, size_t depth) {
    PartBuffers& part = buffers_.at_depth(depth);
    std::string_view boundary = type.boundary;
    if (boundary.empty()) {
      part.boundary_guess = guess_boundary(body);
      boundary = part.boundary_guess;
      if (boundary.empty()) {
        problem("multipart without boundary, read as text");
        return text(kPlainText, TransferEncoding::other, body);
      }
      problem("multipart without boundary parameter, guessed \"" + std::string(boundary) + "\"");
    }
    std::string& delimiter = part.delimiter;
    delimiter.assign("--").append(boundary);
    Delimiter current = find_delimiter(body, 0, delimiter);
    if (current.start == std::string_view::npos) {
      // Spam generators sometimes declare one boundary and use another.
      const std::string guess = guess_boundary(body);
      if (!guess.empty() && guess != boundary) current = find_delimiter(body, 0, "--" + guess);
      if (current.start == std::string_view::npos) {
        problem("boundary \"" + std::string(boundary) + "\" not found, read as text");
        return text(kPlainText, TransferEncoding::other, body);
      }
      problem("boundary \"" + std::string(boundary) + "\" not found, guessed \"" + guess + "\"");
      part.boundary_guess = guess;
      boundary = part.boundary_guess;
      delimiter.assign("--").append(guess);
    }
    const bool digest = iequals(type.subtype, "digest");
    while (!current.close && !stop_) {
      const Delimiter next = find_delimiter(body, current.next, delimiter);
      if (next.start == std::string_view::npos) {
        problem("multipart \"" + std::string(boundary) + "\" not closed");
        PartFields child;
        const std::string_view child_body =
            split_entity(body.substr(current.next), child, buffers_.at_depth(depth + 1).folded);
        entity(child, child_body, depth + 1, digest);
        return;
      }
      PartFields child;
      const std::string_view child_body =
          split_entity(part_before(body, current.next, next.start), child, buffers_.at_depth(depth + 1).folded);
      entity(child, child_body, depth + 1, digest);
      current = next;
    }
  }

  // The decoded body: in `storage` (a buffer kept for its capacity), or `body`
  // itself when nothing needed decoding (7bit/8bit bodies are most of the text;
  // copying them would be waste).
  static std::string_view transfer_decode(std::string_view body, TransferEncoding encoding, std::string& storage) {
    if (encoding == TransferEncoding::base64) {
      decode_base64_into(body, storage);
      return storage;
    }
    if (encoding == TransferEncoding::quoted_printable || has_qp_escape(body)) {
      decode_quoted_printable_into(body, storage);
      return storage;
    }
    return body;
  }

  // Mailers that forget the header still write quoted-printable: "=3D" (or "=3d")
  // gives them away.
  static bool has_qp_escape(std::string_view body) {
    return find_trigram(body, 0, '=', '3', 'd', true) != std::string_view::npos;
  }

  static constexpr ContentTypeView kPlainText = {"text", "plain", {}, {}};

  void text(const ContentTypeView& type, TransferEncoding encoding, std::string_view body) {
    if (decoded_ >= limits_.max_decoded_bytes) {
      problem("more than " + std::to_string(limits_.max_decoded_bytes) + " bytes of text, rest ignored");
      stop_ = true;
      return;
    }
    const size_t budget = limits_.max_decoded_bytes - decoded_;
    // base64 shrinks by 3/4; the other encodings never grow.
    const size_t input_budget = encoding == TransferEncoding::base64 ? budget / 3 * 4 + 4 : budget;
    if (body.size() > input_budget) {
      body = body.substr(0, input_budget);
      problem("more than " + std::to_string(limits_.max_decoded_bytes) + " bytes of text, rest ignored");
      stop_ = true;
    }
    const std::string_view raw = transfer_decode(body, encoding, buffers_.text);
    const bool html = iequals(type.subtype, "html") || looks_like_html(raw);
    std::string_view charset = type.charset;  // any case: every use below ignores it
    std::string sniffed;
    if (charset.empty() && html) charset = sniffed = sniff_html_charset(raw);
    // URLs are ASCII and the scanner stops at the first byte >= 0x80, so text in
    // UTF-8 or a single-byte ASCII superset is scanned as it is; only charsets that
    // put URL-like ASCII bytes inside other characters (ISO-2022-*, UTF-16/7, ...)
    // need converting first.
    if (scans_as_is(charset)) {
      decoded_ += raw.size();
      // A host in a single-byte charset is read in it (the rest of the text needs no converting).
      if (is_utf8_label(charset))
        urls_.scan(raw, html);
      else
        urls_.scan(raw, html, &decoder_, charset);
      take_notes();
      return;
    }
    if (buffers_.names_iso2022jp(charset) &&
        decode_common_iso2022jp_into(raw, decoder_.japanese_tables(), buffers_.converted)) {
      decoded_ += buffers_.converted.size();
      urls_.scan(buffers_.converted, html);
      take_notes();
      return;
    }
    Conversion converted = decoder_.convert(raw, charset);
    if (!converted.known_charset) problem("unknown charset \"" + to_lower(charset) + "\", read as UTF-8");
    decoded_ += converted.text.size();
    urls_.scan(converted.text, html);
    take_notes();
  }

  // Reports the URLs the last scan could not read.
  void take_notes() {
    for (const std::string& note : urls_.take_notes()) problem(note);
  }

  // Labels of text that is UTF-8 already (ASCII is).
  static bool is_utf8_label(std::string_view charset) {
    return charset.empty() || iequals(charset, "utf-8") || iequals(charset, "utf8") || iequals(charset, "us-ascii") ||
           iequals(charset, "ascii");
  }

  static bool scans_as_is(std::string_view charset) {
    auto starts = [&](std::string_view prefix) {
      if (charset.size() < prefix.size()) return false;
      for (size_t i = 0; i < prefix.size(); ++i)
        if ((charset[i] | 0x20) != prefix[i]) return false;
      return true;
    };
    if (charset.empty()) return true;
    return starts("utf-8") || starts("utf8") || starts("us-ascii") || starts("ascii") || starts("iso-8859-") ||
           starts("windows-125") || starts("cp125") || starts("latin");
  }

  CharsetDecoder& decoder_;
  std::vector<std::string>& problems_;
  const MimeLimits& limits_;
  WalkBuffers& buffers_;
  UrlCollector urls_;
  std::vector<std::string> reported_;  // what this walk reported, for de-duplication
  bool overflow_ = false;
  size_t parts_ = 0;
  size_t decoded_ = 0;
  bool stop_ = false;
};

}  // namespace

ContentType parse_content_type(std::string_view value) {
  ParameterBuffers buffers;
  const ContentTypeView view = read_content_type(value, buffers);
  return {to_lower(view.type), to_lower(view.subtype), std::string(view.boundary), to_lower(view.charset)};
}

std::span<const std::string> extract_body_urls(const HeaderBlock& headers, std::string_view body,
                                               CharsetDecoder& decoder, BodyUrlScratch& scratch,
                                               std::vector<std::string>& problems, const MimeLimits& limits) {
  WalkBuffers& buffers = scratch.buffers();
  buffers.release_large();
  const PartFields fields = header_fields(headers, buffers.at_depth(0).folded);
  Walker walker(decoder, problems, limits, buffers);
  walker.entity(fields, body, 0, false);
  return walker.finish();
}

std::vector<std::string> extract_text_urls(std::string_view text, bool html, size_t max_urls) {
  UrlBuffers buffers;
  UrlCollector collector(max_urls, MimeLimits{}.max_url_length, buffers);
  collector.scan(text, html);
  const std::span<const std::string> urls = collector.urls();
  return {urls.begin(), urls.end()};
}

std::string url_host(std::string_view url) { return to_lower(url_host_view(url)); }

}  // namespace sg
