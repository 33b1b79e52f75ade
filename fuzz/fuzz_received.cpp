// libFuzzer target: one Received header value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/received.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sg::Hop hop = sg::parse_received(std::string_view(reinterpret_cast<const char*>(data), size));
  sink = hop.from_helo.size() + hop.from_rdns.size() + hop.by.size() + (hop.from_ip ? 1 : 0);
  return 0;
}
