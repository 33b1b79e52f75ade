#include "collectors/url_scan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "collectors/encoded_words.h"
#include "collectors/html_entities.h"
#include "collectors/mime_text.h"
#include "collectors/mime_urls.h"
#include "collectors/unreadable.h"
#include "core/domain.h"

namespace sg {

namespace mime {

namespace {

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
    const scan::Block block = scan::load(rest.data() + end);
    const scan::Block special = scan::equal(block, '/') | scan::equal(block, '?') | scan::equal(block, '#') |
                                scan::equal(block, '\\') | scan::equal(block, ' ') | scan::equal(block, '@') |
                                scan::equal(block, ':');
    if (const unsigned marks = scan::mask(special)) {
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

}  // namespace mime

std::string_view url_host_view(std::string_view url) {
  using namespace mime;
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

namespace mime {

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
    const scan::Block block = scan::load(authority.data() + i);
    const scan::Block folded = block | scan::splat(0x20);  // 'A'..'Z' onto 'a'..'z'; no other byte lands there
    const scan::Block alnum = scan::between(folded, 'a', 'z') | scan::between(block, '0', '9');
    const scan::Block in_name = alnum | scan::equal(block, '.') | scan::equal(block, '-') | scan::equal(block, '_');
    if (scan::mask(alnum)) classes |= kNameAlnum;
    if (scan::mask(in_name) != 0xFFFF) classes |= kNotInName;
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

}  // namespace

// The collector itself: URLs in order, without duplicates, up to a cap.
class UrlCollector::Impl {
 public:
  Impl(size_t max_urls, size_t max_length, UrlBuffers& buffers)
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
    for (; i + 16 <= text.size(); i += 16) {
      const scan::Block b = scan::load(text.data() + i);
      const scan::Block pair = b | scan::splat(2);  // '<' and '>', '\\' and '^' differ only in that bit
      // The complement of kUrlChar: controls, space, non-ASCII, '{' '|' '}' DEL, and the quotes and brackets.
      scan::Block stops = scan::signed_below(b, 0x21) | scan::between(b, 0x7B, 0x7D) | scan::equal(b, 0x7F) |
                          scan::equal(b, '"') | scan::equal(b, '\'') | scan::equal(b, '`') | scan::equal(pair, '>') |
                          scan::equal(pair, '^');
      if constexpr (authority) stops = stops | scan::equal(b, '/') | scan::equal(b, '?') | scan::equal(b, '#');
      if (const unsigned marks = scan::mask(stops))
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
  // time find the few ':', '.' and (in HTML) '=' worth a closer look.
  template <bool html>
  static size_t next_trigger(std::string_view text, size_t i) {
    const size_t n = text.size();
    const auto candidates = [&](size_t at) {  // one bit per ':', '.' (and '=') of the 16 bytes at `at`
      const scan::Block block = scan::load(text.data() + at);
      scan::Block hits = scan::equal(block, ':') | scan::equal(block, '.');
      if constexpr (html) hits = hits | scan::equal(block, '=');
      return scan::mask(hits);
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

UrlCollector::UrlCollector(size_t max_urls, size_t max_length, UrlBuffers& buffers)
    : impl_(std::make_unique<Impl>(max_urls, max_length, buffers)) {}
UrlCollector::~UrlCollector() = default;

void UrlCollector::scan(std::string_view text, bool html, CharsetDecoder* decoder, std::string_view charset) {
  impl_->scan(text, html, decoder, charset);
}
bool UrlCollector::full() const { return impl_->full(); }
std::vector<std::string> UrlCollector::take_notes() { return impl_->take_notes(); }
std::span<const std::string> UrlCollector::urls() const { return impl_->urls(); }

}  // namespace mime

std::vector<std::string> extract_text_urls(std::string_view text, bool html, size_t max_urls) {
  mime::UrlBuffers buffers;
  mime::UrlCollector collector(max_urls, MimeLimits{}.max_url_length, buffers);
  collector.scan(text, html);
  const std::span<const std::string> urls = collector.urls();
  return {urls.begin(), urls.end()};
}

std::string url_host(std::string_view url) { return mime::to_lower(url_host_view(url)); }

}  // namespace sg
