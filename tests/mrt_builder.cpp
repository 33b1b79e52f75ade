#include "tests/mrt_builder.h"

#include "core/ip.h"

namespace sg::test {

namespace {

void put16(std::string& out, uint32_t value) {
  out.push_back(static_cast<char>(value >> 8 & 0xFF));
  out.push_back(static_cast<char>(value & 0xFF));
}

void put32(std::string& out, uint32_t value) {
  put16(out, value >> 16);
  put16(out, value & 0xFFFF);
}

std::string record(uint32_t time, uint16_t type, uint16_t subtype, const std::string& body) {
  std::string out;
  put32(out, time);
  put16(out, type);
  put16(out, subtype);
  put32(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

/// A prefix as NLRI: length, then the bytes it needs.
std::string nlri(const std::string& text) {
  const auto prefix = IpPrefix::parse(text);
  std::string out;
  out.push_back(static_cast<char>(prefix->length));
  for (int i = 0; i < (prefix->length + 7) / 8; ++i) out.push_back(static_cast<char>(prefix->network.bytes()[i]));
  return out;
}

std::string attributes(const std::vector<uint32_t>& path, uint32_t next_hop) {
  std::string out("\x40\x01\x01\x00", 4);  // ORIGIN IGP
  std::string segment;
  segment.push_back(2);  // AS_SEQUENCE
  segment.push_back(static_cast<char>(path.size()));
  for (uint32_t asn : path) put32(segment, asn);
  out += std::string("\x40\x02", 2);
  out.push_back(static_cast<char>(segment.size()));
  out += segment;
  out += std::string("\x40\x03\x04", 3);
  put32(out, next_hop);
  return out;
}

}  // namespace

std::string build_rib(uint32_t time, int peers, const std::vector<TestRoute>& routes) {
  std::string table;
  put32(table, 0xC0000201);  // collector BGP id
  put16(table, 0);           // no view name
  put16(table, static_cast<uint32_t>(peers));
  for (int i = 0; i < peers; ++i) {
    table.push_back(2);  // IPv4 peer, 4-byte AS
    put32(table, 0x0A000001u + static_cast<uint32_t>(i));
    put32(table, 0x0A000001u + static_cast<uint32_t>(i));
    put32(table, 64501u + static_cast<uint32_t>(i));
  }
  std::string out = record(time, 13, 1, table);
  uint32_t sequence = 0;
  for (const TestRoute& route : routes) {
    std::string body;
    put32(body, sequence++);
    body += nlri(route.prefix);
    uint32_t entries = 0;
    for (const auto& path : route.paths) entries += path.empty() ? 0 : 1;
    put16(body, entries);
    for (size_t peer = 0; peer < route.paths.size(); ++peer) {
      if (route.paths[peer].empty()) continue;
      put16(body, static_cast<uint32_t>(peer));
      put32(body, time - 3600);
      const std::string attrs = attributes(route.paths[peer], 0x0A000001u + static_cast<uint32_t>(peer));
      put16(body, static_cast<uint32_t>(attrs.size()));
      body += attrs;
    }
    out += record(time, 13, 2, body);
  }
  return out;
}

std::string build_update(uint32_t time, const std::vector<std::string>& withdrawn,
                         const std::vector<std::string>& announced, const std::vector<uint32_t>& path) {
  std::string withdrawn_bytes;
  for (const auto& prefix : withdrawn) withdrawn_bytes += nlri(prefix);
  const std::string attrs = announced.empty() ? std::string() : attributes(path, 0x0A000001u);
  std::string message;
  put16(message, static_cast<uint32_t>(withdrawn_bytes.size()));
  message += withdrawn_bytes;
  put16(message, static_cast<uint32_t>(attrs.size()));
  message += attrs;
  for (const auto& prefix : announced) message += nlri(prefix);
  std::string body;
  put32(body, 64501);   // peer AS
  put32(body, 65000);   // local AS
  put16(body, 0);       // interface
  put16(body, 1);       // IPv4
  put32(body, 0x0A000001u);
  put32(body, 0x0A0000FEu);
  body += std::string(16, '\xFF');
  put16(body, static_cast<uint32_t>(19 + message.size()));
  body.push_back(2);  // UPDATE
  body += message;
  return record(time, 16, 4, body);
}

}  // namespace sg::test
