// Decoding a raw DNS response message (RFC 1035 section 4) into records.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "enrich/dns/types.h"

namespace sg::dns {

/// The parts of a response spamgraph uses.
struct Message {
  uint16_t id = 0;
  uint8_t rcode = 0;              ///< low 4 bits of the header flags
  bool truncated = false;         ///< TC bit
  std::vector<Record> answers;    ///< the answer section, decoded
};

/// Decodes a response. Names are expanded with c-ares (compression pointers
/// included), lower-cased and stripped of the trailing dot. A pure function of the
/// bytes, so a stored answer can be re-derived later. Errors name the byte offset.
Result<Message> parse_message(std::string_view wire);

/// Maps an RCODE to a Status.
Status status_from_rcode(uint8_t rcode);

}  // namespace sg::dns
