#include "collectors/header_block.h"

#include <array>
#include <bit>
#include <string>

#include "core/ascii.h"
#include "core/byte_scan.h"

namespace sg {

namespace {

// Index of the first `a` or `b` in `text` at or after `pos`, or text.size().
// Sixteen bytes a step, inline: header lines are short, and a memchr call per
// line costs more than the scan.
[[gnu::always_inline]] inline size_t find_either(std::string_view text, size_t pos, char a, char b) {
  const scan::Block first = scan::splat(a), second = scan::splat(b);
  return find_first_marked(
      text, pos,
      [&](const char* at) {
        const scan::Block block = scan::load(at);
        return scan::mask(scan::equal(block, first) | scan::equal(block, second));
      },
      [&](char c) { return c == a || c == b; });
}

// End of the line starting at `pos` (index of '\n', or size).
[[gnu::always_inline]] inline size_t line_end(std::string_view text, size_t pos) { return find_either(text, pos, '\n', '\n'); }

// Bytes a field name may hold: printable ASCII except ':' (RFC 5322 ftext).
constexpr std::array<bool, 256> make_name_bytes() {
  std::array<bool, 256> bytes{};
  for (int c = 33; c < 127; ++c) bytes[c] = c != ':';
  return bytes;
}
constexpr std::array<bool, 256> kNameBytes = make_name_bytes();

// Index of the first byte of `line` a field name cannot hold, or line.size().
// Sixteen bytes a step: every header line starts with a name.
size_t name_bytes_end(std::string_view line) {
  size_t i = 0;
  for (; i + 16 <= line.size(); i += 16) {
    const scan::Block block = scan::load(line.data() + i);
    // Signed: bytes 0x80-0xFF are negative, so "below '!'" catches them with the controls.
    const scan::Block stop = scan::equal(block, ':') | scan::equal(block, 0x7F) | scan::signed_below(block, '!');
    if (const unsigned marks = scan::mask(stop)) return i + static_cast<size_t>(std::countr_zero(marks));
  }
  while (i < line.size() && kNameBytes[static_cast<unsigned char>(line[i])]) ++i;
  return i;
}

// Where the colon of a field line is, given where its name ends (blanks may come
// between), or npos when `line` is not a field line.
size_t field_colon(std::string_view line, size_t name_end) {
  size_t i = name_end;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return name_end > 0 && i < line.size() && line[i] == ':' ? i : std::string_view::npos;
}

}  // namespace

size_t field_name_length(std::string_view line) {
  const size_t name_end = name_bytes_end(line);
  return field_colon(line, name_end) == std::string_view::npos ? 0 : name_end;
}

bool field_name_is(std::string_view name, std::string_view wanted) {
  if (name.size() != wanted.size()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (ascii_lower(name[i]) != ascii_lower(wanted[i])) return false;
  return true;
}

void split_header_block_into(std::string_view message, HeaderBlock& out, size_t max_fields) {
  out.fields.clear();
  out.fields.reserve(48);  // spam that went through a few relays has 20 to 40 fields
  out.problems.clear();
  out.crlf = false;
  size_t pos = 0;
  size_t line_number = 1;
  // An mbox separator or a BOM at the very top is not part of the header.
  if (message.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  if (message.substr(pos, 5) == "From ") {
    pos = line_end(message, pos);
    if (pos < message.size()) ++pos;
    ++line_number;
  }
  const size_t start = pos;
  HeaderField* current = nullptr;
  size_t current_start = 0;
  while (pos < message.size()) {
    const size_t end = line_end(message, pos);
    std::string_view line = message.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
      out.crlf = out.crlf || end < message.size();  // a CR before the end of the text is no CR LF
    }
    const size_t next = end < message.size() ? end + 1 : end;
    if (line.empty()) {  // end of header block
      out.raw = message.substr(start, next - start);
      out.body_offset = next;
      return;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (current) {
        current->raw_value = message.substr(current_start, end - current_start);
        if (!current->raw_value.empty() && current->raw_value.back() == '\r') current->raw_value.remove_suffix(1);
      } else {
        out.problems.push_back("line " + std::to_string(line_number) + ": continuation line before any field");
      }
    } else {
      const size_t name_end = name_bytes_end(line);
      const size_t colon = field_colon(line, name_end);
      if (colon != std::string_view::npos) {
        if (out.fields.size() < max_fields) {
          out.fields.push_back(HeaderField{line.substr(0, name_end), {}, line_number});
          current = &out.fields.back();
          current_start = pos + colon + 1;
          current->raw_value = message.substr(current_start, pos + line.size() - current_start);
        } else {
          current = nullptr;
          if (out.problems.empty() || out.problems.back().find("too many") == std::string::npos)
            out.problems.push_back("line " + std::to_string(line_number) + ": too many header fields, rest ignored");
        }
      } else {
        out.problems.push_back("line " + std::to_string(line_number) + ": not a header field");
        current = nullptr;
      }
    }
    pos = next;
    ++line_number;
  }
  out.raw = message.substr(start);
  out.body_offset = message.size();
}

void unfold_into(std::string_view raw_value, std::string& out) {
  const std::string_view value = unfolded_view(raw_value, out);
  if (value.data() != out.data()) out.assign(value);
}

std::string_view unfolded_view(std::string_view raw_value, std::string& scratch) {
  size_t begin = 0, end = raw_value.size();
  while (begin < end && (raw_value[begin] == ' ' || raw_value[begin] == '\t' || raw_value[begin] == '\r' ||
                         raw_value[begin] == '\n'))
    ++begin;
  while (end > begin && (raw_value[end - 1] == ' ' || raw_value[end - 1] == '\t' || raw_value[end - 1] == '\r' ||
                         raw_value[end - 1] == '\n'))
    --end;
  raw_value = raw_value.substr(begin, end - begin);
  // A line break (LF, CRLF, or a lone CR as old Macs wrote) goes; the WSP after
  // it stays. So every CR and LF byte is dropped and the rest copied as it is.
  // Most values fit on one line: they need no copy at all.
  size_t line_break = find_either(raw_value, 0, '\r', '\n');
  if (line_break == raw_value.size()) return raw_value;
  scratch.assign(raw_value.data(), line_break);
  while (line_break < raw_value.size()) {
    const size_t pos = line_break + 1;
    line_break = find_either(raw_value, pos, '\r', '\n');
    scratch.append(raw_value.data() + pos, line_break - pos);
  }
  return scratch;
}

}  // namespace sg
