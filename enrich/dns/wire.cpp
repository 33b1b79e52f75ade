#include "enrich/dns/wire.h"

#include <ares.h>
#include <arpa/inet.h>

#include <string>

namespace sg::dns {
namespace {

constexpr size_t kHeaderSize = 12;

uint16_t read16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t read32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

Error wire_error(const std::string& message, size_t offset) {
  return Error{message, "dns answer byte " + std::to_string(offset)};
}

/// Expands the name at `pos`; advances `pos` past it.
Result<std::string> expand(const unsigned char* buf, size_t len, size_t& pos) {
  char* name = nullptr;
  long used = 0;
  if (ares_expand_name(buf + pos, buf, static_cast<int>(len), &name, &used) != ARES_SUCCESS) {
    return wire_error("bad domain name", pos);
  }
  std::string out = normalize_name(name);
  ares_free_string(name);
  pos += static_cast<size_t>(used);
  return out;
}

/// Decodes the RDATA of `record` (bytes [pos, end) of `buf`).
bool decode_rdata(const unsigned char* buf, size_t len, size_t pos, size_t end, Record& record) {
  const size_t rdlen = end - pos;
  switch (record.type) {
    case RecordType::A:
    case RecordType::AAAA: {
      const bool v4 = record.type == RecordType::A;
      if (rdlen != (v4 ? 4u : 16u)) return false;
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(v4 ? AF_INET : AF_INET6, buf + pos, text, sizeof text);
      record.value = text;
      return true;
    }
    case RecordType::MX:
      if (rdlen < 3) return false;
      record.preference = read16(buf + pos);
      pos += 2;
      [[fallthrough]];
    case RecordType::NS:
    case RecordType::CNAME:
    case RecordType::PTR: {
      auto name = expand(buf, len, pos);
      if (!name || pos > end) return false;
      record.value = std::move(name.value());
      return true;
    }
    case RecordType::TXT:
      while (pos < end) {
        const size_t n = buf[pos++];
        if (pos + n > end) return false;
        record.value.append(reinterpret_cast<const char*>(buf + pos), n);
        pos += n;
      }
      return true;
  }
  return true;  // other types: value left empty
}

}  // namespace

Status status_from_rcode(uint8_t rcode) {
  switch (rcode) {
    case 0: return Status::NoError;
    case 1: return Status::FormErr;
    case 2: return Status::ServFail;
    case 3: return Status::NxDomain;
    case 4: return Status::NotImp;
    case 5: return Status::Refused;
    default: return Status::OtherRcode;
  }
}

Result<Message> parse_message(std::string_view wire) {
  const auto* buf = reinterpret_cast<const unsigned char*>(wire.data());
  const size_t len = wire.size();
  if (len < kHeaderSize) return wire_error("shorter than a DNS header", 0);
  Message message;
  message.id = read16(buf);
  message.truncated = (buf[2] & 0x02) != 0;
  message.rcode = buf[3] & 0x0f;
  const uint16_t qdcount = read16(buf + 4);
  const uint16_t ancount = read16(buf + 6);
  size_t pos = kHeaderSize;
  for (uint16_t i = 0; i < qdcount; ++i) {
    auto name = expand(buf, len, pos);
    if (!name) return name.error();
    if (pos + 4 > len) return wire_error("question cut short", pos);
    pos += 4;
  }
  for (uint16_t i = 0; i < ancount; ++i) {
    const size_t start = pos;
    auto name = expand(buf, len, pos);
    if (!name) return name.error();
    if (pos + 10 > len) return wire_error("record header cut short", start);
    Record record;
    record.name = std::move(name.value());
    record.type = static_cast<RecordType>(read16(buf + pos));
    record.ttl = read32(buf + pos + 4);
    const size_t rdlen = read16(buf + pos + 8);
    pos += 10;
    if (pos + rdlen > len) return wire_error("record data cut short", start);
    if (!decode_rdata(buf, len, pos, pos + rdlen, record)) {
      return wire_error("bad " + to_string(record.type) + " record data", pos);
    }
    pos += rdlen;
    message.answers.push_back(std::move(record));
  }
  return message;
}

}  // namespace sg::dns
