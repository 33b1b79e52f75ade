#include "collectors/encoded_words.h"

#include <iconv.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <unordered_map>

#include "collectors/iso2022jp.h"
#include "collectors/transfer_decoding.h"
#include "core/word_scan.h"

namespace sg {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kMaxCachedDescriptors = 64;  // labels come from spam: bound the cache
constexpr size_t kMaxLabelLength = 40;
constexpr size_t kMaxEncodedWords = 1000;  // per header value; real ones have a few dozen

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0. When 0,
// `skip` is the length of the maximal ill-formed prefix (at least 1), so a
// truncated character costs one U+FFFD, not one per byte.
size_t utf8_sequence(std::string_view s, size_t& skip) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  skip = 1;
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // > U+10FFFF
  } else {
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    if (i >= s.size()) return 0;
    const unsigned char b = byte(i);
    if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    skip = i + 1;
  }
  return length;
}

// The end of the well-formed UTF-8 starting at `i`.
size_t well_formed_end(std::string_view bytes, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  const auto continuation = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  while ((i = ascii_run_end(bytes, i)) < bytes.size()) {
    // Three-byte characters led by E1..EC (most of CJK text) have no overlong or
    // surrogate forms to rule out: any two continuation bytes complete them.
    while (i + 2 < bytes.size() && byte(i) >= 0xE1 && byte(i) <= 0xEC && continuation(i + 1) && continuation(i + 2))
      i += 3;
    if (i >= bytes.size() || byte(i) < 0x80) continue;
    size_t skip = 1;
    const size_t length = utf8_sequence(bytes.substr(i), skip);
    if (length == 0) break;
    i += length;
  }
  return i;
}

void append_sanitized(std::string& out, std::string_view bytes, size_t* replaced) {
  size_t i = 0;
  while (i < bytes.size()) {
    // Copy well-formed stretches in one go: most text is.
    const size_t end = well_formed_end(bytes, i);
    out.append(bytes.data() + i, end - i);
    i = end;
    if (i >= bytes.size()) break;
    size_t skip = 1;
    utf8_sequence(bytes.substr(i), skip);
    out.append(kReplacement);
    if (replaced) ++*replaced;
    i += skip;
  }
}

// The first CR or LF (or NUL, when `kNulToo`) at or after `i`, or the end.
// Eight bytes at a time.
template <bool kNulToo>
size_t next_stop(std::string_view text, size_t i) {
  const auto stops = [](char c) { return c == '\r' || c == '\n' || (kNulToo && c == '\0'); };
  for (; i + 8 <= text.size(); i += 8) {
    const uint64_t word = load_word(text.data() + i);
    uint64_t marks = bytes_equal(word, '\r') | bytes_equal(word, '\n');
    if constexpr (kNulToo) marks |= bytes_equal(word, 0);
    if (marks) return i + first_marked(marks);
  }
  while (i < text.size() && !stops(text[i])) ++i;
  return i;
}

size_t next_line_break(std::string_view text, size_t i) { return next_stop<false>(text, i); }
size_t next_line_break_or_nul(std::string_view text, size_t i) { return next_stop<true>(text, i); }

bool all_ascii(std::string_view bytes) { return plain_ascii_run(bytes) == bytes.size(); }

// Charsets whose ASCII bytes do not all mean ASCII (so the ASCII fast path is wrong).
bool ascii_compatible(std::string_view name) {
  for (std::string_view prefix : {"UTF-16", "UTF-32", "UCS", "UTF-7", "HZ", "ISO-2022", "UNICODE"})
    if (name.substr(0, prefix.size()) == prefix) return false;
  return true;
}

// What needs no converting: UTF-8 itself, a label that is no charset name (read
// as UTF-8), and ASCII in any charset that keeps ASCII as it is.
bool reads_as_utf8(std::string_view name, std::string_view bytes) {
  return name == "UTF-8" || name.empty() || (ascii_compatible(name) && all_ascii(bytes));
}

bool is_iso2022jp_family(std::string_view name) { return name.substr(0, 11) == "ISO-2022-JP"; }

// Runs `bytes` through `cd`. Each undecodable sequence becomes U+FFFD and the
// converter skips one byte, so the work is linear and always terminates.
Conversion run_iconv(iconv_t cd, std::string_view bytes) {
  Conversion result;
  std::string& out = result.text;
  out.reserve(bytes.size() + bytes.size() / 2 + 16);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  std::array<char, 8192> buffer;
  while (in_left > 0) {
    char* op = buffer.data();
    size_t out_left = buffer.size();
    const size_t r = iconv(cd, &in, &in_left, &op, &out_left);
    const int error = errno;
    out.append(buffer.data(), static_cast<size_t>(op - buffer.data()));
    if (r != static_cast<size_t>(-1)) continue;
    if (error == E2BIG && op != buffer.data()) continue;
    out.append(kReplacement);
    ++result.replaced;
    if (error == EILSEQ && in_left > 0) {
      ++in;
      --in_left;
      continue;
    }
    break;  // EINVAL: truncated sequence at the end
  }
  char* op = buffer.data();
  size_t out_left = buffer.size();
  iconv(cd, nullptr, nullptr, &op, &out_left);  // flush a pending shift sequence
  out.append(buffer.data(), static_cast<size_t>(op - buffer.data()));
  return result;
}

// JIS X 0208 row/cell bytes (0x21..0x7E each) to the Shift_JIS pair for the same
// character; CP932 then covers the NEC and IBM extension rows strict JIS lacks.
void jis_to_sjis(unsigned char j1, unsigned char j2, std::string& out) {
  const unsigned char s1 = static_cast<unsigned char>(((j1 + 1) >> 1) + (j1 <= 0x5E ? 0x70 : 0xB0));
  unsigned char s2;
  if (j1 & 1)
    s2 = static_cast<unsigned char>(j2 + (j2 >= 0x60 ? 0x20 : 0x1F));
  else
    s2 = static_cast<unsigned char>(j2 + 0x7E);
  out.push_back(static_cast<char>(s1));
  out.push_back(static_cast<char>(s2));
}

// The normalised lower-case label, written to `out` (room for kMaxLabelLength
// characters): quotes, blanks and an RFC 2231 "*language" suffix removed.
// Empty when the label holds characters no charset name has.
std::string_view clean_label(std::string_view label, char* out) {
  while (!label.empty() && (is_space(label.front()) || label.front() == '"' || label.front() == '\''))
    label.remove_prefix(1);
  while (!label.empty() && (is_space(label.back()) || label.back() == '"' || label.back() == '\''))
    label.remove_suffix(1);
  if (const size_t star = label.find('*'); star != std::string_view::npos) label = label.substr(0, star);
  if (label.size() > kMaxLabelLength) return {};
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':' || c == '+';
    if (!ok) return {};
    out[i] = lower(c);
  }
  return {out, label.size()};
}

struct Alias {
  std::string_view label;
  std::string_view name;
};

// Labels seen in mail, mapped to the superset iconv needs to read what senders
// actually wrote under them (GBK bytes under gb2312, CP932 under shift_jis, ...).
constexpr Alias kAliases[] = {
    {"utf-8", "UTF-8"}, {"utf8", "UTF-8"}, {"unicode-1-1-utf-8", "UTF-8"}, {"x-unicode20utf8", "UTF-8"},
    {"us-ascii", "UTF-8"}, {"ascii", "UTF-8"}, {"ansi_x3.4-1968", "UTF-8"}, {"iso646-us", "UTF-8"},
    {"us", "UTF-8"}, {"unknown-8bit", "UTF-8"}, {"x-unknown", "UTF-8"}, {"unknown", "UTF-8"},
    {"default", "UTF-8"}, {"x-user-defined", "UTF-8"}, {"8bit", "UTF-8"}, {"7bit", "UTF-8"},
    {"iso-8859-1", "WINDOWS-1252"}, {"iso8859-1", "WINDOWS-1252"}, {"iso_8859-1", "WINDOWS-1252"},
    {"latin1", "WINDOWS-1252"}, {"latin-1", "WINDOWS-1252"}, {"l1", "WINDOWS-1252"}, {"cp819", "WINDOWS-1252"},
    {"iso_8859-1:1987", "WINDOWS-1252"}, {"windows-1252", "WINDOWS-1252"}, {"cp1252", "WINDOWS-1252"},
    {"x-cp1252", "WINDOWS-1252"},
    {"gb2312", "GB18030"}, {"gb_2312-80", "GB18030"}, {"csgb2312", "GB18030"}, {"euc-cn", "GB18030"},
    {"x-euc-cn", "GB18030"}, {"gbk", "GB18030"}, {"x-gbk", "GB18030"}, {"cp936", "GB18030"},
    {"ms936", "GB18030"}, {"windows-936", "GB18030"}, {"chinese", "GB18030"}, {"iso-ir-58", "GB18030"},
    {"csiso58gb231280", "GB18030"}, {"gb18030", "GB18030"}, {"gb2312-80", "GB18030"},
    {"big5", "BIG5-HKSCS"}, {"big-5", "BIG5-HKSCS"}, {"cn-big5", "BIG5-HKSCS"}, {"csbig5", "BIG5-HKSCS"},
    {"x-x-big5", "BIG5-HKSCS"}, {"big5-hkscs", "BIG5-HKSCS"}, {"cp950", "BIG5-HKSCS"},
    {"shift_jis", "CP932"}, {"shift-jis", "CP932"}, {"sjis", "CP932"}, {"x-sjis", "CP932"},
    {"ms_kanji", "CP932"}, {"csshiftjis", "CP932"}, {"windows-31j", "CP932"}, {"cp932", "CP932"},
    {"ms932", "CP932"}, {"x-ms-cp932", "CP932"}, {"shift_jisx0213", "CP932"},
    {"euc-jp", "EUC-JP-MS"}, {"x-euc-jp", "EUC-JP-MS"}, {"eucjp", "EUC-JP-MS"}, {"euc-jp-ms", "EUC-JP-MS"},
    {"cseucpkdfmtjapanese", "EUC-JP-MS"},
    {"iso-2022-jp", "ISO-2022-JP"}, {"csiso2022jp", "ISO-2022-JP"}, {"iso-2022-jp-ms", "ISO-2022-JP"},
    {"cp50220", "ISO-2022-JP"}, {"cp50221", "ISO-2022-JP"}, {"cp50222", "ISO-2022-JP"},
    {"iso-2022-jp-1", "ISO-2022-JP-2"}, {"iso-2022-jp-2", "ISO-2022-JP-2"}, {"csiso2022jp2", "ISO-2022-JP-2"},
    {"iso-2022-jp-3", "ISO-2022-JP-3"},
    {"ks_c_5601-1987", "CP949"}, {"ks_c_5601", "CP949"}, {"ksc5601", "CP949"}, {"euc-kr", "CP949"},
    {"cp949", "CP949"}, {"windows-949", "CP949"}, {"korean", "CP949"}, {"csksc56011987", "CP949"},
    {"iso-ir-149", "CP949"}, {"uhc", "CP949"}, {"x-windows-949", "CP949"},
    {"iso-8859-8-i", "ISO-8859-8"}, {"iso-8859-8-e", "ISO-8859-8"}, {"iso-8859-6-i", "ISO-8859-6"},
    {"iso-8859-6-e", "ISO-8859-6"}, {"visual", "ISO-8859-8"}, {"logical", "ISO-8859-8"},
    {"tis-620", "CP874"}, {"iso-8859-11", "CP874"}, {"windows-874", "CP874"}, {"x-windows-874", "CP874"},
    {"macintosh", "MACINTOSH"}, {"x-mac-roman", "MACINTOSH"}, {"mac", "MACINTOSH"},
    {"utf-16", "UTF-16"}, {"utf-16le", "UTF-16LE"}, {"utf-16be", "UTF-16BE"}, {"utf-32", "UTF-32"},
    {"utf-7", "UTF-7"}, {"unicode-1-1-utf-7", "UTF-7"}, {"x-imap4-modified-utf7", "UTF-7-IMAP"},
};

}  // namespace

void append_encoded_word_bytes(char encoding, std::string_view text, std::string& out) {
  if (upper(encoding) == 'B') {
    append_base64_decoded(text, out);
    return;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
}

bool is_valid_utf8(std::string_view bytes) { return well_formed_end(bytes, 0) == bytes.size(); }

std::string sanitize_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  append_sanitized(out, bytes, nullptr);
  return out;
}

std::string iconv_charset_name(std::string_view label) {
  char buffer[kMaxLabelLength];
  const std::string_view clean = clean_label(label, buffer);
  if (clean.empty()) {
    // An empty label means "not stated": read as UTF-8. A label with odd
    // characters must never reach iconv_open.
    std::string_view trimmed = label;
    while (!trimmed.empty() && (is_space(trimmed.front()) || trimmed.front() == '"')) trimmed.remove_prefix(1);
    while (!trimmed.empty() && (is_space(trimmed.back()) || trimmed.back() == '"')) trimmed.remove_suffix(1);
    return trimmed.empty() ? "UTF-8" : "";
  }
  // Every Subject and text part asks: a hash look-up, not a walk through the list.
  static const std::unordered_map<std::string_view, std::string_view> kNameOfLabel = [] {
    std::unordered_map<std::string_view, std::string_view> names;
    for (const Alias& alias : kAliases) names.emplace(alias.label, alias.name);  // the first of a label wins
    return names;
  }();
  if (const auto alias = kNameOfLabel.find(clean); alias != kNameOfLabel.end()) return std::string(alias->second);
  std::string name;
  name.reserve(clean.size());
  for (char c : clean) name.push_back(upper(c));
  // "windows-1251" and "cp1251" are both known to glibc; "x-" prefixes are not.
  if (name.substr(0, 2) == "X-") name.erase(0, 2);
  return name;
}

struct CharsetDecoder::Impl {
  std::unordered_map<std::string, iconv_t> cache;  // name -> descriptor, or (iconv_t)-1 if unusable
  JapaneseTables japanese;
  std::string decoded;  // append_converted's ISO-2022-JP text, kept for its capacity
  std::string pending;  // decode_header_value_into's encoded-word bytes, kept for their capacity

  // A rare giant header value must not pin its memory for the decoder's life.
  void release_large() {
    constexpr size_t kKeep = 64 * 1024;
    for (std::string* buffer : {&decoded, &pending})
      if (buffer->capacity() > kKeep) std::string().swap(*buffer);
  }

  // iconv_charset_name, remembered for the last two labels: a Subject asks for
  // its words' label and then for the name it gave, word after word.
  struct KnownLabel {
    std::string label;
    std::string name;
    bool used = false;
  };
  std::array<KnownLabel, 2> known_labels;
  size_t older_label = 0;

  std::string charset_name(std::string_view label) {
    for (const KnownLabel& known : known_labels)
      if (known.used && known.label == label) return known.name;
    std::string name = iconv_charset_name(label);
    if (label.size() <= 2 * kMaxLabelLength) {  // a giant label from hostile mail is not kept
      KnownLabel& slot = known_labels[older_label];
      older_label ^= 1;
      slot.label.assign(label);
      slot.name = name;
      slot.used = true;
    }
    return name;
  }

  ~Impl() {
    for (auto& [name, cd] : cache)
      if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }

  // Converts with a cached descriptor. False when iconv has no such charset.
  bool run(const std::string& name, std::string_view bytes, Conversion& out) {
    if (auto it = cache.find(name); it != cache.end()) {
      if (it->second == reinterpret_cast<iconv_t>(-1)) return false;
      out = run_iconv(it->second, bytes);
      return true;
    }
    iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cache.size() < kMaxCachedDescriptors) {
      cache.emplace(name, cd);
      if (cd == reinterpret_cast<iconv_t>(-1)) return false;
      out = run_iconv(cd, bytes);
      return true;
    }
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    out = run_iconv(cd, bytes);  // cache full: one-off descriptor
    iconv_close(cd);
    return true;
  }

  // Whether iconv knows `name`, without converting anything.
  bool usable(const std::string& name) {
    Conversion ignored;
    return run(name, {}, ignored);
  }

  // ISO-2022-JP read through CP932: what CP50220 does, so NEC row 13 (№, ①)
  // and IBM extension characters survive. Also tolerant of raw 8-bit Shift_JIS
  // from mailers that mislabel it.
  Conversion iso2022jp_as_cp932(std::string_view bytes) {
    Conversion out;
    std::string sjis;
    auto flush = [&] {
      if (sjis.empty()) return;
      Conversion part;
      if (run("CP932", sjis, part)) {
        out.text += part.text;
        out.replaced += part.replaced;
      } else {
        append_sanitized(out.text, sjis, &out.replaced);
      }
      sjis.clear();
    };
    auto bad = [&] {
      flush();
      out.text += kReplacement;
      ++out.replaced;
    };
    enum class Mode { ascii, jis0208, kana, jis0212 } mode = Mode::ascii;
    size_t i = 0;
    const auto at = [&](size_t k) { return k < bytes.size() ? static_cast<unsigned char>(bytes[k]) : 0u; };
    while (i < bytes.size()) {
      const unsigned char c = at(i);
      if (c == 0x1B) {
        const std::string_view rest = bytes.substr(i + 1, 3);
        if (rest.substr(0, 2) == "(B" || rest.substr(0, 2) == "(J") {
          mode = Mode::ascii;
          i += 3;
        } else if (rest.substr(0, 2) == "(I") {
          mode = Mode::kana;
          i += 3;
        } else if (rest.substr(0, 2) == "$@" || rest.substr(0, 2) == "$B") {
          mode = Mode::jis0208;
          i += 3;
        } else if (rest == "$(B" || rest == "$(Q" || rest == "$(O") {
          mode = Mode::jis0208;
          i += 4;
        } else if (rest == "$(D") {
          mode = Mode::jis0212;
          i += 4;
        } else if (rest.substr(0, 2) == "&@") {
          i += 3;  // JIS X 0208-1990 announcer: no mode change
        } else {
          bad();
          ++i;
        }
        continue;
      }
      if (c == 0x0E || c == 0x0F) {  // SO/SI: half-width katakana as CP50221 writes it
        mode = c == 0x0E ? Mode::kana : Mode::ascii;
        ++i;
        continue;
      }
      if (c < 0x21 || c == 0x7F) {  // controls and space pass in every mode
        sjis.push_back(static_cast<char>(c));
        ++i;
        continue;
      }
      switch (mode) {
        case Mode::ascii:
          sjis.push_back(static_cast<char>(c));  // 8-bit bytes: read as Shift_JIS
          ++i;
          break;
        case Mode::kana:
          if (c <= 0x5F) sjis.push_back(static_cast<char>(c + 0x80));
          else bad();
          ++i;
          break;
        case Mode::jis0208:
        case Mode::jis0212:
          if (c <= 0x7E && at(i + 1) >= 0x21 && at(i + 1) <= 0x7E) {
            if (mode == Mode::jis0208) jis_to_sjis(c, static_cast<unsigned char>(at(i + 1)), sjis);
            else bad();  // JIS X 0212 has no CP932 equivalent
            i += 2;
          } else {
            bad();
            ++i;
          }
          break;
      }
    }
    flush();
    return out;
  }
};

CharsetDecoder::CharsetDecoder() : impl_(std::make_unique<Impl>()) {}
CharsetDecoder::~CharsetDecoder() = default;

JapaneseTables& CharsetDecoder::japanese_tables() { return impl_->japanese; }

size_t CharsetDecoder::cached_descriptors() const {
  size_t count = 0;
  for (const auto& [name, cd] : impl_->cache)
    if (cd != reinterpret_cast<iconv_t>(-1)) ++count;
  return count;
}

Conversion CharsetDecoder::convert(std::string_view bytes, std::string_view charset) {
  Conversion result;
  const std::string name = impl_->charset_name(charset);
  if (reads_as_utf8(name, bytes)) {
    // ASCII reads the same in every ASCII-compatible charset: no conversion,
    // but still say whether the label was usable.
    result.known_charset = name == "UTF-8" || (!name.empty() && impl_->usable(name));
    append_sanitized(result.text, bytes, &result.replaced);
    return result;
  }
  if (name == "ISO-2022-JP" && decode_common_iso2022jp_into(bytes, impl_->japanese, result.text)) return result;
  if (name == "CP932" && decode_common_cp932_into(bytes, impl_->japanese, result.text)) return result;
  if (!impl_->run(name, bytes, result)) {
    result = Conversion{};
    result.known_charset = false;
    append_sanitized(result.text, bytes, &result.replaced);
    return result;
  }
  // glibc passes escape sequences it does not know (ESC ( I, SO/SI) through as
  // control characters instead of failing: count them as failures too.
  if (is_iso2022jp_family(name)) {
    size_t leaked = 0;
    for (char c : result.text) leaked += (c == 0x1B || c == 0x0E || c == 0x0F) ? 1 : 0;
    if (result.replaced + leaked > 0) {
      Conversion relaxed = impl_->iso2022jp_as_cp932(bytes);
      if (relaxed.replaced < result.replaced + leaked) return relaxed;
      std::string scrubbed;
      for (char c : result.text) {
        if (c == 0x1B || c == 0x0E || c == 0x0F) scrubbed += kReplacement;
        else scrubbed.push_back(c);
      }
      result.text = std::move(scrubbed);
      result.replaced += leaked;
    }
  }
  return result;
}

void CharsetDecoder::append_converted(std::string_view bytes, std::string_view charset, std::string& out) {
  const std::string name = impl_->charset_name(charset);
  if (reads_as_utf8(name, bytes)) {
    if (name != "UTF-8" && !name.empty()) impl_->usable(name);  // leaves the descriptor cache as convert() does
    append_sanitized(out, bytes, nullptr);
    return;
  }
  if (name == "ISO-2022-JP" && decode_common_iso2022jp_into(bytes, impl_->japanese, impl_->decoded)) {
    out += impl_->decoded;
    return;
  }
  out += convert(bytes, charset).text;
}

namespace {

// One RFC 2047 encoded word found in a header value.
struct EncodedWord {
  std::string_view charset;
  char encoding = 0;  // 'B' or 'Q'
  std::string_view payload;
  size_t end = 0;  // index just past "?="
};

// Parses "=?charset?X?payload?=" at `pos` (which holds "=?").
bool parse_encoded_word(std::string_view text, size_t pos, EncodedWord& word) {
  const size_t charset_begin = pos + 2;
  const size_t q1 = text.find('?', charset_begin);
  if (q1 == std::string_view::npos || q1 == charset_begin || q1 - charset_begin > 64) return false;
  for (size_t i = charset_begin; i < q1; ++i)
    if (static_cast<unsigned char>(text[i]) <= ' ' || static_cast<unsigned char>(text[i]) >= 0x7F) return false;
  if (q1 + 2 >= text.size() || text[q1 + 2] != '?') return false;
  const char encoding = upper(text[q1 + 1]);
  if (encoding != 'B' && encoding != 'Q') return false;
  const size_t payload_begin = q1 + 3;
  const size_t q2 = text.find('?', payload_begin);
  if (q2 == std::string_view::npos || q2 + 1 >= text.size() || text[q2 + 1] != '=') return false;
  word.charset = text.substr(charset_begin, q1 - charset_begin);
  word.encoding = encoding;
  word.payload = text.substr(payload_begin, q2 - payload_begin);
  word.end = q2 + 2;
  return true;
}

// `raw` without its line-break bytes (the blanks after them stay): `raw` itself
// when it has none (callers mostly pass values they unfolded already), else a
// copy in `storage`.
std::string_view without_line_breaks(std::string_view raw, std::string& storage) {
  size_t end = next_line_break(raw, 0);
  if (end == raw.size()) return raw;
  storage.reserve(raw.size());
  for (size_t pos = 0;;) {
    storage.append(raw.data() + pos, end - pos);
    if (end >= raw.size()) break;
    pos = end + 1;  // skip the '\r' or '\n'
    end = next_line_break(raw, pos);
  }
  return storage;
}

bool only_blanks(std::string_view text) {
  for (char c : text)
    if (!is_space(c)) return false;
  return true;
}

}  // namespace

void CharsetDecoder::decode_header_value_into(std::string_view raw, std::string& out,
                                              std::string_view fallback_charset) {
  // Unfold: line breaks go, the blank that follows them stays.
  std::string unfolded;
  const std::string_view view = without_line_breaks(raw, unfolded);

  out.clear();
  out.reserve(view.size());
  std::string& pending = impl_->pending;  // bytes of adjacent encoded words in one charset
  pending.clear();
  std::string pending_charset;  // normalised label of `pending`
  bool has_pending = false;

  auto flush = [&] {
    if (!has_pending) return;
    append_converted(pending, pending_charset, out);
    pending.clear();
    has_pending = false;
  };
  auto append_literal = [&](std::string_view literal) {
    if (literal.empty()) return;
    if (!fallback_charset.empty() && !is_valid_utf8(literal)) append_converted(literal, fallback_charset, out);
    else append_sanitized(out, literal, nullptr);
  };

  size_t literal_begin = 0;
  size_t pos = 0;
  size_t words = 0;
  while (words < kMaxEncodedWords && (pos = view.find("=?", pos)) != std::string_view::npos) {
    EncodedWord word;
    if (!parse_encoded_word(view, pos, word)) {
      pos += 2;
      continue;
    }
    const std::string_view between = view.substr(literal_begin, pos - literal_begin);
    if (!(has_pending && only_blanks(between))) {
      flush();
      append_literal(between);
    }
    ++words;
    std::string charset = impl_->charset_name(word.charset);
    if (!has_pending || charset != pending_charset) {
      flush();
      // An unusable label keeps its own identity so it is not merged with others.
      pending_charset = charset.empty() ? std::string(word.charset) : std::move(charset);
      has_pending = true;
    }
    append_encoded_word_bytes(word.encoding, word.payload, pending);
    pos = literal_begin = word.end;
  }
  flush();
  append_literal(view.substr(literal_begin));
  impl_->release_large();

  // Decoded words may carry CR, LF or NUL: a header value is one line of text.
  for (size_t i = next_line_break_or_nul(out, 0); i < out.size(); i = next_line_break_or_nul(out, i + 1)) out[i] = ' ';
  size_t begin = 0, end = out.size();
  while (begin < end && is_space(out[begin])) ++begin;
  while (end > begin && is_space(out[end - 1])) --end;
  out.resize(end);  // trimmed in place: no second string
  out.erase(0, begin);
}

}  // namespace sg
