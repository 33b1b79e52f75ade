#include "enrich/fetch/sources.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

namespace sg::fetch {

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
    add("ip-location-db-asn", "ip-location-db", "ip-location-db ASN CSV (IPv4 and IPv6) via jsDelivr, updated daily",
        {"https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv4.csv",
         "https://cdn.jsdelivr.net/npm/@ip-location-db/asn/asn-ipv6.csv"});
    add("iptoasn-v4", "ip2asn", "iptoasn.com IPv4 ranges with AS, country and name, updated hourly",
        {"https://iptoasn.com/data/ip2asn-v4.tsv.gz"});
    add("iptoasn-v6", "ip2asn", "iptoasn.com IPv6 ranges with AS, country and name, updated hourly",
        {"https://iptoasn.com/data/ip2asn-v6.tsv.gz"});
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
  return source;
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
