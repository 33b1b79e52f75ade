#include "collectors/trust.h"

#include <optional>
#include <string>
#include <vector>

#include "core/ascii.h"
#include "core/domain.h"

namespace sg {

namespace {

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';'; }

// The `by` part of a hop as the policies compare it: an address literal, or a
// normalised host name; neither when it is missing or unreadable.
struct ByHost {
  std::optional<IpAddress> address;
  std::string name;  // normalised; empty for an address
};

// False when `text` cannot be an address for IpAddress::parse: a byte other than
// hex digits, '.' and ':' before any "%zone", and no "IPv6:" prefix. Host names
// fail at their first letter past 'f', before the costlier parse.
bool may_be_address(std::string_view text) {
  if (starts_with_nocase(text, "ipv6:")) return true;
  for (char c : text) {
    if (c == '%') return true;
    const bool hex = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    if (!hex && c != '.' && c != ':') return false;
  }
  return true;
}

// Reads hop.by into `out`, reusing its name's buffer.
void read_by_host(const Hop& hop, ByHost& out) {
  std::string_view by = hop.by;
  while (!by.empty() && (by.front() == '[' || by.front() == '(')) by.remove_prefix(1);
  while (!by.empty() && (by.back() == ']' || by.back() == ')' || by.back() == '.')) by.remove_suffix(1);
  out.address = may_be_address(by) ? IpAddress::parse(by) : std::nullopt;
  if (out.address) {
    out.name.clear();
    return;
  }
  // Single labels ("localhost", "MP61") count too; junk leaves no name.
  normalize_host_name_into(by, out.name);  // empty when it is no name
}

// The ByHost of each hop, read when first asked for. mark_trust asks for a hop,
// then for the one below it, which it asks for again as the next hop: two slots,
// the older one overwritten, read each hop once and keep their buffers. The slots
// are `buffers`, which an earlier call may have filled: a slot is read only after
// it was written for an index.
class ByHosts {
 public:
  ByHosts(const std::vector<Hop>& hops, ByHost (&buffers)[2])
      : hops_(hops), slots_{{static_cast<size_t>(-1), buffers[0]}, {static_cast<size_t>(-1), buffers[1]}} {}

  // Valid until the call after next.
  const ByHost& of(size_t index) {
    for (Slot& slot : slots_) {
      if (slot.index == index) {
        newest_ = &slot;
        return slot.by;
      }
    }
    Slot& older = newest_ == &slots_[0] ? slots_[1] : slots_[0];
    read_by_host(hops_[index], older.by);
    older.index = index;
    newest_ = &older;
    return older.by;
  }

 private:
  struct Slot {
    size_t index;
    ByHost& by;
  };
  const std::vector<Hop>& hops_;
  Slot slots_[2];
  const Slot* newest_ = nullptr;
};

// Decides trust for one hop; shared by the configured and inferred modes.
struct TrustPolicy {
  virtual ~TrustPolicy() = default;
  virtual bool by_is_ours(const ByHost& by, bool topmost) = 0;
  /// `below` is the next hop down (written by this hop's sender) and `below_by` its
  /// ByHost: nullptr, and neither address nor name, when there is no hop below.
  virtual bool sender_is_ours(const Hop& hop, const Hop* below, const ByHost& below_by) = 0;
  /// Below a mailbox pickup the walk starts afresh: the next hop is the mailbox
  /// provider's topmost one.
  virtual void restart() {}
};

// "mw4pr03ca0010" of "mw4pr03ca0010.namprd03.prod.outlook.com".
std::string_view first_label(std::string_view name) { return name.substr(0, name.find('.')); }

// Whether two normalised names name one machine by its host label: Exchange Online
// calls a server MW4PR03CA0010.namprd03.prod.outlook.com in one hop and
// MW4PR03CA0010.outlook.office365.com in the next. Only a label as distinctive as
// those (eight bytes or more, letters and digits) counts; "mail" or "smtp1" do not.
bool same_machine(std::string_view a, std::string_view b) {
  const std::string_view label = first_label(a);
  if (label.size() < 8 || label != first_label(b)) return false;
  bool letter = false, digit = false;
  for (char c : label) {
    letter = letter || (c >= 'a' && c <= 'z');
    digit = digit || (c >= '0' && c <= '9');
  }
  return letter && digit;
}

bool written_by_exchange(const Hop& hop) { return hop.dialect == "exchange"; }

// Exchange Online's inbound edge, "by XXXX.mail.protection.outlook.com": where mail
// enters a tenant, so its sender is outside whatever the sender calls itself.
bool is_exchange_online_frontend(const Hop& hop) {
  std::string_view by = hop.by;
  while (!by.empty() && by.back() == '.') by.remove_suffix(1);
  return ends_with_nocase(by, ".mail.protection.outlook.com");
}

struct ConfiguredPolicy : TrustPolicy {
  const TrustConfig& config;
  explicit ConfiguredPolicy(const TrustConfig& c) : config(c) {}
  bool by_is_ours(const ByHost& by, bool) override {
    if (by.address) return config.trusts_ip(*by.address);
    return !by.name.empty() && (config.trusts_host(by.name) || by.name == vouched_by_);
  }
  bool sender_is_ours(const Hop& hop, const Hop* below, const ByHost& below_by) override {
    if (hop.from_ip && config.trusts_ip(*hop.from_ip)) return true;
    // The rDNS was recorded by a trusted server, so it is a fact; the HELO is not.
    if (!hop.from_rdns.empty() && config.trusts_host(hop.from_rdns)) return true;
    // Exchange Online names its own machines only by HELO and an address of its own
    // ("from MW4PR03CA0010.namprd03.prod.outlook.com (2603:10b6:303:8f::15)"). Such a
    // sender is ours when the hop below was written by that same machine (same_machine)
    // and the HELO is on the list, or both hops are Exchange's; that hop's `by` is then
    // ours too, whatever its domain (MW4PR03CA0010.outlook.office365.com). Names can
    // be forged; a trust list of networks is what makes the walk proof against that.
    if (!below || hop.from_helo.empty() || below_by.name.empty()) return false;
    if (!normalize_host_name_into(hop.from_helo, helo_) || !same_machine(helo_, below_by.name)) return false;
    if (!config.trusts_host(helo_) && !(written_by_exchange(hop) && written_by_exchange(*below))) return false;
    vouched_by_ = below_by.name;
    return true;
  }
  std::string helo_;        // the normalised HELO, kept from hop to hop
  std::string vouched_by_;  // the `by` of the hop below a sender found ours by same_machine
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

}  // namespace

// The buffers of one mark_trust call, kept by the caller so that their capacity
// outlives the call: each message would otherwise allocate them afresh.
struct TrustScratch::Buffers {
  ByHost by_hosts[2];
  std::string first_by;
  std::string first_domain;
  std::string sender_name;
  std::vector<std::string> other_domains;
  PublicSuffixCache suffixes;
};

TrustScratch::TrustScratch() : buffers_(std::make_unique<Buffers>()) {}
TrustScratch::~TrustScratch() = default;

namespace {

struct InferredPolicy : TrustPolicy {
  // The strings live in TrustScratch::Buffers; the constructor empties them.
  std::string& first_by;  // the first named `by`: the receiving side, ours by definition
  std::string_view first_by_tail;          // last_two_labels(first_by)
  std::string& first_domain;               // its registrable domain, looked up when first needed
  bool has_first_domain = false;
  std::vector<std::string>& other_domains;  // the provider's other registrable domains met on the way
  std::string& sender_name;                 // a sender's normalised rDNS or HELO, one at a time
  PublicSuffixCache& suffixes;

  explicit InferredPolicy(TrustScratch::Buffers& scratch)
      : first_by(scratch.first_by),
        first_domain(scratch.first_domain),
        other_domains(scratch.other_domains),
        sender_name(scratch.sender_name),
        suffixes(scratch.suffixes) {
    first_by.clear();
    other_domains.clear();
  }

  // Same registrable domain as ours. Most hosts are told apart without a PSL
  // lookup: the registrable domain of first_by ends with its last two labels, so
  // a host that does not is not under it.
  bool is_ours(std::string_view host) {
    if (host == first_by) return true;
    for (const std::string& own : other_domains)
      if (is_under(host, own)) return true;
    if (last_two_labels(host) != first_by_tail) return false;
    if (!has_first_domain) {
      first_domain = registrable_domain(first_by, &suffixes);
      has_first_domain = true;
    }
    return is_under(host, first_domain);
  }
  void restart() override {
    first_by.clear();
    first_by_tail = {};
    has_first_domain = false;
    other_domains.clear();
  }
  bool by_is_ours(const ByHost& by, bool topmost) override {
    if (by.address) return topmost || first_by.empty() || by.address->is_private();
    if (by.name.empty()) return false;
    if (by.name.find('.') == std::string::npos) return true;  // an internal single-label name
    if (first_by.empty()) {
      first_by = by.name;
      first_by_tail = last_two_labels(first_by);
      return true;
    }
    return is_ours(by.name);
  }
  bool sender_is_ours(const Hop& hop, const Hop* below, const ByHost& below_by) override {
    if (hop.from_ip && (hop.from_ip->is_private() || hop.from_ip->is_loopback())) return true;
    if (first_by.empty() || is_exchange_online_frontend(hop)) return false;
    if (!hop.from_rdns.empty() && normalize_domain_into(hop.from_rdns, sender_name) && is_ours(sender_name))
      return true;
    // Large providers relay between their own machines without rDNS (Exchange
    // Online: "from X.prod.outlook.com (2603:10b6:...)"). A sender naming itself
    // under our domain counts as ours only when the hop below was written by that
    // same machine: its `by` is under our domains, or has the sender's host label
    // under another of the provider's domains (MW4PR03CA0010.outlook.office365.com).
    // The hop below is checked first: it is cheaper than reading the HELO.
    if (below_by.name.empty() || !normalize_domain_into(hop.from_helo, sender_name)) return false;
    if (is_ours(sender_name)) {
      if (is_ours(below_by.name)) return true;
      if (first_label(below_by.name) != first_label(sender_name)) return false;
      other_domains.push_back(registrable_domain(below_by.name, &suffixes));
      return true;
    }
    // Exchange Online also relays under other names of Microsoft's
    // (DUZPR01CA0294.eurprd01.prod.exchangelabs.com above
    // DUZPR01CA0294.outlook.office365.com): one machine, Exchange's hops on both sides.
    if (!below || !written_by_exchange(hop) || !written_by_exchange(*below) || !same_machine(sender_name, below_by.name))
      return false;
    other_domains.push_back(registrable_domain(below_by.name, &suffixes));
    return true;
  }

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
      std::string name;
      if (!normalize_domain_into(item.substr(2), name)) return Error{"not a host name wildcard", std::string(item)};
      suffixes.push_back("." + name);
    } else if (std::string name; normalize_host_name_into(item, name)) {
      hosts.push_back(std::move(name));
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
  std::string normalized;
  if (!normalize_host_name_into(name, normalized)) return false;
  for (const std::string& host : hosts)
    if (normalized == host) return true;
  for (const std::string& suffix : suffixes)
    if (normalized.size() > suffix.size() &&
        normalized.compare(normalized.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  return false;
}

int mark_trust(std::vector<Hop>& hops, const TrustConfig& config, TrustScratch& scratch, bool& origin_is_fact) {
  TrustScratch::Buffers& buffers = scratch.buffers();
  ConfiguredPolicy configured(config);
  InferredPolicy inferred(buffers);
  TrustPolicy& policy = config.empty() ? static_cast<TrustPolicy&>(inferred) : configured;

  origin_is_fact = false;
  int origin = -1;
  bool boundary_open = true;
  bool topmost = true;
  ByHosts by_hosts(hops, buffers.by_hosts);
  for (size_t i = 0; i < hops.size(); ++i) {
    Hop& hop = hops[i];
    hop.trusted = false;
    if (hop.pickup && boundary_open) {
      // Fetched from the user's own mailbox: the hops below are the provider's.
      hop.trusted = true;
      topmost = true;
      policy.restart();
      continue;
    }
    if (!hop.is_hop || !boundary_open) continue;
    hop.trusted = policy.by_is_ours(by_hosts.of(i), topmost);
    topmost = false;
    if (!hop.trusted) {
      boundary_open = false;
      continue;
    }
    const bool has_sender = hop.from_ip || !hop.from_helo.empty() || !hop.from_rdns.empty();
    size_t below = i + 1;
    while (below < hops.size() && !hops[below].is_hop && !hops[below].pickup) ++below;
    static const ByHost kNone;
    const bool below_is_relay = below < hops.size() && hops[below].is_hop;
    if (!has_sender || (below_is_relay ? policy.sender_is_ours(hop, &hops[below], by_hosts.of(below))
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
