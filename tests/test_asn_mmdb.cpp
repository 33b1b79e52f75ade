#include <doctest/doctest.h>

#include <string>

#include "enrich/asn/mmdb.h"

using namespace sg;
using namespace sg::asn;

namespace {

const std::string kData = std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/mmdb/maxmind-test-data/";

std::optional<MmdbAnswer> find(const MmdbReader& db, const char* ip) {
  auto r = db.lookup(*IpAddress::parse(ip));
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("asn mmdb: GeoLite2-ASN test database (EXPECTED.md)") {
  auto db = MmdbReader::open(kData + "GeoLite2-ASN-Test.mmdb");
  REQUIRE(db);
  CHECK(db->database_type() == "GeoLite2-ASN");
  CHECK(db->ip_version() == 6);
  struct Case {
    const char* ip;
    uint32_t asn;
    const char* name;
  };
  for (const Case& c : {Case{"1.0.0.1", 15169, "Google Inc."}, Case{"1.128.0.1", 1221, "Telstra Pty Ltd"},
                        Case{"12.81.92.7", 7018, "AT&T Services"},
                        Case{"2001:1700::1", 6730, "Sunrise Communications AG"},
                        Case{"89.160.20.112", 29518, "Bredband2 AB"},
                        Case{"2600:7000::1", 6939, "Hurricane Electric, Inc."}}) {
    CAPTURE(c.ip);
    auto a = find(*db, c.ip);
    REQUIRE(a);
    CHECK(a->asn == c.asn);
    CHECK(a->as_name == c.name);
    CHECK(a->network.contains(*IpAddress::parse(c.ip)));
  }
  auto v4 = find(*db, "1.0.0.1");
  CHECK(v4->network.network.is_v4());
  CHECK(v4->network.length <= 32);
  CHECK_FALSE(find(*db, "114.113.195.1"));
  CHECK_FALSE(find(*db, "8.8.8.8"));
}

TEST_CASE("asn mmdb: GeoIP2-ISP and Country test databases") {
  auto isp = MmdbReader::open(kData + "GeoIP2-ISP-Test.mmdb");
  REQUIRE(isp);
  CHECK_FALSE(find(*isp, "1.0.0.1"));
  auto att = find(*isp, "12.81.92.7");
  REQUIRE(att);
  CHECK(att->asn == 7018);
  auto level3 = find(*isp, "8.8.8.8");
  REQUIRE(level3);
  CHECK(level3->asn == 0);

  auto country = MmdbReader::open(kData + "GeoLite2-Country-Test.mmdb");
  REQUIRE(country);
  auto se = find(*country, "89.160.20.112");
  REQUIRE(se);
  CHECK(se->country == "SE");
  CHECK(se->asn == 0);
  auto jp = find(*country, "2001:218::1");
  REQUIRE(jp);
  CHECK(jp->country == "JP");
  CHECK_FALSE(jp->network.network.is_v4());
}

TEST_CASE("asn mmdb: broken and unusual databases") {
  auto invalid = MmdbReader::open(kData + "GeoIP2-City-Test-Invalid-Node-Count.mmdb");
  CHECK_FALSE(invalid);
  CHECK_FALSE(MmdbReader::open(kData + "missing.mmdb"));

  auto pointers = MmdbReader::open(kData + "MaxMind-DB-test-broken-pointers-24.mmdb");
  REQUIRE(pointers);
  CHECK_FALSE(pointers->lookup(*IpAddress::parse("1.1.1.16")));

  auto v4only = MmdbReader::open(kData + "MaxMind-DB-test-ipv4-24.mmdb");
  REQUIRE(v4only);
  CHECK(v4only->ip_version() == 4);
  auto hit = find(*v4only, "1.1.1.1");
  REQUIRE(hit);
  CHECK(hit->network.to_string() == "1.1.1.1/32");
  CHECK_FALSE(v4only->lookup(*IpAddress::parse("2001:db8::1")));  // IPv6 in an IPv4 tree: error

  auto no_v4_tree = MmdbReader::open(kData + "MaxMind-DB-no-ipv4-search-tree.mmdb");
  REQUIRE(no_v4_tree);
  auto wide = find(*no_v4_tree, "1.1.1.16");
  REQUIRE(wide);
  CHECK(wide->network.to_string() == "::/64");
}
