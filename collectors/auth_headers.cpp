#include "collectors/auth_headers.h"

#include <array>
#include <cstdint>
#include <string>

#include "collectors/address.h"
#include "collectors/rfc5322.h"
#include "collectors/unreadable.h"
#include "core/ascii.h"
#include "core/byte_scan.h"
#include "core/ip.h"

namespace sg {

namespace {

using rfc5322::is_space;
using rfc5322::skip_comment;
using rfc5322::skip_quoted_string;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// A decimal number of 1 to 9 digits (so it fits an int), else nullopt.
std::optional<int> small_number(std::string_view digits) {
  if (!all_digits(digits) || digits.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

size_t skip_spaces(std::string_view s, size_t i) {
  while (i < s.size() && is_space(s[i])) ++i;
  return i;
}

// True when `s` needs no collapsing: single spaces between words only. Checked
// 16 bytes a step while 16 remain: a block passes when its only blanks are
// spaces (is_space, as masks) and no space follows another.
bool is_collapsed(std::string_view s) {
  unsigned space_before = 1;  // so a leading space counts as a run
  size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    const scan::Block block = scan::load(s.data() + i);
    const unsigned blanks = scan::mask(scan::at_most(block, ' ') | scan::equal(block, 0x7f));
    const unsigned spaces = scan::mask(scan::equal(block, ' '));
    if (blanks != spaces || (spaces & ((spaces << 1) | space_before)) != 0) return false;
    space_before = spaces >> 15;
  }
  char previous = space_before ? ' ' : 'x';
  for (; i < s.size(); ++i) {
    if (is_space(s[i]) && (s[i] != ' ' || previous == ' ')) return false;
    previous = s[i];
  }
  return previous != ' ';
}

// Whitespace runs (folding that survived, tabs) become one space; ends trimmed.
std::string collapse_spaces(std::string_view s) {
  if (is_collapsed(s)) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (is_space(s[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < s.size() && !is_space(s[end])) ++end;
    if (!out.empty()) out += ' ';
    out.append(s.data() + i, end - i);
    i = end;
  }
  return out;
}

// The text inside the comment or quoted string that spans [start, end).
std::string_view inner_text(std::string_view s, size_t start, size_t end, bool closed) {
  const size_t stop = closed ? end - 1 : end;
  return stop > start + 1 ? s.substr(start + 1, stop - start - 1) : std::string_view{};
}

// --- Received-SPF -------------------------------------------------------------

bool is_spf_result(std::string_view word) {
  // RFC 7208 results, plus "error" and "unknown" that RFC 4408-era writers still use.
  for (std::string_view known :
       {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "error", "unknown"})
    if (iequals(word, known)) return true;
  return false;
}

// RFC 7208 key characters: ALPHA / DIGIT / "-" / "_" / ".".
constexpr std::array<bool, 256> kSpfKeyChars = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c)
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
  return table;
}();

bool is_spf_key_char(char c) { return kSpfKeyChars[static_cast<unsigned char>(c)]; }

// Reads one value after '=' into `out` (skips it when `out` is null): a quoted
// string, or everything up to ';', a space or a comment. A control byte does not
// end it: a value holding one is read whole and refused, `out` left as it was,
// and false returned.
bool read_spf_value(std::string_view v, size_t& i, std::string* out) {
  if (i < v.size() && v[i] == '"') {
    bool closed = true;
    const size_t end = skip_quoted_string(v, i, &closed);
    const std::string_view inside = inner_text(v, i, end, closed);
    i = end;
    if (holds_control_byte(inside)) return false;
    if (out) *out = rfc5322::unquote(inside);
    return true;
  }
  const size_t start = i;
  i = rfc5322::find_space_or<';', '('>(v, i);  // an unquoted value ends at a blank, ';' or a comment
  if (i < v.size() && is_control_byte(v[i])) {
    while (i < v.size() && is_control_byte(v[i])) i = rfc5322::find_space_or<';', '('>(v, i + 1);
    return false;
  }
  if (out) out->assign(v.substr(start, i - start));
  return true;
}

// The field a Received-SPF key fills, or nullptr for the keys not kept.
std::string* spf_field(SpfVerdict& spf, std::string_view key) {
  switch (key.size()) {
    case 4: return iequals(key, "helo") ? &spf.helo : nullptr;
    case 8: return iequals(key, "receiver") ? &spf.receiver : iequals(key, "identity") ? &spf.identity : nullptr;
    case 9: return iequals(key, "client-ip") ? &spf.client_ip : nullptr;
    case 13: return iequals(key, "envelope-from") ? &spf.envelope_from : nullptr;
    default: return nullptr;
  }
}

// Reads "key=value; key=value" from `i` on, skipping comments and stray words.
// The first of a repeated key wins; a value is copied only into a field it fills.
// False when the value of a kept key held a control byte and was refused.
bool read_spf_pairs(std::string_view v, size_t i, SpfVerdict& spf) {
  bool readable = true;
  while (i < v.size()) {
    const char c = v[i];
    if (is_space(c) || c == ';') {
      ++i;
      continue;
    }
    if (c == '(') {
      i = skip_comment(v, i);
      continue;
    }
    const size_t key_start = i;
    while (i < v.size() && is_spf_key_char(v[i])) ++i;
    if (i == key_start) {
      ++i;  // a byte that cannot start a key: skip it
      continue;
    }
    const std::string_view key = v.substr(key_start, i - key_start);
    const size_t eq = skip_spaces(v, i);
    if (eq >= v.size() || v[eq] != '=') continue;  // a bare word, not a pair
    i = eq + 1;
    while (i < v.size() && is_space(v[i]) && !is_control_byte(v[i])) ++i;  // a control byte starts the value
    std::string* field = spf_field(spf, key);
    std::string* out = field && field->empty() ? field : nullptr;
    if (!read_spf_value(v, i, out) && out) readable = false;
  }
  return readable;
}

// The word after `pos` in `text` with trailing punctuation trimmed.
std::string_view word_at(std::string_view text, size_t pos) {
  pos = skip_spaces(text, pos);
  const size_t end = rfc5322::find_space_or(text, pos);
  std::string_view word = text.substr(pos, end - pos);
  while (!word.empty() && (word.back() == ',' || word.back() == ';' || word.back() == ')')) word.remove_suffix(1);
  return word;
}

// "domain of X designates ...": X when it is a mailbox. Outlook's "domain of
// transitioning X" is Microsoft wording, not a name.
std::string mailbox_in_comment(std::string_view comment) {
  // Searched without its first letter so "Domain of" matches too, at memchr speed.
  constexpr std::string_view kPhrase = "omain of ";
  size_t at = comment.find(kPhrase);
  while (at != std::string_view::npos && (at == 0 || lower(comment[at - 1]) != 'd')) at = comment.find(kPhrase, at + 1);
  if (at == std::string_view::npos) return {};
  std::string_view word = word_at(comment, at + kPhrase.size());
  if (iequals(word, "transitioning"))
    word = word_at(comment, static_cast<size_t>(word.data() - comment.data()) + word.size());
  if (word.find('@') == std::string_view::npos) return {};
  std::string address;
  normalize_address_into(word, address);  // empty when refused
  return address;
}

// The first word of the comment that is an IP address, as written.
std::string ip_in_comment(std::string_view comment) {
  for (size_t i = 0; i < comment.size();) {
    i = skip_spaces(comment, i);
    const size_t end = rfc5322::find_space_or(comment, i);
    std::string_view word = comment.substr(i, end - i);
    while (!word.empty() && (word.back() == ',' || word.back() == ';' || word.back() == ')' || word.back() == ']'))
      word.remove_suffix(1);
    while (!word.empty() && (word.front() == '[' || word.front() == '(')) word.remove_prefix(1);
    if (word.size() >= 2 && IpAddress::parse(word)) return std::string(word);
    i = end;
  }
  return {};
}

// "mybox.example.org: ..." -> "mybox.example.org" (a host name, no spaces, and
// a space after the colon so an IPv6 address is not cut at its first colon).
std::string receiver_in_comment(std::string_view comment) {
  const size_t colon = comment.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= comment.size() || comment[colon + 1] != ' ')
    return {};
  const std::string_view host = comment.substr(0, colon);
  for (char c : host)
    if (is_space(c)) return {};
  return std::string(host);
}

void fill_from_comment(SpfVerdict& spf) {
  if (spf.comment.empty()) return;
  if (spf.envelope_from.empty()) spf.envelope_from = mailbox_in_comment(spf.comment);
  if (spf.client_ip.empty()) spf.client_ip = ip_in_comment(spf.comment);
  if (spf.receiver.empty()) spf.receiver = receiver_in_comment(spf.comment);
}

// --- Authentication-Results ---------------------------------------------------

enum class TokenKind : uint8_t { word, equals, semicolon };

struct Token {
  TokenKind kind = TokenKind::word;
  std::string_view text;  // the word; for a quoted string its inside, escapes still in
  bool quoted = false;
};

constexpr size_t kMaxTokens = 4096;

// The end of the word starting at `pos`: separators, and the starts of comments
// and quoted strings, end it.
size_t word_end(std::string_view v, size_t pos) { return rfc5322::find_space_or<'(', ')', '"', ';', '='>(v, pos); }

// Splits the value into words, '=' and ';', one token at a time as the parser
// asks, with a few tokens of lookahead (no list of them is built). Comments vanish
// here, which is what lets "dkim (x) / 1 (y) = (z) fail" and "reason (BAH) = ..."
// read like plain pairs. At most kMaxTokens tokens are read from one value.
class TokenStream {
 public:
  static constexpr size_t kLookahead = 4;

  explicit TokenStream(std::string_view v) : v_(v) {}

  /// The token `ahead` (< kLookahead) places on (0: the current one), or nullptr
  /// past the end.
  const Token* peek(size_t ahead) {
    while (buffered_ <= ahead && read_token()) {
    }
    return ahead < buffered_ ? &ring_[(first_ + ahead) % kLookahead] : nullptr;
  }
  bool at(size_t ahead, TokenKind kind) {
    const Token* token = peek(ahead);
    return token && token->kind == kind;
  }
  /// Moves past the current token; there must be one.
  void advance() {
    first_ = (first_ + 1) % kLookahead;
    --buffered_;
  }

 private:
  // Appends the next token to the ring; false at the end or after kMaxTokens.
  bool read_token() {
    while (pos_ < v_.size() && read_ < kMaxTokens) {
      const char c = v_[pos_];
      if ((is_space(c) && !is_control_byte(c)) || c == ')') {
        ++pos_;
      } else if (c == '(') {
        pos_ = skip_comment(v_, pos_);
      } else if (c == ';' || c == '=') {
        return push(c == ';' ? TokenKind::semicolon : TokenKind::equals, v_.substr(pos_++, 1), false);
      } else if (c == '"') {
        bool closed = true;
        const size_t end = skip_quoted_string(v_, pos_, &closed);
        const std::string_view inside = inner_text(v_, pos_, end, closed);
        pos_ = end;
        return push(TokenKind::word, inside, true);
      } else {
        // Control bytes do not end a word: a value holding one is kept whole, to be
        // seen, rather than cut into a readable piece.
        const size_t start = pos_;
        pos_ = word_end(v_, pos_);
        while (pos_ < v_.size() && is_control_byte(v_[pos_])) pos_ = word_end(v_, pos_ + 1);
        return push(TokenKind::word, v_.substr(start, pos_ - start), false);
      }
    }
    return false;
  }
  // Member by member into the ring slot, not a Token built aside and copied in:
  // this runs for every token of every authentication field.
  bool push(TokenKind kind, std::string_view text, bool quoted) {
    Token& slot = ring_[(first_ + buffered_) % kLookahead];
    slot.kind = kind;
    slot.text = text;
    slot.quoted = quoted;
    ++buffered_;
    ++read_;
    return true;
  }

  std::string_view v_;
  size_t pos_ = 0;
  size_t read_ = 0;  // tokens read so far
  std::array<Token, kLookahead> ring_{};
  size_t first_ = 0;     // ring index of the current token
  size_t buffered_ = 0;  // tokens read but not yet passed
};

// The token's text, unquoted; empty for no token.
void assign_token_value(std::string& out, const Token* token) {
  if (!token)
    out.clear();
  else if (token->quoted)
    out = rfc5322::unquote(token->text);
  else
    out.assign(token->text);
}

// Joins the words of a key split by comments ("policy (x) . (y) expired"),
// lowercased; a word that does not continue the key replaces it (junk before the
// real key).
void append_key_part(std::string& key, std::string_view part) {
  constexpr size_t kMaxKey = 256;
  if (part.empty()) return;
  const bool joins =
      key.empty() || key.back() == '.' || key.back() == '/' || part.front() == '.' || part.front() == '/';
  if (!joins) key.clear();
  if (key.size() + part.size() > kMaxKey) return;
  const size_t start = key.size();
  key += part;
  for (size_t i = start; i < key.size(); ++i) key[i] = ascii_lower(key[i]);
}

// Reads one value into results[first, end) of a caller's list: a result already
// there is overwritten (its strings and property list keep their capacity), one
// past the list's end is appended.
struct AuthParser {
  AuthParser(std::string_view value, int instance, std::vector<AuthResult>& list, size_t first_result)
      : tokens(value), arc_instance(instance), results(list), first(first_result), end(first_result) {}

  TokenStream tokens;
  int arc_instance = 0;
  std::string authserv_id;
  std::vector<AuthResult>& results;
  const size_t first;
  size_t end;               // results[first, end) are this value's
  size_t property_count = 0;  // properties written into results[end - 1]
  std::string key;          // the key being read, kept from pair to pair

  // "i=N;" in front of an ARC-Authentication-Results value.
  void skip_arc_instance() {
    const Token* name = tokens.peek(0);
    if (!name || name->kind != TokenKind::word || !iequals(name->text, "i") || !tokens.at(1, TokenKind::equals) ||
        !tokens.at(2, TokenKind::word) || !all_digits(tokens.peek(2)->text))
      return;
    if (arc_instance == 0) arc_instance = small_number(tokens.peek(2)->text).value_or(0);
    const size_t length = tokens.at(3, TokenKind::semicolon) ? 4 : 3;
    for (size_t k = 0; k < length; ++k) tokens.advance();
  }

  // authserv-id [version]; a word directly followed by '=' is a method instead.
  void read_authserv_id() {
    if (!tokens.at(0, TokenKind::word) || tokens.at(1, TokenKind::equals)) return;
    assign_token_value(authserv_id, tokens.peek(0));
    ascii_lowercase_in_place(authserv_id);
    tokens.advance();
    const Token* version = tokens.peek(0);
    if (version && version->kind == TokenKind::word && !version->quoted && all_digits(version->text) &&
        !tokens.at(1, TokenKind::equals))
      tokens.advance();
  }

  // A reused result keeps only the properties written into it.
  void finish_result() {
    if (end > first) results[end - 1].properties.resize(property_count);
  }

  AuthResult& start_result(std::string_view method) {
    finish_result();
    if (end == results.size()) results.emplace_back();
    AuthResult& r = results[end++];
    r.authserv_id = authserv_id;
    r.method.assign(method);
    r.result.clear();
    r.arc_instance = arc_instance;
    property_count = 0;
    return r;
  }

  void add_property(std::string_view name, const Token* value) {
    if (end == first) start_result({});
    std::vector<std::pair<std::string, std::string>>& properties = results[end - 1].properties;
    if (property_count >= kMaxAuthProperties) return;
    if (property_count == properties.size()) {
      if (properties.empty()) properties.reserve(4);  // most results carry one to four: one allocation
      properties.emplace_back();
    }
    auto& [property, text] = properties[property_count++];
    property.assign(name);
    assign_token_value(text, value);
  }

  // One "key = value" at the start of a resinfo group.
  void open_group(const Token* value) {
    if (key == "from") {  // Yahoo: the header From domain
      start_result({});
      add_property("header.from", value);
    } else if (key.find('.') != std::string::npos) {  // a property without a method
      start_result({});
      add_property(key, value);
    } else {
      AuthResult& r = start_result(std::string_view(key).substr(0, key.find('/')));
      assign_token_value(r.result, value);
      ascii_lowercase_in_place(r.result);
    }
  }

  void parse() {
    skip_arc_instance();
    read_authserv_id();
    bool group_start = true;
    while (tokens.peek(0) && end - first < kMaxAuthResults) {
      if (tokens.at(0, TokenKind::semicolon)) {
        group_start = true;
        tokens.advance();
        continue;
      }
      key.clear();
      for (const Token* word; (word = tokens.peek(0)) && word->kind == TokenKind::word; tokens.advance())
        append_key_part(key, word->text);
      if (!tokens.at(0, TokenKind::equals)) continue;  // words without '=' ("none", junk)
      tokens.advance();
      std::optional<Token> value;  // a copy: the stream's slot is reused as it reads on
      if (const Token* word = tokens.peek(0); word && word->kind == TokenKind::word) {
        value = *word;
        tokens.advance();
      }
      if (key.empty()) continue;  // "= value" with no key
      const Token* value_token = value ? &*value : nullptr;
      if (group_start) {
        open_group(value_token);
        group_start = false;
      } else {
        add_property(key, value_token);
      }
    }
    finish_result();
  }
};

// --- DKIM-Signature -----------------------------------------------------------

std::string without_spaces(std::string_view s) {
  std::string out;
  rfc5322::append_without_spaces(out, s);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

void lowercase_domain_part(std::string& identity) {
  const size_t at = identity.rfind('@');
  if (at == std::string::npos) return;
  for (size_t k = at + 1; k < identity.size(); ++k) identity[k] = lower(identity[k]);
}

}  // namespace

std::optional<SpfVerdict> parse_received_spf(std::string_view value, bool* unreadable) {
  SpfVerdict spf;
  size_t i = skip_spaces(value, 0);
  size_t word_end = i;
  while (word_end < value.size() && is_spf_key_char(value[word_end])) ++word_end;
  const std::string_view first = value.substr(i, word_end - i);
  const size_t after = skip_spaces(value, word_end);
  const bool starts_with_pair = after < value.size() && value[after] == '=';
  if (!starts_with_pair) {
    if (!is_spf_result(first)) return std::nullopt;
    spf.result.assign(first);
    ascii_lowercase_in_place(spf.result);
    i = after;
    if (i < value.size() && value[i] == '(') {
      bool closed = true;
      const size_t end = skip_comment(value, i, &closed);
      spf.comment = collapse_spaces(inner_text(value, i, end, closed));
      i = end;
    }
  }
  const bool readable = read_spf_pairs(value, i, spf);
  if (unreadable) *unreadable = !readable;
  std::string envelope_from;
  normalize_address_into(spf.envelope_from, envelope_from);  // empty when refused
  spf.envelope_from = std::move(envelope_from);
  if (iequals(spf.receiver, "<UNKNOWN>")) spf.receiver.clear();
  ascii_lowercase_in_place(spf.identity);
  fill_from_comment(spf);
  if (spf.result.empty() && spf.client_ip.empty() && spf.envelope_from.empty() && spf.helo.empty() &&
      spf.receiver.empty() && spf.identity.empty())
    return std::nullopt;
  return spf;
}

std::vector<AuthResult> parse_authentication_results(std::string_view value, int arc_instance) {
  std::vector<AuthResult> results;
  results.reserve(4);
  parse_authentication_results(value, arc_instance, results, 0);
  return results;
}

size_t parse_authentication_results(std::string_view value, int arc_instance, std::vector<AuthResult>& results,
                                    size_t first) {
  AuthParser parser(value, arc_instance, results, first);
  parser.parse();
  return parser.end;
}

std::optional<int> arc_instance_of(std::string_view value) {
  size_t i = 0;
  auto skip_cfws = [&] {
    while (i < value.size() && (is_space(value[i]) || value[i] == '('))
      i = value[i] == '(' ? skip_comment(value, i) : i + 1;
  };
  skip_cfws();
  if (i >= value.size() || lower(value[i]) != 'i') return std::nullopt;
  ++i;
  skip_cfws();
  if (i >= value.size() || value[i] != '=') return std::nullopt;
  ++i;
  skip_cfws();
  const size_t start = i;
  while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i;
  const std::optional<int> n = small_number(value.substr(start, i - start));
  skip_cfws();
  if (i < value.size() && value[i] != ';') return std::nullopt;
  return n;
}

std::vector<AuthResult> parse_arc_authentication_results(std::string_view value) {
  return parse_authentication_results(value, arc_instance_of(value).value_or(0));
}

std::string_view find_property(const AuthResult& result, std::string_view name) {
  for (const auto& [key, value] : result.properties)
    if (key == name) return value;
  return {};
}

std::optional<DkimSignature> parse_dkim_signature(std::string_view value, bool* unreadable) {
  DkimSignature sig;
  bool found = false;
  if (unreadable) *unreadable = false;
  for (size_t start = 0; start <= value.size();) {
    size_t end = value.find(';', start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view item = value.substr(start, end - start);
    start = end + 1;
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view tag = trim(item.substr(0, eq));
    if (tag.size() != 1) continue;
    std::string* field = nullptr;
    switch (lower(tag[0])) {
      case 'd': field = &sig.domain; break;
      case 's': field = &sig.selector; break;
      case 'i': field = &sig.identity; break;
      case 'a': field = &sig.algorithm; break;
      default: break;
    }
    if (!field || !field->empty()) continue;
    if (holds_control_byte(item.substr(eq + 1))) {  // refused, not cleaned of it
      if (unreadable) *unreadable = true;
      continue;
    }
    *field = without_spaces(item.substr(eq + 1));
    found = found || !field->empty();
  }
  if (!found) return std::nullopt;
  ascii_lowercase_in_place(sig.domain);
  if (!sig.domain.empty() && sig.domain.back() == '.') sig.domain.pop_back();
  lowercase_domain_part(sig.identity);
  return sig;
}

}  // namespace sg
