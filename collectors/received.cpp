#include "collectors/received.h"

namespace sg {

Hop parse_received(std::string_view value) {
  Hop hop;
  hop.raw.assign(value);
  hop.parsed = false;
  return hop;
}

}  // namespace sg
