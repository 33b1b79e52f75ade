#include "enrich/mrt/bgp_attributes.h"

#include <cstring>

#include "enrich/mrt/wire.h"

namespace sg::mrt {

bool NlriReader::next(NlriPrefix& out) {
  if (data.empty()) return false;
  size_t at = 0;
  uint32_t path_id = 0;
  if (add_path) {
    if (data.size() < 5) {
      truncated = true;
      data = {};
      return false;
    }
    path_id = wire::u32(data.data());
    at = 4;
  }
  const unsigned bits = static_cast<uint8_t>(data[at]);
  const unsigned width = v6 ? 128 : 32;
  const size_t bytes = (bits + 7) / 8;
  if (bits > width || data.size() < at + 1 + bytes) {
    truncated = true;
    data = {};
    return false;
  }
  out.bytes.fill(0);
  std::memcpy(out.bytes.data(), data.data() + at + 1, bytes);
  out.length = static_cast<uint8_t>(bits);
  out.v6 = v6;
  out.path_id = path_id;
  out.host_bits = false;
  if (bits % 8 != 0) {
    const uint8_t mask = static_cast<uint8_t>(0xFF00u >> (bits % 8));
    if ((out.bytes[bytes - 1] & ~mask) != 0) out.host_bits = true;
    out.bytes[bytes - 1] &= mask;
  }
  data.remove_prefix(at + 1 + bytes);
  return true;
}

namespace {

bool known_segment(uint8_t type) { return type >= 1 && type <= 4; }

uint32_t asn_at(const char* p, uint8_t size) { return size == 2 ? wire::u16(p) : wire::u32(p); }

}  // namespace

bool AsPathView::well_formed() const {
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 2) return false;
    const auto type = static_cast<uint8_t>(data[at]);
    const size_t count = static_cast<uint8_t>(data[at + 1]);
    if (!known_segment(type) || data.size() - at - 2 < count * asn_size) return false;
    at += 2 + count * asn_size;
  }
  return true;
}

int AsPathView::hop_count() const {
  int hops = 0;
  size_t at = 0;
  while (at + 2 <= data.size()) {
    const auto type = static_cast<SegmentType>(data[at]);
    const size_t count = static_cast<uint8_t>(data[at + 1]);
    hops += (type == SegmentType::set || type == SegmentType::confed_set) ? 1 : static_cast<int>(count);
    at += 2 + count * asn_size;
  }
  return hops;
}

void decode_segments_into(const AsPathView& path, std::vector<AsSegment>& out) {
  size_t used = 0;
  if (path.well_formed()) {
    size_t at = 0;
    while (at < path.data.size()) {
      if (out.size() <= used) out.emplace_back();
      AsSegment& segment = out[used++];
      segment.type = static_cast<SegmentType>(path.data[at]);
      const size_t count = static_cast<uint8_t>(path.data[at + 1]);
      segment.asns.resize(count);
      for (size_t i = 0; i < count; ++i) segment.asns[i] = asn_at(path.data.data() + at + 2 + i * path.asn_size, path.asn_size);
      at += 2 + count * path.asn_size;
    }
  }
  out.resize(used);
}

std::vector<AsSegment> decode_segments(const AsPathView& path) {
  std::vector<AsSegment> segments;
  decode_segments_into(path, segments);
  return segments;
}

void effective_path_into(const AsPathView& as_path, const AsPathView& as4_path, std::vector<AsSegment>& out) {
  decode_segments_into(as_path, out);
  if (as_path.asn_size != 2 || !as4_path.present || !as4_path.well_formed()) return;
  const int hops = as_path.hop_count();
  const int new_hops = as4_path.hop_count();
  if (hops < new_hops) return;  // RFC 6793 4.2.3: AS4_PATH longer than AS_PATH is ignored
  std::vector<AsSegment> merged;
  int kept = 0;
  for (auto& segment : out) {
    if (kept >= hops - new_hops) break;
    const bool is_set = segment.type == SegmentType::set || segment.type == SegmentType::confed_set;
    if (is_set) {
      ++kept;
    } else {
      const int room = hops - new_hops - kept;
      if (static_cast<int>(segment.asns.size()) > room) segment.asns.resize(static_cast<size_t>(room));
      kept += static_cast<int>(segment.asns.size());
    }
    merged.push_back(std::move(segment));
  }
  for (auto& segment : decode_segments(as4_path)) merged.push_back(std::move(segment));
  out = std::move(merged);
}

void origins_into(const std::vector<AsSegment>& path, std::vector<uint32_t>& out) {
  out.clear();
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    if (it->asns.empty()) continue;
    if (it->type == SegmentType::set || it->type == SegmentType::confed_set) {
      out = it->asns;
    } else {
      out.push_back(it->asns.back());
    }
    return;
  }
}

namespace {

void parse_mp_reach(std::string_view body, PathAttributes& out) {
  out.mp_reach = true;
  if (!body.empty() && body[0] != 0) {
    // RFC 6396 4.3.4: a RIB entry's MP_REACH_NLRI holds only the next hop.
    out.mp_abbreviated = true;
    out.mp_reach_afi = kAfiIpv6;
    out.mp_reach_safi = 1;
    out.mp_next_hop_length = static_cast<uint8_t>(body[0]);
    body.remove_prefix(1);
  } else {
    if (body.size() < 4) {
      out.problem = "MP_REACH_NLRI shorter than its header";
      return;
    }
    out.mp_reach_afi = wire::u16(body.data());
    out.mp_reach_safi = static_cast<uint8_t>(body[2]);
    out.mp_next_hop_length = static_cast<uint8_t>(body[3]);
    body.remove_prefix(4);
  }
  const size_t hop = out.mp_next_hop_length;
  if (hop == 4 || hop == 16 || hop == 32) {
    if (body.size() < hop) {
      out.problem = "MP_REACH_NLRI next hop past the attribute";
      return;
    }
    out.mp_next_hop.fill(0);
    std::memcpy(out.mp_next_hop.data(), body.data(), hop == 4 ? 4 : 16);
  } else if (hop > body.size()) {
    out.problem = "MP_REACH_NLRI next hop past the attribute";
    return;
  }
  body.remove_prefix(hop);
  if (out.mp_abbreviated) return;
  if (body.empty()) {
    out.problem = "MP_REACH_NLRI without its reserved byte";
    return;
  }
  size_t snpas = static_cast<uint8_t>(body[0]);
  body.remove_prefix(1);
  while (snpas-- > 0 && !body.empty()) {
    const size_t length = static_cast<uint8_t>(body[0]);
    body.remove_prefix(std::min(body.size(), 1 + length));
  }
  out.mp_reach_nlri = body;
}

}  // namespace

void parse_attributes_into(std::string_view data, uint8_t asn_size, PathAttributes& out) {
  out = PathAttributes{};
  out.as_path.asn_size = asn_size;
  out.as4_path.asn_size = 4;
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 3) {
      out.problem = "attribute header cut short";
      return;
    }
    const auto flags = static_cast<uint8_t>(data[at]);
    const int type = static_cast<uint8_t>(data[at + 1]);
    size_t length = 0;
    size_t header = 3;
    if (flags & 0x10) {
      if (data.size() - at < 4) {
        out.problem = "attribute header cut short";
        return;
      }
      length = wire::u16(data.data() + at + 2);
      header = 4;
    } else {
      length = static_cast<uint8_t>(data[at + 2]);
    }
    if (data.size() - at - header < length) {
      out.problem = "attribute " + std::to_string(type) + " is longer than the record";
      return;
    }
    const std::string_view body = data.substr(at + header, length);
    at += header + length;
    if (type < 64) out.present |= uint64_t{1} << type;
    const char* p = body.data();
    switch (type) {
      case kOrigin:
        if (length >= 1) out.origin = static_cast<uint8_t>(p[0]);
        break;
      case kAsPath:
        out.as_path = AsPathView{body, asn_size, true};
        break;
      case kAs4Path:
        out.as4_path = AsPathView{body, 4, true};
        break;
      case kNextHop:
        if (length >= 4) out.next_hop = wire::u32(p);
        break;
      case kMed:
        if (length >= 4) out.med = wire::u32(p);
        break;
      case kLocalPref:
        if (length >= 4) out.local_pref = wire::u32(p);
        break;
      case kAggregator:
        if (length >= static_cast<size_t>(asn_size) + 4) {
          out.aggregator_as = asn_at(p, asn_size);
          out.aggregator_ip = wire::u32(p + asn_size);
        }
        break;
      case kAs4Aggregator:
        if (length >= 8) {
          out.as4_aggregator_as = wire::u32(p);
          out.as4_aggregator_ip = wire::u32(p + 4);
        }
        break;
      case kCommunities:
        out.communities = body;
        break;
      case kLargeCommunities:
        out.large_communities = body;
        break;
      case kExtendedCommunities:
        out.extended_communities = body;
        break;
      case kOriginatorId:
        if (length >= 4) out.originator_id = wire::u32(p);
        break;
      case kClusterList:
        out.cluster_list = body;
        break;
      case kOnlyToCustomer:
        if (length >= 4) out.only_to_customer = wire::u32(p);
        break;
      case kMpReach:
        if (!out.mp_reach) parse_mp_reach(body, out);
        break;
      case kMpUnreach:
        if (!out.mp_unreach && length >= 3) {
          out.mp_unreach = true;
          out.mp_unreach_afi = wire::u16(p);
          out.mp_unreach_safi = static_cast<uint8_t>(p[2]);
          out.mp_unreach_nlri = body.substr(3);
        }
        break;
      default:
        break;
    }
  }
}

}  // namespace sg::mrt
