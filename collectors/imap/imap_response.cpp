#include "collectors/imap/imap_response.h"

#include <charconv>

#include "core/ascii.h"

namespace sg::imap {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "{123}" or "{123+}" just before the line end at `newline` (a '\n'): the size.
// nullopt when the line does not end in a literal announcement.
std::optional<std::string_view> literal_announcement(std::string_view buffer, size_t newline, size_t line_start) {
  size_t end = newline;
  if (end > line_start && buffer[end - 1] == '\r') --end;
  if (end == line_start || buffer[end - 1] != '}') return std::nullopt;
  size_t digits_end = end - 1;
  if (digits_end > line_start && buffer[digits_end - 1] == '+') --digits_end;  // LITERAL+ (non-synchronising)
  size_t digits_begin = digits_end;
  while (digits_begin > line_start && is_digit(buffer[digits_begin - 1])) --digits_begin;
  if (digits_begin == digits_end || digits_begin == line_start || buffer[digits_begin - 1] != '{') return std::nullopt;
  return buffer.substr(digits_begin, digits_end - digits_begin);
}

std::optional<uint64_t> parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

Result<size_t> ResponseFramer::complete_length(std::string_view buffer) {
  for (;;) {
    if (literal_end_ > 0) {
      if (buffer.size() < literal_end_) return size_t{0};
      scanned_ = literal_end_;
      segment_start_ = literal_end_;
      literal_end_ = 0;
    }
    const size_t newline = buffer.find('\n', scanned_);
    if (newline == std::string_view::npos) {
      line_bytes_ += buffer.size() - scanned_;
      scanned_ = buffer.size();
      if (line_bytes_ > limits_.max_line)
        return Error{"a response line longer than " + std::to_string(limits_.max_line) + " bytes", "IMAP response"};
      return size_t{0};
    }
    line_bytes_ += newline + 1 - scanned_;
    scanned_ = newline + 1;
    if (line_bytes_ > limits_.max_line)
      return Error{"a response line longer than " + std::to_string(limits_.max_line) + " bytes", "IMAP response"};
    // Look back only within this segment: before it lies a literal's data.
    auto announced = literal_announcement(buffer, newline, segment_start_);
    if (!announced) {
      const size_t length = scanned_;
      reset();
      return length;
    }
    auto size = parse_number(*announced);
    if (!size || *size > limits_.max_literal)
      return Error{"the server announced a literal of " + std::string(announced->substr(0, 20)) +
                       " bytes, more than the limit of " + std::to_string(limits_.max_literal),
                   "IMAP response"};
    if (++literals_ > limits_.max_literals)
      return Error{"more than " + std::to_string(limits_.max_literals) + " literals in one response", "IMAP response"};
    literal_end_ = scanned_ + static_cast<size_t>(*size);
  }
}

size_t ResponseFramer::literal_remaining(size_t buffered) const {
  return literal_end_ > buffered ? literal_end_ - buffered : 0;
}

void ResponseFramer::reset() {
  scanned_ = 0;
  segment_start_ = 0;
  literal_end_ = 0;
  line_bytes_ = 0;
  literals_ = 0;
}

namespace {

class Parser {
 public:
  Parser(std::string_view bytes, Response& out) : bytes_(bytes), out_(out) {}

  Status run() {
    std::string_view first = word();
    if (first.empty()) return fail("no tag");
    if (first == "+") {
      out_.kind = Response::Kind::continuation;
      skip_space();
      out_.text = rest_of_line();
      return Ok{};
    }
    if (first == "*") {
      out_.kind = Response::Kind::untagged;
      skip_space();
      std::string_view name = word();
      if (auto number = parse_number(name)) {
        out_.number = number;
        skip_space();
        name = word();
      }
      out_.name = name;
    } else {
      out_.kind = Response::Kind::tagged;
      out_.tag = first;
      skip_space();
      out_.name = word();
    }
    if (out_.name.empty()) return fail("no response name");
    if (out_.kind == Response::Kind::tagged || is_status(out_.name)) return status_text();
    return values();
  }

 private:
  static bool is_status(std::string_view name) {
    return equals_nocase(name, "ok") || equals_nocase(name, "no") || equals_nocase(name, "bad") ||
           equals_nocase(name, "bye") || equals_nocase(name, "preauth");
  }

  Error fail(std::string what) const {
    return Error{what + " at byte " + std::to_string(pos_), "IMAP response"};
  }

  bool at_end() const { return pos_ >= bytes_.size() || bytes_[pos_] == '\r' || bytes_[pos_] == '\n'; }

  void skip_space() {
    while (pos_ < bytes_.size() && bytes_[pos_] == ' ') ++pos_;
  }

  std::string_view word() {
    const size_t start = pos_;
    while (pos_ < bytes_.size() && bytes_[pos_] != ' ' && bytes_[pos_] != '\r' && bytes_[pos_] != '\n' &&
           bytes_[pos_] != '(' && bytes_[pos_] != ')' && bytes_[pos_] != '[')
      ++pos_;
    return bytes_.substr(start, pos_ - start);
  }

  std::string_view rest_of_line() {
    const size_t start = pos_;
    while (!at_end()) ++pos_;
    return bytes_.substr(start, pos_ - start);
  }

  Status status_text() {
    skip_space();
    if (pos_ < bytes_.size() && bytes_[pos_] == '[') {
      const size_t close = bytes_.find(']', pos_);
      const size_t line_end = bytes_.find('\n', pos_);
      if (close == std::string_view::npos || close > line_end) return fail("a response code without ']'");
      out_.code = bytes_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      skip_space();
    }
    out_.text = rest_of_line();
    return Ok{};
  }

  Status values() {
    std::vector<size_t> open;  // indices of the lists not yet closed
    constexpr size_t kMaxDepth = 64;
    for (;;) {
      skip_space();
      if (at_end()) {
        if (!open.empty()) return fail("the response ended inside a list");
        return Ok{};
      }
      const char c = bytes_[pos_];
      if (c == '(') {
        if (open.size() >= kMaxDepth) return fail("lists nested deeper than 64");
        open.push_back(out_.values.size());
        out_.values.push_back(Value{Value::Kind::list, {}, 0});
        ++pos_;
      } else if (c == ')') {
        if (open.empty()) return fail("')' without '('");
        out_.values[open.back()].end = static_cast<uint32_t>(out_.values.size());
        open.pop_back();
        ++pos_;
      } else if (c == '"') {
        auto text = quoted();
        if (!text) return text.error();
        out_.values.push_back(Value{Value::Kind::string, *text, 0});
      } else if (c == '{') {
        auto text = literal();
        if (!text) return text.error();
        out_.values.push_back(Value{Value::Kind::string, *text, 0});
      } else {
        out_.values.push_back(Value{Value::Kind::atom, atom(), 0});
      }
    }
  }

  // An atom; a '[' takes everything to its ']' along (BODY[HEADER.FIELDS (A B)]<0>).
  std::string_view atom() {
    const size_t start = pos_;
    while (pos_ < bytes_.size()) {
      const char c = bytes_[pos_];
      if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '\r' || c == '\n' || c == '{') break;
      if (c == '[') {
        const size_t close = bytes_.find(']', pos_);
        const size_t line_end = bytes_.find('\n', pos_);
        if (close == std::string_view::npos || close > line_end) {
          pos_ = line_end == std::string_view::npos ? bytes_.size() : line_end;
          break;
        }
        pos_ = close + 1;
        continue;
      }
      ++pos_;
    }
    if (pos_ == start) ++pos_;  // a stray '{' or the like: one byte, so the loop moves on
    return bytes_.substr(start, pos_ - start);
  }

  Result<std::string_view> quoted() {
    const size_t start = ++pos_;
    bool escaped = false;
    while (pos_ < bytes_.size() && bytes_[pos_] != '"') {
      if (bytes_[pos_] == '\r' || bytes_[pos_] == '\n') return fail("a quoted string without its closing '\"'");
      if (bytes_[pos_] == '\\') {
        escaped = true;
        ++pos_;
      }
      ++pos_;
    }
    if (pos_ >= bytes_.size()) return fail("a quoted string without its closing '\"'");
    std::string_view inner = bytes_.substr(start, pos_ - start);
    ++pos_;
    if (!escaped) return inner;
    std::string plain;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
      plain += inner[i];
    }
    out_.unescaped.push_back(std::move(plain));
    return std::string_view(out_.unescaped.back());
  }

  Result<std::string_view> literal() {
    const size_t open = pos_++;
    const size_t digits = pos_;
    while (pos_ < bytes_.size() && is_digit(bytes_[pos_])) ++pos_;
    auto size = parse_number(bytes_.substr(digits, pos_ - digits));
    if (pos_ < bytes_.size() && bytes_[pos_] == '+') ++pos_;
    if (!size || pos_ >= bytes_.size() || bytes_[pos_] != '}') {
      pos_ = open;
      return fail("a damaged literal announcement");
    }
    ++pos_;
    if (pos_ < bytes_.size() && bytes_[pos_] == '\r') ++pos_;
    if (pos_ >= bytes_.size() || bytes_[pos_] != '\n') return fail("a literal announcement not at the end of a line");
    ++pos_;
    if (*size > bytes_.size() - pos_) return fail("a literal longer than the response");
    std::string_view text = bytes_.substr(pos_, static_cast<size_t>(*size));
    pos_ += static_cast<size_t>(*size);
    return text;
  }

  std::string_view bytes_;
  size_t pos_ = 0;
  Response& out_;
};

}  // namespace

Result<Response> parse_response(std::string_view bytes) {
  Response response;
  Parser parser(bytes, response);
  if (auto status = parser.run(); !status) return status.error();
  return response;
}

bool is_atom(const Value& value, std::string_view word) {
  if (value.kind != Value::Kind::atom || value.text.size() != word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (ascii_lower(value.text[i]) != ascii_lower(word[i])) return false;
  return true;
}

std::optional<uint64_t> number_value(const Value& value) {
  if (value.kind != Value::Kind::atom) return std::nullopt;
  auto number = parse_number(value.text);
  if (!number || *number >= (uint64_t{1} << 63)) return std::nullopt;
  return number;
}

size_t next_sibling(const Response& response, size_t index) {
  const Value& value = response.values[index];
  return value.kind == Value::Kind::list ? value.end : index + 1;
}

namespace {

// A string value, or nullopt for NIL (and anything else).
std::optional<std::string_view> string_or_nil(const Value& value) {
  if (value.kind == Value::Kind::string) return value.text;
  return std::nullopt;
}

}  // namespace

Result<FetchedItem> read_fetch(const Response& response) {
  if (!equals_nocase(response.name, "fetch") || !response.number || response.values.empty() ||
      response.values[0].kind != Value::Kind::list)
    return Error{"not a FETCH response", "IMAP FETCH"};
  FetchedItem item;
  item.sequence = *response.number;
  const size_t end = response.values[0].end;
  for (size_t i = 1; i < end;) {
    const Value& name = response.values[i];
    if (i + 1 >= end) return Error{"a FETCH item without its value", "IMAP FETCH"};
    const size_t value_index = i + 1;
    const Value& value = response.values[value_index];
    if (name.kind != Value::Kind::atom) return Error{"a FETCH item name that is not an atom", "IMAP FETCH"};
    if (is_atom(name, "UID")) {
      item.uid = number_value(value);
      if (!item.uid) return Error{"a UID that is not a number", "IMAP FETCH"};
    } else if (is_atom(name, "BODY[HEADER]") || is_atom(name, "RFC822.HEADER") ||
               starts_with_nocase(name.text, "body[header]<")) {
      item.header = string_or_nil(value);
    } else if (is_atom(name, "BODY[]") || is_atom(name, "RFC822") || starts_with_nocase(name.text, "body[]<")) {
      item.whole = string_or_nil(value);
    } else if (is_atom(name, "RFC822.SIZE")) {
      item.size = number_value(value);
    } else if (is_atom(name, "INTERNALDATE")) {
      if (auto text = string_or_nil(value)) item.internal_date = *text;
    } else if (is_atom(name, "FLAGS")) {
      if (value.kind == Value::Kind::list)
        for (size_t f = value_index + 1; f < value.end; f = next_sibling(response, f))
          item.flags.push_back(response.values[f].text);
    }
    i = next_sibling(response, value_index);
  }
  return item;
}

Result<ListedMailbox> read_list(const Response& response) {
  const auto& values = response.values;
  if (!(equals_nocase(response.name, "list") || equals_nocase(response.name, "lsub")) || values.size() < 3 ||
      values[0].kind != Value::Kind::list)
    return Error{"not a LIST response", "IMAP LIST"};
  ListedMailbox mailbox;
  for (size_t i = 1; i < values[0].end; i = next_sibling(response, i)) mailbox.flags.emplace_back(values[i].text);
  const size_t delimiter = values[0].end;
  if (delimiter + 1 >= values.size()) return Error{"a LIST response without a mailbox name", "IMAP LIST"};
  if (!is_atom(values[delimiter], "NIL")) mailbox.delimiter = std::string(values[delimiter].text);
  const Value& name = values[delimiter + 1];
  if (name.kind == Value::Kind::list) return Error{"a LIST response whose name is a list", "IMAP LIST"};
  mailbox.raw_name = std::string(name.text);
  return mailbox;
}

namespace {

// Appends the UIDs of a sequence set such as "1:3,7" (no '*': a server sends numbers).
Status expand_set(std::string_view set, std::vector<uint64_t>& out, size_t limit) {
  while (!set.empty()) {
    const size_t comma = set.find(',');
    std::string_view part = set.substr(0, comma);
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    const size_t colon = part.find(':');
    auto first = parse_number(part.substr(0, colon));
    auto last = colon == std::string_view::npos ? first : parse_number(part.substr(colon + 1));
    if (!first || !last) return Error{"a damaged sequence set in a search result", "IMAP SEARCH"};
    if (*first > *last) std::swap(first, last);
    if (*last - *first >= limit - std::min(limit, out.size()))
      return Error{"a search result of more than " + std::to_string(limit) + " messages", "IMAP SEARCH"};
    for (uint64_t uid = *first;; ++uid) {
      out.push_back(uid);
      if (uid == *last) break;
    }
  }
  return Ok{};
}

}  // namespace

Status read_search(const Response& response, std::vector<uint64_t>& out, size_t limit) {
  const auto& values = response.values;
  if (equals_nocase(response.name, "search")) {
    for (size_t i = 0; i < values.size(); i = next_sibling(response, i)) {
      if (values[i].kind == Value::Kind::list) continue;  // (MODSEQ n) of CONDSTORE
      auto uid = number_value(values[i]);
      if (!uid) return Error{"a search result that is not a number", "IMAP SEARCH"};
      if (out.size() >= limit)
        return Error{"a search result of more than " + std::to_string(limit) + " messages", "IMAP SEARCH"};
      out.push_back(*uid);
    }
    return Ok{};
  }
  if (!equals_nocase(response.name, "esearch")) return Error{"not a SEARCH response", "IMAP SEARCH"};
  for (size_t i = 0; i < values.size(); i = next_sibling(response, i)) {
    if (is_atom(values[i], "ALL") && i + 1 < values.size()) {
      if (auto status = expand_set(values[i + 1].text, out, limit); !status) return status;
      ++i;
    }
  }
  return Ok{};
}

std::optional<uint64_t> code_number(std::string_view code, std::string_view name) {
  if (code.size() <= name.size() + 1 || code[name.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < name.size(); ++i)
    if (ascii_lower(code[i]) != ascii_lower(name[i])) return std::nullopt;
  std::string_view digits = code.substr(name.size() + 1);
  const size_t end = digits.find(' ');
  return parse_number(digits.substr(0, end));
}

std::string sequence_set(const std::vector<uint64_t>& uids, size_t begin, size_t end) {
  std::string set;
  for (size_t i = begin; i < end;) {
    size_t run = i;
    while (run + 1 < end && uids[run + 1] == uids[run] + 1) ++run;
    if (!set.empty()) set += ',';
    set += std::to_string(uids[i]);
    if (run > i) set += ':' + std::to_string(uids[run]);
    i = run + 1;
  }
  return set;
}

}  // namespace sg::imap
