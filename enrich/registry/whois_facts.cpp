#include "enrich/registry/whois_facts.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/as_number.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/rdap/address_range.h"
#include "enrich/whois/rpsl.h"

namespace sg::registry {

namespace {

using whois::RpslAnswer;
using whois::RpslObject;

// A registry date ("2007-03-13", "2019-05-06T01:02:03Z", "20081124") as UnixTime.
std::optional<UnixTime> registry_date(std::string_view text) {
  text = trim_blanks(text);
  if (text.size() >= 8 && std::all_of(text.begin(), text.begin() + 8, [](char c) { return is_ascii_digit(c); }) &&
      (text.size() == 8 || text[8] == ' ')) {
    const auto number = [&](size_t at, size_t n) {
      int value = 0;
      for (size_t i = at; i < at + n; ++i) value = value * 10 + (text[i] - '0');
      return value;
    };
    const int year = number(0, 4), month = number(4, 2), day = number(6, 2);
    if (year < 1980 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    return make_utc(year, month, day, 0, 0, 0);
  }
  if (auto time = parse_rfc3339(text)) return time;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') return parse_user_date(text);
  return std::nullopt;
}

// "YYYY-MM-DD" of a registry date, or the text as given when it is no date.
std::string date_text(std::string_view text) {
  if (auto time = registry_date(text)) return day_text(time);
  return registry_text(text);
}

// The range an inetnum / inet6num / NetRange value names: "A - B" or a prefix,
// including LACNIC's short IPv4 prefixes ("200.57.128/19").
std::vector<IpPrefix> network_prefixes(std::string_view value) {
  value = trim_blanks(whois::without_rpsl_comment(value));
  if (const size_t dash = value.find(" - "); dash != std::string_view::npos) {
    auto first = rdap::parse_registry_address(trim_blanks(value.substr(0, dash)));
    auto last = rdap::parse_registry_address(trim_blanks(value.substr(dash + 3)));
    if (!first || !last) return {};
    return rdap::covering_prefixes(*first, *last);
  }
  if (auto prefix = IpPrefix::parse(value)) return {*prefix};
  // Short IPv4: fewer than four octets before the slash.
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos || value.find(':') != std::string_view::npos) return {};
  std::string address(value.substr(0, slash));
  const auto dots = std::count(address.begin(), address.end(), '.');
  if (dots >= 3) return {};
  for (auto i = dots; i < 3; ++i) address += ".0";
  if (auto prefix = IpPrefix::parse(address + std::string(value.substr(slash)))) return {*prefix};
  return {};
}

bool is_network(const RpslObject& object) {
  const std::string_view kind = object.object_class();
  return kind == "inetnum" || kind == "inet6num" || kind == "netrange";
}

// How many addresses a network's prefixes hold (as a power-of-two sum in long
// double: IPv6 ranges overflow any integer): the smaller, the more specific.
long double range_size(const std::vector<IpPrefix>& prefixes) {
  long double size = 0;
  for (const IpPrefix& prefix : prefixes)
    size += std::ldexp(1.0L, prefix.network.bit_width() - prefix.length);
  return size;
}

// The most specific network object holding `asked` (any, when `asked` is no address).
const RpslObject* chosen_network(const RpslAnswer& answer, const std::optional<IpAddress>& asked,
                                 std::vector<IpPrefix>& prefixes) {
  const RpslObject* best = nullptr;
  for (const RpslObject& object : answer.objects) {
    if (!is_network(object)) continue;
    std::vector<IpPrefix> candidate = network_prefixes(object.primary_key());
    if (candidate.empty()) continue;
    if (asked && std::none_of(candidate.begin(), candidate.end(),
                              [&](const IpPrefix& prefix) { return prefix.contains(*asked); }))
      continue;
    // Several prefixes cover an odd range; the one holding the address is what counts for it.
    if (!best || range_size(candidate) < range_size(prefixes)) {
      best = &object;
      prefixes = std::move(candidate);
    }
  }
  return best;
}

// The first value of the first object (in order) that has `key`.
std::optional<std::string_view> first_anywhere(const RpslAnswer& answer, std::string_view key) {
  for (const RpslObject& object : answer.objects)
    if (auto value = object.first(key)) return value;
  return std::nullopt;
}

std::optional<std::string> abuse_contact(const RpslAnswer& answer, const RpslObject* main) {
  // RIPE, APNIC and AFRINIC say it in a remark made for this purpose.
  static constexpr std::string_view kRemark = "abuse contact for '";
  for (const std::string& comment : answer.comments) {
    const std::string lower = ascii_lowercase(comment);
    const size_t at = lower.find(kRemark);
    if (at == std::string::npos) continue;
    const size_t is = lower.find("' is '", at + kRemark.size());
    if (is == std::string::npos) continue;
    const size_t end = comment.find('\'', is + 6);
    if (end == std::string::npos) continue;
    if (auto email = email_key(std::string_view(comment).substr(is + 6, end - is - 6))) return email;
  }
  for (std::string_view key : {"rabuseemail", "orgabuseemail", "abuse-mailbox"})
    if (auto value = first_anywhere(answer, key))
      if (auto email = email_key(*value)) return email;
  // LACNIC and older RIPE answers: the abuse-c handle's object.
  if (main)
    if (auto handle = main->first("abuse-c"))
      for (const RpslObject& object : answer.objects)
        if (object.first("nic-hdl") == handle)
          for (std::string_view key : {"abuse-mailbox", "e-mail"})
            if (auto value = object.first(key))
              if (auto email = email_key(*value)) return email;
  return std::nullopt;
}

// Who holds a network or AS: the organisation's name where the answer has one.
std::string holder_name(const RpslAnswer& answer, const RpslObject& main) {
  for (std::string_view key : {"orgname", "org-name", "owner"})
    if (auto value = first_anywhere(answer, key); value && !registry_text(*value).empty()) return registry_text(*value);
  if (auto value = main.first("descr"); value && !registry_text(*value).empty()) {
    std::string_view line = *value;
    return registry_text(line.substr(0, line.find('\n')));
  }
  return "";
}

void add_mnt_by(Facts& facts, const EntityRef& subject, const RpslObject& object, UnixTime time) {
  for (std::string_view value : object.all("mnt-by")) {
    std::string_view rest = whois::without_rpsl_comment(value);
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      const std::string name = ascii_lowercase(trim_blanks(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!name.empty() && name.size() <= 80)
        facts.add(subject, kMaintainedBy, EntityRef{EntityKind::maintainer, ascii_uppercase(name)}, time);
    }
  }
}

void add_dates(Facts& facts, const EntityRef& entity, const RpslObject& object, UnixTime time) {
  for (std::string_view key : {"regdate", "created"})
    if (auto value = object.first(key)) facts.add(entity, "registered", date_text(*value), time);
  for (std::string_view key : {"updated", "last-modified", "changed"})
    if (auto value = object.first(key)) {
      // "changed: email YYYYMMDD": the date is the last word.
      std::string_view text = trim_blanks(*value);
      if (key == "changed") text = text.substr(text.rfind(' ') == std::string_view::npos ? 0 : text.rfind(' ') + 1);
      facts.add(entity, "last-changed", date_text(text), time);
    }
}

void add_country(Facts& facts, const EntityRef& subject, const RpslAnswer& answer, const RpslObject& main,
                 UnixTime time) {
  std::optional<std::string_view> country = main.first("country");
  if (!country) country = first_anywhere(answer, "country");
  if (country) facts.add_country(subject, whois::without_rpsl_comment(*country), time);
}

void network_facts(Facts& facts, const RpslAnswer& answer, const EntityRef& asked, UnixTime time) {
  std::optional<IpAddress> address;
  if (asked.kind == EntityKind::ip) address = IpAddress::parse(asked.key);
  std::vector<IpPrefix> prefixes;
  const RpslObject* network = chosen_network(answer, address, prefixes);
  if (!network) return;
  const std::optional<std::string> abuse = abuse_contact(answer, network);
  const std::string holder = holder_name(answer, *network);
  for (const IpPrefix& prefix : prefixes) {
    if (address && !prefix.contains(*address)) continue;
    const EntityRef entity{EntityKind::prefix, prefix.to_string()};
    if (asked.kind == EntityKind::ip) facts.add(asked, kRegisteredIn, entity, time);
    if (!holder.empty()) facts.add(entity, kHolder, EntityRef{EntityKind::org, holder}, time);
    add_country(facts, entity, answer, *network, time);
    if (abuse) facts.add(entity, kAbuseContact, EntityRef{EntityKind::email, *abuse}, time);
    add_mnt_by(facts, entity, *network, time);
    for (std::string_view key : {"netname", "net-name"})
      if (auto value = network->first(key)) facts.add(entity, "network-name", registry_text(*value), time);
    facts.add(entity, "range", registry_text(network->primary_key()), time);
    if (auto value = network->first("nethandle")) facts.add(entity, "handle", registry_text(*value), time);
    for (std::string_view key : {"status", "nettype"})
      if (auto value = network->first(key)) facts.add(entity, "status", registry_text(*value), time);
    if (auto value = network->first("source")) facts.add(entity, "source", registry_text(whois::without_rpsl_comment(*value)), time);
    add_dates(facts, entity, *network, time);
  }
}

void autnum_facts(Facts& facts, const RpslAnswer& answer, const EntityRef& asked, UnixTime time) {
  const RpslObject* main = nullptr;
  for (const RpslObject& object : answer.objects) {
    const std::string_view kind = object.object_class();
    if (kind != "aut-num" && kind != "asnumber") continue;
    if (parse_as_number(trim_blanks(object.primary_key())).has_value() &&
        as_number_key(*parse_as_number(trim_blanks(object.primary_key()))) == asked.key) {
      main = &object;
      break;
    }
    if (!main) main = &object;  // ARIN's ASNumber is a range "3491" or "3491 - 3491"
  }
  if (!main) return;
  std::string name;
  for (std::string_view key : {"as-name", "asname"})
    if (auto value = main->first(key)) name = registry_text(*value);
  const std::string holder = holder_name(answer, *main);
  // "ET355-AS Eric Tam": the name and the organisation, as AS lists show them.
  std::string org = name;
  if (!holder.empty() && holder != name) org = name.empty() ? holder : name + " " + holder;
  if (!org.empty()) facts.add(asked, kHolder, EntityRef{EntityKind::org, org}, time);
  facts.add(asked, "as-name", name, time);
  add_country(facts, asked, answer, *main, time);
  if (auto abuse = abuse_contact(answer, main)) facts.add(asked, kAbuseContact, EntityRef{EntityKind::email, *abuse}, time);
  add_mnt_by(facts, asked, *main, time);
  add_dates(facts, asked, *main, time);
}

void route_facts(Facts& facts, const RpslAnswer& answer, UnixTime time) {
  for (const whois::RouteObject& route : whois::route_objects(answer)) {
    const std::string source = route.source.empty() ? "IRR" : ascii_uppercase(registry_text(route.source));
    const EntityRef entity{EntityKind::route, route_key(route.prefix, route.origin, source)};
    facts.add(EntityRef{EntityKind::prefix, route.prefix.to_string()}, kRouteObject, entity, time);
    facts.add(entity, kRouteOrigin, EntityRef{EntityKind::asn, as_number_key(route.origin)}, time);
    for (const std::string& maintainer : route.mnt_by) {
      const std::string name = ascii_uppercase(registry_text(maintainer));
      if (!name.empty() && name.size() <= 80) facts.add(entity, kMaintainedBy, EntityRef{EntityKind::maintainer, name}, time);
    }
    std::string descr, remarks;
    for (const std::string& line : route.descr) descr += (descr.empty() ? "" : " / ") + registry_text(line);
    for (const std::string& line : route.remarks)
      if (!registry_text(line).empty()) remarks += (remarks.empty() ? "" : " ") + registry_text(line);
    facts.add(entity, "descr", descr, time);
    facts.add(entity, "remarks", remarks, time);
    facts.add(entity, "source", source, time);
    if (!route.created.empty()) facts.add(entity, "registered", date_text(route.created), time);
    std::string last = route.last_modified;
    if (last.empty() && !route.changed.empty()) {
      std::string_view changed = trim_blanks(route.changed.back());
      const size_t hash = changed.find('#');
      changed = trim_blanks(changed.substr(0, hash));
      last = std::string(changed.substr(changed.rfind(' ') == std::string_view::npos ? 0 : changed.rfind(' ') + 1));
    }
    if (!last.empty()) facts.add(entity, "last-changed", date_text(last), time);
  }
}

}  // namespace

std::string route_key(const IpPrefix& prefix, uint32_t origin, std::string_view source) {
  return prefix.to_string() + " " + as_number_key(origin) + " " + std::string(source);
}

Facts whois_facts(std::string_view answer, const EntityRef& asked, UnixTime time) {
  Facts facts;
  const RpslAnswer parsed = whois::parse_rpsl(answer);
  if (asked.kind == EntityKind::asn)
    autnum_facts(facts, parsed, asked, time);
  else
    network_facts(facts, parsed, asked, time);
  route_facts(facts, parsed, time);
  return facts;
}

Facts irr_facts(std::string_view answer, UnixTime time) {
  Facts facts;
  route_facts(facts, whois::parse_rpsl(answer), time);
  return facts;
}

}  // namespace sg::registry
