// Team Cymru IP-to-ASN: DNS query names, TXT answers, the bulk WHOIS request and
// answer. The answer files were written by this project after the documented
// format (tests/data/SOURCES.md); no recorded raw answers are public.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "enrich/cymru/cymru.h"

using namespace sg::cymru;
using sg::IpAddress;
using sg::make_utc;

namespace {

// The bytes of tests/data/fixtures/cymru/<name> (this file reads its own data, so
// that it builds alone with SPAMGRAPH_ONLY_TESTS).
std::string fixture(const std::string& name) {
  std::ifstream file(std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/cymru/" + name, std::ios::binary);
  REQUIRE_MESSAGE(file, "cannot read fixture " << name);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

std::vector<std::string> fixture_lines(const std::string& name) {
  const std::string text = fixture(name);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace

TEST_CASE("cymru: DNS query names for IPv4, IPv6 and AS numbers") {
  CHECK(cymru_origin_name(*IpAddress::parse("114.113.195.101")) == "101.195.113.114.origin.asn.cymru.com");
  CHECK(cymru_origin_name(*IpAddress::parse("::ffff:103.244.54.137")) == "137.54.244.103.origin.asn.cymru.com");
  CHECK(cymru_origin_name(*IpAddress::parse("2001:db8::1")) ==
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.origin6.asn.cymru.com");
  CHECK(cymru_as_name(133027) == "AS133027.asn.cymru.com");
  CHECK(cymru_as_name(4294967295u) == "AS4294967295.asn.cymru.com");
}

TEST_CASE("cymru: origin TXT answers, MOAS and IPv6") {
  const auto lines = fixture_lines("origin_txt.txt");
  REQUIRE(lines.size() == 4);

  auto hk = parse_cymru_origin_txt(lines[0]);
  REQUIRE(hk);
  CHECK(hk->asns == std::vector<uint32_t>{133027});
  CHECK(hk->prefix.to_string() == "114.113.195.0/24");
  CHECK(hk->prefix.contains(*IpAddress::parse("114.113.195.101")));
  CHECK(hk->country == "HK");
  CHECK(hk->registry == "apnic");
  CHECK(hk->allocated == 1400544000);  // 2014-05-20

  auto cymru = parse_cymru_origin_txt(lines[1]);
  REQUIRE(cymru);
  CHECK(cymru->asns == std::vector<uint32_t>{23028});
  CHECK(cymru->allocated == make_utc(1998, 9, 25, 0, 0, 0));

  auto moas = parse_cymru_origin_txt(lines[2]);
  REQUIRE(moas);
  CHECK(moas->asns == std::vector<uint32_t>{3356, 23028});
  CHECK(moas->prefix.to_string() == "192.0.2.0/24");
  CHECK_FALSE(moas->allocated);  // empty date field

  auto v6 = parse_cymru_origin_txt(lines[3]);
  REQUIRE(v6);
  CHECK(v6->asns == std::vector<uint32_t>{6939});
  CHECK(v6->prefix.to_string() == "2001:470::/32");
  CHECK(v6->prefix.length == 32);

  // As dig shows it, quoted.
  auto quoted = parse_cymru_origin_txt("\"133027 | 114.113.195.0/24 | HK | apnic | 2014-05-20\"");
  REQUIRE(quoted);
  CHECK(quoted->registry == "apnic");
  CHECK(quoted->allocated == 1400544000);
}

TEST_CASE("cymru: AS TXT answers keep the whole name") {
  const auto lines = fixture_lines("as_txt.txt");
  REQUIRE(lines.size() == 3);
  auto eric = parse_cymru_as_txt(lines[0]);
  REQUIRE(eric);
  CHECK(eric->asn == 133027);
  CHECK(eric->country == "HK");
  CHECK(eric->registry == "apnic");
  CHECK(eric->allocated == 1400544000);
  CHECK(eric->name == "ET355-AS Eric Tam, HK");

  auto cymru = parse_cymru_as_txt(lines[1]);
  REQUIRE(cymru);
  CHECK(cymru->name == "TEAM-CYMRU - Team Cymru Inc., US");
  CHECK(cymru->allocated == make_utc(2002, 1, 4, 0, 0, 0));

  auto sparse = parse_cymru_as_txt(lines[2]);
  REQUIRE(sparse);
  CHECK(sparse->asn == 64512);
  CHECK(sparse->country.empty());
  CHECK(sparse->registry == "other");
  CHECK_FALSE(sparse->allocated);
  CHECK(sparse->name.empty());

  // A '|' inside the name stays in the name.
  auto bar = parse_cymru_as_txt("65000 | ZZ | ripencc | 2001-01-01 | A | B");
  REQUIRE(bar);
  CHECK(bar->name == "A | B");
}

TEST_CASE("cymru: TXT answers that do not read are Errors naming the field") {
  struct Case {
    const char* text;
    const char* where;
  };
  for (const Case& test : {Case{"", ""}, Case{"x | 1.2.3.0/24 | US | arin | 2000-01-01", "asn"},
                           Case{"65000 | 1.2.3.0/33 | US | arin | 2000-01-01", "prefix"},
                           Case{"65000 | 1.2.3.0/24 | US | arin | 2000-13-01", "allocated"},
                           Case{"65000 99999999999 | 1.2.3.0/24", "asn"}}) {
    const std::string text = test.text;
    CAPTURE(text);
    auto origin = parse_cymru_origin_txt(test.text);
    REQUIRE_FALSE(origin);
    CHECK(origin.error().where == test.where);
  }
  CHECK_FALSE(parse_cymru_origin_txt("65000"));
  CHECK_FALSE(parse_cymru_as_txt("AS-FOO | US"));
  CHECK(parse_cymru_as_txt("65000 | US | arin | soon | x").error().where == "allocated");
  auto garbage = parse_cymru_origin_txt("\xff\xfe | \xc0");
  REQUIRE_FALSE(garbage);
  CHECK(sg::is_well_formed_utf8(garbage.error().to_string()));
}

TEST_CASE("cymru: the bulk request") {
  CHECK(cymru_bulk_request({*IpAddress::parse("114.113.195.101"), *IpAddress::parse("2001:DB8::1")}) ==
        "begin\nverbose\n114.113.195.101\n2001:db8::1\nend\n");
  CHECK(cymru_bulk_request({}) == "begin\nverbose\nend\n");
}

TEST_CASE("cymru: a bulk verbose answer with routed, unrouted and error lines") {
  const std::string text = fixture("bulk_verbose.txt");
  for (const bool crlf : {false, true}) {
    CAPTURE(crlf);
    std::string input = text;
    if (crlf)
      for (size_t at = input.find('\n'); at != std::string::npos; at = input.find('\n', at + 2)) input.insert(at, "\r");
    auto answer = parse_cymru_bulk(input);
    REQUIRE(answer);
    CHECK(answer->time == 1714564800);  // [2024-05-01 12:00:00 +0000]
    REQUIRE(answer->rows.size() == 4);

    const CymruBulkRow& hk = answer->rows[0];
    CHECK(hk.asn == 133027u);
    CHECK(hk.address.to_string() == "114.113.195.101");
    REQUIRE(hk.prefix);
    CHECK(hk.prefix->to_string() == "114.113.195.0/24");
    CHECK(hk.country == "HK");
    CHECK(hk.registry == "apnic");
    CHECK(hk.allocated == 1400544000);
    CHECK(hk.as_name == "ET355-AS Eric Tam, HK");

    CHECK(answer->rows[1].as_name == "TEAM-CYMRU - Team Cymru Inc., US");
    CHECK(answer->rows[2].address.to_string() == "2001:470::1");
    CHECK(answer->rows[2].prefix->to_string() == "2001:470::/32");

    const CymruBulkRow& unrouted = answer->rows[3];
    CHECK_FALSE(unrouted.asn);
    CHECK(unrouted.address.to_string() == "10.0.0.1");
    CHECK_FALSE(unrouted.prefix);
    CHECK(unrouted.country.empty());
    CHECK(unrouted.registry == "other");
    CHECK_FALSE(unrouted.allocated);
    CHECK(unrouted.as_name.empty());

    REQUIRE(answer->problems.size() == 1);
    CHECK(answer->problems[0].where == "line 7");
    CHECK(answer->problems[0].message == "Error: no ASN or IP match on line 6.");
  }
}

TEST_CASE("cymru: bulk lines that do not read become problems, no header is an Error") {
  auto answer = parse_cymru_bulk(
      "Bulk mode; whois.cymru.com [not a time]\n"
      "65000 | 192.0.2.1 | 192.0.2.0/24\n"
      "x     | 192.0.2.1 | 192.0.2.0/24 | US | arin | 2000-01-01 | X\n"
      "65000 | 192.0.2.999 | 192.0.2.0/24 | US | arin | 2000-01-01 | X\n"
      "65000 | 192.0.2.1 | 192.0.2.0/24 | US | arin | 2000-01-01 | X | Y\n");
  REQUIRE(answer);
  CHECK_FALSE(answer->time);
  REQUIRE(answer->rows.size() == 1);
  CHECK(answer->rows[0].as_name == "X | Y");
  REQUIRE(answer->problems.size() == 3);
  CHECK(answer->problems[0].to_string() == "line 2: expected 7 fields, got 3");
  CHECK(answer->problems[1].where == "line 3: AS");
  CHECK(answer->problems[2].where == "line 4: IP");

  CHECK_FALSE(parse_cymru_bulk(""));
  CHECK_FALSE(parse_cymru_bulk("\n\n"));
  auto html = parse_cymru_bulk("<html>\n");
  REQUIRE_FALSE(html);
  CHECK(html.error().where == "line 1");

  std::string flood = "Bulk mode; whois.cymru.com [2024-05-01 12:00:00 +0000]\n";
  for (int i = 0; i < 5000; ++i) flood += "junk\n";
  auto bounded = parse_cymru_bulk(flood);
  REQUIRE(bounded);
  CHECK(bounded->problems.size() == kMaxBulkProblems);
}
