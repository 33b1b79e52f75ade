#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "enrich/asn/importers.h"
#include "enrich/asn/prefix_table.h"

using namespace sg;
using namespace sg::asn;

namespace {

const std::string kFixtures = std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/";

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix pfx(const char* text) { return *IpPrefix::parse(text); }

// The reference answer: the longest of all prefixes containing the address, first added wins.
std::optional<std::pair<IpPrefix, uint32_t>> naive(const std::vector<std::pair<IpPrefix, uint32_t>>& all,
                                                   const IpAddress& address) {
  std::optional<std::pair<IpPrefix, uint32_t>> best;
  for (const auto& entry : all)
    if (entry.first.contains(address) && (!best || entry.first.length > best->first.length)) best = entry;
  return best;
}

}  // namespace

TEST_CASE("asn prefix table: nested prefixes from pyasn's ipasn.fake") {
  PrefixTable table;
  std::vector<Error> problems;
  auto stats = import_asn_file(
      kFixtures + "ipasn/pyasn/ipasn.fake", AsnFormat::pyasn,
      [&](const AsnRow& row) {
        table.add(row.prefix, row.asn, {}, {}, "ipasn.fake");
        return true;
      },
      problems);
  REQUIRE(stats);
  CHECK(problems.empty());
  CHECK(stats->rows == 5);
  table.build();
  CHECK(table.size() == 5);

  auto m = table.lookup(ip("3.0.0.1"));
  REQUIRE(m);
  CHECK(m->record.asn == 5);
  CHECK(m->prefix == pfx("3.0.0.0/9"));
  CHECK(table.text(m->record.dataset) == "ipasn.fake");
  CHECK(table.lookup(ip("3.127.255.255"))->record.asn == 5);
  CHECK(table.lookup(ip("3.128.0.0"))->record.asn == 4);
  CHECK(table.lookup(ip("3.255.255.255"))->prefix == pfx("3.0.0.0/8"));
  CHECK(table.lookup(ip("1.0.0.3"))->record.asn == 1);
  CHECK(table.lookup(ip("1.0.0.4"))->record.asn == 2);
  CHECK(table.lookup(ip("1.0.0.255"))->prefix == pfx("1.0.0.0/24"));
  CHECK(table.lookup(ip("2.0.0.7"))->record.asn == 3);
  CHECK_FALSE(table.lookup(ip("1.0.1.0")));
  CHECK_FALSE(table.lookup(ip("0.0.0.0")));
  CHECK_FALSE(table.lookup(ip("4.0.0.0")));
  CHECK_FALSE(table.lookup(ip("2001:db8::1")));

  auto of4 = table.prefixes_of(4);
  REQUIRE(of4.size() == 1);
  CHECK(of4[0] == pfx("3.0.0.0/8"));
  CHECK(table.prefixes_of(99).empty());
}

TEST_CASE("asn prefix table: edges, duplicates, IPv6, strings") {
  PrefixTable table;
  table.add(pfx("0.0.0.0/0"), 1, "default", "ZZ");
  table.add(pfx("255.255.255.255/32"), 2);
  table.add(pfx("10.0.0.0/8"), 3);
  table.add(pfx("10.0.0.0/8"), 4);  // duplicate: first wins
  table.add(pfx("::/0"), 5);
  table.add(pfx("2001:db8::/32"), 6, "doc", "XX");
  table.add(pfx("2001:db8::/48"), 7);
  table.add(pfx("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), 8);
  table.build();
  CHECK(table.size() == 7);
  CHECK(table.lookup(ip("255.255.255.255"))->record.asn == 2);
  CHECK(table.lookup(ip("255.255.255.254"))->record.asn == 1);
  CHECK(table.lookup(ip("10.1.2.3"))->record.asn == 3);
  CHECK(table.lookup(ip("11.0.0.0"))->record.asn == 1);
  auto d = table.lookup(ip("2001:db8:1::1"));
  REQUIRE(d);
  CHECK(d->record.asn == 6);
  CHECK(table.text(d->record.name) == "doc");
  CHECK(table.text(d->record.country) == "XX");
  CHECK(table.lookup(ip("2001:db8::1"))->prefix == pfx("2001:db8::/48"));
  CHECK(table.lookup(ip("2001:db9::"))->record.asn == 5);
  CHECK(table.lookup(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))->record.asn == 8);
  CHECK(table.text(table.lookup(ip("1.1.1.1"))->record.name) == "default");
  CHECK(table.prefixes_of(3).size() == 1);
  CHECK(table.prefixes_of(4).empty());
  CHECK(table.intern("doc") == table.lookup(ip("2001:db8:1::"))->record.name);
  CHECK(table.text(0).empty());
  CHECK(table.text(12345).empty());

  PrefixTable empty;
  empty.build();
  CHECK_FALSE(empty.lookup(ip("1.2.3.4")));
  PrefixTable unbuilt;
  CHECK_FALSE(unbuilt.lookup(ip("1.2.3.4")));
}

TEST_CASE("asn prefix table: random cross-check against a linear scan") {
  std::mt19937_64 rng(20260527);
  for (bool v6 : {false, true}) {
    std::vector<std::pair<IpPrefix, uint32_t>> all;
    PrefixTable table;
    const int bits = v6 ? 128 : 32;
    for (int i = 0; i < 400; ++i) {
      // Cluster prefixes in a small space so that they nest often.
      IpKey key = static_cast<IpKey>(rng() & 0xff) << (bits - 8);
      key |= static_cast<IpKey>(rng() & 0xffff) << (bits - 24);
      const int length = static_cast<int>(rng() % 33) + (v6 ? static_cast<int>(rng() % 97) : 0);
      const IpPrefix prefix = prefix_from_key(key, std::min(length, bits), !v6);
      const auto asn = static_cast<uint32_t>(i + 1);
      bool dup = false;
      for (const auto& e : all) dup = dup || e.first == prefix;
      if (!dup) all.emplace_back(prefix, asn);
      table.add(prefix, asn);
    }
    table.build();
    CHECK(table.size() == all.size());
    for (int i = 0; i < 3000; ++i) {
      IpKey key;
      if (i % 2 == 0) {  // near a prefix boundary
        const auto& e = all[rng() % all.size()];
        key = (rng() % 2 ? ip_key(e.first.network) : prefix_last_key(e.first)) + (rng() % 3) - 1;
        if (!v6) key &= 0xffffffffu;
      } else {
        key = static_cast<IpKey>(rng() & 0xff) << (bits - 8);
        key |= static_cast<IpKey>(rng() & 0xffff) << (bits - 24);
        key |= static_cast<IpKey>(rng()) & ((IpKey{1} << (bits - 24)) - 1);
      }
      const IpAddress address = ip_from_key(key, !v6);
      if (v6 && address.is_v4()) continue;
      auto expected = naive(all, address);
      auto got = table.lookup(address);
      REQUIRE(got.has_value() == expected.has_value());
      if (got) {
        CHECK(got->prefix == expected->first);
        CHECK(got->record.asn == expected->second);
      }
    }
  }
}

TEST_CASE("asn prefix table: range_to_prefixes") {
  std::vector<IpPrefix> out;
  range_to_prefixes(ip_key(ip("1.0.0.0")), ip_key(ip("1.0.2.255")), true, out);
  REQUIRE(out.size() == 2);
  CHECK(out[0] == pfx("1.0.0.0/23"));
  CHECK(out[1] == pfx("1.0.2.0/24"));
  out.clear();
  range_to_prefixes(0, 0xffffffffu, true, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == pfx("0.0.0.0/0"));
  out.clear();
  range_to_prefixes(0, ~IpKey{0}, false, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].length == 0);
  out.clear();
  range_to_prefixes(ip_key(ip("0.0.0.1")), ip_key(ip("255.255.255.254")), true, out);
  CHECK(out.size() == 62);
}
