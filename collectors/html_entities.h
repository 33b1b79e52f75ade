// HTML character references, decoded as far as finding URLs needs.
#pragma once
#include <string>
#include <string_view>

namespace sg::mime {

/// `text` with its numeric character references ("&#58;", "&#x2F;") and the
/// named ones that hide URLs ("&amp;", "&colon;", "&sol;", ...) decoded; others
/// are kept as written. Internal to collectors/: the URL scanner's.
std::string decode_entities(std::string_view text);

}  // namespace sg::mime
