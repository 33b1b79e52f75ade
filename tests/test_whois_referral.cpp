// Referrals between WHOIS servers: the recorded answers (final, or an APNIC block run by
// a national registry), then ARIN, IANA and stub answers written in their formats.
#include <doctest/doctest.h>

#include <string>

#include "enrich/whois/referral.h"
#include "tests/whois_fixtures.h"

using namespace sg::whois;

namespace {

std::string fixture(const std::string& name) { return sg::whois_fixture(name); }

}  // namespace

TEST_CASE("whois referral: the recorded RIR and IRR answers are final, but APNIC hands off to KRNIC and JPNIC") {
  const struct {
    const char* server;
    const char* query;
    const char* file;
  } finals[] = {
      {"whois.afrinic.net", "196.11.240.215", "rir/whois.afrinic.net__196.11.240.215.txt"},
      {"whois.afrinic.net", "2001:43f8:7b0::", "rir/whois.afrinic.net__2001_43f8_7b0__.txt"},
      {"whois.arin.net", "2001:4860:4860::8888", "rir/whois.arin.net__2001_4860_4860__8888.txt"},
      {"whois.arin.net", "74.125.225.229", "rir/whois.arin.net__74.125.225.229.txt"},
      {"whois.lacnic.net", "200.57.141.161", "rir/whois.lacnic.net__200.57.141.161.txt"},
      {"whois.lacnic.net", "2801:10:c000::", "rir/whois.lacnic.net__2801_10_c000__.txt"},
      {"whois.ripe.net", "2a00:2381:ffff::1", "rir/whois.ripe.net__2a00_2381_ffff__1.txt"},
      {"whois.ripe.net", "62.239.237.1", "rir/whois.ripe.net__62.239.237.1.txt"},
      {"whois.radb.net", "AS2856", "irr/whois.radb.net__origin_AS2856__from_62.239.237.1.txt"},
      {"whois.radb.net", "AS12091", "irr/whois.radb.net__origin_AS12091__from_196.11.240.215.txt"},
  };
  for (const auto& answer : finals) {
    CAPTURE(answer.file);
    CHECK_FALSE(find_referral(answer.server, answer.query, std::string_view(fixture(answer.file))));
  }

  const auto krnic = find_referral("whois.apnic.net", "210.107.73.73",
                                   std::string_view(fixture("rir/whois.apnic.net__210.107.73.73.txt")));
  REQUIRE(krnic);
  CHECK(krnic->kind == ReferralKind::national_registry);
  CHECK(krnic->next == WhoisQuery{"whois.nic.or.kr", 43, "210.107.73.73"});
  CHECK(krnic->followable());

  const auto jpnic = find_referral("whois.apnic.net", "2001:240:10c:1::ca20:9d1d",
                                   std::string_view(fixture("rir/whois.apnic.net__2001_240_10c_1__ca20_9d1d.txt")));
  REQUIRE(jpnic);
  CHECK(jpnic->kind == ReferralKind::national_registry);
  CHECK(jpnic->next == WhoisQuery{"whois.nic.ad.jp", 43, "2001:240:10c:1::ca20:9d1d/e"});

  // The same KRNIC text from another server is not a hand-off.
  CHECK_FALSE(find_referral("whois.ripe.net", "210.107.73.73",
                            std::string_view(fixture("rir/whois.apnic.net__210.107.73.73.txt"))));
}

TEST_CASE("whois referral: ARIN's ReferralServer, the last one wins") {
  const std::string answer =
      "NetRange:       62.0.0.0 - 62.255.255.255\n"
      "CIDR:           62.0.0.0/8\n"
      "NetName:        RIPE-CIDR-BLOCK\n"
      "ReferralServer: whois://whois.ripe.net\n"
      "\n"
      "NetRange:       62.239.0.0 - 62.239.255.255\n"
      "ReferralServer: whois://WHOIS.RIPE.NET:4343/\n";
  const auto referral = find_referral("whois.arin.net", "62.239.237.1", std::string_view(answer));
  REQUIRE(referral);
  CHECK(referral->kind == ReferralKind::referral_server);
  CHECK(referral->next == WhoisQuery{"whois.ripe.net", 4343, "62.239.237.1"});

  const auto as_referral = find_referral("whois.arin.net", "AS2856",
                                         std::string_view("ASNumber: 2856\nReferralServer: whois://whois.ripe.net\n"));
  REQUIRE(as_referral);
  CHECK(as_referral->next == WhoisQuery{"whois.ripe.net", 43, "as2856"});

  const auto rwhois = find_referral(
      "whois.arin.net", "198.51.100.7",
      std::string_view(
          "NetRange: 198.51.100.0 - 198.51.100.255\r\nReferralServer: rwhois://rwhois.example.net:4321/\r\n"));
  REQUIRE(rwhois);
  CHECK(rwhois->kind == ReferralKind::rwhois);
  CHECK_FALSE(rwhois->followable());
  CHECK(rwhois->next == WhoisQuery{"rwhois.example.net", 4321, "198.51.100.7"});

  for (const char* bad :
       {"ReferralServer: whois://whois.arin.net", "ReferralServer: whois://evil host",
        "ReferralServer: whois://whois.example.net:0", "ReferralServer: whois://whois.example.net:99999",
        "ReferralServer: http://whois.example.net", "ReferralServer: whois://-x.example",
        "ReferralServer: whois://who\x01is.example", "ReferralServer:"}) {
    CAPTURE(bad);
    CHECK_FALSE(find_referral("whois.arin.net", "192.0.2.1", std::string_view(bad)));
  }
  // Bare host names are taken as ARIN writes them too.
  CHECK(
      find_referral("whois.arin.net", "192.0.2.1", std::string_view("ReferralServer: whois.lacnic.net"))->next.server ==
      "whois.lacnic.net");
}

TEST_CASE("whois referral: IANA's refer line") {
  const std::string answer =
      "% IANA WHOIS server\n"
      "% for more information on IANA, visit http://www.iana.org\n"
      "\n"
      "refer:        whois.apnic.net\n"
      "\n"
      "inetnum:      114.0.0.0 - 114.255.255.255\n"
      "organisation: APNIC\n"
      "status:       ALLOCATED\n"
      "\n"
      "whois:        whois.apnic.net\n";
  const auto referral = find_referral("whois.iana.org", "114.113.195.1", std::string_view(answer));
  REQUIRE(referral);
  CHECK(referral->kind == ReferralKind::iana);
  CHECK(referral->next == WhoisQuery{"whois.apnic.net", 43, "114.113.195.1"});

  const auto as_referral =
      find_referral("whois.iana.org", "AS3491", std::string_view("refer: whois.arin.net\n\nas-block: 3354-4607\n"));
  REQUIRE(as_referral);
  CHECK(as_referral->next == WhoisQuery{"whois.arin.net", 43, "a 3491"});
  CHECK_FALSE(
      find_referral("whois.iana.org", "AS3491", std::string_view("% IANA WHOIS server\n\nas-block: 3354-4607\n")));
  // A refer line is IANA's word only.
  CHECK_FALSE(find_referral("whois.ripe.net", "114.113.195.1", std::string_view(answer)));
  CHECK(find_referral("WHOIS.IANA.ORG", "114.113.195.1", std::string_view(answer)));
}

TEST_CASE("whois referral: registry stubs for space held elsewhere") {
  const std::string transferred =
      "% [whois.apnic.net]\n"
      "\n"
      "inetnum:        74.125.0.0 - 74.125.255.255\n"
      "netname:        NON-APNIC-74\n"
      "descr:          IPv4 address block not managed by APNIC\n"
      "descr:          Transferred to the ARIN region\n"
      "country:        AU\n"
      "mnt-by:         APNIC-STUB\n"
      "source:         APNIC\n";
  const auto referral = find_referral("whois.apnic.net", "74.125.225.229", std::string_view(transferred));
  REQUIRE(referral);
  CHECK(referral->kind == ReferralKind::transferred);
  CHECK(referral->next == WhoisQuery{"whois.arin.net", 43, "n + 74.125.225.229"});

  // descr is anyone's to write: without a registry's maintainer it means nothing.
  std::string forged = transferred;
  forged.replace(forged.find("APNIC-STUB"), 10, "EVIL-MNT");
  CHECK_FALSE(find_referral("whois.apnic.net", "74.125.225.229", std::string_view(forged)));

  const std::string not_managed =
      "% This is the RIPE Database query service.\n"
      "\n"
      "inetnum:        74.0.0.0 - 74.255.255.255\n"
      "netname:        NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK\n"
      "descr:          IPv4 address block not managed by the RIPE NCC\n"
      "source:         RIPE # Filtered\n";
  const auto iana = find_referral("whois.ripe.net", "74.125.225.229", std::string_view(not_managed));
  REQUIRE(iana);
  CHECK(iana->kind == ReferralKind::not_managed);
  CHECK(iana->next == WhoisQuery{"whois.iana.org", 43, "74.125.225.229"});
  CHECK(find_referral("whois.ripe.net", "0.0.0.1",
                      std::string_view("inetnum: 0.0.0.0 - 255.255.255.255\nnetname: IANA-BLK\n"))
            ->kind == ReferralKind::not_managed);
  CHECK(find_referral("whois.apnic.net", "150.1.1.1",
                      std::string_view("inetnum: 150.0.0.0 - 150.255.255.255\nnetname: ERX-NETBLOCK\n"))
            ->next.server == "whois.iana.org");
  // A placeholder beside a real, more specific object: the answer is the real one.
  CHECK_FALSE(find_referral("whois.apnic.net", "150.1.1.1",
                            std::string_view("inetnum: 150.0.0.0 - 150.255.255.255\nnetname: ERX-NETBLOCK\n\n"
                                             "inetnum: 150.1.0.0 - 150.1.255.255\nnetname: REAL-NET\n")));
}
