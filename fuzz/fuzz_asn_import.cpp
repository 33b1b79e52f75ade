// libFuzzer target: every text importer of offline IP-to-ASN datasets over the input
// (plain, or gzip/bzip2 when the input starts with their magic bytes).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "enrich/asn/importers.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t total = 0;
  for (auto format : {sg::asn::AsnFormat::pfx2as, sg::asn::AsnFormat::ip2asn, sg::asn::AsnFormat::ip_location,
                      sg::asn::AsnFormat::pyasn}) {
    for (bool numeric_v6 : {false, true}) {
      std::vector<sg::Error> problems;
      sg::asn::ImportOptions options;
      options.numeric_v6 = numeric_v6;
      options.max_line = 512;
      auto stats = sg::asn::import_asn_bytes(
          bytes, format,
          [&](const sg::asn::AsnRow& row) {
            total += static_cast<size_t>(row.prefix.length) + row.asn + row.name.size();
            return true;
          },
          problems, options);
      total += problems.size() + (stats ? stats->rows : 1);
    }
  }
  sink = total;
  return 0;
}
