// Cross-check of parse_received against the expectations of another parser:
// Stalwart's mail-parser test set (181 Received values from many writers, with the
// fields Stalwart extracts). Where the two conventions mean the same thing the
// results must agree; every deliberate difference is listed below with its reason,
// and the test fails both on an unlisted disagreement and on a listed difference
// that has started to agree (the list must stay true).
#include <doctest/doctest.h>

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "collectors/received.h"

namespace {

using nlohmann::json;

constexpr const char* kExpectationsPath =
    SPAMGRAPH_SOURCE_DIR "/tests/data/corpus/peer-expectations/stalwart-received.json";

enum class Field { ip, rdns, helo };

constexpr std::array<std::string_view, 3> kFieldNames = {"from_ip", "rdns", "helo"};

/// A line where we deliberately read a field differently from Stalwart. `header` is
/// a substring that identifies exactly one test value.
struct Difference {
  std::string_view header;
  Field field;
  std::string_view reason;
};

// Reasons shared by several lines.
constexpr std::string_view kEximRdns =
    "Exim writes `from rDNS ([ip] helo=...)` (Exim 3: `from rDNS (helo) [ip]`): the first name is the receiver's "
    "verified reverse lookup; Stalwart records it only as `from`";
constexpr std::string_view kHeloFamilyRdns =
    "qmail family (qmail, qpsmtpd, Yahoo, IronPort, GMX, smap, obtuse smtpd) writes `from rDNS (HELO x) (ip)`: "
    "the first name is the receiver's reverse lookup and the HELO is quoted separately; Stalwart records it only "
    "as `from`";
constexpr std::string_view kIdentRdns =
    "qmail `from rDNS (user@ip)` omits the HELO when it equals the reverse name; the first name is that reverse "
    "name";
constexpr std::string_view kIdentAddress =
    "`(user@ip)` records the connecting address after the remote user; Stalwart keeps the whole word as `ident` "
    "and has no address";
constexpr std::string_view kEximPortAddress =
    "Exim 3 writes the client port as a fifth dotted part ([a.b.c.d.port]); we drop the port, Stalwart drops the "
    "address";
constexpr std::string_view kEximLogin =
    "Exim local submission `from <login> by ... with local`: the word is the login (Exim's sender_ident), no HELO "
    "happened";
constexpr std::string_view kUserNotHelo =
    "`from user@domain`: a local user or envelope sender (Sendmail -bs, AOL, Juno, qmail-scanner), not a HELO name";

constexpr std::string_view kRecordedName =
    "the name the receiving server recorded for the client is reported as written, `localhost` and single labels "
    "included (the graph, not the parser, leaves local names out); Stalwart leaves it out";
constexpr std::string_view kLiteralHelo =
    "`from [ip] by ...`: a bracketed literal in the from slot is the EHLO argument, reported with its brackets (an "
    "address-literal HELO is itself a signal); Stalwart reads it only as the connecting address";
constexpr std::string_view kWebMail =
    "a web-mail submission (`with HTTP`): the client spoke HTTP, so it sent no HELO; the first word is the client "
    "as the web application named it (an address, an account); Stalwart takes it for a HELO";
constexpr std::string_view kSmtpd =
    "TIS smtpd `from name(ip) via SMTP`: the name is the receiver's reverse lookup and the HELO is quoted only as "
    "`claiming to be`; Stalwart takes the name for a HELO";

constexpr std::array kDeliberateDifferences = {
    // from_ip
    Difference{"[10.0.8.6.13219]", Field::ip, kEximPortAddress},
    Difference{"[63.251.66.24.63559]", Field::ip, kEximPortAddress},
    Difference{"(foobar@213.228.0.169)", Field::ip, kIdentAddress},
    Difference{"(Owner50@207.213.27.129)", Field::ip, kIdentAddress},
    Difference{"(benelli@80.167.158.170)", Field::ip, kIdentAddress},
    Difference{"(baldusi@200.69.254.217 with plain)", Field::ip, kIdentAddress},
    Difference{"?@64.253.199.166)", Field::ip, kIdentAddress},
    Difference{"(lucilleskinner@93.124.107.183 with login)", Field::ip, kIdentAddress},
    // rdns
    Difference{"from sc8-sf-list1-b.sourceforge.net ([10.3.1.13]", Field::rdns, kEximRdns},
    Difference{"from dsl092-072-213.bos1.dsl.speakeasy.net ([66.92.72.213]", Field::rdns, kEximRdns},
    Difference{"from eclectic.kluge.net ([66.92.69.221]", Field::rdns, kEximRdns},
    Difference{"from mail.ssccbelen.edu.pe ([216.244.149.154])", Field::rdns, kEximRdns},
    Difference{"from server040.webpack.hosteurope.de ([80.237.130.48]:52313)", Field::rdns, kEximRdns},
    Difference{"from boggle.ihug.co.nz [203.109.252.209]", Field::rdns, kEximRdns},
    Difference{"from helene8.i.pinwand.net (helene.cats.ms)", Field::rdns,
               "Exim 3 `from rDNS (helo) [ip]`: Stalwart takes the HELO in parentheses for the reverse name"},
    Difference{"from mail2.detr.gsi.gov.uk ([51.64.35.18]", Field::rdns, kEximRdns},
    Difference{"from jsoliday.acs.internap.com ([63.251.66.24.63559])", Field::rdns, kEximRdns},
    Difference{"from x71-x56-x24-5.webspeed.dk (HELO niels)", Field::rdns, kHeloFamilyRdns},
    Difference{"from sc8-sf-sshgate.sourceforge.net (HELO", Field::rdns, kHeloFamilyRdns},
    Difference{"from mx10.topofferz.net (HELO )", Field::rdns, kHeloFamilyRdns},
    Difference{"from mail-backend.DDDD.com (LHLO", Field::rdns, kHeloFamilyRdns},
    Difference{"from dslb-082-083-045-064.pools.arcor-ip.net (EHLO homepc)", Field::rdns, kHeloFamilyRdns},
    Difference{"from postfix3-2.free.fr (HELO", Field::rdns, kHeloFamilyRdns},
    Difference{"from adsl-207-213-27-129.dsl.lsan03.pacbell.net (HELO", Field::rdns, kHeloFamilyRdns},
    Difference{"from smtp.greyware.com(208.14.208.51, HELO smtp.sff.net)", Field::rdns, kHeloFamilyRdns},
    Difference{"from customer254-217.iplannetworks.net (HELO AGAMENON)", Field::rdns, kHeloFamilyRdns},
    Difference{"claiming to be \"foo.woas.net\"", Field::rdns, kHeloFamilyRdns},
    Difference{"(benelli@80.167.158.170)", Field::rdns, kIdentRdns},
    Difference{"?@64.253.199.166)", Field::rdns, kIdentRdns},
    Difference{"(IDENT:qmailr@one.develooper.com [64.81.84.115])", Field::rdns,
               "Sendmail `(IDENT:user@rDNS [ip])`: the host after '@' is the reverse lookup; Stalwart keeps "
               "`user@host` as ident"},
    Difference{"from ietfa.amsl.com (localhost [IPv6:::1])", Field::rdns, kRecordedName},
    Difference{"from av0001.technodiva.com (localhost [127.0.0.1])", Field::rdns, kRecordedName},
    Difference{"from Agni (localhost [::ffff:127.0.0.1])", Field::rdns, kRecordedName},
    Difference{"from localhost (localhost [127.0.0.1]) (uid 500)", Field::rdns, kRecordedName},
    Difference{"(raph@casper [127.0.0.1])", Field::rdns, kRecordedName},
    Difference{"from localhost (localhost [[UNIX: localhost]])", Field::rdns, kRecordedName},
    Difference{"from maroon.pobox.com (localhost [127.0.0.1])", Field::rdns, kRecordedName},
    Difference{"from TCE-E-7-182-54.bta.net.cn(202.106.182.54) via SMTP", Field::rdns, kSmtpd},
    // helo
    Difference{"from TCE-E-7-182-54.bta.net.cn(202.106.182.54) via SMTP", Field::helo, kSmtpd},
    Difference{"from [86.122.158.69] by mta2.iomartmail.com", Field::helo, kLiteralHelo},
    Difference{"from [65.167.180.251] by relent.cedata.com", Field::helo, kLiteralHelo},
    Difference{"from [192.168.0.71] by web01-nyc.clicvu.com", Field::helo, kLiteralHelo},
    Difference{"from [127.0.0.1] by euphoria", Field::helo, kLiteralHelo},
    Difference{"from [192.168.0.13] by <server>", Field::helo, kLiteralHelo},
    Difference{"from 217.137.58.28 ([217.137.58.28]) by webmail.ukonline.net", Field::helo, kWebMail},
    Difference{"from 192.168.5.158 ( [192.168.5.158]) as user jason@localhost", Field::helo, kWebMail},
    Difference{"from MjA3NDc4Mg (unknown)", Field::helo, kWebMail},
    Difference{"from 384836569573 named unknown", Field::helo, kWebMail},
    Difference{"from www-data by wwwmail.documenta.de", Field::helo, kEximLogin},
    Difference{"from server.yourhostingaccount.com with local", Field::helo, kEximLogin},
    Difference{"from andrew by trinity.supernews.net", Field::helo, kEximLogin},
    Difference{"from mmail by argon.connect.org.uk", Field::helo, kEximLogin},
    Difference{"from mail pickup service", Field::helo,
               "MS SMTPSVC's pickup directory is a local submission: no HELO; Stalwart reads the word `mail`"},
    Difference{"from helene8.i.pinwand.net (helene.cats.ms)", Field::helo,
               "Exim 3 `from rDNS (helo) [ip]`: the name in parentheses is the HELO"},
    Difference{"claiming to be \"foo.woas.net\"", Field::helo,
               "obtuse smtpd quotes the HELO as `claiming to be \"x\"`; the first name is the reverse lookup"},
    Difference{"from qmail-scanner-general-admin@lists.sourceforge.net", Field::helo, kUserNotHelo},
    Difference{"from DSmith1204@aol.com", Field::helo, kUserNotHelo},
    Difference{"(from username@localhost)", Field::helo, kUserNotHelo},
    Difference{"(from vashugins@juno.com)", Field::helo, kUserNotHelo},
    Difference{"from Unknown/Local", Field::helo,
               "a name is kept as written; Stalwart cuts the word at '/'"},
    Difference{"(qmail 84907 invoked from network)", Field::helo,
               "qmail's `invoked from network` note is not a hop; Stalwart reads `network` as a host"},
    Difference{"(Postfix, from userid 1002)", Field::helo,
               "Postfix's `from userid N` names a local user, not a HELO; Stalwart reads `userid` as a host"},
};

std::string unfold(std::string_view value) {
  std::string out;
  for (char c : value)
    if (c != '\r' && c != '\n') out += c;
  const size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

std::string without_trailing_dots(std::string text) {
  while (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

std::string host_of(const json& host) {
  if (host.contains("Name")) return host["Name"].get<std::string>();
  if (host.contains("IpAddr")) return host["IpAddr"].get<std::string>();
  return {};
}

/// Stalwart's expectation, in our conventions: the connecting address is its
/// from_ip, or the bare address after "from"; the rDNS is its from_iprev; the name
/// the sender gave is its helo when it saw a HELO (possibly empty), else the name
/// after "from", else an address after "from" when a separate connecting address
/// shows it was the HELO literal (Postfix `from [10.0.0.1] (host [1.2.3.4])`).
struct Expected {
  std::optional<sg::IpAddress> ip;
  std::string rdns;
  std::string helo;
};

Expected expected_from(const json& stalwart) {
  Expected expected;
  const json empty = json::object();
  const json& from = stalwart.contains("from") ? stalwart["from"] : empty;
  if (stalwart.contains("from_ip"))
    expected.ip = sg::IpAddress::parse(stalwart["from_ip"].get<std::string>());
  else if (from.contains("IpAddr"))
    expected.ip = sg::IpAddress::parse(from["IpAddr"].get<std::string>());
  if (stalwart.contains("from_iprev")) expected.rdns = without_trailing_dots(stalwart["from_iprev"].get<std::string>());
  if (stalwart.contains("helo") || stalwart.contains("helo_cmd"))
    expected.helo = stalwart.contains("helo") ? host_of(stalwart["helo"]) : std::string{};
  else if (from.contains("Name"))
    expected.helo = from["Name"].get<std::string>();
  else if (from.contains("IpAddr") && stalwart.contains("from_ip"))
    expected.helo = from["IpAddr"].get<std::string>();
  return expected;
}

/// "1.2.3.4" of an address-literal HELO "[1.2.3.4]": Stalwart writes literals bare.
std::string_view literal_text(std::string_view helo) {
  if (helo.size() >= 2 && helo.front() == '[' && helo.back() == ']') return helo.substr(1, helo.size() - 2);
  return helo;
}

std::string show_ip(const std::optional<sg::IpAddress>& ip) { return ip ? ip->to_string() : "(none)"; }

/// Our value and Stalwart's for one field, as text, and whether they agree.
struct Comparison {
  bool agree;
  std::string ours;
  std::string theirs;
};

Comparison compare(const sg::Hop& hop, const Expected& expected, Field field) {
  switch (field) {
    case Field::ip: return {hop.from_ip == expected.ip, show_ip(hop.from_ip), show_ip(expected.ip)};
    case Field::rdns: return {hop.from_rdns == expected.rdns, hop.from_rdns, expected.rdns};
    case Field::helo:
      return {literal_text(hop.from_helo) == without_trailing_dots(expected.helo), hop.from_helo, expected.helo};
  }
  return {false, {}, {}};
}

const Difference* listed_difference(std::string_view header, Field field) {
  for (const Difference& difference : kDeliberateDifferences)
    if (difference.field == field && header.find(difference.header) != std::string_view::npos)
      return &difference;
  return nullptr;
}

json load_expectations() {
  std::ifstream file(kExpectationsPath);
  REQUIRE_MESSAGE(file.good(), "cannot open ", kExpectationsPath);
  return json::parse(file);
}

}  // namespace

TEST_CASE("received: agrees with Stalwart's expectations where the conventions meet") {
  const json cases = load_expectations();
  REQUIRE(cases.size() == 181);

  std::array<int, 3> agreements{};
  std::array<int, 3> listed_used{};
  for (size_t index = 0; index < cases.size(); ++index) {
    const std::string header = unfold(cases[index]["header"].get<std::string>());
    const sg::Hop hop = sg::parse_received(header);
    const Expected expected = expected_from(cases[index]["expected"]);
    for (Field field : {Field::ip, Field::rdns, Field::helo}) {
      const auto slot = static_cast<size_t>(field);
      const Comparison result = compare(hop, expected, field);
      const Difference* listed = listed_difference(header, field);
      agreements[slot] += result.agree;
      listed_used[slot] += listed != nullptr;
      CAPTURE(index);
      CAPTURE(header);
      INFO(std::string(kFieldNames[slot]), ": ours '", result.ours, "', Stalwart '", result.theirs, "'");
      if (listed)
        CHECK_MESSAGE(!result.agree, "listed difference now agrees; remove it: ", std::string(listed->reason));
      else
        CHECK(result.agree);
    }
  }
  for (size_t slot = 0; slot < 3; ++slot)
    MESSAGE(std::string(kFieldNames[slot]), ": ", agreements[slot], "/", cases.size(), " agree, ",
            listed_used[slot], " deliberate differences");
}

TEST_CASE("received: every listed Stalwart difference names exactly one line") {
  const json cases = load_expectations();
  for (const Difference& difference : kDeliberateDifferences) {
    int matches = 0;
    for (const json& entry : cases)
      matches += unfold(entry["header"].get<std::string>()).find(difference.header) != std::string::npos;
    const std::string header(difference.header);
    CAPTURE(header);
    CHECK(matches == 1);
    CHECK(!difference.reason.empty());
  }
}
