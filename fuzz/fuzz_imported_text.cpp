// libFuzzer target: the small text formats spamgraph imports besides datasets and
// mail: indicator lists (someone else's IOC list, defanged), CAIDA's pfx2as creation
// log and published checksum files. All are written by third parties.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/indicator_list.h"
#include "enrich/fetch/checksum.h"
#include "enrich/fetch/fetch.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> problems;
  sink = sg::parse_indicator_list(text, problems).size() + problems.size();
  auto newest = sg::fetch::newest_in_creation_log(text);
  sink = newest ? newest->size() : newest.error().message.size();
  auto checksum = sg::fetch::parse_checksum_file(text, sg::fetch::HashKind::sha256);
  sink = checksum ? 1 : 0;
  auto given = sg::fetch::parse_checksum(text);
  sink = given ? 2 : 0;
  return 0;
}
