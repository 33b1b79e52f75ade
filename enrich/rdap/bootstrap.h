// The IANA RDAP bootstrap (RFC 9224): which registry's RDAP service answers for an
// IP address, an AS number or a domain. Built from the four files IANA publishes at
// data.iana.org/rdap/ (asn.json, ipv4.json, ipv6.json, dns.json); a snapshot ships in
// data/rdap-bootstrap/. Pure lookups: nothing here contacts a server.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip.h"
#include "core/result.h"

namespace sg::rdap {

/// The registry a bootstrap file describes; each kind has its own file name.
enum class BootstrapRegistry : uint8_t { asn, ipv4, ipv6, dns };

/// "asn.json", "ipv4.json", "ipv6.json" or "dns.json".
std::string_view bootstrap_file_name(BootstrapRegistry registry);

/// Base URLs of RDAP services, each ending in "/", https ones first (RFC 9224 §3
/// lets a service list several; https is preferred, plain http kept as a fallback).
using BaseUrls = std::vector<std::string>;

class Bootstrap {
 public:
  /// Reads one bootstrap file's bytes into the tables of `registry`, replacing what
  /// an earlier file of the same kind gave. On error nothing changes, and the Error
  /// names `file_name` and the field ("services[3][0][2]: not an IP prefix").
  Status add_file(BootstrapRegistry registry, std::string_view bytes, std::string_view file_name);

  /// The services of the longest IPv4 or IPv6 prefix holding `address`; empty when none.
  const BaseUrls& base_urls_for_ip(const IpAddress& address) const;
  /// The services of the longest listed prefix that covers all of `prefix`.
  const BaseUrls& base_urls_for_prefix(const IpPrefix& prefix) const;
  /// The services of the range ("1-1876") holding `asn`; empty when none.
  const BaseUrls& base_urls_for_asn(uint32_t asn) const;
  /// The services of the longest label suffix of `domain` that is listed (the TLD
  /// in practice). Case and a trailing dot are ignored; IDNs must come as A-labels.
  const BaseUrls& base_urls_for_domain(std::string_view domain) const;

  /// The "publication" date of the file of `registry` as written, "" before it is added.
  const std::string& publication(BootstrapRegistry registry) const;
  /// How many prefixes, ranges or domain suffixes the file of `registry` listed.
  size_t entry_count(BootstrapRegistry registry) const;

 private:
  struct IpEntry {
    IpPrefix prefix;
    size_t service = 0;
  };
  struct AsnEntry {
    uint32_t first = 0, last = 0;
    size_t service = 0;
  };
  struct DomainEntry {
    std::string suffix;  // lowercase, no trailing dot
    size_t service = 0;
  };
  struct Table {
    std::vector<BaseUrls> services;
    std::vector<IpEntry> prefixes;
    std::vector<AsnEntry> ranges;
    std::vector<DomainEntry> domains;  // sorted by suffix
    std::string publication;
  };
  const Table& table(BootstrapRegistry registry) const { return tables_[static_cast<size_t>(registry)]; }
  const BaseUrls& longest_prefix_match(const Table& table, const IpPrefix& prefix) const;

  Table tables_[4];
};

/// The bytes of one bootstrap file at `path`, refused past 16 MiB (today's largest,
/// dns.json, is under 100 kB); the Error names the path.
Result<std::string> read_bootstrap_file(const std::string& path);

/// Loads asn.json, ipv4.json, ipv6.json and dns.json from `folder` (such as the
/// repository's data/rdap-bootstrap). Every file must be present and valid; the
/// Error names the path and the field.
Result<Bootstrap> load_bootstrap(const std::string& folder);

}  // namespace sg::rdap
