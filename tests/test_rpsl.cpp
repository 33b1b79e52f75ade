// RPSL answers: every recorded RIR and IRR answer of tests/data/fixtures/whois, parsed
// and read field by field; then the corner cases of the format one at a time.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/utf8.h"
#include "enrich/whois/rpsl.h"
#include "tests/whois_fixtures.h"

using namespace sg::whois;

namespace {

RpslAnswer parse_fixture(const std::string& name) { return parse_rpsl(sg::whois_fixture(name)); }

std::string first_of(const RpslObject& object, std::string_view key) {
  const auto value = object.first(key);
  return value ? std::string(*value) : std::string("<absent>");
}

bool has_comment(const RpslAnswer& answer, std::string_view text) {
  return std::any_of(answer.comments.begin(), answer.comments.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("rpsl: AFRINIC answers, IPv4 and IPv6") {
  const RpslAnswer v4 = parse_fixture("rir/whois.afrinic.net__196.11.240.215.txt");
  REQUIRE(v4.objects.size() == 3);
  const RpslObject& inetnum = v4.objects[0];
  CHECK(inetnum.object_class() == "inetnum");
  CHECK(inetnum.primary_key() == "196.11.239.0 - 196.11.246.255");
  CHECK(first_of(inetnum, "netname") == "NET-196-11-239-0");
  CHECK(first_of(inetnum, "country") == "ZA");
  CHECK(first_of(inetnum, "mnt-by") == "AFRINIC-HM-MNT");
  CHECK(first_of(inetnum, "source") == "AFRINIC # Filtered");
  CHECK(without_rpsl_comment(*inetnum.first("source")) == "AFRINIC");
  CHECK(v4.objects[1].object_class() == "organisation");
  CHECK(v4.objects[1].all("address").size() == 3);
  CHECK(v4.objects[2].object_class() == "role");
  CHECK(v4.objects[2].all("address").size() == 7);
  CHECK(has_comment(v4, "% This is the AfriNIC Whois server."));
  CHECK(classify_answer(v4) == AnswerKind::objects);
  CHECK(v4.stray_lines.empty());

  const RpslAnswer v6 = parse_fixture("rir/whois.afrinic.net__2001_43f8_7b0__.txt");
  REQUIRE(v6.objects.size() == 4);
  CHECK(v6.objects[0].object_class() == "inet6num");
  CHECK(v6.objects[0].primary_key() == "2001:43f8:07b0::/48");
  CHECK(first_of(v6.objects[0], "netname") == "Tespok");
  CHECK(first_of(v6.objects[0], "country") == "KE");
  CHECK(first_of(v6.objects[0], "mnt-lower") == "TESPOK-MNT");
  CHECK(first_of(v6.objects[0], "parent") == "2001:4200::/23");
  CHECK(v6.objects[3].primary_key() == "TESPOK TESPOK");
}

TEST_CASE("rpsl: APNIC answers, a KRNIC block and a JPNIC block") {
  const RpslAnswer kr = parse_fixture("rir/whois.apnic.net__210.107.73.73.txt");
  REQUIRE(kr.objects.size() == 4);
  const RpslObject& inetnum = kr.objects[0];
  CHECK(inetnum.primary_key() == "210.107.0.0 - 210.107.127.255");
  CHECK(first_of(inetnum, "netname") == "BORANET-NET-210-107");
  CHECK(inetnum.all("descr") ==
        std::vector<std::string_view>{"DACOM Corp.", "Facility-based Telecommunication Service Provider",
                                      "providing Internet leased-ine, on-line service, BLL etc."});
  CHECK(first_of(inetnum, "country") == "KR");
  CHECK(first_of(inetnum, "mnt-by") == "APNIC-HM");
  CHECK(first_of(inetnum, "mnt-lower") == "MNT-KRNIC-AP");
  CHECK(first_of(inetnum, "source") == "APNIC");
  CHECK(kr.objects[1].object_class() == "irt");
  CHECK(kr.objects[2].all("e-mail").size() == 3);
  CHECK(kr.objects[3].primary_key() == "210.106.224.0 - 210.107.127.255");
  CHECK(first_of(kr.objects[3], "source") == "KRNIC");
  CHECK(has_comment(kr, "% [whois.apnic.net]"));

  const RpslAnswer jp = parse_fixture("rir/whois.apnic.net__2001_240_10c_1__ca20_9d1d.txt");
  REQUIRE(jp.objects.size() == 3);
  CHECK(jp.objects[0].primary_key() == "2001:0240::/32");
  CHECK(first_of(jp.objects[0], "netname") == "IIJ-JPNIC-JP-20000308");
  CHECK(first_of(jp.objects[0], "country") == "JP");
  CHECK(first_of(jp.objects[0], "mnt-lower") == "MAINT-JPNIC");
  CHECK(jp.objects[0].all("remarks").size() == 11);
  CHECK(jp.objects[0].all("changed").size() == 5);
  CHECK(jp.objects[2].primary_key() == "2001:0240:010c::/48");
  CHECK(first_of(jp.objects[2], "netname") == "IIJ-PRJNET");
  CHECK(first_of(jp.objects[2], "source") == "JPNIC");
  CHECK(jp.comments.back() ==
        "% This query was served by the APNIC Whois Service version 1.69.1-APNICv1r0 (UNDEFINED)");
}

TEST_CASE("rpsl: ARIN answers in its own key: value form") {
  const RpslAnswer v4 = parse_fixture("rir/whois.arin.net__74.125.225.229.txt");
  REQUIRE(v4.objects.size() == 4);
  const RpslObject& net = v4.objects[0];
  CHECK(net.object_class() == "netrange");
  CHECK(net.primary_key() == "74.125.0.0 - 74.125.255.255");
  CHECK(first_of(net, "cidr") == "74.125.0.0/16");
  CHECK(first_of(net, "netname") == "GOOGLE");
  CHECK(first_of(net, "originas") == "");  // present and empty
  CHECK(first_of(net, "nettype") == "Direct Allocation");
  CHECK(v4.objects[1].object_class() == "orgname");
  CHECK(first_of(v4.objects[1], "country") == "US");
  CHECK(v4.objects[2].object_class() == "orgabusehandle");
  CHECK(first_of(v4.objects[2], "orgabuseemail") == "arin-contact@google.com");
  CHECK(has_comment(v4, "# ARIN WHOIS data and services are subject to the Terms of Use"));

  const RpslAnswer v6 = parse_fixture("rir/whois.arin.net__2001_4860_4860__8888.txt");
  REQUIRE(v6.objects.size() == 7);
  CHECK(v6.objects[0].primary_key() == "2001:4860:: - 2001:4860:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF");
  CHECK(first_of(v6.objects[0], "netname") == "GOOGLE-IPV6");
  CHECK(first_of(v6.objects[0], "originas") == "AS15169");
  CHECK(first_of(v6.objects[0], "parent") == "ARIN-004 (NET6-2001-4800-0)");
  CHECK(first_of(v6.objects[1], "country") == "US");
  // "OrgAbusePhone:  +1-650-253-0000 " loses its trailing blank.
  CHECK(first_of(v6.objects[2], "orgabusephone") == "+1-650-253-0000");
  CHECK(v6.objects[6].object_class() == "rtechhandle");
}

TEST_CASE("rpsl: LACNIC answers with CRLF line ends") {
  const std::string raw = sg::whois_fixture("rir/whois.lacnic.net__200.57.141.161.txt");
  REQUIRE(raw.find("\r\n") != std::string::npos);
  const RpslAnswer v4 = parse_rpsl(raw);
  REQUIRE(v4.objects.size() == 2);
  const RpslObject& inetnum = v4.objects[0];
  CHECK(inetnum.primary_key() == "200.57.128/19");
  CHECK(first_of(inetnum, "owner") == "Triara.com, S.A. de C.V.");
  CHECK(first_of(inetnum, "ownerid") == "MX-TSCV6-LACNIC");
  CHECK(first_of(inetnum, "country") == "MX");
  CHECK(first_of(inetnum, "created") == "20001204");
  CHECK(inetnum.all("nserver") ==
        std::vector<std::string_view>{"DNS1.TRIARA.COM", "DNS2.TRIARA.COM", "DNS3.TRIARA.COM"});
  CHECK(v4.objects[1].object_class() == "nic-hdl");
  for (const RpslObject& object : v4.objects)
    for (const RpslAttribute& attribute : object.attributes) {
      CHECK(attribute.value.find('\r') == std::string::npos);
      CHECK(attribute.key.find('\r') == std::string::npos);
    }
  CHECK(has_comment(v4, "% Joint Whois - whois.lacnic.net"));
  CHECK(v4.comments.back() == "% and AS numbers.");  // no CR kept

  const RpslAnswer v6 = parse_fixture("rir/whois.lacnic.net__2801_10_c000__.txt");
  REQUIRE(v6.objects.size() == 2);
  CHECK(v6.objects[0].primary_key() == "2801:10:c000::/48");
  CHECK(first_of(v6.objects[0], "owner") == "Universidad Catolica de Oriente");
  CHECK(first_of(v6.objects[0], "country") == "CO");
  CHECK(first_of(v6.objects[0], "status") == "assigned");
  CHECK(v6.objects[0].all("address") == std::vector<std::string_view>{"Carrera 46, 40B50,", "- - Rionegro - AN"});
}

TEST_CASE("rpsl: RIPE answers, IPv4 and IPv6") {
  const RpslAnswer v4 = parse_fixture("rir/whois.ripe.net__62.239.237.1.txt");
  REQUIRE(v4.objects.size() >= 3);
  const RpslObject& inetnum = v4.objects[0];
  CHECK(inetnum.primary_key() == "62.239.237.0 - 62.239.237.255");
  CHECK(first_of(inetnum, "netname") == "BT-CORPORATE");
  CHECK(first_of(inetnum, "country") == "GB");
  CHECK(first_of(inetnum, "mnt-by") == "BTENT-MNT");
  CHECK(first_of(inetnum, "last-modified") == "2008-08-14T14:54:30Z");
  CHECK(inetnum.all("admin-c") == std::vector<std::string_view>{"BCER1-RIPE", "BTCR1-RIPE"});
  CHECK(v4.objects[1].object_class() == "role");
  CHECK(has_comment(v4, "% Abuse contact for '62.239.237.0 - 62.239.237.255' is 'protect@bt.com'"));

  const RpslAnswer v6 = parse_fixture("rir/whois.ripe.net__2a00_2381_ffff__1.txt");
  REQUIRE(v6.objects.size() >= 2);
  CHECK(v6.objects[0].primary_key() == "2a00:2381:ffff::/64");
  CHECK(first_of(v6.objects[0], "netname") == "BT-WORLD-IPVSIX-LAUNCH");
  CHECK(first_of(v6.objects[0], "country") == "GB");
  CHECK(first_of(v6.objects[0], "mnt-routes") == "BTNET-MNT");
  CHECK(v6.objects[0].all("remarks").size() == 3);
  CHECK(v6.objects[1].primary_key() == "Graham Popple");
}

TEST_CASE("rpsl: RADB route objects of every recorded origin query") {
  struct Expected {
    const char* file;
    size_t routes;
    size_t route6;
    uint32_t origin;
    const char* first_prefix;
    const char* first_source;
    size_t from_ripe;
    bool truncated;
  };
  const Expected cases[] = {
      {"whois.radb.net__origin_AS15169__from_2001_4860_4860__8888.txt", 11, 0, 15169, "66.249.64.0/20", "RADB", 0,
       true},
      {"whois.radb.net__origin_AS15169__from_74.125.225.229.txt", 25, 0, 15169, "66.249.64.0/20", "RADB", 0, true},
      {"whois.radb.net__origin_AS19373__from_200.57.141.161.txt", 1, 0, 19373, "200.57.144.0/20", "RADB", 0, false},
      {"whois.radb.net__origin_AS2497__from_2001_240_10c_1__ca20_9d1d.txt", 14, 0, 2497, "132.179.0.0/16", "RADB", 0,
       true},
      {"whois.radb.net__origin_AS2856__from_2a00_2381_ffff__1.txt", 9, 0, 2856, "192.151.16.0/20", "RADB", 6, true},
      {"whois.radb.net__origin_AS2856__from_62.239.237.1.txt", 8, 0, 2856, "192.151.16.0/20", "RADB", 5, true},
      {"whois.radb.net__origin_AS37578__from_2001_43f8_7b0__.txt", 1, 1, 37578, "196.6.220.0/24", "AFRINIC", 0, false},
      {"whois.radb.net__origin_AS3786__from_210.107.73.73.txt", 14, 0, 3786, "211.63.32.0/19", "RADB", 0, true},
  };
  for (const Expected& expected : cases) {
    CAPTURE(expected.file);
    const RpslAnswer answer = parse_fixture(std::string("irr/") + expected.file);
    CHECK(classify_answer(answer) == AnswerKind::objects);
    const std::vector<RouteObject> routes = route_objects(answer);
    REQUIRE(routes.size() == expected.routes + expected.route6);
    CHECK(std::count_if(routes.begin(), routes.end(), [](const RouteObject& r) { return !r.prefix.network.is_v4(); }) ==
          static_cast<long>(expected.route6));
    CHECK(std::all_of(routes.begin(), routes.end(), [&](const RouteObject& r) { return r.origin == expected.origin; }));
    CHECK(routes[0].prefix.to_string() == expected.first_prefix);
    CHECK(routes[0].source == expected.first_source);
    CHECK(std::count_if(routes.begin(), routes.end(), [](const RouteObject& r) { return r.source == "RIPE"; }) ==
          static_cast<long>(expected.from_ripe));
    CHECK(std::all_of(routes.begin(), routes.end(), [](const RouteObject& r) { return !r.mnt_by.empty(); }));
    // Most recordings were cut short: the marker is kept as a stray line, not an attribute.
    CHECK(answer.stray_lines ==
          (expected.truncated ? std::vector<std::string>{"TRUNCATED"} : std::vector<std::string>{}));
  }
}

TEST_CASE("rpsl: the proxy-registered route of AS2856, maintained by AS3491") {
  for (const char* file : {"irr/whois.radb.net__origin_AS2856__from_62.239.237.1.txt",
                           "irr/whois.radb.net__origin_AS2856__from_2a00_2381_ffff__1.txt"}) {
    CAPTURE(file);
    const std::vector<RouteObject> routes = route_objects(parse_fixture(file));
    REQUIRE(!routes.empty());
    const RouteObject& proxy = routes[0];
    CHECK(proxy.prefix.to_string() == "192.151.16.0/20");
    CHECK(proxy.origin == 2856);
    CHECK(proxy.descr == std::vector<std::string>{"Proxy-registered route object"});
    CHECK(proxy.mnt_by == std::vector<std::string>{"MAINT-AS3491"});
    REQUIRE(proxy.remarks.size() == 10);
    CHECK(proxy.remarks[0] == "This route object is for a BtN customer route");
    CHECK(proxy.remarks[2] == "");
    CHECK(proxy.remarks[9] == "questions regarding this object.");
    CHECK(proxy.changed == std::vector<std::string>{"sajwani@pccwbtn.com 20081124"});
    CHECK(proxy.source == "RADB");
    CHECK(proxy.created.empty());
    CHECK(proxy.last_modified.empty());
    // The RIPE-sourced copies say they are no longer valid.
    const RouteObject& viking = routes[3];
    CHECK(viking.prefix.to_string() == "205.157.82.0/24");
    CHECK(viking.descr == std::vector<std::string>{"Viking Direct"});
    CHECK(viking.source == "RIPE");
    CHECK(viking.remarks.at(1) == "* THIS OBJECT IS NOT VALID");
  }
}

TEST_CASE("rpsl: continuation lines join the previous value, one line each") {
  const std::vector<RouteObject> routes =
      route_objects(parse_fixture("irr/whois.radb.net__origin_AS2497__from_2001_240_10c_1__ca20_9d1d.txt"));
  REQUIRE(routes.size() == 14);
  CHECK(routes[0].descr ==
        std::vector<std::string>{"Toppan Printing Co., Ltd.", "11-1,1-Chome Shimura, Itabashi-ku, Tokyo 174, Japan"});
  CHECK(routes[2].descr ==
        std::vector<std::string>{"Sankyo Co., Ltd.", "Hiromachi 1-2-58, Shinagawa-ku,", "Tokyo 140, Japan"});

  // Space, tab and '+' continue; '+' alone stands for an empty line (RFC 2622).
  const RpslAnswer answer = parse_rpsl("remarks: one\n two\n\tthree\n+\n+ four\nsource: TEST\n");
  REQUIRE(answer.objects.size() == 1);
  CHECK(answer.objects[0].attributes.size() == 2);
  CHECK(first_of(answer.objects[0], "remarks") == "one\ntwo\nthree\n\nfour");
  // A continuation with nothing to continue is a stray line.
  const RpslAnswer orphan = parse_rpsl("   lonely\n\nkey: v\n");
  CHECK(orphan.stray_lines == std::vector<std::string>{"   lonely"});
  CHECK(orphan.objects.size() == 1);
}

TEST_CASE("rpsl: answers with no object") {
  const RpslAnswer none = parse_fixture("irr/whois.radb.net__origin_AS12091__from_196.11.240.215.txt");
  CHECK(none.objects.empty());
  CHECK(none.comments == std::vector<std::string>{"%  No entries found for the selected source(s)."});
  CHECK(classify_answer(none) == AnswerKind::no_entries);
  CHECK(route_objects(none).empty());

  CHECK(classify_answer(parse_rpsl("%ERROR:101: no entries found\n%\n% No entries found in source RIPE.\n")) ==
        AnswerKind::no_entries);
  CHECK(classify_answer(parse_rpsl("\r\n#\r\n# ARIN WHOIS data\r\n#\r\nNo match found for n + 192.0.2.1.\r\n")) ==
        AnswerKind::no_entries);
  CHECK(classify_answer(parse_rpsl("%ERROR:201: access denied for 192.0.2.7\n")) == AnswerKind::refused);
  CHECK(classify_answer(parse_rpsl("")) == AnswerKind::empty);
  CHECK(classify_answer(parse_rpsl("\n\n   \n% hello\n")) == AnswerKind::empty);
}

TEST_CASE("rpsl: several objects, repeated keys, case and blanks") {
  const RpslAnswer answer = parse_rpsl(
      "% header\n"
      "ROUTE:  192.0.2.0/24   \n"
      "Origin: AS64500 # comment\n"
      "mnt-by: MNT-A, MNT-B\n"
      "mnt-by: MNT-C\n"
      "% a remark inside the object does not end it\n"
      "source: TEST # Filtered\n"
      "created: 2020-01-01T00:00:00Z\n"
      "last-modified: 2021-02-03T04:05:06Z\n"
      "   \t \n"
      "route6: 2001:db8::/32\n"
      "origin: as64501\n"
      "\n"
      "route: 2001:db8::/32\n"  // IPv6 under route: is malformed
      "origin: AS1\n"
      "\n"
      "route: 192.0.2.0/24\n"  // no origin
      "\n"
      "route: not-a-prefix\n"
      "origin: AS1\n");
  REQUIRE(answer.objects.size() == 5);
  CHECK(answer.objects[0].object_class() == "route");
  CHECK(answer.objects[0].primary_key() == "192.0.2.0/24");
  CHECK(answer.objects[0].all("mnt-by") == std::vector<std::string_view>{"MNT-A, MNT-B", "MNT-C"});
  CHECK(answer.comments.size() == 2);
  const std::vector<RouteObject> routes = route_objects(answer);
  REQUIRE(routes.size() == 2);
  CHECK(routes[0].origin == 64500);
  CHECK(routes[0].mnt_by == std::vector<std::string>{"MNT-A", "MNT-B", "MNT-C"});
  CHECK(routes[0].source == "TEST");
  CHECK(routes[0].created == "2020-01-01T00:00:00Z");
  CHECK(routes[0].last_modified == "2021-02-03T04:05:06Z");
  CHECK(routes[1].prefix.to_string() == "2001:db8::/32");
  CHECK(routes[1].origin == 64501);
}

TEST_CASE("rpsl: bytes that are not UTF-8, NULs and odd lines survive") {
  // The recording lost LACNIC's accented letters ("Garca Muoz"); the rest stays whole.
  const RpslAnswer lacnic = parse_fixture("rir/whois.lacnic.net__2801_10_c000__.txt");
  REQUIRE(lacnic.objects.size() == 2);
  CHECK(first_of(lacnic.objects[0], "responsible") == "Juan Diego Garca Muoz");

  using namespace std::string_literals;
  const std::string hostile = "descr: caf\xe9 \xff\xfe\n"s + "key: a\0b\n"s + "no colon here\n" + ": empty key\n" +
                              std::string(100, 'k') + ": too long a key\n";
  const RpslAnswer answer = parse_rpsl(hostile);
  REQUIRE(answer.objects.size() == 1);
  CHECK(first_of(answer.objects[0], "descr") == "caf\xe9 \xff\xfe");
  CHECK_FALSE(sg::is_well_formed_utf8(first_of(answer.objects[0], "descr")));
  CHECK(sg::to_valid_utf8(first_of(answer.objects[0], "descr")) == "caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd");
  CHECK(first_of(answer.objects[0], "key") == std::string("a\0b", 3));
  CHECK(answer.stray_lines.size() == 3);

  // A megabyte line is one value; a line of colons has no key.
  const std::string huge = "descr: " + std::string(1 << 20, 'x') + "\n" + std::string(1 << 20, ':') + "\n";
  const RpslAnswer big = parse_rpsl(huge);
  REQUIRE(big.objects.size() == 1);
  CHECK(big.objects[0].first("descr")->size() == size_t{1} << 20);
  CHECK(big.stray_lines.size() == 1);
}
