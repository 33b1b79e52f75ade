#include "enrich/mrt/mrt_elements.h"

#include <algorithm>
#include <cstring>

namespace sg::mrt {

bool ElementDecoder::load_attributes(std::string_view data, uint8_t asn_size) {
  parse_attributes_into(data, asn_size, attributes_);
  element_.attributes = &attributes_;
  effective_path_into(attributes_.as_path, attributes_.as4_path, element_.as_path);
  origins_into(element_.as_path, element_.origins);
  if (!filter_.matches_origins(element_.origins)) return false;
  element_.has_next_hop = false;
  if (attributes_.mp_reach && (attributes_.mp_next_hop_length == 4 || attributes_.mp_next_hop_length == 16 ||
                               attributes_.mp_next_hop_length == 32)) {
    element_.next_hop.v6 = attributes_.mp_next_hop_length != 4;
    element_.next_hop.bytes = attributes_.mp_next_hop;
    element_.has_next_hop = true;
  } else if (attributes_.has(kNextHop)) {
    element_.next_hop = WireAddress{};
    const uint32_t hop = attributes_.next_hop;
    element_.next_hop.bytes = {static_cast<uint8_t>(hop >> 24), static_cast<uint8_t>(hop >> 16),
                               static_cast<uint8_t>(hop >> 8), static_cast<uint8_t>(hop)};
    element_.has_next_hop = true;
  }
  return true;
}

bool ElementDecoder::deliver(const ElementHandler& on_element, uint64_t& delivered) {
  ++delivered;
  if (!on_element(element_)) stop_ = true;
  return !stop_;
}

void ElementDecoder::decode_update(const BgpMessage& message, const ElementHandler& on_element, uint64_t& delivered,
                                   bool& go_on, std::string& problem) {
  element_.peer_ip = message.peer_ip;
  element_.peer_as = message.peer_as;
  if (!filter_.matches_peer(message.peer_ip, message.peer_as)) return;
  element_.attributes = nullptr;
  element_.as_path.clear();
  element_.origins.clear();
  element_.has_next_hop = false;
  auto each = [&](std::string_view nlri, bool v6, ElementType type) {
    // A withdrawal has no path, so no origin to match.
    if (!go_on || !filter_.wants(type) || (type == ElementType::withdraw && filter_.origin_as)) return;
    NlriReader reader{nlri, v6, message.add_path};
    NlriPrefix prefix;
    while (go_on && reader.next(prefix)) {
      if (!filter_.matches_prefix(prefix)) continue;
      element_.type = type;
      element_.prefix = prefix;
      go_on = deliver(on_element, delivered);
    }
    if (reader.truncated && problem.empty()) problem = "NLRI with a prefix longer than its family or cut short";
  };
  each(message.withdrawn, false, ElementType::withdraw);
  // Attributes are decoded once per message, and only when something may be announced.
  const bool announces = filter_.wants(ElementType::announce);
  if (!announces && !filter_.wants(ElementType::withdraw)) return;
  parse_attributes_into(message.attributes, message.as4 ? 4 : 2, attributes_);
  if (attributes_.mp_unreach && (attributes_.mp_unreach_afi == kAfiIpv4 || attributes_.mp_unreach_afi == kAfiIpv6)) {
    each(attributes_.mp_unreach_nlri, attributes_.mp_unreach_afi == kAfiIpv6, ElementType::withdraw);
  }
  if (!announces || (message.announced.empty() && !attributes_.mp_reach)) return;
  if (!load_attributes(message.attributes, message.as4 ? 4 : 2)) return;
  each(message.announced, false, ElementType::announce);
  if (attributes_.mp_reach && !attributes_.mp_abbreviated &&
      (attributes_.mp_reach_afi == kAfiIpv4 || attributes_.mp_reach_afi == kAfiIpv6) &&
      (attributes_.mp_reach_safi == 1 || attributes_.mp_reach_safi == 2)) {
    each(attributes_.mp_reach_nlri, attributes_.mp_reach_afi == kAfiIpv6, ElementType::announce);
  }
}

std::string ElementDecoder::decode(const MrtRecord& record, const ElementHandler& on_element, uint64_t& delivered) {
  element_.timestamp = record.timestamp;
  element_.microseconds = record.microseconds;
  element_.record_type = record.type;
  element_.record_subtype = record.subtype;
  element_.record_offset = record.offset;
  element_.originated = 0;
  bool go_on = !stop_;
  std::string problem;
  switch (record.type) {
    case kTableDumpV2: {
      if (record.subtype == kPeerIndexTable) {
        problem = parse_peer_index_table(record.body, peers_);
        have_peers_ = problem.empty();
        break;
      }
      if (!filter_.wants(ElementType::rib)) break;
      problem = parse_rib(record.subtype, record.body, rib_);
      if (rib_.generic && !rib_.generic_readable) break;
      if (!filter_.matches_prefix(rib_.prefix)) break;
      if (!have_peers_ && !rib_.entries.empty()) {
        problem = "RIB record before any PEER_INDEX_TABLE";
        break;
      }
      element_.type = ElementType::rib;
      for (const RibEntry& entry : rib_.entries) {
        if (!go_on) break;
        if (entry.peer_index >= peers_.peers.size()) {
          problem = "RIB entry names peer " + std::to_string(entry.peer_index) + " of " +
                    std::to_string(peers_.peers.size());
          continue;
        }
        const Peer& peer = peers_.peers[entry.peer_index];
        if (!filter_.matches_peer(peer.ip, peer.asn)) continue;
        element_.peer_ip = peer.ip;
        element_.peer_as = peer.asn;
        element_.originated = entry.originated;
        element_.prefix = rib_.prefix;
        element_.prefix.path_id = entry.path_id;
        if (!load_attributes(entry.attributes, 4)) continue;
        go_on = deliver(on_element, delivered);
      }
      break;
    }
    case kTableDump: {
      if (!filter_.wants(ElementType::rib)) break;
      std::vector<TableDumpEntry> entries;
      problem = parse_table_dump_into(record.subtype, record.body, entries);
      element_.type = ElementType::rib;
      for (const TableDumpEntry& entry : entries) {
        if (!go_on) break;
        if (!filter_.matches_prefix(entry.prefix) || !filter_.matches_peer(entry.peer_ip, entry.peer_as)) continue;
        element_.peer_ip = entry.peer_ip;
        element_.peer_as = entry.peer_as;
        element_.originated = entry.originated;
        element_.prefix = entry.prefix;
        if (!load_attributes(entry.attributes, entry.asn_size)) continue;
        go_on = deliver(on_element, delivered);
      }
      break;
    }
    case kBgp4mp:
    case kBgp4mpEt: {
      if (record.subtype == kStateChange || record.subtype == kStateChangeAs4) {
        if (!filter_.wants(ElementType::state) || filter_.selects_routes()) break;
        StateChange change;
        problem = parse_state_change(record.subtype, record.body, change);
        if (!problem.empty() || !filter_.matches_peer(change.peer_ip, change.peer_as)) break;
        element_.type = ElementType::state;
        element_.peer_ip = change.peer_ip;
        element_.peer_as = change.peer_as;
        element_.old_state = change.old_state;
        element_.new_state = change.new_state;
        element_.attributes = nullptr;
        element_.prefix = NlriPrefix{};
        go_on = deliver(on_element, delivered);
        break;
      }
      if (record.subtype == 2 || record.subtype == 3) break;  // ENTRY, SNAPSHOT: deprecated, never seen
      problem = parse_bgp4mp_message(record.subtype, record.body, message_);
      if (message_.message_type == kUpdate) decode_update(message_, on_element, delivered, go_on, problem);
      break;
    }
    case kLegacyBgp: {
      if (record.subtype == 3) {
        if (!filter_.wants(ElementType::state) || filter_.selects_routes()) break;
        StateChange change;
        problem = parse_legacy_state_change(record.body, change);
        if (!problem.empty() || !filter_.matches_peer(change.peer_ip, change.peer_as)) break;
        element_.type = ElementType::state;
        element_.peer_ip = change.peer_ip;
        element_.peer_as = change.peer_as;
        element_.old_state = change.old_state;
        element_.new_state = change.new_state;
        element_.attributes = nullptr;
        element_.prefix = NlriPrefix{};
        go_on = deliver(on_element, delivered);
        break;
      }
      if (record.subtype != 1) break;
      problem = parse_legacy_update(record.body, message_);
      if (message_.message_type == kUpdate) decode_update(message_, on_element, delivered, go_on, problem);
      break;
    }
    default: break;
  }
  return problem;
}

Result<ElementStats> read_mrt_elements(const std::string& path, const ElementFilter& filter,
                                       const ElementHandler& on_element, size_t keep_problems) {
  ElementStats stats;
  ElementDecoder decoder(filter);
  auto note = [&](MrtProblem problem) {
    ++stats.problem_count;
    if (stats.problems.size() < keep_problems) stats.problems.push_back(std::move(problem));
  };
  auto read = read_mrt_file(
      path,
      [&](const MrtRecord& record) {
        std::string problem = decoder.decode(record, on_element, stats.elements);
        if (!problem.empty()) {
          ++stats.damaged_records;
          note(MrtProblem{record.offset, record_type_name(record.type, record.subtype) + ": " + problem, false});
        }
        return !decoder.stopped();
      },
      [&](const MrtProblem& problem) { note(problem); });
  if (!read) return read.error();
  stats.read = *read;
  return stats;
}

}  // namespace sg::mrt
