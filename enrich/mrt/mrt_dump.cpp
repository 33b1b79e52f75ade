#include "enrich/mrt/mrt_dump.h"

#include <algorithm>

#include "enrich/mrt/bgpdump_format.h"
#include "enrich/mrt/mrt_elements.h"
#include "enrich/mrt/wire.h"

namespace sg::mrt {

namespace {

constexpr size_t kFlushAt = 1 << 20;

void append_number(uint64_t value, std::string& out) { out += std::to_string(value); }

void append_quoted_address(const WireAddress& address, std::string& out) {
  out.push_back('"');
  append_address(address, out);
  out.push_back('"');
}

void append_prefix_json(const NlriPrefix& prefix, std::string& out) {
  out.push_back('"');
  WireAddress network;
  network.bytes = prefix.bytes;
  network.v6 = prefix.v6;
  append_address(network, out);
  out.push_back('/');
  append_number(prefix.length, out);
  out.push_back('"');
}

}  // namespace

void append_element_json(const MrtElement& e, std::string& out) {
  out += "{\"type\":\"";
  out += element_type_name(e.type);
  out += "\",\"timestamp\":";
  append_number(e.timestamp, out);
  if (e.record_type == kBgp4mpEt) {
    out += ",\"microseconds\":";
    append_number(e.microseconds, out);
  }
  out += ",\"record\":\"" + record_type_name(e.record_type, e.record_subtype) + "\",\"peer_ip\":";
  append_quoted_address(e.peer_ip, out);
  out += ",\"peer_asn\":";
  append_number(e.peer_as, out);
  if (e.type == ElementType::state) {
    out += ",\"old_state\":";
    append_number(e.old_state, out);
    out += ",\"new_state\":";
    append_number(e.new_state, out);
    out += "}\n";
    return;
  }
  out += ",\"prefix\":";
  append_prefix_json(e.prefix, out);
  if (is_add_path(e.record_type, e.record_subtype)) {
    out += ",\"path_id\":";
    append_number(e.prefix.path_id, out);
  }
  if (e.type == ElementType::rib) {
    out += ",\"originated\":";
    append_number(e.originated, out);
  }
  if (e.attributes == nullptr || e.type == ElementType::withdraw) {
    out += "}\n";
    return;
  }
  const PathAttributes& a = *e.attributes;
  out += ",\"as_path\":\"";
  append_as_path(e.as_path, a.as_path.well_formed(), out);
  out += "\",\"origin_asns\":[";
  for (size_t i = 0; i < e.origins.size(); ++i) {
    if (i) out.push_back(',');
    append_number(e.origins[i], out);
  }
  out += "],\"origin\":\"";
  out += !a.has(kOrigin) ? "" : a.origin == 0 ? "IGP" : a.origin == 1 ? "EGP" : "INCOMPLETE";
  out += "\"";
  if (e.has_next_hop) {
    out += ",\"next_hop\":";
    append_quoted_address(e.next_hop, out);
  }
  if (a.has(kLocalPref)) {
    out += ",\"local_pref\":";
    append_number(a.local_pref, out);
  }
  if (a.has(kMed)) {
    out += ",\"med\":";
    append_number(a.med, out);
  }
  if (a.has(kCommunities)) {
    out += ",\"communities\":[";
    for (size_t at = 0; at + 4 <= a.communities.size(); at += 4) {
      if (at) out.push_back(',');
      const uint32_t value = wire::u32(a.communities.data() + at);
      out += "\"" + std::to_string(value >> 16) + ":" + std::to_string(value & 0xFFFF) + "\"";
    }
    out += "]";
  }
  if (a.has(kLargeCommunities)) {
    out += ",\"large_communities\":[";
    for (size_t at = 0; at + 12 <= a.large_communities.size(); at += 12) {
      if (at) out.push_back(',');
      const char* p = a.large_communities.data() + at;
      out += "\"" + std::to_string(wire::u32(p)) + ":" + std::to_string(wire::u32(p + 4)) + ":" +
             std::to_string(wire::u32(p + 8)) + "\"";
    }
    out += "]";
  }
  if (a.has(kExtendedCommunities)) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += ",\"extended_communities\":[";
    for (size_t at = 0; at + 8 <= a.extended_communities.size(); at += 8) {
      if (at) out.push_back(',');
      out.push_back('"');
      for (size_t i = 0; i < 8; ++i) {
        const auto byte = static_cast<uint8_t>(a.extended_communities[at + i]);
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 15]);
      }
      out.push_back('"');
    }
    out += "]";
  }
  if (a.has(kAtomicAggregate)) out += ",\"atomic_aggregate\":true";
  if (a.has(kAggregator)) {
    const bool as4 = a.as_path.asn_size == 2 && a.has(kAs4Aggregator) && a.aggregator_as == 23456;
    out += ",\"aggregator\":{\"asn\":";
    append_number(as4 ? a.as4_aggregator_as : a.aggregator_as, out);
    out += ",\"ip\":\"";
    append_ipv4(as4 ? a.as4_aggregator_ip : a.aggregator_ip, out);
    out += "\"}";
  }
  if (a.has(kOnlyToCustomer)) {
    out += ",\"only_to_customer\":";
    append_number(a.only_to_customer, out);
  }
  out += "}\n";
}

namespace {

bool flush(std::string& buffer, std::FILE* out) {
  const bool ok = std::fwrite(buffer.data(), 1, buffer.size(), out) == buffer.size();
  buffer.clear();
  return ok;
}

}  // namespace

Result<DumpReport> dump_mrt(const std::string& path, const DumpOptions& options, std::FILE* out) {
  DumpReport report;
  std::string buffer;
  buffer.reserve(kFlushAt + 65536);
  bool write_failed = false;
  auto note = [&](MrtProblem problem) {
    ++report.problem_count;
    if (report.problems.size() < options.keep_problems) report.problems.push_back(std::move(problem));
  };
  auto count_lines = [&](size_t from) { report.lines += static_cast<uint64_t>(std::count(buffer.begin() + static_cast<std::ptrdiff_t>(from), buffer.end(), '\n')); };
  Result<MrtReadStats> read = Error{"", ""};
  if (options.format == DumpFormat::bgpdump) {
    BgpdumpFormatter formatter(options.filter);
    read = read_mrt_file(
        path,
        [&](const MrtRecord& record) {
          const size_t before = buffer.size();
          const std::string problem = formatter.format(record, buffer);
          count_lines(before);
          if (!problem.empty()) {
            ++report.damaged_records;
            note(MrtProblem{record.offset, record_type_name(record.type, record.subtype) + ": " + problem, false});
          }
          if (buffer.size() >= kFlushAt && !flush(buffer, out)) write_failed = true;
          return !write_failed;
        },
        note);
    report.beyond_bgpdump = formatter.beyond_bgpdump;
  } else {
    ElementDecoder decoder(options.filter);
    uint64_t delivered = 0;
    read = read_mrt_file(
        path,
        [&](const MrtRecord& record) {
          const std::string problem = decoder.decode(
              record,
              [&](const MrtElement& element) {
                append_element_json(element, buffer);
                ++report.lines;
                return true;
              },
              delivered);
          if (!problem.empty()) {
            ++report.damaged_records;
            note(MrtProblem{record.offset, record_type_name(record.type, record.subtype) + ": " + problem, false});
          }
          if (buffer.size() >= kFlushAt && !flush(buffer, out)) write_failed = true;
          return !write_failed;
        },
        note);
  }
  if (!read) return read.error();
  report.read = *read;
  if (!write_failed && !flush(buffer, out)) write_failed = true;
  if (write_failed || std::fflush(out) != 0) return Error{"cannot write the output", "standard output"};
  return report;
}

}  // namespace sg::mrt
