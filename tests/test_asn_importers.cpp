#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "enrich/asn/importers.h"
#include "enrich/asn/prefix_table.h"
#include "tests/helpers.h"

using namespace sg;
using namespace sg::asn;

namespace {

const std::string kFixtures = std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/";

struct Collected {
  std::vector<std::string> rows;  // "prefix asn name|country"
  std::vector<Error> problems;
  Result<ImportStats> stats = ImportStats{};
};

Collected run(std::string_view bytes, AsnFormat format, ImportOptions options = {}) {
  Collected c;
  c.stats = import_asn_bytes(
      bytes, format,
      [&](const AsnRow& row) {
        c.rows.push_back(row.prefix.to_string() + " " + std::to_string(row.asn) + " " + std::string(row.name) +
                         "|" + std::string(row.country));
        return true;
      },
      c.problems, options);
  return c;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}


}  // namespace

TEST_CASE("asn importers: pyasn ipasn_20140513 (RouteViews, gzip)") {
  PrefixTable table;
  std::vector<Error> problems;
  auto stats = import_asn_file(
      kFixtures + "ipasn/pyasn/ipasn_20140513.dat.gz", AsnFormat::pyasn,
      [&](const AsnRow& row) {
        table.add(row.prefix, row.asn);
        return true;
      },
      problems);
  REQUIRE(stats);
  CHECK(problems.empty());
  CHECK(stats->rows == 512621);
  table.build();
  CHECK(table.size() == 512621);
  auto a = table.lookup(*IpAddress::parse("114.113.195.11"));
  REQUIRE(a);
  CHECK(a->record.asn == 58779);
  CHECK(a->prefix.to_string() == "114.113.195.0/24");
  auto b = table.lookup(*IpAddress::parse("103.244.54.137"));
  REQUIRE(b);
  CHECK(b->record.asn == 58779);
  CHECK(b->prefix.to_string() == "103.244.54.0/24");
  auto of = table.prefixes_of(58779);
  CHECK(std::find(of.begin(), of.end(), *IpPrefix::parse("114.113.195.0/24")) != of.end());
}

TEST_CASE("asn importers: pyasn ipasn6_20151101 (v4 and v6)") {
  PrefixTable table;
  std::vector<Error> problems;
  size_t v6 = 0;
  auto stats = import_asn_file(
      kFixtures + "ipasn/pyasn/ipasn6_20151101.dat.gz", AsnFormat::pyasn,
      [&](const AsnRow& row) {
        v6 += row.prefix.network.is_v4() ? 0 : 1;
        table.add(row.prefix, row.asn);
        return true;
      },
      problems);
  REQUIRE(stats);
  CHECK(problems.empty());
  CHECK(stats->rows == 606138 + 27693);
  CHECK(v6 == 27693);
  table.build();
  CHECK(table.lookup(*IpAddress::parse("103.244.54.1"))->record.asn == 58779);
  auto absent = table.lookup(*IpAddress::parse("114.113.195.1"));
  CHECK((!absent || absent->prefix.length < 24));
  CHECK(table.lookup(*IpAddress::parse("114.113.194.1"))->record.asn == 58779);
  auto g = table.lookup(*IpAddress::parse("2001:4860:4860::8888"));
  REQUIRE(g);
  CHECK_FALSE(g->prefix.network.is_v4());
}

TEST_CASE("asn importers: CAIDA pfx2as with MOAS and AS sets") {
  auto c = run("1.0.0.0\t24\t13335\n"
               "1.0.4.0\t22\t56203_4826\n"
               "1.0.8.0\t21\t4134,4809_4134\n"
               "2001:db8::\t32\t64500\n"
               "1.2.3.4\t24\t7\n",  // host bits set: cleared
               AsnFormat::pfx2as);
  REQUIRE(c.stats);
  CHECK(c.problems.empty());
  std::vector<std::string> expected = {"1.0.0.0/24 13335 |",  "1.0.4.0/22 56203 |",  "1.0.4.0/22 4826 |",
                                       "1.0.8.0/21 4134 |",   "1.0.8.0/21 4809 |",   "2001:db8::/32 64500 |",
                                       "1.2.3.0/24 7 |"};
  CHECK(c.rows == expected);
}

TEST_CASE("asn importers: iptoasn ip2asn ranges split into prefixes") {
  auto c = run("1.0.0.0\t1.0.0.255\t13335\tUS\tCLOUDFLARENET\n"
               "1.0.1.0\t1.0.3.255\t0\tNone\tNot routed\n"
               "1.0.4.0\t1.0.6.255\t38803\tAU\tWPL-AS-AP Wirefreebroadband Pty Ltd\n"
               "2001:200::\t2001:200:e00:ffff:ffff:ffff:ffff:ffff\t2500\tJP\tWIDE-BB WIDE Project\n",
               AsnFormat::ip2asn);
  REQUIRE(c.stats);
  CHECK(c.problems.empty());
  CHECK(c.stats->skipped == 1);
  std::vector<std::string> expected = {
      "1.0.0.0/24 13335 CLOUDFLARENET|US",
      "1.0.4.0/23 38803 WPL-AS-AP Wirefreebroadband Pty Ltd|AU",
      "1.0.6.0/24 38803 WPL-AS-AP Wirefreebroadband Pty Ltd|AU",
      "2001:200::/37 2500 WIDE-BB WIDE Project|JP",
      "2001:200:800::/38 2500 WIDE-BB WIDE Project|JP",
      "2001:200:c00::/39 2500 WIDE-BB WIDE Project|JP",
      "2001:200:e00::/48 2500 WIDE-BB WIDE Project|JP",
  };
  CHECK(c.rows == expected);
}

TEST_CASE("asn importers: ip-location-db CSV, dotted and numeric") {
  auto c = run("1.0.0.0,1.0.0.255,13335,Cloudflare\n"
               "1.0.4.0,1.0.7.255,38803,\"Gtelecom, \"\"Pty\"\" Ltd\"\n"
               "16778240,16778495,56203,Big Red Group\n",  // 1.0.4.0 - 1.0.4.255 numeric
               AsnFormat::ip_location);
  REQUIRE(c.stats);
  CHECK(c.problems.empty());
  std::vector<std::string> expected = {"1.0.0.0/24 13335 Cloudflare|", "1.0.4.0/22 38803 Gtelecom, \"Pty\" Ltd|",
                                       "1.0.4.0/24 56203 Big Red Group|"};
  CHECK(c.rows == expected);

  ImportOptions v6;
  v6.numeric_v6 = true;
  auto n = run("42540766411282592856903984951653826560,42540766411282592875350729025363378175,64500,Doc\n"
               "2001:db8::,2001:db8::2,64501,Three\n",
               AsnFormat::ip_location, v6);
  REQUIRE(n.stats);
  CHECK(n.problems.empty());
  std::vector<std::string> expected6 = {"2001:db8::/64 64500 Doc|", "2001:db8::/127 64501 Three|",
                                        "2001:db8::2/128 64501 Three|"};
  CHECK(n.rows == expected6);
}

TEST_CASE("asn importers: malformed lines are reported with line numbers") {
  auto c = run("1.0.0.0/24\t13335\n"
               "; comment\n"
               "not-an-ip/24\t1\n"
               "1.0.0.0/33\t1\n"
               "1.0.0.0/24\tAS99999999999\n"
               "1.0.0.0/24\n"
               "\n" +
                   std::string(5000, 'x') +
                   "\n"
                   "2.0.0.0/8\t3\r\n",
               AsnFormat::pyasn);
  REQUIRE(c.stats);
  CHECK(c.rows.size() == 2);
  REQUIRE(c.problems.size() == 5);
  CHECK(c.problems[0].to_string() == "line 3: bad prefix");
  CHECK(c.problems[1].where == "line 4");
  CHECK(c.problems[2].to_string() == "line 5: bad AS number");
  CHECK(c.problems[3].where == "line 6");
  CHECK(c.problems[4].to_string() == "line 8: line longer than 4096 bytes");
  CHECK(c.stats->lines == 9);

  auto r = run("1.0.0.5,1.0.0.1,1,x\n1.0.0.0,::1,1,x\n\"unterminated,1,1\n", AsnFormat::ip_location);
  REQUIRE(r.problems.size() == 3);
  CHECK(r.problems[0].to_string() == "line 1: range start is after range end");
  CHECK(r.problems[1].where == "line 2");
  CHECK(r.problems[2].to_string() == "line 3: bad CSV quoting");

  ImportOptions few;
  few.max_problems = 2;
  auto capped = run("x\ny\nz\n", AsnFormat::pfx2as, few);
  CHECK(capped.problems.size() == 2);
  CHECK(capped.stats->bad_lines == 3);
}

TEST_CASE("asn importers: gzip in memory, truncated gzip, callers can stop") {
  const std::string text = "1.0.0.0/24\t1\n2.0.0.0/24\t2\n3.0.0.0/24\t3\n";
  auto whole = run(gzip_bytes(text), AsnFormat::pyasn);
  REQUIRE(whole.stats);
  CHECK(whole.rows.size() == 3);

  const std::string big = read_all(kFixtures + "ipasn/pyasn/ipasn_20140513.dat.gz");
  REQUIRE(big.size() > 100000);
  auto cut = run(std::string_view(big).substr(0, big.size() / 2), AsnFormat::pyasn);
  REQUIRE_FALSE(cut.stats);
  CHECK(cut.stats.error().message == "truncated gzip stream");
  CHECK(cut.rows.size() > 1000);

  std::string corrupt = big.substr(0, 5000);
  for (size_t i = 100; i < corrupt.size(); i += 7) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  auto bad = run(corrupt, AsnFormat::pyasn);
  CHECK_FALSE(bad.stats);

  std::vector<Error> problems;
  size_t seen = 0;
  auto stopped = import_asn_bytes(
      text, AsnFormat::pyasn, [&](const AsnRow&) { return ++seen < 2; }, problems);
  REQUIRE(stopped);
  CHECK(seen == 2);

  auto missing = import_asn_file(
      kFixtures + "does-not-exist.gz", AsnFormat::pyasn, [](const AsnRow&) { return true; }, problems);
  CHECK_FALSE(missing);
}

#include <bzlib.h>

TEST_CASE("asn importers: bzip2 in memory and a truncated bzip2 file") {
  std::string text;
  for (int i = 1; i <= 200; ++i) text += std::to_string(i) + ".0.0.0/8\t" + std::to_string(i) + "\n";
  std::string packed(text.size() * 2 + 600, '\0');
  auto packed_size = static_cast<unsigned>(packed.size());
  REQUIRE(BZ2_bzBuffToBuffCompress(packed.data(), &packed_size, text.data(), static_cast<unsigned>(text.size()),
                                   9, 0, 0) == BZ_OK);
  packed.resize(packed_size);
  auto c = run(packed, AsnFormat::pyasn);
  REQUIRE(c.stats);
  CHECK(c.rows.size() == 200);
  CHECK(c.rows.back() == "200.0.0.0/8 200 |");
  auto twice = run(packed + packed, AsnFormat::pyasn);  // concatenated streams
  REQUIRE(twice.stats);
  CHECK(twice.rows.size() == 400);

  // A real bzip2 file cut at 64 KiB (binary MRT inside: every line is a problem).
  ImportOptions options;
  options.max_problems = 10;
  std::vector<Error> problems;
  auto cut = import_asn_file(
      kFixtures + "mrt/pyasn/rib.20140523.0600_first64KiB.bz2", AsnFormat::pyasn,
      [](const AsnRow&) { return true; }, problems, options);
  REQUIRE_FALSE(cut);
  CHECK(cut.error().message == "truncated bzip2 stream");
  CHECK(problems.size() == 10);
}
