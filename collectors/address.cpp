#include "collectors/address.h"

#include "collectors/encoded_words.h"
#include "collectors/rfc5322.h"
#include "collectors/unreadable.h"
#include "core/ascii.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace sg {


namespace {

using rfc5322::append_without;
using rfc5322::is_space;
using rfc5322::skip_comment;
using rfc5322::skip_quoted_string;

// The end of the run of bytes from `i` on that normalize_address_into copies in bulk:
// it stops at whitespace, control bytes, angle brackets, comments and quotes.
size_t address_run_end(std::string_view s, size_t i) { return rfc5322::find_space_or<'<', '>', '(', '"'>(s, i); }

bool is_space_or_angle(char c) { return is_space(c) || c == '<' || c == '>'; }

// Space, tab, CR and LF: the blanks between words. Control bytes are not among
// them: a word holding one is read whole, to be refused, not split into
// readable pieces.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// An address with a control byte is no address: nothing of it is kept.
bool refuse(std::string& out) {
  out.clear();
  return false;
}


// The parts of an RFC 2047 encoded word "=?charset?X?text?=" found at `pos`.
struct EncodedWord {
  size_t end = 0;          // index just past "?=", 0 when `pos` starts no encoded word
  char encoding = 0;       // 'q' or 'b'
  std::string_view text;   // the encoded text
};

// Charset and text lengths are capped, so a run of "=?=?=?" costs a bounded
// look-ahead per start and the scan stays linear.
EncodedWord encoded_word_at(std::string_view s, size_t pos) {
  constexpr size_t kMaxCharset = 64, kMaxText = 1024;
  EncodedWord word;
  if (pos + 1 >= s.size() || s[pos] != '=' || s[pos + 1] != '?') return word;
  size_t i = pos + 2;
  const size_t charset_start = i;
  while (i < s.size() && i - charset_start <= kMaxCharset && s[i] != '?' && !is_space(s[i])) ++i;
  if (i == charset_start || i + 2 >= s.size() || s[i] != '?' || s[i + 2] != '?') return word;
  const char encoding = static_cast<char>(s[i + 1] | 0x20);
  if (encoding != 'q' && encoding != 'b') return word;
  const size_t text_start = i + 3;
  // The text ends at the first "?=" starting within kMaxText bytes, before any blank:
  // jump from '?' to '?'.
  const std::string_view searched = s.substr(0, std::min(s.size() - 1, text_start + kMaxText + 1));
  for (size_t j = rfc5322::find_space_or<'?'>(searched, text_start); j < searched.size() && s[j] == '?';
       j = rfc5322::find_space_or<'?'>(searched, j + 1)) {
    if (s[j + 1] == '=') {
      word.end = j + 2;
      word.encoding = encoding;
      word.text = s.substr(text_start, j - text_start);
      return word;
    }
  }
  return word;
}

// Index just past the '>' closing the angle bracket at `pos` (quoted strings
// inside may hold '>'); s.size() when it is never closed.
size_t skip_angle(std::string_view s, size_t pos) {
  // Fast path, at memchr speed: most angle addresses hold no quoted string.
  if (const size_t close = s.find('>', pos + 1);
      close != std::string_view::npos && s.substr(pos + 1, close - pos - 1).find('"') == std::string_view::npos)
    return close + 1;
  for (size_t i = pos + 1; i < s.size();) {
    if (s[i] == '>') return i + 1;
    i = s[i] == '"' ? skip_quoted_string(s, i) : i + 1;
  }
  return s.size();
}

size_t skip_domain_literal(std::string_view s, size_t pos) {
  const size_t close = s.find(']', pos + 1);
  return close == std::string_view::npos ? s.size() : close + 1;
}

// How one address list is read: in the last-resort pass comments are text, so
// "Name,(<a@b>)" still yields a@b.
struct ListScan {
  bool comments_are_text = false;
  size_t max_addresses = kMaxAddressesPerField;
};

// Skips the lexical unit at `i` that may hide separators (quoted string,
// comment, angle address, domain literal, encoded word); returns `i` unchanged
// when there is none.
size_t skip_unit(std::string_view s, size_t i, const ListScan& scan) {
  switch (s[i]) {
    case '"':
      return skip_quoted_string(s, i);
    case '(':
      return scan.comments_are_text ? i : skip_comment(s, i);
    case '<':
      return skip_angle(s, i);
    case '[':
      return skip_domain_literal(s, i);
    case '=': {
      const EncodedWord word = encoded_word_at(s, i);
      return word.end ? word.end : i;
    }
    default:
      return i;
  }
}

// The last '@' of `word`, found backwards at memrchr speed, or npos.
size_t last_at_sign(std::string_view word) {
  const void* at = memrchr(word.data(), '@', word.size());
  return at ? static_cast<size_t>(static_cast<const char*>(at) - word.data()) : std::string_view::npos;
}

// The last '@' that is not inside a quoted local part ("a@b"@c has one, "a@b"
// has none), or npos: what follows it is the domain.
size_t last_unquoted_at(std::string_view word) {
  if (word.find('"') == std::string_view::npos) return last_at_sign(word);
  size_t found = std::string_view::npos;
  for (size_t i = 0; i < word.size();) {
    if (word[i] == '"') {
      i = skip_quoted_string(word, i);
    } else {
      if (word[i] == '@') found = i;
      ++i;
    }
  }
  return found;
}

bool has_unquoted_at(std::string_view word) { return last_unquoted_at(word) != std::string_view::npos; }

// RFC 5322 dot-atom text (UTF-8 allowed, RFC 6532): what a lone local part may be.
bool is_dot_atom(std::string_view word) {
  constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : word) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80 ||
                    kSpecials.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return !word.empty();
}

// The address of a segment that has no angle brackets: the last word holding an
// '@' (display names that imitate an address come first); a lone word without
// '@' only when the segment is the whole field ("Return-Path: MAILER-DAEMON").
bool bare_address(std::string_view seg, const ListScan& scan, bool whole_field, std::string& address,
                  bool& unreadable) {
  std::string_view chosen;
  size_t words = 0;
  std::string_view only_word;
  for (size_t i = 0; i < seg.size();) {
    if (is_blank(seg[i])) {
      ++i;
      continue;
    }
    if (seg[i] == '(' && !scan.comments_are_text) {
      i = skip_comment(seg, i);
      continue;
    }
    const size_t start = i;
    while (i < seg.size() && !is_blank(seg[i]) && !(seg[i] == '(' && !scan.comments_are_text)) {
      const size_t next = seg[i] == '"' ? skip_quoted_string(seg, i) : i + 1;
      i = next;
    }
    const std::string_view word = seg.substr(start, i - start);
    ++words;
    only_word = word;
    if (has_unquoted_at(word)) chosen = word;
  }
  if (chosen.empty() && whole_field && words == 1 && is_dot_atom(only_word) && !encoded_word_at(only_word, 0).end)
    chosen = only_word;
  if (chosen.empty()) return false;
  unreadable = !normalize_address_into(chosen, address);
  return !address.empty();
}

// Bytes the list scanner must look at; everything else is skipped in a tight loop.
constexpr std::array<bool, 256> kListSpecials = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("\"(<[=,;:")) table[c] = true;
  return table;
}();

// The address of one mailbox, written over `address`: its first angle address
// (found by the list scan) if there is one, else a bare addr-spec. False for none.
// `unreadable` is set when the address held a control byte.
bool mailbox_address(std::string_view seg, std::string_view angle, const ListScan& scan, bool whole_field,
                     std::string& address, bool& unreadable) {
  if (angle.data() == nullptr) return bare_address(seg, scan, whole_field, address, unreadable);
  unreadable = !normalize_address_into(angle, address);
  return !address.empty();
}

// Splits the list into mailbox segments at top-level ',' and ';' (group end);
// a top-level ':' starts a group, so what precedes it (the group name) is
// dropped. One pass: the first angle address of each segment is noted on the way.
// The addresses go to slot(0), slot(1), ... slot(count - 1), each written over
// the string `slot` gives for its index, so that a caller keeping them from field
// to field reuses their buffers; slot(count) may hold a leftover. Mailboxes whose
// address held a control byte are left out and counted in `unreadable`.
template <typename Slot>
void scan_address_list(std::string_view value, const ListScan& scan, Slot slot, size_t& count, size_t& unreadable) {
  size_t seg_start = 0;
  std::string_view angle;
  bool split = false;
  auto take = [&](size_t seg_end, bool whole_field) {
    const std::string_view seg = value.substr(seg_start, seg_end - seg_start);
    bool refused = false;
    if (mailbox_address(seg, angle, scan, whole_field, slot(count), refused)) ++count;
    unreadable += refused;
  };
  for (size_t i = 0; i < value.size() && count < scan.max_addresses;) {
    const char c = value[i];
    if (!kListSpecials[static_cast<unsigned char>(c)]) {
      ++i;
    } else if (c == ',' || c == ';') {
      take(i, false);
      seg_start = ++i;
      angle = {};
      split = true;
    } else if (c == ':') {
      seg_start = ++i;
      angle = {};
      split = true;
    } else {
      const size_t next = skip_unit(value, i, scan);
      if (c == '<' && angle.data() == nullptr) angle = value.substr(i, next - i);
      i = next == i ? i + 1 : next;
    }
  }
  if (count < scan.max_addresses && seg_start <= value.size()) take(value.size(), !split);
}

// The addresses of `value` in slot(0) ... slot(returned count - 1), as
// scan_address_list leaves them; `unreadable` counts those left out for a
// control byte.
template <typename Slot>
size_t read_addresses(std::string_view value, size_t max_addresses, Slot slot, size_t& unreadable) {
  size_t count = 0;
  unreadable = 0;
  ListScan scan;
  scan.max_addresses = max_addresses;
  scan_address_list(value, scan, slot, count, unreadable);
  if (count == 0 && unreadable == 0) {  // the last resort is for hidden addresses, not refused ones
    scan.comments_are_text = true;
    scan_address_list(value, scan, slot, count, unreadable);
  }
  return count;
}

// --- List-Unsubscribe -------------------------------------------------------

// Minimal RFC 2047 decoding for fields that must be ASCII anyway (URIs): the
// words as encoded_word_at finds them (so as the list scan skips them), their
// bytes as encoded_words.h decodes them, the charset ignored, and whitespace
// between adjacent encoded words dropped (§6.2).
std::string decode_encoded_words(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool after_word = false;  // the last thing read was an encoded word
  for (size_t i = 0; i < s.size();) {
    if (const EncodedWord word = encoded_word_at(s, i); word.end) {
      append_encoded_word_bytes(word.encoding, word.text, out);
      after_word = true;
      i = word.end;
    } else if (is_space(s[i])) {
      size_t end = i;
      while (end < s.size() && is_space(s[end])) ++end;
      if (!after_word || !encoded_word_at(s, end).end) out.append(s.substr(i, end - i));
      i = end;
    } else {
      out.push_back(s[i++]);
      after_word = false;
    }
  }
  return out;
}

// "mailto:..." / "http://..." / "https://..." with the scheme lower-cased and
// whitespace removed, or "" for anything else. One holding a control byte is
// "" too, and counted in `unreadable`.
std::string unsubscribe_uri(std::string_view raw, size_t& unreadable) {
  const bool refused = holds_control_byte(raw);
  std::string uri;
  if (refused)
    append_without(uri, raw, is_blank);  // the control bytes stay, for the scheme to be seen as written
  else
    rfc5322::append_without_spaces(uri, raw);
  for (std::string_view scheme : {"mailto:", "http:", "https:"}) {
    if (starts_with_nocase(uri, scheme)) {
      if (uri.size() == scheme.size()) return {};
      if (refused) {
        ++unreadable;
        return {};
      }
      for (size_t i = 0; i < scheme.size(); ++i) uri[i] = scheme[i];
      return uri;
    }
  }
  return {};
}

void unsubscribe_from_brackets(std::string_view v, std::vector<std::string>& out, size_t& unreadable) {
  for (size_t i = v.find('<'); i != std::string_view::npos && out.size() < kMaxUnsubscribeUris;
       i = v.find('<', i)) {
    const size_t close = v.find('>', i + 1);
    const size_t end = close == std::string_view::npos ? v.size() : close;
    if (std::string uri = unsubscribe_uri(v.substr(i + 1, end - i - 1), unreadable); !uri.empty())
      out.push_back(std::move(uri));
    i = end;
  }
}

void unsubscribe_from_words(std::string_view v, std::vector<std::string>& out, size_t& unreadable) {
  for (size_t i = 0; i < v.size() && out.size() < kMaxUnsubscribeUris;) {
    if (is_blank(v[i]) || v[i] == ',') {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < v.size() && !is_blank(v[i]) && v[i] != ',') ++i;
    if (std::string uri = unsubscribe_uri(v.substr(start, i - start), unreadable); !uri.empty())
      out.push_back(std::move(uri));
  }
}

}  // namespace

void parse_address_list_into(std::string_view value, std::vector<std::string>& out, size_t* unreadable) {
  size_t refused = 0;
  const auto slot = [&out](size_t index) -> std::string& {
    if (index == out.size()) out.emplace_back();
    return out[index];
  };
  out.resize(read_addresses(value, kMaxAddressesPerField, slot, refused));
  if (unreadable) *unreadable = refused;
}

bool parse_single_address_into(std::string_view value, std::string& out, bool* unreadable) {
  // One address: every try is written over `out` itself (the scan stops at the first found).
  size_t refused = 0;
  const size_t count = read_addresses(value, 1, [&out](size_t) -> std::string& { return out; }, refused);
  if (unreadable) *unreadable = count == 0 && refused != 0;
  if (count == 0) out.clear();
  return count != 0;
}

std::string_view address_domain(std::string_view address) {
  const size_t at = last_at_sign(address);
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

bool normalize_address_into(std::string_view address, std::string& out) {
  out.clear();
  out.reserve(address.size());
  bool quoted = false;  // whether `out` holds a quoted string, where an '@' is not the separator
  for (size_t i = 0; i < address.size();) {
    const size_t run = i;
    i = address_run_end(address, i);
    out.append(address.data() + run, i - run);
    if (i >= address.size()) break;
    if (address[i] == '(') {
      i = skip_comment(address, i);
    } else if (address[i] == '"') {
      quoted = true;
      // Spaces are data inside quotes; folding is not.
      const size_t end = skip_quoted_string(address, i);
      const std::string_view quoted_string = address.substr(i, end - i);
      if (holds_control_byte(quoted_string)) return refuse(out);
      append_without(out, quoted_string, [](char c) { return c != ' ' && is_space(c); });
      i = end;
    } else if (is_control_byte(address[i])) {
      return refuse(out);
    } else {
      ++i;  // whitespace or angle bracket: dropped
    }
  }
  // Obsolete source route "@a,@b:" and a "mailto:" some senders put in From.
  if (!out.empty() && out.front() == '@') {
    const size_t colon = out.find(':');
    out.erase(0, colon == std::string::npos ? out.size() : colon + 1);
  }
  if (starts_with_nocase(out, "mailto:")) out.erase(0, 7);
  if (const size_t at = quoted ? last_unquoted_at(out) : last_at_sign(out); at != std::string::npos) {
    for (size_t i = at + 1; i < out.size(); ++i)
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return true;
}

bool parse_message_id_into(std::string_view value, std::string& out) {
  std::string_view id;
  for (size_t i = 0; i < value.size();) {
    if (value[i] == '(') {
      i = skip_comment(value, i);
    } else if (value[i] == '<') {
      const size_t close = value.find('>', i + 1);
      const size_t end = close == std::string_view::npos ? value.size() : close;
      id = value.substr(i + 1, end - i - 1);
      break;
    } else if (!is_blank(value[i]) && id.empty()) {
      // No bracket (yet): the first bare word is the id unless a bracketed one follows.
      const size_t start = i;
      while (i < value.size() && !is_blank(value[i]) && value[i] != '(' && value[i] != '<') ++i;
      id = value.substr(start, i - start);
    } else {
      ++i;
    }
  }
  // Nearly every id holds no byte to drop: none of address_run_end's stops, a superset.
  if (address_run_end(id, 0) == id.size()) {
    out.assign(id);
    return true;
  }
  out.clear();
  if (holds_control_byte(id)) return false;
  append_without(out, id, [](char c) { return is_space_or_angle(c); });
  return true;
}

std::vector<std::string> parse_list_unsubscribe(std::string_view value, size_t* unreadable) {
  std::vector<std::string> out;
  size_t refused = 0;
  std::string decoded;
  std::string_view v = value;
  if (v.find('<') == std::string_view::npos && v.find("=?") != std::string_view::npos) {
    decoded = decode_encoded_words(value);
    v = decoded;
  }
  if (v.find('<') != std::string_view::npos) {
    unsubscribe_from_brackets(v, out, refused);
  } else {
    unsubscribe_from_words(v, out, refused);
  }
  if (unreadable) *unreadable = refused;
  return out;
}

}  // namespace sg
