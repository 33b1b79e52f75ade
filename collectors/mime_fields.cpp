#include "collectors/mime_fields.h"

#include <cstdint>
#include <optional>

#include "collectors/header_block.h"
#include "collectors/mime_text.h"

namespace sg::mime {

namespace {

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
    const uint32_t low = scan::mask(scan::equal(scan::load(text.data() + pos), '\n'));
    const uint32_t high = scan::mask(scan::equal(scan::load(text.data() + pos + 16), '\n'));
    for (uint32_t marks = low | high << 16; marks != 0; marks &= marks - 1) {
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

}  // namespace

// part_fields(block.raw, folded), for a header split_header_block_into has split: only
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

}  // namespace sg::mime
