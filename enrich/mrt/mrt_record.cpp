#include "enrich/mrt/mrt_record.h"

#include <cstring>

#include "enrich/mrt/wire.h"

namespace sg::mrt {

namespace {

/// A cursor over a body that refuses to read past its end.
struct Cursor {
  std::string_view data;
  size_t at = 0;

  size_t left() const { return data.size() - at; }
  bool take(size_t n, std::string_view& out) {
    if (left() < n) return false;
    out = data.substr(at, n);
    at += n;
    return true;
  }
  bool u8(uint8_t& out) {
    if (left() < 1) return false;
    out = static_cast<uint8_t>(data[at++]);
    return true;
  }
  bool u16(uint16_t& out) {
    if (left() < 2) return false;
    out = wire::u16(data.data() + at);
    at += 2;
    return true;
  }
  bool u32(uint32_t& out) {
    if (left() < 4) return false;
    out = wire::u32(data.data() + at);
    at += 4;
    return true;
  }
  bool asn(uint8_t size, uint32_t& out) {
    if (size == 4) return u32(out);
    uint16_t small = 0;
    if (!u16(small)) return false;
    out = small;
    return true;
  }
  bool address(bool v6, WireAddress& out) {
    const size_t n = v6 ? 16 : 4;
    if (left() < n) return false;
    out.bytes.fill(0);
    std::memcpy(out.bytes.data(), data.data() + at, n);
    out.v6 = v6;
    at += n;
    return true;
  }
  /// A prefix written as length + the bytes it needs (RIB records, TABLE_DUMP_V2).
  bool prefix(bool v6, NlriPrefix& out) {
    uint8_t bits = 0;
    if (!u8(bits) || bits > (v6 ? 128 : 32)) return false;
    const size_t bytes = (bits + 7u) / 8u;
    if (left() < bytes) return false;
    out = NlriPrefix{};
    std::memcpy(out.bytes.data(), data.data() + at, bytes);
    at += bytes;
    out.length = bits;
    out.v6 = v6;
    if (bits % 8 != 0) {
      const uint8_t mask = static_cast<uint8_t>(0xFF00u >> (bits % 8));
      out.host_bits = (out.bytes[bytes - 1] & ~mask) != 0;
      out.bytes[bytes - 1] &= mask;
    }
    return true;
  }
};

}  // namespace

bool is_add_path(uint16_t type, uint16_t subtype) {
  if (type == kTableDumpV2) return subtype >= kRibIpv4UnicastAddPath && subtype <= kRibGenericAddPath;
  if (type == kBgp4mp || type == kBgp4mpEt) return subtype >= kMessageAddPath && subtype <= kMessageAs4LocalAddPath;
  return false;
}

std::string parse_peer_index_table(std::string_view body, PeerIndexTable& out) {
  out = PeerIndexTable{};
  Cursor in{body};
  uint16_t name_length = 0;
  std::string_view name;
  uint16_t count = 0;
  if (!in.u32(out.collector_bgp_id) || !in.u16(name_length) || !in.take(name_length, name) || !in.u16(count)) {
    return "PEER_INDEX_TABLE header cut short";
  }
  out.view_name.assign(name);
  out.peers.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    uint8_t peer_type = 0;
    Peer peer;
    if (!in.u8(peer_type) || !in.u32(peer.bgp_id) || !in.address((peer_type & 1) != 0, peer.ip) ||
        !in.asn((peer_type & 2) != 0 ? 4 : 2, peer.asn)) {
      return "PEER_INDEX_TABLE cut short at peer " + std::to_string(i) + " of " + std::to_string(count);
    }
    out.peers.push_back(peer);
  }
  return "";
}

std::string parse_rib(uint16_t subtype, std::string_view body, RibRecord& out) {
  out.entries.clear();
  out.add_path = is_add_path(kTableDumpV2, subtype);
  out.generic = subtype == kRibGeneric || subtype == kRibGenericAddPath;
  out.generic_readable = true;
  out.prefix = NlriPrefix{};
  Cursor in{body};
  if (!in.u32(out.sequence)) return "RIB record cut short";
  if (out.generic) {
    if (!in.u16(out.afi) || !in.u8(out.safi)) return "RIB_GENERIC header cut short";
    // Only plain unicast and multicast NLRI are prefixes we know how to read; VPN
    // and other families have labels and route distinguishers first.
    out.generic_readable = (out.afi == kAfiIpv4 || out.afi == kAfiIpv6) && (out.safi == 1 || out.safi == 2);
    if (!out.generic_readable) return "";
    NlriReader nlri{body.substr(in.at), out.afi == kAfiIpv6, out.add_path};
    // The NLRI of RIB_GENERIC is one prefix; its length is found by decoding it.
    const size_t before = nlri.data.size();
    if (!nlri.next(out.prefix)) return "RIB_GENERIC prefix cut short";
    in.at += before - nlri.data.size();
  } else {
    const bool v6 = subtype == kRibIpv6Unicast || subtype == kRibIpv6Multicast || subtype == kRibIpv6UnicastAddPath ||
                    subtype == kRibIpv6MulticastAddPath;
    out.afi = v6 ? kAfiIpv6 : kAfiIpv4;
    out.safi = (subtype == kRibIpv4Multicast || subtype == kRibIpv6Multicast || subtype == kRibIpv4MulticastAddPath ||
                subtype == kRibIpv6MulticastAddPath)
                   ? 2
                   : 1;
    if (!in.prefix(v6, out.prefix)) return "RIB prefix cut short or longer than its family";
  }
  uint16_t count = 0;
  if (!in.u16(count)) return "RIB entry count cut short";
  out.entries.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    RibEntry entry;
    uint16_t length = 0;
    if (!in.u16(entry.peer_index) || !in.u32(entry.originated) || (out.add_path && !in.u32(entry.path_id)) ||
        !in.u16(length) || !in.take(length, entry.attributes)) {
      return "RIB entry " + std::to_string(i) + " of " + std::to_string(count) + " cut short";
    }
    out.entries.push_back(entry);
  }
  if (in.left() != 0) return std::to_string(in.left()) + " bytes after the last RIB entry";
  return "";
}

namespace {

/// One TABLE_DUMP entry from `in`; `with_view` = it starts with view and sequence.
std::string read_table_dump_entry(uint16_t subtype, Cursor& in, bool with_view, TableDumpEntry& out) {
  out = TableDumpEntry{};
  const bool v6 = subtype == 2 || subtype == 4;
  out.asn_size = subtype >= 3 ? 4 : 2;
  WireAddress prefix;
  uint8_t length = 0;
  uint16_t attribute_length = 0;
  if ((with_view && (!in.u16(out.view) || !in.u16(out.sequence))) || !in.address(v6, prefix) || !in.u8(length) ||
      !in.u8(out.status) || !in.u32(out.originated) || !in.address(v6, out.peer_ip) ||
      !in.asn(out.asn_size, out.peer_as) || !in.u16(attribute_length)) {
    return "TABLE_DUMP entry cut short";
  }
  if (length > (v6 ? 128 : 32)) return "TABLE_DUMP prefix length " + std::to_string(length) + " exceeds its family";
  out.prefix.bytes = prefix.bytes;
  out.prefix.length = length;
  out.prefix.v6 = v6;
  if (!in.take(attribute_length, out.attributes)) {
    return "TABLE_DUMP attributes (" + std::to_string(attribute_length) + " bytes) longer than the record";
  }
  return "";
}

}  // namespace

std::string parse_table_dump_into(uint16_t subtype, std::string_view body, std::vector<TableDumpEntry>& out) {
  out.clear();
  if (subtype < 1 || subtype > 4) return "TABLE_DUMP subtype " + std::to_string(subtype) + " is no address family";
  Cursor in{body};
  while (in.left() > 0) {
    TableDumpEntry entry;
    std::string problem = read_table_dump_entry(subtype, in, out.empty(), entry);
    if (!problem.empty()) {
      if (!out.empty()) problem = "entry " + std::to_string(out.size() + 1) + ": " + problem;
      return problem;
    }
    out.push_back(entry);
  }
  if (out.empty()) return "empty TABLE_DUMP record";
  return "";
}

namespace {

std::string split_update(std::string_view message, BgpMessage& out) {
  Cursor in{message};
  uint16_t withdrawn_length = 0;
  uint16_t attribute_length = 0;
  if (!in.u16(withdrawn_length)) return "UPDATE cut short";
  if (!in.take(withdrawn_length, out.withdrawn)) {
    // What fits is still read: the prefixes of a cut list that are whole are real.
    out.withdrawn = message.substr(in.at);
    return "UPDATE withdrawn routes (" + std::to_string(withdrawn_length) + " bytes) longer than the message";
  }
  if (!in.u16(attribute_length) || !in.take(attribute_length, out.attributes)) return "UPDATE attributes cut short";
  out.announced = message.substr(in.at);
  return "";
}

}  // namespace

std::string parse_bgp4mp_message(uint16_t subtype, std::string_view body, BgpMessage& out) {
  out = BgpMessage{};
  out.as4 = subtype == kMessageAs4 || subtype == kMessageAs4Local || subtype == kMessageAs4AddPath ||
            subtype == kMessageAs4LocalAddPath;
  out.local = subtype == kMessageLocal || subtype == kMessageAs4Local || subtype == kMessageLocalAddPath ||
              subtype == kMessageAs4LocalAddPath;
  out.add_path = subtype >= kMessageAddPath && subtype <= kMessageAs4LocalAddPath;
  Cursor in{body};
  uint32_t first_as = 0;
  uint32_t second_as = 0;
  uint16_t interface = 0;
  const uint8_t asn_size = out.as4 ? 4 : 2;
  if (!in.asn(asn_size, first_as) || !in.asn(asn_size, second_as) || !in.u16(interface) || !in.u16(out.afi)) {
    return "BGP4MP message header cut short";
  }
  // RFC 6396 4.4.4: the _LOCAL subtypes keep the field order (peer first); only
  // the direction of the message differs.
  out.peer_as = first_as;
  out.local_as = second_as;
  if (out.afi != kAfiIpv4 && out.afi != kAfiIpv6) return "BGP4MP message address family " + std::to_string(out.afi);
  WireAddress first_ip;
  WireAddress second_ip;
  if (!in.address(out.afi == kAfiIpv6, first_ip) || !in.address(out.afi == kAfiIpv6, second_ip)) {
    return "BGP4MP message addresses cut short";
  }
  out.peer_ip = first_ip;
  out.local_ip = second_ip;
  std::string_view marker;
  uint16_t length = 0;
  if (!in.take(16, marker) || !in.u16(length) || !in.u8(out.message_type)) return "BGP message header cut short";
  if (marker != std::string_view("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 16)) {
    return "BGP message marker is not all ones";
  }
  if (length < 19) return "BGP message length " + std::to_string(length) + " below the minimum 19";
  const size_t want = length - 19u;
  out.message = body.substr(in.at, want);
  std::string problem;
  if (in.left() < want) problem = "BGP message is " + std::to_string(want - in.left()) + " bytes longer than its record";
  if (out.message_type == kUpdate) {
    std::string split = split_update(out.message, out);
    if (problem.empty()) problem = std::move(split);
  }
  return problem;
}

std::string parse_legacy_update(std::string_view body, BgpMessage& out) {
  out = BgpMessage{};
  Cursor in{body};
  if (!in.asn(2, out.peer_as) || !in.address(false, out.peer_ip) || !in.asn(2, out.local_as) ||
      !in.address(false, out.local_ip)) {
    return "BGP record header cut short";
  }
  out.message_type = kUpdate;
  out.message = body.substr(in.at);
  return split_update(out.message, out);
}

std::string parse_state_change(uint16_t subtype, std::string_view body, StateChange& out) {
  out = StateChange{};
  Cursor in{body};
  const uint8_t asn_size = subtype == kStateChangeAs4 ? 4 : 2;
  if (!in.asn(asn_size, out.peer_as) || !in.asn(asn_size, out.local_as)) return "STATE_CHANGE cut short";
  if (body.size() == 8 && asn_size == 2) {
    // An old Zebra wrote state changes without interface, family and addresses.
    if (!in.u16(out.old_state) || !in.u16(out.new_state)) return "STATE_CHANGE cut short";
    return "";
  }
  uint16_t interface = 0;
  if (!in.u16(interface) || !in.u16(out.afi)) return "STATE_CHANGE cut short";
  if (out.afi != kAfiIpv4 && out.afi != kAfiIpv6) return "STATE_CHANGE address family " + std::to_string(out.afi);
  if (!in.address(out.afi == kAfiIpv6, out.peer_ip) || !in.address(out.afi == kAfiIpv6, out.local_ip) ||
      !in.u16(out.old_state) || !in.u16(out.new_state)) {
    return "STATE_CHANGE cut short";
  }
  return "";
}

std::string parse_legacy_state_change(std::string_view body, StateChange& out) {
  out = StateChange{};
  Cursor in{body};
  if (!in.asn(2, out.peer_as) || !in.address(false, out.peer_ip) || !in.u16(out.old_state) || !in.u16(out.new_state)) {
    return "BGP STATE_CHANGE cut short";
  }
  return "";
}

}  // namespace sg::mrt
