#include "enrich/rdap/bootstrap.h"

#include <algorithm>
#include <fstream>

#include "core/as_number.h"
#include "core/ascii.h"
#include "enrich/rdap/json_reading.h"

namespace sg::rdap {
namespace {

using nlohmann::json;

// A bootstrap file lists a few thousand entries at most; far more is not IANA's file.
constexpr size_t kMaxEntries = 100000;
constexpr size_t kMaxFileBytes = 16 << 20;

const BaseUrls kNoUrls;

std::string field(size_t service, int part, size_t item) {
  return "services[" + std::to_string(service) + "][" + std::to_string(part) + "][" + std::to_string(item) + "]";
}

Error error_at(std::string_view file_name, const std::string& where, std::string message) {
  return Error{std::move(message), std::string(file_name) + ": " + where};
}

// "1-1876" or a single number: decimal digits only (parse_as_number alone would also
// take "AS1").
bool parse_asn_range(std::string_view text, uint32_t& first, uint32_t& last) {
  for (char c : text)
    if (!is_ascii_digit(c) && c != '-') return false;
  const size_t dash = text.find('-');
  const auto low = parse_as_number(text.substr(0, dash));
  const auto high = dash == std::string_view::npos ? low : parse_as_number(text.substr(dash + 1));
  if (!low || !high || *low > *high) return false;
  first = *low;
  last = *high;
  return true;
}

// Lowercase, without a trailing dot.
std::string domain_key(std::string_view domain) {
  if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  return ascii_lowercase(domain);
}

}  // namespace

std::string_view bootstrap_file_name(BootstrapRegistry registry) {
  switch (registry) {
    case BootstrapRegistry::asn: return "asn.json";
    case BootstrapRegistry::ipv4: return "ipv4.json";
    case BootstrapRegistry::ipv6: return "ipv6.json";
    case BootstrapRegistry::dns: return "dns.json";
  }
  return "";
}

Status Bootstrap::add_file(BootstrapRegistry registry, std::string_view bytes, std::string_view file_name) {
  auto parsed = parse_json(bytes, file_name);
  if (!parsed) return parsed.error();
  const json& root = *parsed;
  if (!root.is_object()) return error_at(file_name, "top level", "expected an object, got " + std::string(type_name(root)));
  const json* services = find_member(root, "services");
  if (!services || !services->is_array()) return error_at(file_name, "services", "missing or not an array");

  Table fresh;
  fresh.publication = string_member(root, "publication");
  size_t entries = 0;
  for (size_t s = 0; s < services->size(); ++s) {
    const json& service = (*services)[s];
    const std::string where = "services[" + std::to_string(s) + "]";
    if (!service.is_array() || service.size() < 2 || !service[0].is_array() || !service[1].is_array())
      return error_at(file_name, where, "expected [[entries], [urls]]");
    BaseUrls urls;
    for (size_t u = 0; u < service[1].size(); ++u) {
      const json& url = service[1][u];
      if (!url.is_string()) return error_at(file_name, field(s, 1, u), "expected a URL string");
      std::string text = string_value(url);
      if (!starts_with_nocase(text, "https://") && !starts_with_nocase(text, "http://")) continue;
      if (text.back() != '/') text += '/';
      urls.push_back(std::move(text));
    }
    std::stable_partition(urls.begin(), urls.end(),
                          [](const std::string& url) { return starts_with_nocase(url, "https://"); });
    const size_t index = fresh.services.size();
    fresh.services.push_back(std::move(urls));

    for (size_t e = 0; e < service[0].size(); ++e) {
      if (++entries > kMaxEntries) return error_at(file_name, "services", "more than 100000 entries");
      const json& entry = service[0][e];
      if (!entry.is_string()) return error_at(file_name, field(s, 0, e), "expected a string");
      const std::string& text = entry.get_ref<const std::string&>();
      switch (registry) {
        case BootstrapRegistry::asn: {
          AsnEntry range{0, 0, index};
          if (text.empty() || !parse_asn_range(text, range.first, range.last))
            return error_at(file_name, field(s, 0, e), "not an AS number range");
          fresh.ranges.push_back(range);
          break;
        }
        case BootstrapRegistry::ipv4:
        case BootstrapRegistry::ipv6: {
          const auto prefix = IpPrefix::parse(text);
          if (!prefix || prefix->network.is_v4() != (registry == BootstrapRegistry::ipv4))
            return error_at(file_name, field(s, 0, e), "not an IP prefix of this file's family");
          fresh.prefixes.push_back({*prefix, index});
          break;
        }
        case BootstrapRegistry::dns: {
          std::string key = domain_key(text);
          if (key.empty()) return error_at(file_name, field(s, 0, e), "empty domain");
          fresh.domains.push_back({std::move(key), index});
          break;
        }
      }
    }
  }
  std::stable_sort(fresh.domains.begin(), fresh.domains.end(),
                   [](const DomainEntry& a, const DomainEntry& b) { return a.suffix < b.suffix; });
  tables_[static_cast<size_t>(registry)] = std::move(fresh);
  return Ok{};
}

const BaseUrls& Bootstrap::longest_prefix_match(const Table& table, const IpPrefix& prefix) const {
  const IpEntry* best = nullptr;
  for (const IpEntry& entry : table.prefixes)
    if (entry.prefix.length <= prefix.length && entry.prefix.contains(prefix.network) &&
        (!best || entry.prefix.length > best->prefix.length))
      best = &entry;
  return best ? table.services[best->service] : kNoUrls;
}

const BaseUrls& Bootstrap::base_urls_for_ip(const IpAddress& address) const {
  return base_urls_for_prefix(IpPrefix{address, address.bit_width()});
}

const BaseUrls& Bootstrap::base_urls_for_prefix(const IpPrefix& prefix) const {
  return longest_prefix_match(table(prefix.network.is_v4() ? BootstrapRegistry::ipv4 : BootstrapRegistry::ipv6),
                              prefix);
}

const BaseUrls& Bootstrap::base_urls_for_asn(uint32_t asn) const {
  const Table& ranges = table(BootstrapRegistry::asn);
  for (const AsnEntry& range : ranges.ranges)
    if (range.first <= asn && asn <= range.last) return ranges.services[range.service];
  return kNoUrls;
}

const BaseUrls& Bootstrap::base_urls_for_domain(std::string_view domain) const {
  const Table& dns = table(BootstrapRegistry::dns);
  const std::string key = domain_key(domain);
  // Suffixes from the longest (the whole name) to the shortest (the TLD).
  for (size_t start = 0; start < key.size();) {
    const std::string_view suffix = std::string_view(key).substr(start);
    const auto found = std::lower_bound(dns.domains.begin(), dns.domains.end(), suffix,
                                        [](const DomainEntry& entry, std::string_view wanted) {
                                          return std::string_view(entry.suffix) < wanted;
                                        });
    if (found != dns.domains.end() && found->suffix == suffix) return dns.services[found->service];
    const size_t dot = key.find('.', start);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return kNoUrls;
}

const std::string& Bootstrap::publication(BootstrapRegistry registry) const { return table(registry).publication; }

size_t Bootstrap::entry_count(BootstrapRegistry registry) const {
  const Table& t = table(registry);
  return t.prefixes.size() + t.ranges.size() + t.domains.size();
}

Result<std::string> read_bootstrap_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot open the bootstrap file", path};
  std::string bytes;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<size_t>(in.gcount()));
    if (bytes.size() > kMaxFileBytes) return Error{"larger than 16 MiB: not a bootstrap file", path};
  }
  if (in.bad()) return Error{"read error", path};
  return bytes;
}

Result<Bootstrap> load_bootstrap(const std::string& folder) {
  Bootstrap bootstrap;
  for (BootstrapRegistry registry :
       {BootstrapRegistry::asn, BootstrapRegistry::ipv4, BootstrapRegistry::ipv6, BootstrapRegistry::dns}) {
    const std::string path = folder + "/" + std::string(bootstrap_file_name(registry));
    auto bytes = read_bootstrap_file(path);
    if (!bytes) return bytes.error();
    if (Status added = bootstrap.add_file(registry, *bytes, path); !added) return added.error();
  }
  return bootstrap;
}

}  // namespace sg::rdap
