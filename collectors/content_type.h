// Content-Type field values (RFC 2045 §5.1, RFC 2231 parameters), read leniently.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// A Content-Type value, parsed. Names are lower case; empty when absent.
struct ContentType {
  std::string type;      ///< "text", "multipart", ...
  std::string subtype;   ///< "plain", "html", "mixed", ...
  std::string boundary;  ///< boundary= (quotes removed, case kept)
  std::string charset;   ///< charset= (lower case)
};

/// Parses a Content-Type field value leniently: missing subtype, spaces around
/// '=', quoted or bare values, RFC 2231 "charset*=utf-8''x" forms.
ContentType parse_content_type(std::string_view value);

namespace mime {

// A Content-Type value read in place: type and subtype as written (compare
// them with iequals), parameters with quotes removed and charset= trimmed but
// not lower-cased. Views into the value, or into ParameterBuffers when a
// quoted parameter held backslash escapes.
struct ContentTypeView {
  std::string_view type;
  std::string_view subtype;
  std::string_view boundary;
  std::string_view charset;
};

// Where unescaped quoted parameters are kept (rare: real mail quotes no quotes).
struct ParameterBuffers {
  std::string boundary;
  std::string charset;
  std::string unescaped;
};

/// parse_content_type without copies, for the body walk: a view of `value`.
ContentTypeView read_content_type(std::string_view value, ParameterBuffers& buffers);

}  // namespace mime

}  // namespace sg
