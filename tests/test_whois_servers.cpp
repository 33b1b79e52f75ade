// WHOIS server choice: every row of the reference table Debian's whois client wrote
// (tests/data/fixtures/whois/server-selection/EXPECTED.md), then the cases it lacks.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/ascii.h"
#include "enrich/whois/delegations.h"
#include "enrich/whois/servers.h"
#include "tests/whois_fixtures.h"

using namespace sg::whois;

namespace {

struct Row {
  std::string query;
  std::string server;
  std::string line;
};

// The text between the first pair of backquotes of `cell`.
std::string in_backquotes(std::string_view cell) {
  const size_t open = cell.find('`');
  const size_t close = cell.find('`', open + 1);
  REQUIRE(close != std::string_view::npos);
  return std::string(cell.substr(open + 1, close - open - 1));
}

std::vector<Row> expected_rows() {
  const std::string table = sg::whois_fixture("server-selection/EXPECTED.md");
  std::vector<Row> rows;
  size_t start = 0;
  while (start < table.size()) {
    size_t end = table.find('\n', start);
    if (end == std::string::npos) end = table.size();
    const std::string_view line(table.data() + start, end - start);
    start = end + 1;
    if (line.substr(0, 3) != "| `") continue;
    std::vector<std::string_view> cells;
    size_t cell_start = 1;
    for (size_t bar; (bar = line.find('|', cell_start)) != std::string_view::npos; cell_start = bar + 1)
      cells.push_back(sg::trim_blanks(line.substr(cell_start, bar - cell_start)));
    REQUIRE(cells.size() == 3);
    rows.push_back({in_backquotes(cells[0]), std::string(cells[1]), in_backquotes(cells[2])});
  }
  return rows;
}

}  // namespace

TEST_CASE("whois servers: every row of Debian whois 5.5.17's choices, without its -V tag") {
  const std::vector<Row> rows = expected_rows();
  REQUIRE(rows.size() == 30);
  for (const Row& row : rows) {
    CAPTURE(row.query);
    std::string line = row.line;
    // Debian's client tags queries to RIPE-software servers with its version; we do not.
    const std::string tag = "-V Md5.5.17 ";
    if (line.rfind(tag, 0) == 0) line.erase(0, tag.size());
    const auto chosen = select_server(row.query);
    REQUIRE(chosen);
    CHECK(chosen->server == row.server);
    CHECK(chosen->port == 43);
    CHECK(chosen->query == line);
  }
}

TEST_CASE("whois servers: query lines per server") {
  CHECK(select_server("  AS 133027 ")->query == "as133027");
  CHECK(select_server("asn58779")->query == "as58779");
  CHECK(select_server("198.51.100.0/24")->query == "r + = 198.51.100.0/24");
  CHECK(select_server("2606:4700::/32")->query == "r + = 2606:4700::/32");
  CHECK(select_server("2A00:2381:FFFF::1")->query == "2a00:2381:ffff::1");
  CHECK(select_server("133.0.0.0/16")->query == "133.0.0.0/16/e");
  CHECK(query_line(kJpnicServer, "AS2497") == "AS 2497/e");
  CHECK(query_line(kArinServer, "AS3491") == "a 3491");
  CHECK(query_line(kKrnicServer, "AS9700") == "as9700");
  CHECK(query_line(kLacnicServer, "200.57.141.161") == "200.57.141.161");
  CHECK(query_line(kArinServer, "GOGL") == "gogl");
}

TEST_CASE("whois servers: national registries, legacy space and 32-bit AS numbers") {
  const auto server_of = [](std::string_view query) { return select_server(query)->server; };
  CHECK(server_of("133.1.2.5") == kJpnicServer);
  CHECK(server_of("202.26.186.1") == kJpnicServer);  // inside APNIC's 202/7
  CHECK(server_of("202.30.0.1") == kKrnicServer);
  CHECK(server_of("202.39.128.1") == kTwnicServer);
  CHECK(server_of("202.1.1.1") == kApnicServer);
  CHECK(server_of("192.72.253.1") == kArinServer);  // a /24 inside APNIC's 192.72/16
  CHECK(server_of("192.72.1.1") == kApnicServer);
  CHECK(server_of("45.5.0.1") == kLacnicServer);  // IANA's recovered space
  CHECK(server_of("45.8.0.1") == kRipeServer);
  CHECK(server_of("25.1.1.1") == kRipeServer);  // legacy, administered by the RIPE NCC
  CHECK(server_of("9.9.9.9") == kArinServer);   // legacy, ARIN's by default
  CHECK(server_of("2400:100::1") == kKrnicServer);
  CHECK(server_of("2400:1000::1") == kApnicServer);
  CHECK(server_of("2c0f:f000::1") == kAfrinicServer);
  CHECK(server_of("2001:1234::1") == kLacnicServer);
  CHECK(server_of("AS9700") == kKrnicServer);
  CHECK(server_of("AS131100") == kKrnicServer);
  CHECK(server_of("AS196608") == kRipeServer);
  CHECK(server_of("AS262144") == kLacnicServer);
  CHECK(server_of("AS327700") == kAfrinicServer);
  CHECK(server_of("AS400000") == kArinServer);
  CHECK(server_of("AS4294967294") == kRipeServer);
}

TEST_CASE("whois servers: 6to4 and Teredo ask about the IPv4 endpoint") {
  // 2002:3eef:ed01:: carries 62.239.237.1 (RIPE).
  const auto six_to_four = select_server("2002:3eef:ed01::1");
  REQUIRE(six_to_four);
  CHECK(six_to_four->server == kRipeServer);
  CHECK(six_to_four->query == "62.239.237.1");
  // Teredo stores the client address inverted: ~b58a:1e1a = 74.117.225.229 (ARIN).
  const auto teredo = select_server("2001:0:4136:e378:8000:63bf:b58a:1e1a");
  REQUIRE(teredo);
  CHECK(teredo->server == kArinServer);
  CHECK(teredo->query == "n + 74.117.225.229");
}

TEST_CASE("whois servers: unknown and special space goes to IANA, other text is an error") {
  for (const char* query :
       {"10.1.2.3", "127.0.0.1", "224.0.0.1", "0.1.2.3", "fe80::1", "3ffe::1", "AS0", "AS4294967295", "AS500000"}) {
    CAPTURE(query);
    const auto chosen = select_server(query);
    REQUIRE(chosen);
    CHECK(chosen->server == kIanaServer);
  }
  CHECK(select_server("AS500000")->query == "as500000");
  for (const char* bad :
       {"", "example.com", "3491", "AS", "ASX1", "1.2.3", "1.2.3.4/33", "AS4294967296", "1.2.3.4 x"}) {
    CAPTURE(bad);
    const auto chosen = select_server(bad);
    REQUIRE_FALSE(chosen);
    CHECK(chosen.error().to_string() ==
          "whois query '" + std::string(bad) + "': not an IP address, prefix or AS number");
  }
}

TEST_CASE("whois servers: the delegation tables have no gap in the allocated space") {
  // Every unicast /8 that IANA gave out has a server.
  for (uint32_t first = 1; first < 224; ++first) {
    if (first == 10 || first == 127) continue;
    CAPTURE(first);
    CHECK_FALSE(ipv4_delegation(first << 24 | 0x010101).empty());
  }
  CHECK(ipv4_delegation(0xE0000001).empty());  // multicast
  CHECK(ipv6_delegation(0x3ffe0000).empty());  // the old 6bone
  for (uint32_t asn = 1; asn < 65535; asn += 7) {
    CAPTURE(asn);
    CHECK_FALSE(as_number_delegation(asn).empty());
  }
  CHECK(as_number_delegation(65535).empty());
}
