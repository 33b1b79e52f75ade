// libFuzzer target: one raw DNS response, as a server (or an attacker on the path)
// may send it: parse_message, then derive, which re-reads stored answers the same way.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "enrich/dns/derive.h"
#include "enrich/dns/wire.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto message = sg::dns::parse_message(bytes);
  if (message) sink = message->answers.size() + message->rcode;
  // The first byte picks the query type derive reads the answer as.
  using sg::dns::RecordType;
  static const RecordType kTypes[] = {RecordType::A,   RecordType::AAAA, RecordType::PTR, RecordType::MX,
                                      RecordType::NS,  RecordType::TXT,  RecordType::CNAME};
  if (size == 0) return 0;
  sg::dns::StoredLookup lookup;
  lookup.query.type = kTypes[data[0] % std::size(kTypes)];
  lookup.query.name = lookup.query.type == RecordType::PTR ? "1.2.0.192.in-addr.arpa" : "a.example";
  lookup.raw = {std::string(bytes.substr(1))};
  const sg::dns::Derived derived = sg::dns::derive(lookup);
  sink = derived.observations.size() + derived.skipped.size();
  return 0;
}
