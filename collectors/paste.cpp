#include "collectors/paste.h"

#include "collectors/header_block.h"
#include "core/ascii.h"

#include <array>

namespace sg {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// A pasted line with the copy artefacts of web pages undone.
struct PasteLine {
  std::string text;   // without indentation, trailing blanks or line break
  size_t indent = 0;  // columns of leading blanks (tab = 8)
};

PasteLine clean_line(std::string_view raw) {
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  std::string text;
  text.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string_view rest = raw.substr(i);
    if (rest.substr(0, 2) == "\xC2\xA0") {  // U+00A0: how web pages keep a double space
      text.push_back(' ');
      i += 1;
    } else if (rest.substr(0, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      text.push_back(' ');
      i += 2;
    } else if (rest.substr(0, 3) == "\xEF\xBB\xBF" || rest.substr(0, 3) == "\xE2\x80\x8B" ||
               rest.substr(0, 3) == "\xE2\x80\x8C" || rest.substr(0, 3) == "\xE2\x80\x8D") {
      i += 2;  // BOM and zero-width characters: invisible, never part of a header
    } else {
      text.push_back(raw[i]);
    }
  }
  PasteLine line;
  size_t begin = 0;
  while (begin < text.size() && is_blank(text[begin])) {
    line.indent += text[begin] == '\t' ? 8 : 1;
    ++begin;
  }
  size_t end = text.size();
  while (end > begin && is_blank(text[end - 1])) --end;
  line.text = text.substr(begin, end - begin);
  return line;
}

// Field names without a hyphen that real headers use; any other hyphen-less
// "Word:" is taken as prose ("Note:", "Update:").
constexpr std::string_view kPlainNames[] = {
    "received", "from",     "to",           "cc",         "bcc",         "subject",  "date",
    "sender",   "references", "comments",   "keywords",   "organization", "importance", "priority",
    "precedence", "sensitivity", "encoding", "status",    "path",        "newsgroups", "lines",
    "xref",     "organisation", "mailer",
};

// Length of the field name when `text` is "Name: value" (blanks allowed before
// the colon) with a name a header could have; else 0.
size_t paste_field_name(std::string_view text) {
  if (text.empty() || !is_ascii_letter(text[0])) return 0;
  size_t i = 0;
  bool hyphen = false;
  while (i < text.size() && (is_ascii_letter(text[i]) || is_ascii_digit(text[i]) || text[i] == '-' || text[i] == '_')) {
    hyphen = hyphen || text[i] == '-';
    ++i;
  }
  const size_t name_end = i;
  while (i < text.size() && is_blank(text[i])) ++i;
  if (i >= text.size() || text[i] != ':') return 0;
  if (name_end > 76) return 0;
  if (hyphen) return name_end;
  const std::string name = ascii_lowercase(text.substr(0, name_end));
  for (std::string_view plain : kPlainNames)
    if (plain == name) return name_end;
  return 0;
}

// Mostly non-ASCII: a sentence in Japanese, Chinese, Russian... not a lost fold.
bool prose_like(std::string_view text) {
  size_t high = 0;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) ++high;
  return high * 10 > text.size() * 3;
}

// "This is the sending server." right below a field: an English sentence, not
// a lost fold (folded header text does not read like one).
bool sentence_like(std::string_view text) {
  if (text.size() < 12 || !(text[0] >= 'A' && text[0] <= 'Z') || !(text[1] >= 'a' && text[1] <= 'z')) return false;
  const char last = text.back();
  if (last != '.' && last != '!' && last != '?' && last != ':') return false;
  size_t words = 0;
  for (size_t i = 1; i < text.size(); ++i) words += text[i] == ' ' && text[i - 1] != ' ';
  return words >= 3 && text.find_first_of(";=@[]<>") == std::string_view::npos;
}

// "...", "(snip)", "[...]", "（略）": a reader's mark that something was cut.
bool omission_mark(std::string_view text) {
  if (text.empty() || text.size() > 40) return false;
  static constexpr std::array<std::string_view, 17> kPieces = {
      "snipped", "snip", "omitted", "truncated", "cut", "\xE2\x80\xA6" /* … */, "\xE7\x95\xA5" /* 略 */,
      "\xE4\xB8\xAD" /* 中 */, "\xE7\x9C\x81" /* 省 */, "\xE4\xBB\xA5\xE4\xB8\x8B" /* 以下 */,
      "\xEF\xBC\x88" /* （ */, "\xEF\xBC\x89" /* ） */, "\xE3\x80\x8C" /* 「 */, "\xE3\x80\x8D" /* 」 */,
      "\xE3\x80\x9C" /* 〜 */, "\xE3\x83\xBB" /* ・ */, "\xE2\x80\x95" /* ― */};
  const std::string lowered = ascii_lowercase(text);
  const std::string_view rest_all = lowered;
  size_t i = 0;
  bool word = false;  // at least one dot or word: a lone "-" line is a separator, not a mark
  while (i < rest_all.size()) {
    const char c = rest_all[i];
    if (c == '.' || c == '-' || c == '*' || c == '(' || c == ')' || c == '[' || c == ']' || c == '<' ||
        c == '>' || c == ' ' || c == '~' || c == '_' || c == '=') {
      word = word || c == '.';
      ++i;
      continue;
    }
    bool matched = false;
    for (std::string_view piece : kPieces) {
      if (rest_all.substr(i, piece.size()) == piece) {
        i += piece.size();
        matched = word = true;
        break;
      }
    }
    if (!matched) return false;
  }
  return word;
}

// Clauses a Received value continues with, when its folding was lost.
bool received_clause(std::string_view text) {
  for (std::string_view clause : {"by ", "with ", "id ", "for ", "via ", "(", ";"})
    if (ascii_lowercase(text.substr(0, clause.size())) == clause) return true;
  return false;
}

std::string line_label(size_t first, size_t last) {
  return first == last ? "line " + std::to_string(first) : "lines " + std::to_string(first) + "-" + std::to_string(last);
}

}  // namespace

std::vector<PasteExcerpt> split_paste(std::string_view text, std::vector<std::string>& problems, std::string_view eol) {
  std::vector<PasteExcerpt> excerpts;
  PasteExcerpt current;
  size_t field_indent = 0;
  std::string field_name;     // lower-case name of the last field
  bool blank_since = false;   // an empty line since the last field line or fold
  bool prose_since = false;   // prose dropped since the last field line
  bool gap_since = false;     // an empty line since the last field line
  size_t prose_first = 0, prose_last = 0;

  auto report_prose = [&] {
    if (prose_first == 0) return;
    problems.push_back(line_label(prose_first, prose_last) + ": not a header field, dropped");
    prose_first = prose_last = 0;
  };
  auto close_excerpt = [&] {
    if (current.fields > 0) excerpts.push_back(std::move(current));
    current = PasteExcerpt{};
  };

  size_t pos = 0;
  size_t number = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const size_t line_offset = pos;
    const PasteLine line = clean_line(text.substr(pos, end - pos));
    pos = end + 1;
    ++number;
    if (line.text.empty()) {
      blank_since = gap_since = true;
      continue;
    }
    if (const size_t name_length = paste_field_name(line.text)) {
      report_prose();
      // Prose set apart by empty lines separates two quoted messages; a
      // one-line remark between fields does not.
      if (prose_since && gap_since && current.fields > 0) close_excerpt();
      prose_since = blank_since = gap_since = false;
      if (current.fields == 0) {
        current.offset = line_offset;
        current.line = number;
      }
      std::string_view value = std::string_view(line.text).substr(line.text.find(':') + 1);
      while (!value.empty() && is_blank(value.front())) value.remove_prefix(1);
      current.headers.append(line.text, 0, name_length);
      current.headers += ':';
      if (!value.empty()) {
        current.headers += ' ';
        current.headers += value;
      }
      current.headers += eol;
      ++current.fields;
      field_indent = line.indent;
      field_name = ascii_lowercase(std::string_view(line.text).substr(0, name_length));
      continue;
    }
    if (omission_mark(line.text)) {
      problems.push_back("line " + std::to_string(number) + ": omission mark dropped");
      continue;
    }
    const bool fold = current.fields > 0 && !prose_since && !prose_like(line.text) && !sentence_like(line.text) &&
                      (!blank_since || line.indent > field_indent ||
                       (field_name == "received" && received_clause(line.text)));
    if (fold) {
      current.headers += ' ';
      current.headers += line.text;
      current.headers += eol;
      blank_since = false;
      continue;
    }
    if (prose_first == 0) prose_first = number;
    prose_last = number;
    prose_since = true;
  }
  report_prose();
  close_excerpt();
  return excerpts;
}

std::string normalize_paste(std::string_view text, std::vector<std::string>& problems, std::string_view eol) {
  std::string out;
  for (const PasteExcerpt& excerpt : split_paste(text, problems, eol)) out += excerpt.headers;
  return out;
}

bool looks_like_paste(std::string_view text) {
  const bool whole = text.size() < kPasteWindow;
  text = text.substr(0, kPasteWindow);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  // Any line anywhere that a paste could be built from?
  auto has_field_somewhere = [&] {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      if (paste_field_name(clean_line(text.substr(pos, end - pos)).text)) return true;
      pos = end + 1;
    }
    return false;
  };

  size_t end = text.find('\n');
  if (end == std::string_view::npos) end = text.size();
  std::string_view first = text.substr(0, end);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first.substr(0, 5) == "From ") return false;  // mbox envelope: a stored message
  if (first.empty() || is_blank(first.front()) || field_name_length(first) == 0) return has_field_somewhere();

  // Starts like a message. Filling the window, it is one: whether it has a
  // body cannot be told from its start, and its sender chooses the size of its
  // header block, which must not make it an excerpt whose body is dropped.
  if (!whole) return false;
  bool odd_lines = false;
  bool message_field = false;
  bool has_body = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t line_end = text.find('\n', pos);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(pos, line_end - pos);
    pos = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      // A body is anything but blank lines after the header block.
      for (size_t i = pos; i < text.size(); ++i)
        if (!is_blank(text[i]) && text[i] != '\r' && text[i] != '\n') {
          has_body = true;
          break;
        }
      break;
    }
    if (is_blank(line.front())) continue;
    if (field_name_length(line) == 0) {
      odd_lines = true;
      continue;
    }
    std::string name = ascii_lowercase(line.substr(0, line.find(':')));
    while (!name.empty() && is_blank(name.back())) name.pop_back();
    for (std::string_view wanted : {"from", "date", "message-id", "to", "subject", "mime-version", "content-type"})
      if (name == wanted) message_field = true;
  }
  if (has_body) return false;
  return odd_lines || !message_field;
}

}  // namespace sg
