// libFuzzer target: bytes as a stream of IMAP server responses, framed in pieces
// of varying size (as a socket delivers them) under small limits, each response
// read as FETCH, LIST and SEARCH data. Nothing may crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "collectors/imap/imap_response.h"
#include "collectors/imap/mailbox_name.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte chooses how many bytes arrive at a time.
  const size_t piece = 1 + data[0] % 97;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  sg::imap::ResponseLimits limits;
  limits.max_line = 4096;
  limits.max_literal = 8192;
  limits.max_literals = 8;
  sg::imap::ResponseFramer framer(limits);
  size_t start = 0;
  size_t available = 0;
  std::vector<uint64_t> uids;
  while (start < bytes.size()) {
    available = std::min(bytes.size(), available + piece);
    auto length = framer.complete_length(bytes.substr(start, available - start));
    if (!length) return 0;
    while (*length > 0) {
      auto response = sg::imap::parse_response(bytes.substr(start, *length));
      if (response) {
        if (auto item = sg::imap::read_fetch(*response)) sink = sink + item->flags.size() + item->header.has_value();
        if (auto listed = sg::imap::read_list(*response)) {
          auto name = sg::imap::decode_mailbox_name(listed->raw_name);
          sink = sink + (name ? name->size() : 0);
        }
        uids.clear();
        (void)sg::imap::read_search(*response, uids, 10000);
        sink = sink + uids.size() + sg::imap::code_number(response->code, "UIDVALIDITY").value_or(0);
      }
      start += *length;
      length = framer.complete_length(bytes.substr(start, available - start));
      if (!length) return 0;
    }
    if (available == bytes.size()) break;
  }
  return 0;
}
