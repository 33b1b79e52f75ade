// Builds small MRT files in memory for tests: a TABLE_DUMP_V2 RIB (peer table and
// IPv4 unicast records) and BGP4MP_MESSAGE_AS4 updates, with the attributes the
// readers use (ORIGIN, AS_PATH of 4-byte ASes, NEXT_HOP).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sg::test {

/// One route of a test RIB: the prefix, and per peer the AS path (empty = no route).
struct TestRoute {
  std::string prefix;                         ///< "114.113.195.0/24"
  std::vector<std::vector<uint32_t>> paths;   ///< one path per peer (AS_SEQUENCE), by peer index
};

/// A TABLE_DUMP_V2 RIB dumped at `time` by a collector with `peers` IPv4 peers
/// (10.0.0.1 AS 64501, 10.0.0.2 AS 64502, ...).
std::string build_rib(uint32_t time, int peers, const std::vector<TestRoute>& routes);

/// One BGP4MP_MESSAGE_AS4 UPDATE at `time` from peer 10.0.0.1 AS 64501: withdraws
/// `withdrawn`, announces `announced` with `path`.
std::string build_update(uint32_t time, const std::vector<std::string>& withdrawn,
                         const std::vector<std::string>& announced, const std::vector<uint32_t>& path);

}  // namespace sg::test
