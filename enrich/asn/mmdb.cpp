#include "enrich/asn/mmdb.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>

namespace sg::asn {
namespace {

// The string at `path` (NULL-terminated list of keys), or "" when absent / not a string.
std::string get_string(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return "";
  if (data.type != MMDB_DATA_TYPE_UTF8_STRING) return "";
  return std::string(data.utf8_string, data.data_size);
}

// An unsigned number at `path`, or an "AS123"-style string; nullopt when absent.
std::optional<uint32_t> get_asn(MMDB_entry_s* entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
  switch (data.type) {
    case MMDB_DATA_TYPE_UINT16:
      return data.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return data.uint32;
    case MMDB_DATA_TYPE_INT32:
      return data.int32 >= 0 ? std::optional<uint32_t>(static_cast<uint32_t>(data.int32)) : std::nullopt;
    case MMDB_DATA_TYPE_UINT64:
      return data.uint64 <= 0xffffffffu ? std::optional<uint32_t>(static_cast<uint32_t>(data.uint64))
                                        : std::nullopt;
    case MMDB_DATA_TYPE_UTF8_STRING: {
      std::string_view s(data.utf8_string, data.data_size);
      if (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) s.remove_prefix(2);
      if (s.empty() || s.size() > 10) return std::nullopt;
      uint64_t value = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<uint64_t>(c - '0');
      }
      if (value > 0xffffffffu) return std::nullopt;
      return static_cast<uint32_t>(value);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

void MmdbReader::Close::operator()(MMDB_s* db) const {
  MMDB_close(db);
  delete db;
}

Result<MmdbReader> MmdbReader::open(const std::string& path) {
  std::unique_ptr<MMDB_s, Close> db(new MMDB_s{});
  const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db.get());
  if (rc != MMDB_SUCCESS) {
    delete db.release();  // MMDB_open failed: nothing to close
    return Error{MMDB_strerror(rc), path};
  }
  return MmdbReader(std::move(db));
}

std::string MmdbReader::database_type() const {
  return db_->metadata.database_type ? db_->metadata.database_type : "";
}

int MmdbReader::ip_version() const { return static_cast<int>(db_->metadata.ip_version); }

int64_t MmdbReader::build_epoch() const {
  // uint64 in the format; anything past int64 is a corrupt header, not a date.
  const uint64_t epoch = db_->metadata.build_epoch;
  return epoch > uint64_t{INT64_MAX} ? 0 : static_cast<int64_t>(epoch);
}

Result<std::optional<MmdbAnswer>> MmdbReader::lookup(const IpAddress& address) const {
  sockaddr_storage storage{};
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    std::memcpy(&sin->sin_addr, address.bytes().data(), 4);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    std::memcpy(&sin6->sin6_addr, address.bytes().data(), 16);
  }
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s result =
      MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  if (mmdb_error != MMDB_SUCCESS) return Error{MMDB_strerror(mmdb_error), address.to_string()};
  if (!result.found_entry) return std::optional<MmdbAnswer>();

  MmdbAnswer answer;
  // An IPv4 address in an IPv6 tree sits under ::/96 (or ::ffff:0:0/96), so the
  // netmask counts those 96 bits; below 96 the network is really an IPv6 one.
  int netmask = result.netmask;
  bool v4 = address.is_v4();
  if (v4 && db_->metadata.ip_version == 6) {
    if (netmask >= 96) {
      netmask -= 96;
    } else {
      v4 = false;
    }
  }
  const IpAddress base = v4 ? address : (address.is_v4() ? IpAddress::v6({}) : address);
  answer.network = IpPrefix::parse(base.to_string() + "/" + std::to_string(netmask))
                       .value_or(IpPrefix{base, netmask});

  // Decode the whole entry once, so a corrupt data section is reported, not half-read.
  MMDB_entry_data_list_s* list = nullptr;
  const int decode = MMDB_get_entry_data_list(&result.entry, &list);
  MMDB_free_entry_data_list(list);
  if (decode != MMDB_SUCCESS) return Error{MMDB_strerror(decode), address.to_string()};

  static const char* const kAsn[] = {"autonomous_system_number", nullptr};
  static const char* const kAsnShort[] = {"asn", nullptr};
  static const char* const kOrg[] = {"autonomous_system_organization", nullptr};
  static const char* const kAsName[] = {"as_name", nullptr};
  static const char* const kName[] = {"name", nullptr};
  static const char* const kCountry[] = {"country", "iso_code", nullptr};
  static const char* const kRegistered[] = {"registered_country", "iso_code", nullptr};
  static const char* const kCountryCode[] = {"country_code", nullptr};

  answer.asn = get_asn(&result.entry, kAsn).value_or(get_asn(&result.entry, kAsnShort).value_or(0));
  for (const char* const* path : {kOrg, kAsName, kName}) {
    if (!answer.as_name.empty()) break;
    answer.as_name = get_string(&result.entry, path);
  }
  for (const char* const* path : {kCountry, kCountryCode, kRegistered}) {
    if (!answer.country.empty()) break;
    answer.country = get_string(&result.entry, path);
  }
  return std::optional<MmdbAnswer>(std::move(answer));
}

}  // namespace sg::asn
