#include "collectors/trust.h"

#include <optional>
#include <string>
#include <vector>

#include "core/domain.h"

namespace sg {

namespace {

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';'; }

// The "by" part as a host name or address literal, normalised for comparison.
std::string by_host(const Hop& hop) {
  std::string_view by = hop.by;
  while (!by.empty() && (by.front() == '[' || by.front() == '(')) by.remove_prefix(1);
  while (!by.empty() && (by.back() == ']' || by.back() == ')' || by.back() == '.')) by.remove_suffix(1);
  if (auto ip = IpAddress::parse(by)) return ip->to_string();
  if (auto name = normalize_host_name(by)) return *name;
  return {};
}

// Decides trust for one hop; shared by the configured and inferred modes. `by`
// is by_host(hop), computed once per hop by mark_trust.
struct TrustPolicy {
  virtual ~TrustPolicy() = default;
  virtual bool by_is_ours(const Hop& hop, const std::string& by, bool topmost) = 0;
  /// `below` is the next hop down (written by this hop's sender), if any, and
  /// `below_by` its by_host.
  virtual bool sender_is_ours(const Hop& hop, const Hop* below, const std::string& below_by) = 0;
};

struct ConfiguredPolicy : TrustPolicy {
  const TrustConfig& config;
  explicit ConfiguredPolicy(const TrustConfig& c) : config(c) {}
  bool by_is_ours(const Hop&, const std::string& by, bool) override { return !by.empty() && config.trusts_host(by); }
  bool sender_is_ours(const Hop& hop, const Hop*, const std::string&) override {
    if (hop.from_ip && config.trusts_ip(*hop.from_ip)) return true;
    // The rDNS was recorded by a trusted server, so it is a fact; the HELO is not.
    return !hop.from_rdns.empty() && config.trusts_host(hop.from_rdns);
  }
};

// The last two labels of a name ("example.jp" of "mx.neko.example.jp").
std::string_view last_two_labels(std::string_view name) {
  const size_t last_dot = name.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return name;
  const size_t dot = name.rfind('.', last_dot - 1);
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

// A name is under a registrable domain exactly when it equals it or ends with "." + it.
bool is_under(std::string_view host, std::string_view domain) {
  return host == domain || (host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
                            host.substr(host.size() - domain.size()) == domain);
}

struct InferredPolicy : TrustPolicy {
  std::string first_by;  // the first named `by`: the receiving side, ours by definition
  std::optional<std::string> first_domain;  // its registrable domain, looked up when first needed
  std::vector<std::string> other_domains;   // the provider's other registrable domains met on the way

  // Same registrable domain as ours. Most hosts are told apart without a PSL
  // lookup: the registrable domain of first_by ends with its last two labels, so
  // a host that does not is not under it.
  bool is_ours(std::string_view host) {
    if (host == first_by) return true;
    for (const std::string& own : other_domains)
      if (is_under(host, own)) return true;
    if (last_two_labels(host) != last_two_labels(first_by)) return false;
    if (!first_domain) first_domain = registrable_domain(first_by);
    return is_under(host, *first_domain);
  }
  bool by_is_ours(const Hop&, const std::string& by, bool topmost) override {
    if (by.empty()) return false;
    if (auto ip = IpAddress::parse(by)) return topmost || first_by.empty() || ip->is_private();
    if (by.find('.') == std::string::npos) return true;  // an internal single-label name
    if (first_by.empty()) {
      first_by = by;
      return true;
    }
    return is_ours(by);
  }
  bool sender_is_ours(const Hop& hop, const Hop* below, const std::string& below_by) override {
    if (hop.from_ip && (hop.from_ip->is_private() || hop.from_ip->is_loopback())) return true;
    if (first_by.empty()) return false;
    if (!hop.from_rdns.empty())
      if (auto rdns = normalize_domain(hop.from_rdns); rdns && is_ours(*rdns)) return true;
    // Large providers relay between their own machines without rDNS (Exchange
    // Online: "from X.prod.outlook.com (2603:10b6:...)"). A sender naming itself
    // under our domain counts as ours only when the hop below was written by that
    // same machine: its `by` is under our domains, or has the sender's host label
    // under another of the provider's domains (MW4PR03CA0010.outlook.office365.com).
    auto helo = normalize_domain(hop.from_helo);
    if (!helo || !is_ours(*helo) || !below) return false;
    if (below_by.empty() || IpAddress::parse(below_by)) return false;
    if (is_ours(below_by)) return true;
    if (first_label(below_by) != first_label(*helo)) return false;
    other_domains.push_back(registrable_domain(below_by));
    return true;
  }

  static std::string_view first_label(std::string_view name) { return name.substr(0, name.find('.')); }
};

}  // namespace

Result<TrustConfig> TrustConfig::parse(std::string_view list) {
  TrustConfig config;
  if (auto status = config.add(list); !status) return status.error();
  return config;
}

Status TrustConfig::add(std::string_view list) {
  size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && is_separator(list[pos])) ++pos;
    size_t end = pos;
    while (end < list.size() && !is_separator(list[end])) ++end;
    const std::string_view item = list.substr(pos, end - pos);
    pos = end;
    if (item.empty()) continue;
    if (auto prefix = IpPrefix::parse(item)) {
      networks.push_back(*prefix);
    } else if (item.substr(0, 2) == "*.") {
      auto name = normalize_domain(item.substr(2));
      if (!name) return Error{"not a host name wildcard", std::string(item)};
      suffixes.push_back("." + *name);
    } else if (auto name = normalize_host_name(item)) {
      hosts.push_back(*name);
    } else {
      return Error{"not a host name, *.suffix or CIDR prefix", std::string(item)};
    }
  }
  return Ok{};
}

bool TrustConfig::trusts_ip(const IpAddress& address) const {
  for (const IpPrefix& prefix : networks)
    if (prefix.contains(address)) return true;
  return false;
}

bool TrustConfig::trusts_host(std::string_view name) const {
  if (auto ip = IpAddress::parse(name)) return trusts_ip(*ip);
  auto normalized = normalize_host_name(name);
  if (!normalized) return false;
  for (const std::string& host : hosts)
    if (*normalized == host) return true;
  for (const std::string& suffix : suffixes)
    if (normalized->size() > suffix.size() &&
        normalized->compare(normalized->size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  return false;
}

int mark_trust(std::vector<Hop>& hops, const TrustConfig& config, bool& origin_is_fact) {
  ConfiguredPolicy configured(config);
  InferredPolicy inferred;
  TrustPolicy& policy = config.empty() ? static_cast<TrustPolicy&>(inferred) : configured;

  origin_is_fact = false;
  int origin = -1;
  bool boundary_open = true;
  bool topmost = true;
  std::vector<std::string> by_names(hops.size());  // by_host of each hop, once
  std::vector<bool> named(hops.size(), false);
  auto by_name = [&](size_t i) -> const std::string& {
    if (!named[i]) {
      by_names[i] = by_host(hops[i]);
      named[i] = true;
    }
    return by_names[i];
  };
  for (size_t i = 0; i < hops.size(); ++i) {
    Hop& hop = hops[i];
    hop.trusted = false;
    if (!hop.is_hop || !boundary_open) continue;
    hop.trusted = policy.by_is_ours(hop, by_name(i), topmost);
    topmost = false;
    if (!hop.trusted) {
      boundary_open = false;
      continue;
    }
    const bool has_sender = hop.from_ip || !hop.from_helo.empty() || !hop.from_rdns.empty();
    size_t below = i + 1;
    while (below < hops.size() && !hops[below].is_hop) ++below;
    static const std::string kNone;
    if (!has_sender || (below < hops.size() ? policy.sender_is_ours(hop, &hops[below], by_name(below))
                                            : policy.sender_is_ours(hop, nullptr, kNone)))
      continue;
    origin = static_cast<int>(i);
    origin_is_fact = true;
    boundary_open = false;
  }
  if (origin >= 0) return origin;
  // No trusted hop named an outside sender. If the trusted chain ended at a `by`
  // that is not ours, the next sender down is the best lead (a claim); with no
  // trusted hop at all, take what the chain claims: the deepest public sender.
  size_t first_untrusted = 0;
  while (first_untrusted < hops.size() && (hops[first_untrusted].trusted || !hops[first_untrusted].is_hop))
    ++first_untrusted;
  if (first_untrusted == hops.size()) return -1;  // internal mail: every hop is ours
  if (first_untrusted > 0) {
    for (size_t i = first_untrusted; i < hops.size(); ++i)
      if (hops[i].is_hop && hops[i].from_ip && !hops[i].from_ip->is_private()) return static_cast<int>(i);
    return -1;
  }
  for (size_t i = hops.size(); i-- > 0;)
    if (hops[i].is_hop && hops[i].from_ip && !hops[i].from_ip->is_private()) return static_cast<int>(i);
  return -1;
}

}  // namespace sg
