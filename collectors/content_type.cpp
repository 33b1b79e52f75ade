#include "collectors/content_type.h"

#include "collectors/mime_text.h"

namespace sg {

namespace mime {

namespace {

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

}  // namespace

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

}  // namespace mime

ContentType parse_content_type(std::string_view value) {
  using namespace mime;
  ParameterBuffers buffers;
  const ContentTypeView view = read_content_type(value, buffers);
  return {to_lower(view.type), to_lower(view.subtype), std::string(view.boundary), to_lower(view.charset)};
}

}  // namespace sg
