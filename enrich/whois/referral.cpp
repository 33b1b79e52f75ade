#include "enrich/whois/referral.h"

#include <string>

#include "core/ascii.h"
#include "enrich/whois/delegations.h"

namespace sg::whois {
namespace {

constexpr size_t kMaxHostLength = 253;

// A host name or IPv4 literal: letters, digits, '.', '-', '_' only, so that hostile
// text can never reach a resolver as something else.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostLength || host.front() == '.' || host.front() == '-') return false;
  for (char c : host)
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

std::optional<uint16_t> port_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  uint32_t port = 0;
  for (char c : digits) {
    if (!is_ascii_digit(c)) return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

// "host", "host:port", with anything from the first '/' on dropped (ARIN writes
// "whois://whois.ripe.net" and "rwhois://rwhois.example.net:4321/").
std::optional<WhoisQuery> host_and_port(std::string_view text) {
  text = text.substr(0, text.find('/'));
  WhoisQuery target;
  if (const size_t colon = text.find(':'); colon != std::string_view::npos) {
    const auto port = port_number(text.substr(colon + 1));
    if (!port) return std::nullopt;
    target.port = *port;
    text = text.substr(0, colon);
  }
  if (!is_host_name(text)) return std::nullopt;
  target.server = ascii_lowercase(text);
  return target;
}

// ARIN's "ReferralServer:" value: whois://, rwhois:// or a bare host.
std::optional<Referral> from_referral_server(std::string_view value, std::string_view query) {
  value = without_rpsl_comment(value);
  ReferralKind kind = ReferralKind::referral_server;
  if (starts_with_nocase(value, "rwhois://")) {
    kind = ReferralKind::rwhois;
    value.remove_prefix(9);
  } else if (starts_with_nocase(value, "whois://")) {
    value.remove_prefix(8);
  } else if (value.find("://") != std::string_view::npos) {
    return std::nullopt;  // a scheme we do not speak
  }
  auto target = host_and_port(value);
  if (!target) return std::nullopt;
  target->query = kind == ReferralKind::rwhois ? std::string(trim_blanks(query)) : query_line(target->server, query);
  return Referral{kind, std::move(*target)};
}

std::optional<Referral> to_server(ReferralKind kind, std::string_view server, std::string_view query) {
  return Referral{kind, WhoisQuery{std::string(server), 43, query_line(server, query)}};
}

bool is_network_object(const RpslObject& object) {
  const std::string_view object_class = object.object_class();
  return object_class == "inetnum" || object_class == "inet6num" || object_class == "aut-num" ||
         object_class == "as-block";
}

bool has_value(const RpslObject& object, std::string_view lower_key, std::string_view lower_value) {
  for (std::string_view value : object.all(lower_key)) {
    const std::string_view token = without_rpsl_comment(value);
    if (token.size() == lower_value.size() && starts_with_nocase(token, lower_value)) return true;
  }
  return false;
}

// Maintainers only a registry's own staff use: "Transferred to ..." in descr, which
// anyone may write, counts only in an object they maintain.
bool maintained_by_registry(const RpslObject& object) {
  static constexpr std::string_view kRegistryMaintainers[] = {"apnic-stub", "apnic-hm", "ripe-ncc-hm-mnt",
                                                              "afrinic-hm-mnt", "lacnic-stub"};
  for (std::string_view maintainer : kRegistryMaintainers)
    if (has_value(object, "mnt-by", maintainer)) return true;
  return false;
}

// The server of the RIR a "Transferred to the RIPE region" style descr names.
std::string_view transferred_to(const RpslObject& object) {
  static constexpr std::pair<std::string_view, std::string_view> kRirs[] = {{"afrinic", kAfrinicServer},
                                                                            {"apnic", kApnicServer},
                                                                            {"arin", kArinServer},
                                                                            {"lacnic", kLacnicServer},
                                                                            {"ripe", kRipeServer}};
  for (std::string_view descr : object.all("descr")) {
    size_t start = 0;
    while (start <= descr.size()) {
      size_t end = descr.find('\n', start);
      if (end == std::string_view::npos) end = descr.size();
      std::string_view line = trim_blanks(descr.substr(start, end - start));
      start = end + 1;
      if (!starts_with_nocase(line, "transferred to the ")) continue;
      line.remove_prefix(19);
      const std::string_view rir = line.substr(0, line.find_first_of(" \t"));
      for (const auto& [name, server] : kRirs)
        if (rir.size() == name.size() && starts_with_nocase(rir, name)) return server;
    }
  }
  return {};
}

bool is_placeholder(const RpslObject& object) {
  static constexpr std::string_view kPlaceholderNames[] = {"iana-blk", "non-ripe-ncc-managed-address-block",
                                                           "erx-netblock", "iana-netblock"};
  for (std::string_view name : kPlaceholderNames)
    if (has_value(object, "netname", name)) return true;
  return false;
}

// The national registry an APNIC object hands its block to, or "".
std::string_view national_registry(const RpslObject& object) {
  static constexpr std::pair<std::string_view, std::string_view> kMarks[] = {
      {"maint-jpnic", kJpnicServer}, {"mnt-krnic-ap", kKrnicServer}, {"maint-tw-twnic", kTwnicServer}};
  static constexpr std::pair<std::string_view, std::string_view> kSources[] = {
      {"jpnic", kJpnicServer}, {"krnic", kKrnicServer}, {"twnic", kTwnicServer}};
  for (const auto& [source, server] : kSources)
    if (has_value(object, "source", source)) return server;
  for (const auto& [maintainer, server] : kMarks)
    if (has_value(object, "mnt-lower", maintainer) || has_value(object, "mnt-by", maintainer)) return server;
  return {};
}

std::optional<Referral> find_any(std::string_view server, std::string_view query, const RpslAnswer& answer) {
  // ARIN: the last ReferralServer, since ARIN lists nets from the least specific on.
  std::optional<std::string_view> referral_server;
  for (const RpslObject& object : answer.objects)
    for (const RpslAttribute& attribute : object.attributes)
      if (attribute.key == "referralserver") referral_server = attribute.value;
  if (referral_server) return from_referral_server(*referral_server, query);

  // IANA: "refer:" names the registry's server; a TLD answer has "whois:" instead.
  // Only IANA's: elsewhere such a line is just text someone registered.
  if (server == kIanaServer)
    for (std::string_view key : {"refer", "whois"})
      for (const RpslObject& object : answer.objects)
        if (const auto value = object.first(key)) {
          auto target = host_and_port(without_rpsl_comment(*value));
          if (!target || target->port != 43) return std::nullopt;
          return to_server(ReferralKind::iana, target->server, query);
        }

  bool any_network = false;
  bool all_placeholders = true;
  for (const RpslObject& object : answer.objects) {
    if (!is_network_object(object)) continue;
    any_network = true;
    all_placeholders = all_placeholders && is_placeholder(object);
    if (maintained_by_registry(object))
      if (const std::string_view rir = transferred_to(object); !rir.empty())
        return to_server(ReferralKind::transferred, rir, query);
  }
  if (any_network && all_placeholders) return to_server(ReferralKind::not_managed, kIanaServer, query);

  if (server == kApnicServer)
    for (const RpslObject& object : answer.objects)
      if (is_network_object(object))
        if (const std::string_view nir = national_registry(object); !nir.empty())
          return to_server(ReferralKind::national_registry, nir, query);
  return std::nullopt;
}

}  // namespace

std::optional<Referral> find_referral(std::string_view server, std::string_view query, const RpslAnswer& answer) {
  const std::string asked = ascii_lowercase(trim_blanks(server));
  auto referral = find_any(asked, query, answer);
  // A referral to the server just asked would loop.
  if (referral && referral->next.server == asked) return std::nullopt;
  return referral;
}

std::optional<Referral> find_referral(std::string_view server, std::string_view query, std::string_view answer) {
  return find_referral(server, query, parse_rpsl(answer));
}

}  // namespace sg::whois
