#include "collectors/html_entities.h"

#include <cstdint>

#include "collectors/mime_text.h"

namespace sg::mime {

namespace {

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

}  // namespace

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

}  // namespace sg::mime
