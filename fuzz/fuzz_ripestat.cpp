// libFuzzer target: one body as a RIPEstat server (or anyone on the path) may send
// it, read by every RIPEstat parser, and the same bytes as Team Cymru TXT and bulk
// WHOIS answers. Every field of every result is touched so a bad value is read.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "enrich/cymru/cymru.h"
#include "enrich/registry/ripestat_facts.h"
#include "enrich/ripestat/ripestat.h"

static volatile size_t sink;

namespace {

void touch(const std::string& text) { sink = sink + text.size(); }
void touch(const sg::IpPrefix& prefix) { sink = sink + prefix.to_string().size(); }
void touch(const sg::IpAddress& address) { sink = sink + address.to_string().size(); }
void touch(sg::UnixTime time) { sink = sink + static_cast<size_t>(time); }
void touch(uint32_t asn) { sink = sink + asn; }
void touch(const sg::Error& error) { touch(error.to_string()); }
void touch(const sg::ripestat::Block& block);
template <typename T>
void touch(const std::optional<T>& value) {
  if (value) touch(*value);
}

void touch(const sg::ripestat::Envelope& envelope) {
  sink = sink + envelope.has_envelope + static_cast<size_t>(envelope.status_code) + envelope.is_error();
  touch(envelope.status);
  touch(envelope.data_call_name);
  touch(envelope.version);
  touch(envelope.time);
  touch(envelope.error_text());
  for (const auto& message : envelope.messages) {
    touch(message.level);
    touch(message.text);
  }
}

void touch(const sg::ripestat::Block& block) {
  touch(block.resource);
  touch(block.description);
  touch(block.name);
}

void touch(const std::vector<sg::ripestat::PrefixTimelines>& prefixes) {
  for (const auto& entry : prefixes) {
    touch(entry.prefix);
    for (const auto& timeline : entry.timelines) {
      touch(timeline.start);
      touch(timeline.end);
      if (timeline.full_peers_seeing) sink = sink + static_cast<size_t>(*timeline.full_peers_seeing > 0);
    }
  }
}

template <typename Data, typename TouchData>
void run(const sg::Result<sg::ripestat::Answer<Data>>& answer, TouchData touch_data) {
  if (!answer) {
    touch(answer.error());
    return;
  }
  touch(answer->envelope);
  if (answer->data) touch_data(*answer->data);
}

void fuzz_ripestat(std::string_view body) {
  using namespace sg::ripestat;
  run(parse_network_info(body), [](const NetworkInfo& info) {
    touch(info.prefix);
    for (uint32_t asn : info.asns) touch(asn);
  });
  run(parse_prefix_overview(body), [](const PrefixOverview& overview) {
    touch(overview.resource);
    touch(overview.prefix);
    sink = sink + overview.announced + overview.is_less_specific + static_cast<size_t>(overview.actual_num_related);
    for (const auto& as : overview.asns) {
      touch(as.asn);
      touch(as.holder);
    }
    touch(overview.block);
    touch(overview.query_time);
  });
  run(parse_announced_prefixes(body), [](const AnnouncedPrefixes& announced) {
    touch(announced.asn);
    touch(announced.prefixes);
    touch(announced.query_start);
    touch(announced.query_end);
  });
  run(parse_routing_history(body), [](const RoutingHistory& history) {
    touch(history.resource);
    for (const auto& origin : history.by_origin) {
      touch(origin.origin);
      touch(origin.prefixes);
    }
    touch(history.query_start);
    touch(history.query_end);
  });
  run(parse_as_overview(body), [](const AsOverview& overview) {
    touch(overview.asn);
    touch(overview.holder);
    sink = sink + overview.announced;
    touch(overview.block);
  });
  run(parse_abuse_contact_finder(body), [](const AbuseContacts& contacts) {
    for (const auto& contact : contacts.abuse_contacts) touch(contact);
    touch(contacts.authoritative_rir);
  });
}

void fuzz_cymru(std::string_view text) {
  using namespace sg::cymru;
  if (auto origin = parse_cymru_origin_txt(text)) {
    for (uint32_t asn : origin->asns) touch(asn);
    touch(origin->prefix);
    touch(origin->country);
    touch(origin->registry);
    touch(origin->allocated);
  } else {
    touch(origin.error());
  }
  if (auto as = parse_cymru_as_txt(text)) {
    touch(as->asn);
    touch(as->country);
    touch(as->registry);
    touch(as->allocated);
    touch(as->name);
  } else {
    touch(as.error());
  }
  if (auto bulk = parse_cymru_bulk(text)) {
    touch(bulk->time);
    for (const auto& row : bulk->rows) {
      touch(row.asn);
      touch(row.address);
      touch(row.prefix);
      touch(row.country);
      touch(row.registry);
      touch(row.allocated);
      touch(row.as_name);
    }
    for (const auto& problem : bulk->problems) touch(problem);
  } else {
    touch(bulk.error());
  }
}


// The facts `enrich bgp` derives from the same bytes, for every data call it makes.
void fuzz_ripestat_facts(std::string_view bytes) {
  const sg::EntityRef asked[] = {{sg::EntityKind::ip, "192.0.2.1"},
                                 {sg::EntityKind::prefix, "192.0.2.0/24"},
                                 {sg::EntityKind::asn, "AS64500"}};
  for (std::string_view call : {sg::registry::kNetworkInfo, sg::registry::kPrefixOverview,
                                sg::registry::kRoutingHistory, sg::registry::kAbuseContactFinder,
                                sg::registry::kAnnouncedPrefixes, sg::registry::kAsOverview})
    for (const sg::EntityRef& entity : asked) {
      auto facts = sg::registry::ripestat_facts(call, bytes, entity, 1700000000);
      if (!facts) {
        touch(facts.error());
        continue;
      }
      for (const sg::Observation& o : facts->observations) touch(o.subject.key + o.object.key);
      for (const sg::Attribute& a : facts->attributes) touch(a.value);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz_ripestat(bytes);
  fuzz_cymru(bytes);
  fuzz_ripestat_facts(bytes);
  return 0;
}
