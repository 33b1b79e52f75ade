// libFuzzer target: one WHOIS or IRR answer, as a registry (or anyone on the path) may
// send it: parse_rpsl, the route objects, the answer's kind and the referral to follow.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "enrich/whois/referral.h"
#include "enrich/whois/rpsl.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the server that answered: each reads referrals its own way.
  static const std::string_view kServers[] = {"whois.arin.net", "whois.apnic.net", "whois.ripe.net", "whois.iana.org",
                                              "whois.radb.net"};
  const std::string_view server = kServers[data[0] % std::size(kServers)];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  const sg::whois::RpslAnswer answer = sg::whois::parse_rpsl(text);
  size_t total = answer.comments.size() + answer.stray_lines.size();
  for (const sg::whois::RpslObject& object : answer.objects) {
    total += object.object_class().size() + object.primary_key().size();
    for (const sg::whois::RpslAttribute& attribute : object.attributes)
      total += attribute.key.size() + attribute.value.size() + sg::whois::without_rpsl_comment(attribute.value).size();
    if (const auto source = object.first("source")) total += source->size();
    total += object.all("descr").size();
  }
  total += static_cast<size_t>(sg::whois::classify_answer(answer));
  for (const sg::whois::RouteObject& route : sg::whois::route_objects(answer)) {
    total += static_cast<size_t>(route.prefix.length) + route.origin + route.source.size() + route.created.size() +
             route.last_modified.size();
    for (const auto* lines : {&route.descr, &route.mnt_by, &route.remarks, &route.changed})
      for (const auto& line : *lines) total += line.size();
  }
  for (const std::string_view query : {std::string_view("192.0.2.1"), std::string_view("AS64500")})
    if (const auto referral = sg::whois::find_referral(server, query, answer))
      total += referral->next.server.size() + referral->next.port + referral->next.query.size() +
               static_cast<size_t>(referral->kind) + referral->followable();
  sink = total;
  return 0;
}
