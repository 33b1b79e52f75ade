#include "enrich/mrt/bgpdump_format.h"

#include <cstdio>
#include <algorithm>
#include <cstring>

#include "enrich/mrt/wire.h"

namespace sg::mrt {

namespace {

void append_uint(uint64_t value, std::string& out) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) out.push_back(digits[--n]);
}

void append_hex16(unsigned value, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned nibble = value >> shift & 0xF;
    if (nibble != 0 || started || shift == 0) {
      out.push_back(kHex[nibble]);
      started = true;
    }
  }
}

void append_ipv4_bytes(const uint8_t* b, std::string& out) {
  for (int i = 0; i < 4; ++i) {
    if (i) out.push_back('.');
    append_uint(b[i], out);
  }
}

// bgpdump's own IPv6 text, not inet_ntop's: the longest run of zero groups is
// shortened to "::" even when it is a single group (the first such run on a tie);
// IPv4-mapped and IPv4-compatible addresses get a dotted tail.
void append_ipv6(const uint8_t* b, std::string& out) {
  const bool first_96_zero = std::all_of(b, b + 10, [](uint8_t x) { return x == 0; });
  const uint32_t tail = uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 | b[15];
  const bool mapped = first_96_zero && b[10] == 0xFF && b[11] == 0xFF;
  const bool compatible = first_96_zero && b[10] == 0 && b[11] == 0 && tail > 1;
  if (mapped || compatible) {
    out += mapped ? "::ffff:" : "::";
    append_ipv4_bytes(b + 12, out);
    return;
  }
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
  int best = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_length) {
      best = i;
      best_length = j - i;
    }
    i = j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      if (i == 0) out.push_back(':');
      out.push_back(':');
      i += best_length - 1;
      continue;
    }
    append_hex16(words[i], out);
    if (i != 7) out.push_back(':');
  }
}

void append_prefix(const NlriPrefix& prefix, std::string& out) {
  if (prefix.v6) {
    append_ipv6(prefix.bytes.data(), out);
  } else {
    append_ipv4_bytes(prefix.bytes.data(), out);
  }
  out.push_back('/');
  append_uint(prefix.length, out);
}

const char* origin_name(const PathAttributes& a) {
  if (!a.has(kOrigin)) return "INCOMPLETE";  // bgpdump's "unset" origin is -1
  return a.origin == 0 ? "IGP" : a.origin == 1 ? "EGP" : "INCOMPLETE";
}

void append_communities(std::string_view data, std::string& out) {
  bool first = true;
  for (size_t at = 0; at + 4 <= data.size(); at += 4) {
    if (!first) out.push_back(' ');
    first = false;
    const uint32_t value = wire::u32(data.data() + at);
    switch (value) {
      case 0xFFFFFF01u: out += "no-export"; break;
      case 0xFFFFFF02u: out += "no-advertise"; break;
      case 0xFFFFFF03u: out += "local-AS"; break;
      default:
        append_uint(value >> 16, out);
        out.push_back(':');
        append_uint(value & 0xFFFF, out);
    }
  }
}

/// The MP_REACH next hop bgpdump keeps for a family: the abbreviated RIB form is
/// filed under IPv6 unicast whatever the record's family.
bool mp_reach_for(const PathAttributes& a, uint16_t afi, uint8_t safi) {
  if (!a.mp_reach) return false;
  if (a.mp_abbreviated) return afi == kAfiIpv6 && safi == 1;
  return a.mp_reach_afi == afi && a.mp_reach_safi == safi;
}

/// Appends the MP next hop when it has a length bgpdump reads; false otherwise.
bool append_mp_next_hop(const PathAttributes& a, std::string& out) {
  if (a.mp_next_hop_length == 4) {
    append_ipv4_bytes(a.mp_next_hop.data(), out);
  } else if (a.mp_next_hop_length == 16 || a.mp_next_hop_length == 32) {
    append_ipv6(a.mp_next_hop.data(), out);
  } else {
    return false;
  }
  return true;
}

}  // namespace

void append_ipv4(uint32_t value, std::string& out) {
  const uint8_t b[4] = {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                        static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
  append_ipv4_bytes(b, out);
}

void append_address(const WireAddress& address, std::string& out) {
  if (address.v6) {
    append_ipv6(address.bytes.data(), out);
  } else {
    append_ipv4_bytes(address.bytes.data(), out);
  }
}

void append_as_path(const std::vector<AsSegment>& path, bool well_formed, std::string& out) {
  if (!well_formed) {
    out += "! Error !";
    return;
  }
  static constexpr char kStart[] = {' ', '{', ' ', '(', '['};
  static constexpr char kEnd[] = {' ', '}', ' ', ')', ']'};
  const size_t start = out.size();
  auto previous = SegmentType::sequence;
  bool space = false;
  for (const auto& segment : path) {
    if (previous != SegmentType::sequence) out.push_back(kEnd[static_cast<int>(previous)]);
    if (space) out.push_back(' ');
    if (segment.type != SegmentType::sequence) out.push_back(kStart[static_cast<int>(segment.type)]);
    space = false;
    const bool is_set = segment.type == SegmentType::set || segment.type == SegmentType::confed_set;
    for (const uint32_t asn : segment.asns) {
      if (space) out.push_back(is_set ? ',' : ' ');
      space = true;
      append_uint(asn, out);
      // bgpdump writes paths into 8000 bytes and ends a longer one with "...".
      if (out.size() - start > 8000 - 100) {
        out += "...";
        return;
      }
    }
    previous = segment.type;
  }
  if (!path.empty() && path.back().type != SegmentType::sequence) out.push_back(kEnd[static_cast<int>(path.back().type)]);
}

void BgpdumpFormatter::decode_path() {
  const PathAttributes& a = attributes_;
  // bgpdump merges AS4_PATH into a 2-byte AS_PATH, except when AGGREGATOR and
  // AS4_AGGREGATOR are both present and the former names a real AS.
  const bool skip_merge = a.as_path.asn_size == 2 && a.has(kAggregator) && a.has(kAs4Aggregator) &&
                          a.aggregator_as != 23456;
  path_well_formed_ = a.as_path.well_formed();
  if (path_well_formed_ && !skip_merge) {
    effective_path_into(a.as_path, a.as4_path, path_);
  } else {
    decode_segments_into(a.as_path, path_);
  }
}

bool BgpdumpFormatter::origin_passes() {
  if (!filter_.origin_as) return true;
  origins_into(path_, origins_);
  return filter_.matches_origins(origins_);
}

void BgpdumpFormatter::path_and_origin(std::string& out) {
  if (attributes_.has(kAsPath)) append_as_path(path_, path_well_formed_, out);
  out.push_back('|');
  out += origin_name(attributes_);
}

void BgpdumpFormatter::tail(std::string& out) {
  const PathAttributes& a = attributes_;
  if (a.has(kCommunities)) append_communities(a.communities, out);
  out.push_back('|');
  out += a.has(kAtomicAggregate) ? "AG|" : "NAG|";
  uint32_t aggregator_as = a.aggregator_as;
  uint32_t aggregator_ip = a.aggregator_ip;
  if (a.as_path.asn_size == 2 && a.has(kAggregator) && a.has(kAs4Aggregator) && a.aggregator_as == 23456) {
    aggregator_as = a.as4_aggregator_as;
    aggregator_ip = a.as4_aggregator_ip;
  }
  if (a.has(kAggregator) && aggregator_ip != 0xFFFFFFFFu) {
    append_uint(aggregator_as, out);
    out.push_back(' ');
    append_ipv4(aggregator_ip, out);
  }
  out.push_back('|');
}

std::string BgpdumpFormatter::format(const MrtRecord& record, std::string& out) {
  std::string problem;
  time_.clear();
  append_uint(record.timestamp, time_);
  switch (record.type) {
    case kTableDump: table_dump(record, out, problem); break;
    case kTableDumpV2:
      if (record.subtype == kPeerIndexTable) {
        problem = parse_peer_index_table(record.body, peers_);
        have_peers_ = problem.empty();
      } else {
        rib(record, out, problem);
      }
      break;
    case kBgp4mp:
    case kBgp4mpEt: bgp4mp(record, out, problem); break;
    case kLegacyBgp: legacy(record, out, problem); break;
    default: break;
  }
  return problem;
}

void BgpdumpFormatter::table_dump(const MrtRecord& record, std::string& out, std::string& problem) {
  problem = parse_table_dump_into(record.subtype, record.body, entries_);
  if (entries_.empty()) return;
  // RIS wrote several entries per record in 2000; bgpdump prints the first only.
  beyond_bgpdump += entries_.size() - 1;
  if (!filter_.wants(ElementType::rib)) return;
  for (const TableDumpEntry& entry : entries_) {
    if (!filter_.matches_prefix(entry.prefix) || !filter_.matches_peer(entry.peer_ip, entry.peer_as)) continue;
    parse_attributes_into(entry.attributes, entry.asn_size, attributes_);
    decode_path();
    if (!origin_passes()) continue;
    out += "TABLE_DUMP|";
    out += time_;
    out += "|B|";
    // bgpdump formats addresses as IPv6 for subtype 2 only, not for 4 (IPv6 with 4-byte ASes).
    WireAddress peer = entry.peer_ip;
    NlriPrefix prefix = entry.prefix;
    if (record.subtype == 4) peer.v6 = prefix.v6 = false;
    append_address(peer, out);
    out.push_back('|');
    append_uint(entry.peer_as, out);
    out.push_back('|');
    append_prefix(prefix, out);
    out.push_back('|');
    path_and_origin(out);
    out.push_back('|');
    if (mp_reach_for(attributes_, kAfiIpv6, 1)) {
      append_ipv6(attributes_.mp_next_hop.data(), out);
    } else {
      append_ipv4(attributes_.next_hop, out);
    }
    out.push_back('|');
    append_uint(attributes_.has(kLocalPref) ? attributes_.local_pref : 0, out);
    out.push_back('|');
    append_uint(attributes_.has(kMed) ? attributes_.med : 0, out);
    out.push_back('|');
    tail(out);
    out.push_back('\n');
  }
}

void BgpdumpFormatter::rib(const MrtRecord& record, std::string& out, std::string& problem) {
  problem = parse_rib(record.subtype, record.body, rib_);
  // bgpdump 1.6 reads the unicast subtypes only.
  const bool bgpdump_reads = record.subtype == kRibIpv4Unicast || record.subtype == kRibIpv6Unicast ||
                             record.subtype == kRibIpv4UnicastAddPath || record.subtype == kRibIpv6UnicastAddPath;
  if (!bgpdump_reads || !problem.empty()) return;
  if (!filter_.wants(ElementType::rib) || !filter_.matches_prefix(rib_.prefix)) return;
  if (!have_peers_ && !rib_.entries.empty()) {
    problem = "RIB record before any PEER_INDEX_TABLE";
    return;
  }
  const char* kind = rib_.add_path ? "TABLE_DUMP2_AP|" : "TABLE_DUMP2|";
  for (const RibEntry& entry : rib_.entries) {
    if (entry.peer_index >= peers_.peers.size()) {
      problem = "RIB entry names peer " + std::to_string(entry.peer_index) + " of " + std::to_string(peers_.peers.size());
      continue;
    }
    const Peer& peer = peers_.peers[entry.peer_index];
    if (!filter_.matches_peer(peer.ip, peer.asn)) continue;
    parse_attributes_into(entry.attributes, 4, attributes_);
    decode_path();
    if (!origin_passes()) continue;
    out += kind;
    out += time_;
    out += "|B|";
    append_address(peer.ip, out);
    out.push_back('|');
    append_uint(peer.asn, out);
    out.push_back('|');
    append_prefix(rib_.prefix, out);
    out.push_back('|');
    if (rib_.add_path) {
      append_uint(entry.path_id, out);
      out.push_back('|');
    }
    path_and_origin(out);
    out.push_back('|');
    if (mp_reach_for(attributes_, kAfiIpv6, 1) || mp_reach_for(attributes_, kAfiIpv4, 1)) {
      append_mp_next_hop(attributes_, out);
    } else {
      append_ipv4(attributes_.next_hop, out);
    }
    out.push_back('|');
    append_uint(attributes_.has(kLocalPref) ? attributes_.local_pref : 0, out);
    out.push_back('|');
    append_uint(attributes_.has(kMed) ? attributes_.med : 0, out);
    out.push_back('|');
    tail(out);
    out.push_back('\n');
  }
}

void BgpdumpFormatter::bgp4mp(const MrtRecord& record, std::string& out, std::string& problem) {
  const bool et = record.type == kBgp4mpEt;
  std::string time = time_;
  if (et) {
    char micro[16];
    std::snprintf(micro, sizeof micro, ".%06u", record.microseconds);
    time += micro;
  }
  if (record.subtype == kStateChange || record.subtype == kStateChangeAs4) {
    StateChange change;
    problem = parse_state_change(record.subtype, record.body, change);
    if (!problem.empty()) return;
    // bgpdump insists on the exact lengths of RFC 6396 (or the 8-byte Zebra form).
    const size_t length = record.body.size();
    const bool exact = length == 8 || (change.afi == kAfiIpv4 ? (length == 20 || length == 24) : (length == 44 || length == 48));
    if (!exact) {
      problem = "STATE_CHANGE of " + std::to_string(length) + " bytes";
      return;
    }
    if (!filter_.wants(ElementType::state) || filter_.selects_routes() ||
        !filter_.matches_peer(change.peer_ip, change.peer_as)) {
      return;
    }
    out += et ? "BGP4MP_ET|" : "BGP4MP|";
    out += time;
    out += "|STATE|";
    append_address(change.peer_ip, out);
    out.push_back('|');
    append_uint(change.peer_as, out);
    out.push_back('|');
    append_uint(change.old_state, out);
    out.push_back('|');
    append_uint(change.new_state, out);
    out.push_back('\n');
    return;
  }
  if (record.subtype != kMessage && record.subtype != kMessageAs4 && !(record.subtype >= kMessageLocal && record.subtype <= kMessageAs4LocalAddPath)) {
    return;
  }
  problem = parse_bgp4mp_message(record.subtype, record.body, message_);
  if (message_.message_type != kUpdate || (!problem.empty() && message_.attributes.empty() && message_.withdrawn.empty())) {
    return;
  }
  const BgpMessage& m = message_;
  if (!filter_.matches_peer(m.peer_ip, m.peer_as)) return;
  parse_attributes_into(m.attributes, m.as4 ? 4 : 2, attributes_);
  const PathAttributes& a = attributes_;
  decode_path();
  const bool announce_passes = filter_.wants(ElementType::announce) && origin_passes();
  const bool withdraw_passes = filter_.wants(ElementType::withdraw) && !filter_.origin_as;
  std::string head = et ? "BGP4MP_ET" : "BGP4MP";
  if (m.local) head += "_LOCAL";
  if (m.add_path) head += "_AP";
  head.push_back('|');
  head += time;
  std::string peer;
  append_address(m.peer_ip, peer);
  peer.push_back('|');
  append_uint(m.peer_as, peer);
  peer.push_back('|');

  auto withdraw = [&](std::string_view nlri, bool v6) {
    if (!withdraw_passes) return;
    NlriReader reader{nlri, v6, m.add_path};
    NlriPrefix prefix;
    while (reader.next(prefix)) {
      if (!filter_.matches_prefix(prefix)) continue;
      out += head;
      out += "|W|";
      out += peer;
      append_prefix(prefix, out);
      if (m.add_path) {
        out.push_back('|');
        append_uint(prefix.path_id, out);
      }
      out.push_back('\n');
    }
    if (reader.truncated && problem.empty()) problem = "NLRI with a prefix longer than its family or cut short";
  };
  auto announce = [&](std::string_view nlri, bool v6, bool multiprotocol) {
    if (!announce_passes) return;
    NlriReader reader{nlri, v6, m.add_path};
    NlriPrefix prefix;
    while (reader.next(prefix)) {
      if (!filter_.matches_prefix(prefix)) continue;
      out += head;
      out += "|A|";
      out += peer;
      append_prefix(prefix, out);
      out.push_back('|');
      if (m.add_path) {
        append_uint(prefix.path_id, out);
        out.push_back('|');
      }
      // Without a next hop length bgpdump knows, the MP forms skip these five
      // fields (IPv6) or the last three (IPv4).
      const bool readable_hop = !multiprotocol || a.mp_next_hop_length == 4 || a.mp_next_hop_length == 16 ||
                                a.mp_next_hop_length == 32;
      if (!v6 || readable_hop) {
        path_and_origin(out);
        out.push_back('|');
      }
      if (readable_hop) {
        if (multiprotocol) {
          append_mp_next_hop(a, out);
        } else {
          append_ipv4(a.next_hop, out);
        }
        out.push_back('|');
        append_uint(a.has(kLocalPref) ? a.local_pref : 0, out);
        out.push_back('|');
        append_uint(a.has(kMed) ? a.med : 0, out);
        out.push_back('|');
      }
      tail(out);
      out.push_back('\n');
    }
    if (reader.truncated && problem.empty()) problem = "NLRI with a prefix longer than its family or cut short";
  };
  const bool mp_unreach_known = a.mp_unreach && a.mp_unreach_afi >= 1 && a.mp_unreach_afi <= 2 &&
                                a.mp_unreach_safi >= 1 && a.mp_unreach_safi <= 3;
  const bool mp_reach_known = a.mp_reach && !a.mp_abbreviated && a.mp_reach_afi >= 1 && a.mp_reach_afi <= 2 &&
                              a.mp_reach_safi >= 1 && a.mp_reach_safi <= 3;
  withdraw(m.withdrawn, false);
  if (mp_unreach_known) withdraw(a.mp_unreach_nlri, a.mp_unreach_afi == kAfiIpv6);
  announce(m.announced, false, false);
  if (mp_reach_known) announce(a.mp_reach_nlri, a.mp_reach_afi == kAfiIpv6, true);
}

void BgpdumpFormatter::legacy(const MrtRecord& record, std::string& out, std::string& problem) {
  if (record.subtype == 3) {
    StateChange change;
    problem = parse_legacy_state_change(record.body, change);
    if (!problem.empty()) return;
    if (!filter_.wants(ElementType::state) || filter_.selects_routes() ||
        !filter_.matches_peer(change.peer_ip, change.peer_as)) {
      return;
    }
    out += "BGP|";
    out += time_;
    out += "|STATE|";
    append_address(change.peer_ip, out);
    out.push_back('|');
    append_uint(change.peer_as, out);
    out.push_back('|');
    append_uint(change.old_state, out);
    out.push_back('|');
    append_uint(change.new_state, out);
    out.push_back('\n');
    return;
  }
  if (record.subtype != 1) return;
  problem = parse_legacy_update(record.body, message_);
  if (message_.message_type != kUpdate) return;
  if (!filter_.matches_peer(message_.peer_ip, message_.peer_as)) return;
  parse_attributes_into(message_.attributes, 2, attributes_);
  decode_path();
  const bool announce_passes = filter_.wants(ElementType::announce) && origin_passes();
  const bool withdraw_passes = filter_.wants(ElementType::withdraw) && !filter_.origin_as;
  std::string peer;
  append_address(message_.peer_ip, peer);
  peer.push_back('|');
  append_uint(message_.peer_as, peer);
  peer.push_back('|');
  NlriReader withdrawn{message_.withdrawn, false, false};
  NlriPrefix prefix;
  while (withdraw_passes && withdrawn.next(prefix)) {
    if (!filter_.matches_prefix(prefix)) continue;
    out += "BGP|" + time_ + "|W|" + peer;
    append_prefix(prefix, out);
    out.push_back('\n');
  }
  if (withdrawn.truncated && problem.empty()) problem = "NLRI with a prefix longer than its family or cut short";
  NlriReader announced{message_.announced, false, false};
  while (announce_passes && announced.next(prefix)) {
    if (!filter_.matches_prefix(prefix)) continue;
    out += "BGP|" + time_ + "|A|" + peer;
    append_prefix(prefix, out);
    out.push_back('|');
    path_and_origin(out);
    out.push_back('|');
    append_ipv4(attributes_.next_hop, out);
    out.push_back('|');
    append_uint(attributes_.has(kLocalPref) ? attributes_.local_pref : 0, out);
    out.push_back('|');
    append_uint(attributes_.has(kMed) ? attributes_.med : 0, out);
    // bgpdump writes no separator between MED and the communities here.
    tail(out);
    out.push_back('\n');
  }
  if (announced.truncated && problem.empty()) problem = "NLRI with a prefix longer than its family or cut short";
}

}  // namespace sg::mrt
