// BGP path attributes (RFC 4271, 4760, 6793, 1997, 4360, 8092, 4456, 9234) as
// they appear in MRT records: parsed once into views over the record's bytes, so a
// RIB entry costs no allocation; AS paths, communities and NLRI are decoded on use.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sg::mrt {

/// A prefix as it sits in NLRI: up to 16 address bytes (host bits masked to zero).
struct NlriPrefix {
  std::array<uint8_t, 16> bytes{};  ///< network order; IPv4 uses the first 4
  uint8_t length = 0;               ///< prefix length in bits
  bool v6 = false;
  uint32_t path_id = 0;             ///< RFC 7911 path identifier (ADD-PATH), else 0
  bool host_bits = false;           ///< the wire form had bits set past `length` (masked here)
};

/// Address family numbers of RFC 4760 as MRT uses them.
inline constexpr uint16_t kAfiIpv4 = 1;
inline constexpr uint16_t kAfiIpv6 = 2;

/// Decodes a packed NLRI list (RFC 4271 4.3; with a 4-byte path id before each
/// prefix when `add_path`). Stops at the first prefix that does not fit (its bits
/// above the family width, or bytes past the end) and sets `truncated`.
struct NlriReader {
  std::string_view data;
  bool v6 = false;
  bool add_path = false;
  /// Fills `out` with the next prefix; false at the end or at damage.
  bool next(NlriPrefix& out);
  bool truncated = false;  ///< the list ended in a prefix that did not fit
};

/// The segment types of an AS path.
enum class SegmentType : uint8_t { set = 1, sequence = 2, confed_sequence = 3, confed_set = 4 };

/// An AS_PATH or AS4_PATH attribute body with the width of its AS numbers.
struct AsPathView {
  std::string_view data;   ///< raw segments
  uint8_t asn_size = 4;    ///< 2 or 4
  bool present = false;
  /// True when every segment has a known type and fits in `data`.
  bool well_formed() const;
  /// Path length as RFC 4271 9.1.2.2 counts it and bgpdump merges by: a
  /// sequence counts its members, a set counts one (confederations counted alike).
  int hop_count() const;
};

/// One AS path segment, decoded.
struct AsSegment {
  SegmentType type = SegmentType::sequence;
  std::vector<uint32_t> asns;
};

/// The segments of `path` (empty when it is malformed).
std::vector<AsSegment> decode_segments(const AsPathView& path);
/// decode_segments() into `out`, reusing its vectors (core/result.h's `_into` contract).
void decode_segments_into(const AsPathView& path, std::vector<AsSegment>& out);

/// The path as a router learnt it: AS_PATH, with AS4_PATH merged in for 2-byte
/// sessions as RFC 6793 4.2.3 says (AS4_PATH replaces the path's last hops when it
/// is not longer than AS_PATH). Returns the segments in `out`.
void effective_path_into(const AsPathView& as_path, const AsPathView& as4_path, std::vector<AsSegment>& out);

/// The origin ASes of a path: the last AS of a final sequence, or every member of
/// a final set (an aggregate of several origins). Empty for an empty path.
void origins_into(const std::vector<AsSegment>& path, std::vector<uint32_t>& out);

/// The attributes of one route, as views into the bytes they were parsed from.
struct PathAttributes {
  uint64_t present = 0;           ///< bit N set when attribute type N (< 64) was seen
  bool has(int type) const { return type < 64 && (present >> type & 1) != 0; }

  uint8_t origin = 0;             ///< ORIGIN: 0 IGP, 1 EGP, 2 INCOMPLETE
  AsPathView as_path;             ///< AS_PATH (2 or 4 byte members, as the session had)
  AsPathView as4_path;            ///< AS4_PATH (type 17)
  uint32_t next_hop = 0xFFFFFFFFu;   ///< NEXT_HOP, network-order IPv4 bytes as an integer (host order value)
  uint32_t med = 0;
  uint32_t local_pref = 0;
  uint32_t aggregator_as = 0;
  uint32_t aggregator_ip = 0xFFFFFFFFu;  ///< host-order IPv4; 255.255.255.255 = absent
  uint32_t as4_aggregator_as = 0;
  uint32_t as4_aggregator_ip = 0xFFFFFFFFu;
  uint32_t originator_id = 0;
  uint32_t only_to_customer = 0;  ///< OTC (RFC 9234), when has(35)
  std::string_view communities;   ///< COMMUNITIES: 4 bytes each
  std::string_view large_communities;     ///< 12 bytes each
  std::string_view extended_communities;  ///< 8 bytes each
  std::string_view cluster_list;  ///< 4 bytes each

  /// MP_REACH_NLRI. In TABLE_DUMP_V2 RIB entries it is abbreviated to the next
  /// hop alone (RFC 6396 4.3.4): `mp_abbreviated` says so, and afi/safi/nlri are empty.
  bool mp_reach = false;
  bool mp_abbreviated = false;
  uint16_t mp_reach_afi = 0;
  uint8_t mp_reach_safi = 0;
  uint8_t mp_next_hop_length = 0;       ///< 4, 16 or 32 as sent (others are kept, unread)
  std::array<uint8_t, 16> mp_next_hop{};  ///< the global next hop
  std::string_view mp_reach_nlri;
  bool mp_unreach = false;
  uint16_t mp_unreach_afi = 0;
  uint8_t mp_unreach_safi = 0;
  std::string_view mp_unreach_nlri;

  std::string problem;  ///< the first damage seen ("" when none): an attribute longer than its record, ...
};

/// Parses an attribute block. `asn_size` is 2 or 4 (the session's AS_PATH width).
/// Never fails: damage is noted in `out.problem` and parsing stops there. Views
/// point into `data`.
void parse_attributes_into(std::string_view data, uint8_t asn_size, PathAttributes& out);

/// Attribute type codes used by callers.
enum AttributeType : int {
  kOrigin = 1, kAsPath = 2, kNextHop = 3, kMed = 4, kLocalPref = 5, kAtomicAggregate = 6,
  kAggregator = 7, kCommunities = 8, kOriginatorId = 9, kClusterList = 10, kMpReach = 14,
  kMpUnreach = 15, kExtendedCommunities = 16, kAs4Path = 17, kAs4Aggregator = 18,
  kLargeCommunities = 32, kOnlyToCustomer = 35,
};

}  // namespace sg::mrt
