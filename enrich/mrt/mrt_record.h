// MRT records (RFC 6396, RFC 8050 ADD-PATH): the common header and the bodies of
// every type spamgraph reads, parsed into views over the record's bytes. A parse
// function returns "" or why the body is damaged; nothing here throws or allocates
// per route.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/mrt/bgp_attributes.h"

namespace sg::mrt {

/// MRT types (RFC 6396 4).
enum MrtType : uint16_t {
  kLegacyBgp = 5,       ///< MRTD "BGP" (1999-2000 RIS dumps)
  kTableDump = 12,
  kTableDumpV2 = 13,
  kBgp4mp = 16,
  kBgp4mpEt = 17,       ///< BGP4MP with a microsecond timestamp
};

/// TABLE_DUMP_V2 subtypes (RFC 6396 4.3, RFC 8050 4).
enum TableDumpV2Subtype : uint16_t {
  kPeerIndexTable = 1,
  kRibIpv4Unicast = 2,
  kRibIpv4Multicast = 3,
  kRibIpv6Unicast = 4,
  kRibIpv6Multicast = 5,
  kRibGeneric = 6,
  kRibIpv4UnicastAddPath = 8,
  kRibIpv4MulticastAddPath = 9,
  kRibIpv6UnicastAddPath = 10,
  kRibIpv6MulticastAddPath = 11,
  kRibGenericAddPath = 12,
};

/// BGP4MP subtypes (RFC 6396 4.4, RFC 8050 3).
enum Bgp4mpSubtype : uint16_t {
  kStateChange = 0,
  kMessage = 1,
  kMessageAs4 = 4,
  kStateChangeAs4 = 5,
  kMessageLocal = 6,
  kMessageAs4Local = 7,
  kMessageAddPath = 8,
  kMessageAs4AddPath = 9,
  kMessageLocalAddPath = 10,
  kMessageAs4LocalAddPath = 11,
};

/// One framed record: header fields and the body after them.
struct MrtRecord {
  uint32_t timestamp = 0;
  uint32_t microseconds = 0;  ///< BGP4MP_ET only
  uint16_t type = 0;
  uint16_t subtype = 0;
  uint64_t offset = 0;        ///< of the header in the decompressed stream
  std::string_view body;      ///< after the header (and after the ET microseconds)
};

/// An IPv4 or IPv6 address as sent: 16 bytes, IPv4 in the first 4.
struct WireAddress {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
};

/// One peer of a PEER_INDEX_TABLE.
struct Peer {
  WireAddress ip;
  uint32_t bgp_id = 0;
  uint32_t asn = 0;
};

/// TABLE_DUMP_V2 PEER_INDEX_TABLE: later RIB records name peers by index into it.
struct PeerIndexTable {
  uint32_t collector_bgp_id = 0;
  std::string view_name;
  std::vector<Peer> peers;
};
/// Parses a PEER_INDEX_TABLE body into `out`; "" or the damage.
std::string parse_peer_index_table(std::string_view body, PeerIndexTable& out);

/// One route of a RIB record.
struct RibEntry {
  uint16_t peer_index = 0;
  uint32_t originated = 0;
  uint32_t path_id = 0;          ///< ADD-PATH subtypes only
  std::string_view attributes;   ///< the attribute block (4-byte AS numbers)
};

/// A TABLE_DUMP_V2 RIB record: one prefix and its routes.
struct RibRecord {
  uint32_t sequence = 0;
  NlriPrefix prefix;
  uint16_t afi = kAfiIpv4;
  uint8_t safi = 1;
  bool add_path = false;
  bool generic = false;          ///< RIB_GENERIC: `prefix` is valid only for AFI 1/2, SAFI 1/2
  bool generic_readable = true;  ///< false for RIB_GENERIC families we do not decode (VPN, ...)
  std::vector<RibEntry> entries;
};
/// Parses a RIB_* body (subtypes 2-6, 8-12) into `out`; "" or the damage (entries
/// read before it stay in `out`).
std::string parse_rib(uint16_t subtype, std::string_view body, RibRecord& out);

/// A legacy TABLE_DUMP (type 12) entry.
struct TableDumpEntry {
  uint16_t view = 0;
  uint16_t sequence = 0;
  NlriPrefix prefix;
  uint8_t status = 0;
  uint32_t originated = 0;
  WireAddress peer_ip;
  uint32_t peer_as = 0;
  uint8_t asn_size = 2;          ///< subtypes 3 and 4 carry 4-byte AS numbers
  std::string_view attributes;
};
/// Parses every entry of a TABLE_DUMP body into `out`: the first as RFC 6396
/// writes it and, when bytes follow (RIS wrote several entries per record in
/// 2000), each next one without view and sequence number. Returns "" or the
/// damage; the entries before it stay in `out`.
std::string parse_table_dump_into(uint16_t subtype, std::string_view body, std::vector<TableDumpEntry>& out);

/// BGP message types (RFC 4271 4.1, RFC 2918).
enum BgpMessageType : uint8_t { kOpen = 1, kUpdate = 2, kNotification = 3, kKeepalive = 4, kRouteRefresh = 5 };

/// A BGP4MP MESSAGE (any of its subtypes) or a legacy type-5 message.
struct BgpMessage {
  uint32_t peer_as = 0;
  uint32_t local_as = 0;
  WireAddress peer_ip;
  WireAddress local_ip;
  uint16_t afi = kAfiIpv4;     ///< of the peer addresses
  bool as4 = false;            ///< AS numbers (and AS_PATH members) are 4 bytes
  bool local = false;          ///< sent by the collector, not received (the _LOCAL subtypes)
  bool add_path = false;
  uint8_t message_type = 0;
  std::string_view message;    ///< after the 19-byte BGP header
  // UPDATE only:
  std::string_view withdrawn;  ///< packed IPv4 NLRI
  std::string_view attributes;
  std::string_view announced;  ///< packed IPv4 NLRI
};
/// Parses a BGP4MP/BGP4MP_ET MESSAGE* body; "" or the damage.
std::string parse_bgp4mp_message(uint16_t subtype, std::string_view body, BgpMessage& out);
/// Parses a legacy type-5 BGP UPDATE body (subtype 1; 2-byte ASes, IPv4, no BGP header).
std::string parse_legacy_update(std::string_view body, BgpMessage& out);

/// A BGP4MP STATE_CHANGE(_AS4), or a legacy type-5 STATE_CHANGE.
struct StateChange {
  uint32_t peer_as = 0;
  uint32_t local_as = 0;
  WireAddress peer_ip;
  WireAddress local_ip;
  uint16_t afi = kAfiIpv4;
  uint16_t old_state = 0;
  uint16_t new_state = 0;
};
/// Parses a BGP4MP STATE_CHANGE body (subtype 0 or 5); "" or the damage. An
/// 8-byte body (an old Zebra bug: no addresses) is read as AS numbers and states.
std::string parse_state_change(uint16_t subtype, std::string_view body, StateChange& out);
/// Parses a legacy type-5 STATE_CHANGE (subtype 3).
std::string parse_legacy_state_change(std::string_view body, StateChange& out);

/// True for the subtypes whose NLRI carry ADD-PATH path identifiers.
bool is_add_path(uint16_t type, uint16_t subtype);

}  // namespace sg::mrt
