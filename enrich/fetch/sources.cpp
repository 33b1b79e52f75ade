#include "enrich/fetch/sources.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

namespace sg::fetch {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

/// Splits "300M" into 300 and "M"; false when no digits lead or the number overflows.
bool split_number(std::string_view text, uint64_t& number, std::string_view& unit) {
  size_t digits = 0;
  number = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(text[digits] - '0');
    if (number > (UINT64_MAX - digit) / 10) return false;
    number = number * 10 + digit;
    ++digits;
  }
  unit = text.substr(digits);
  return digits > 0;
}

}  // namespace

const std::vector<DatasetSource>& known_sources() {
  static const std::vector<DatasetSource> sources = [] {
    std::vector<DatasetSource> list;
    auto add = [&](std::string name, std::string format, std::string description, std::vector<std::string> urls)
        -> DatasetSource& {
      DatasetSource& source = list.emplace_back();
      source.name = std::move(name);
      source.format = std::move(format);
      source.description = std::move(description);
      source.urls = std::move(urls);
      return source;
    };
    // Sizes: asn-ipv4.csv is 24 MB and asn-ipv6.csv 9 MB (2026); ip2asn-v4.tsv.gz
    // inflates to about 30 MB, a pfx2as file to about 20 MB, the ASN .mmdb files are
    // about 10 MB. Each cap leaves ten times that or more, for growth and IPv6.
    add("ip-location-db-asn", "ip-location-db", "ip-location-db ASN CSV (IPv4 and IPv6) via jsDelivr, updated daily",
        {"https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv4.csv",
         "https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv6.csv"})
        .max_size = 256 * kMiB;
    add("iptoasn-v4", "ip2asn", "iptoasn.com IPv4 ranges with AS, country and name, updated hourly",
        {"https://iptoasn.com/data/ip2asn-v4.tsv.gz"})
        .max_size = 256 * kMiB;
    add("iptoasn-v6", "ip2asn", "iptoasn.com IPv6 ranges with AS, country and name, updated hourly",
        {"https://iptoasn.com/data/ip2asn-v6.tsv.gz"})
        .max_size = 256 * kMiB;
    add("routeviews-pfx2as", "pfx2as", "CAIDA RouteViews IPv4 prefix-to-AS, the newest file of the creation log",
        {"https://publicdata.caida.org/datasets/routing/routeviews-prefix2as/pfx2as-creation.log"})
        .discovery = Discovery::caida_log;
    add("routeviews6-pfx2as", "pfx2as", "CAIDA RouteViews IPv6 prefix-to-AS, the newest file of the creation log",
        {"https://publicdata.caida.org/datasets/routing/routeviews6-prefix2as/pfx2as-creation.log"})
        .discovery = Discovery::caida_log;
    DatasetSource& dbip = add("dbip-asn-lite", "mmdb", "DB-IP ASN Lite (CC BY 4.0), monthly; gunzipped after download",
                              {"https://download.db-ip.com/free/dbip-asn-lite-{YYYY-MM}.mmdb.gz"});
    dbip.month_fallback = true;
    dbip.unpack_mmdb = true;
    DatasetSource& geolite = add("geolite2-asn", "mmdb",
                                 "MaxMind GeoLite2 ASN; needs `source.geolite2-asn = URL` with your licence key "
                                 "(e.g. https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-ASN"
                                 "&license_key=KEY&suffix=tar.gz); verified against URL.sha256",
                                 {});
    geolite.checksum = ChecksumPublication::sidecar_sha256;
    geolite.unpack_mmdb = true;
    geolite.fallback_file_name = "GeoLite2-ASN.tar.gz";
    // Together about 100 kB today, dns.json the largest; the bootstrap parser refuses
    // a file over 16 MiB anyway.
    add("rdap-bootstrap", "rdap-bootstrap",
        "IANA's RDAP bootstrap (asn, ipv4, ipv6, dns.json), each checked, installed into the folder `enrich rdap` "
        "reads (--rdap-bootstrap DIR; `source.rdap-bootstrap = URL...` names the four files or a mirror's folder/)",
        {"https://data.iana.org/rdap/asn.json", "https://data.iana.org/rdap/ipv4.json",
         "https://data.iana.org/rdap/ipv6.json", "https://data.iana.org/rdap/dns.json"})
        .max_size = 16 * kMiB;
    // One RIB dump each: about 100-150 MB bzip2 for RouteViews' route-views2, about
    // 400 MB gzip for a RIS bview of rrc00 (2020s); checked decompressed up to
    // kRibInflateFactor times the cap.
    DatasetSource& routeviews_rib =
        add("routeviews-rib", "mrt",
            "one RouteViews RIB dump (MRT, bzip2), the nearest --date in the month's listing; --collector NAME "
            "(default route-views2); the URL is the archive's base",
            {"http://archive.routeviews.org"});
    routeviews_rib.discovery = Discovery::routeviews_rib;
    routeviews_rib.max_size = 1024 * kMiB;
    DatasetSource& ris_rib = add("ris-rib", "mrt",
                                 "one RIPE RIS bview dump (MRT, gzip), the nearest --date in the month's listing; "
                                 "--rrc NAME (default rrc00); the URL is the archive's base",
                                 {"https://data.ris.ripe.net"});
    ris_rib.discovery = Discovery::ris_rib;
    ris_rib.max_size = 1024 * kMiB;
    return list;
  }();
  return sources;
}

std::string known_source_names() {
  std::string names;
  for (const DatasetSource& source : known_sources()) names += (names.empty() ? "" : ", ") + source.name;
  return names;
}

Result<DatasetSource> resolve_source(const std::string& name, const std::map<std::string, std::string>& config_sources,
                                     const std::string& url_flag) {
  const DatasetSource* known = nullptr;
  for (const DatasetSource& source : known_sources())
    if (source.name == name) known = &source;
  if (!known) return Error{"unknown dataset (known: " + known_source_names() + ")", name};
  DatasetSource source = *known;
  std::string override_text = url_flag;
  if (override_text.empty()) {
    const auto it = config_sources.find(name);
    if (it != config_sources.end()) override_text = it->second;
  }
  if (!override_text.empty()) {
    std::istringstream words(override_text);
    source.urls.clear();
    for (std::string url; words >> url;) source.urls.push_back(url);
    source.overridden = true;
    // A specific file instead of CAIDA's index.
    if (source.discovery == Discovery::caida_log && !(source.urls.size() == 1 && source.urls[0].ends_with(".log")))
      source.discovery = Discovery::direct;
  }
  if (source.urls.empty())
    return Error{"no URL: set `source." + name + " = URL` in the config or pass --url URL", name};
  // The config loader keeps `source.NAME.max_size` as the source "NAME.max_size".
  if (const auto it = config_sources.find(name + ".max_size"); it != config_sources.end()) {
    auto size = parse_byte_size(it->second);
    if (!size) return Error{size.error().message, "source." + name + ".max_size"};
    source.max_size = *size;
  }
  return source;
}

Result<uint64_t> parse_byte_size(std::string_view text) {
  const std::string original(text);
  uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) return Error{"not a size (e.g. 300M, 2G, 1048576)", original};
  if (unit.ends_with("iB"))
    unit.remove_suffix(2);
  else if (unit.ends_with("B") || unit.ends_with("b"))
    unit.remove_suffix(1);
  unsigned shift = 0;
  if (unit == "k" || unit == "K")
    shift = 10;
  else if (unit == "m" || unit == "M")
    shift = 20;
  else if (unit == "g" || unit == "G")
    shift = 30;
  else if (!unit.empty())
    return Error{"unknown unit \"" + std::string(unit) + "\" (K, M or G)", original};
  if (number == 0) return Error{"a size cap of 0 would refuse every file", original};
  if (number > (uint64_t{1} << (63 - shift))) return Error{"too large", original};
  return number << shift;
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string original(text);
  uint64_t number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) return Error{"not a duration (e.g. 90, 90s, 30m, 2h)", original};
  uint64_t millis_per_unit = 0;
  if (unit == "ms")
    millis_per_unit = 1;
  else if (unit.empty() || unit == "s")
    millis_per_unit = 1000;
  else if (unit == "m" || unit == "min")
    millis_per_unit = 60 * 1000;
  else if (unit == "h")
    millis_per_unit = 3600 * 1000;
  else
    return Error{"unknown unit \"" + std::string(unit) + "\" (ms, s, m or h)", original};
  if (number == 0) return Error{"a deadline of 0 would stop every download", original};
  // Kept within what libcurl's long millisecond timeout holds on every platform.
  if (number > static_cast<uint64_t>(INT32_MAX) / millis_per_unit) return Error{"too long", original};
  return std::chrono::milliseconds(number * millis_per_unit);
}

std::string expand_month(const std::string& url, UnixTime now, int months_back) {
  static constexpr std::string_view kToken = "{YYYY-MM}";
  const size_t at = url.find(kToken);
  if (at == std::string::npos) return url;
  const std::time_t seconds = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  int month_index = (utc.tm_year + 1900) * 12 + utc.tm_mon - months_back;
  char month[16];
  std::snprintf(month, sizeof month, "%04d-%02d", month_index / 12, month_index % 12 + 1);
  std::string out = url;
  out.replace(at, kToken.size(), month);
  return out;
}

std::string default_dataset_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/spamgraph/datasets";
  const char* home = std::getenv("HOME");
  if (home && home[0] != '\0') return std::string(home) + "/.local/share/spamgraph/datasets";
  return "datasets";
}

}  // namespace sg::fetch
