// Reads MaxMind-format (.mmdb) databases through libmaxminddb: GeoLite2/GeoIP2 ASN
// and ISP, DB-IP and ip-location-db ASN/country, and GeoIP2 Country/City.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/ip.h"
#include "core/result.h"

struct MMDB_s;

namespace sg::asn {

/// What a database says about one address; fields it lacks stay empty / 0.
struct MmdbAnswer {
  uint32_t asn = 0;     ///< autonomous_system_number (or "asn"), 0 when absent
  std::string as_name;  ///< autonomous_system_organization (or "as_name"/"organization")
  std::string country;  ///< country.iso_code, registered_country.iso_code or country_code
  IpPrefix network;     ///< the database network holding the address (v4 netmask corrected by 96)
};

/// An open .mmdb file. Move-only; lookups are const and safe to share across threads.
class MmdbReader {
 public:
  /// Opens (memory-maps) `path`; an Error when missing or not a valid database.
  static Result<MmdbReader> open(const std::string& path);

  /// The record for `address`: nullopt when the database has no entry, an Error when
  /// the database data is corrupt or the address family is not in the tree.
  Result<std::optional<MmdbAnswer>> lookup(const IpAddress& address) const;
  /// The metadata database_type, e.g. "GeoLite2-ASN".
  std::string database_type() const;
  /// 4 or 6, from the metadata.
  int ip_version() const;
  /// When the database was built (metadata build_epoch, Unix seconds): its data's date.
  int64_t build_epoch() const;

 private:
  struct Close {
    void operator()(MMDB_s* db) const;
  };
  explicit MmdbReader(std::unique_ptr<MMDB_s, Close> db) : db_(std::move(db)) {}
  std::unique_ptr<MMDB_s, Close> db_;
};

}  // namespace sg::asn
