// RDAP answers and the IANA bootstrap: recorded answers of the five RIRs, Verisign,
// MarkMonitor, NORID and CZ.NIC read field by field, bootstrap lookups, and bytes
// that are not answers.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/ip.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/rdap/address_range.h"
#include "enrich/rdap/bootstrap.h"
#include "enrich/rdap/rdap.h"

using namespace sg;
using namespace sg::rdap;

namespace {

// Kept apart from tests/helpers.cpp so that this file builds alone (SPAMGRAPH_ONLY_TESTS=rdap).
std::string test_data(const std::string& relative) {
  return std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/" + relative;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Answer answer_from(const std::string& relative, int status = 200) {
  auto parsed = parse_rdap_answer(status, read_file(test_data("fixtures/rdap/" + relative)));
  INFO(relative);
  REQUIRE(parsed.has_value());
  return std::move(parsed).value();
}

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

std::string joined(const std::vector<IpPrefix>& prefixes) {
  std::string out;
  for (const IpPrefix& p : prefixes) out += (out.empty() ? "" : " ") + p.to_string();
  return out;
}

const Entity* entity_with_handle(const Answer& answer, std::string_view handle) {
  for (const Entity& entity : answer.entities)
    if (entity.handle == handle) return &entity;
  return nullptr;
}

std::string first_url(const BaseUrls& urls) { return urls.empty() ? std::string() : urls.front(); }

}  // namespace

TEST_CASE("rdap: every recorded answer parses as a found object with valid UTF-8 text") {
  const std::filesystem::path root = test_data("fixtures/rdap");
  int files = 0;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) {
    if (!item.is_regular_file() || item.path().extension() != ".json") continue;
    if (item.path().string().find("/bootstrap/") != std::string::npos) continue;
    INFO(item.path().string());
    auto parsed = parse_rdap_answer(200, read_file(item.path().string()));
    REQUIRE(parsed.has_value());
    CHECK(parsed->outcome == Outcome::found);
    CHECK(parsed->object_class != ObjectClass::unknown);
    CHECK(!parsed->handle.empty());
    for (const std::string& note : parsed->ignored) CHECK(note == "");
    for (const Event& event : parsed->events) CHECK(event.date.has_value());
    for (const Entity& entity : parsed->entities) {
      CHECK(is_well_formed_utf8(entity.contact.full_name));
      CHECK(is_well_formed_utf8(entity.contact.address));
      CHECK(entity.role_path.size() == static_cast<size_t>(entity.depth + 1));
    }
    ++files;
  }
  CHECK(files == 33);
}

TEST_CASE("rdap: ARIN autnum AS13335 (CLOUDFLARENET)") {
  for (const char* file : {"whoisit-recorded/arin__registry_autnum_13335.json",
                           "whoisit-tests/data_rdap_response_asn.json"}) {
    INFO(file);
    const Answer answer = answer_from(file);
    REQUIRE(answer.object_class == ObjectClass::autnum);
    REQUIRE(answer.autnum);
    CHECK(answer.autnum->start == 13335u);
    CHECK(answer.autnum->end == 13335u);
    CHECK(answer.autnum->name == "CLOUDFLARENET");
    CHECK(answer.handle == "AS13335");
    CHECK(answer.port43 == "whois.arin.net");
    CHECK(answer.abuse_email() == "abuse@cloudflare.com");
    REQUIRE(answer.holder());
    CHECK(answer.holder()->handle == "CLOUD14");
    CHECK(answer.holder()->display_name() == "Cloudflare, Inc.");
    // "2010-07-14T18:35:57-04:00"
    CHECK(answer.event_date("registration") == make_utc(2010, 7, 14, 22, 35, 57));
    CHECK(answer.referrals().empty());  // the alternate link is ARIN's XML on another host
  }
}

TEST_CASE("rdap: ARIN IPv6 networks with cidr0 prefixes and their parent") {
  for (const char* file : {"whoisit-recorded/arin__registry_ip_2606_4700_32.json",
                           "whoisit-recorded/arin__registry_ip_2606_4700_4700_1111.json"}) {
    INFO(file);
    const Answer answer = answer_from(file);
    REQUIRE(answer.network);
    const Network& network = *answer.network;
    CHECK(answer.handle == "NET6-2606-4700-1");
    CHECK(network.name == "CLOUDFLARENET");
    CHECK(network.type == "DIRECT ALLOCATION");
    CHECK(network.parent_handle == "NET6-2600-1");
    CHECK(network.ip_version == "v6");
    CHECK(network.start == ip("2606:4700::"));
    CHECK(network.end == ip("2606:4700:ffff:ffff:ffff:ffff:ffff:ffff"));
    CHECK(joined(network.cidrs) == "2606:4700::/32");
    CHECK_FALSE(network.cidrs_computed);
    CHECK(answer.status == std::vector<std::string>{"active"});
  }
  const Answer google = answer_from("whoisit-tests/data_rdap_response_cidr_v6.json");
  CHECK(google.network->name == "GOOGLE-IPV6");
  CHECK(google.abuse_email() == "arin-contact@google.com");
}

TEST_CASE("rdap: a cidr0 list of several prefixes (MSFT 13.64.0.0 - 13.107.255.255)") {
  const Answer answer = answer_from("whoisit-tests/data_rdap_response_ip_v4_3.json");
  REQUIRE(answer.network);
  CHECK(answer.network->start == ip("13.64.0.0"));
  CHECK(answer.network->end == ip("13.107.255.255"));
  CHECK(joined(answer.network->cidrs) == "13.64.0.0/11 13.96.0.0/13 13.104.0.0/14");
  // The same list as computed from the range.
  CHECK(joined(covering_prefixes(ip("13.64.0.0"), ip("13.107.255.255"))) == joined(answer.network->cidrs));
  CHECK(answer.network->parent_handle == "NET-13-0-0-0-0");
}

TEST_CASE("rdap: APNIC 1.1.1.0/24 for the address and the prefix query") {
  for (const char* file : {"whoisit-recorded/apnic__ip_1.1.1.1.json", "whoisit-recorded/apnic__ip_1.1.1.0_24.json",
                           "whoisit-tests/data_rdap_response_ip_v4.json"}) {
    INFO(file);
    const Answer answer = answer_from(file);
    REQUIRE(answer.network);
    CHECK(answer.network->name == "APNIC-LABS");
    CHECK(answer.network->country == "AU");
    CHECK(answer.network->type == "ASSIGNED PORTABLE");
    CHECK(joined(answer.network->cidrs) == "1.1.1.0/24");
    CHECK(answer.abuse_email() == "helpdesk@apnic.net");
    CHECK(answer.entity_with_role("abuse")->handle == "IRT-APNICRANDNET-AU");
    // The related link is APNIC's web page, not RDAP: no referral.
    CHECK(answer.referrals().empty());
  }
  const Answer answer = answer_from("whoisit-recorded/apnic__ip_1.1.1.1.json");
  REQUIRE(answer.holder());
  CHECK(answer.holder()->handle == "ORG-ARAD1-AP");
  CHECK(answer.event_date("last changed") == make_utc(2023, 4, 26, 22, 57, 58));
}

TEST_CASE("rdap: RIPE answers without objectClassName and with /32 on the addresses") {
  const Answer v4 = answer_from("ipwhois/split/ripe__ip_62.239.237.1.json");
  CHECK(v4.object_class == ObjectClass::ip_network);
  REQUIRE(v4.network);
  CHECK(v4.network->start == ip("62.239.237.0"));
  CHECK(v4.network->end == ip("62.239.237.255"));
  CHECK(joined(v4.network->cidrs) == "62.239.237.0/24");
  CHECK(v4.network->cidrs_computed);
  CHECK(v4.network->name == "BT-CORPORATE");
  CHECK(v4.network->country == "GB");
  CHECK(v4.abuse_email() == "zzdnsr@bt.com");
  // BTCR3-RIPE (abuse) holds five contacts; BTENT-MNT is its registrant.
  const Entity* maintainer = entity_with_handle(v4, "BTENT-MNT");
  REQUIRE(maintainer);
  CHECK(maintainer->depth == 1);
  CHECK(maintainer->role_path == std::vector<std::string>{"abuse", "registrant"});
  CHECK(v4.entities[static_cast<size_t>(maintainer->parent)].handle == "BTCR3-RIPE");
  CHECK(entity_with_handle(v4, "BCER1-RIPE")->role_path == std::vector<std::string>{"abuse", "administrative,technical"});
  CHECK(v4.entities.size() == 6);
  // The least nested registrant wins, even when nested.
  CHECK(v4.holder() == maintainer);

  const Answer v6 = answer_from("ipwhois/split/ripe__ip_2a00_2381_ffff__1.json");
  REQUIRE(v6.network);
  CHECK(v6.network->start == ip("2a00:2381:ffff::"));
  CHECK(joined(v6.network->cidrs) == "2a00:2381:ffff::/64");
  CHECK(v6.handle == "2a00:2381:ffff::/64");

  const Answer legacy = answer_from("whoisit-tests/data_rdap_response_ip_v4_2.json");
  CHECK(legacy.network->name == "SWITCH-LAN");
  CHECK(legacy.network->type == "LEGACY");
  CHECK(legacy.network->country == "CH");
  CHECK(joined(legacy.network->cidrs) == "130.59.0.0/16");
  CHECK(legacy.abuse_email() == "abuse@switch.ch");
}

TEST_CASE("rdap: older ARIN answers zero-pad IPv4 octets and write IPv6 in full upper case") {
  const Answer v4 = answer_from("ipwhois/split/arin__ip_74.125.225.229.json");
  REQUIRE(v4.network);
  CHECK(v4.network->start == ip("74.125.0.0"));
  CHECK(v4.network->end == ip("74.125.255.255"));
  CHECK(joined(v4.network->cidrs) == "74.125.0.0/16");
  CHECK(v4.handle == "NET-74-125-0-0-1");
  CHECK(v4.network->parent_handle == "NET-74-0-0-0-0");
  REQUIRE(v4.holder());
  CHECK(v4.holder()->contact.full_name == "Google Inc.");
  CHECK(v4.holder()->contact.address == "1600 Amphitheatre Parkway\nMountain View\nCA\n94043\nUNITED STATES");
  CHECK(v4.event_date("registration") == make_utc(2007, 3, 13, 16, 9, 54));

  const Answer v6 = answer_from("ipwhois/split/arin__ip_2001_4860_4860__8888.json");
  CHECK(joined(v6.network->cidrs) == "2001:4860::/32");
  CHECK(v6.abuse_email() == "arin-contact@google.com");
  CHECK(v6.entity_with_role("abuse")->has_role("noc"));
}

TEST_CASE("rdap: LACNIC, AFRINIC and APNIC variations") {
  const Answer mx = answer_from("ipwhois/split/lacnic__ip_200.57.141.161.json");
  REQUIRE(mx.network);
  CHECK(joined(mx.network->cidrs) == "200.57.141.161/32");
  CHECK(mx.network->country == "MX");
  CHECK(mx.network->type == "allocated");
  CHECK(mx.abuse_email() == "operacion.redes@TRIARA.COM");
  REQUIRE(mx.holder());
  CHECK(mx.holder()->handle == "MX-TSCV6-LACNIC");
  CHECK(mx.holder()->contact.country == "MX");  // the seventh adr component
  CHECK(mx.holder()->contact.full_name == "Triara.com, S.A. de C.V.");

  const Answer co = answer_from("ipwhois/split/lacnic__ip_2801_10_c000__.json");
  CHECK(co.network->start == ip("2801:10:c000::"));
  CHECK(co.network->country == "CO");

  const Answer za = answer_from("ipwhois/split/afrinic__ip_196.11.240.215.json");
  REQUIRE(za.network);
  CHECK(joined(za.network->cidrs) == "196.11.239.0/24 196.11.240.0/22 196.11.244.0/23 196.11.246.0/24");
  CHECK(za.network->country == "ZA");
  CHECK(za.network->parent_handle == "196.0.0.0 - 196.255.255.255");
  // AFRINIC's entities carry no roles: no holder, no abuse contact, but the entities are there.
  CHECK(za.holder() == nullptr);
  REQUIRE(entity_with_handle(za, "ORG-VSA1-AFRINIC"));
  CHECK(entity_with_handle(za, "ORG-VSA1-AFRINIC")->roles.empty());

  const Answer ke = answer_from("ipwhois/split/afrinic__ip_2001_43f8_7b0__.json");
  CHECK(joined(ke.network->cidrs) == "2001:43f8:7b0::/48");
  CHECK(ke.network->country == "KE");

  const Answer kr = answer_from("ipwhois/split/apnic__ip_210.107.73.73.json");
  CHECK(joined(kr.network->cidrs) == "210.107.0.0/17");
  CHECK(kr.network->country == "KR");
  CHECK(kr.abuse_email() == "hostmaster@nic.or.kr");
  CHECK(kr.referrals().empty());  // "up" is the parent block at APNIC itself

  const Answer jp = answer_from("ipwhois/split/apnic__ip_2001_240_10c_1__ca20_9d1d.json");
  CHECK(joined(jp.network->cidrs) == "2001:240::/32");
  CHECK(jp.network->name == "IIJ-JPNIC-JP-20000308");
}

TEST_CASE("rdap: google.com at Verisign refers to MarkMonitor, whose answer names the registrar") {
  const Answer registry = answer_from("whoisit-recorded/verisign__com_v1_domain_google.com.json");
  REQUIRE(registry.domain);
  CHECK(registry.domain->ldh_name == "GOOGLE.COM");
  CHECK(registry.domain->nameservers ==
        std::vector<std::string>{"ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"});
  CHECK(registry.domain->delegation_signed == false);
  CHECK(registry.event_date("registration") == make_utc(1997, 9, 15, 4, 0, 0));
  CHECK(registry.event_date("expiration") == make_utc(2028, 9, 14, 4, 0, 0));
  CHECK(registry.event_date("last changed") == make_utc(2019, 9, 9, 15, 39, 4));
  CHECK(registry.event_date("last update of RDAP database") == make_utc(2024, 7, 29, 17, 23, 53));
  const Registrar at_registry = registry.registrar();
  CHECK(at_registry.name == "MarkMonitor Inc.");
  CHECK(at_registry.iana_id == "292");
  CHECK(at_registry.abuse_email == "abusecomplaints@markmonitor.com");
  const auto referrals = registry.referrals();
  REQUIRE(referrals.size() == 1);
  CHECK(referrals[0].href == "https://rdap.markmonitor.com/rdap/domain/GOOGLE.COM");
  CHECK(referrals[0].rel == "related");

  const Answer registrar = answer_from("whoisit-recorded/markmonitor__rdap_domain_GOOGLE.COM.json");
  REQUIRE(registrar.domain);
  CHECK(registrar.domain->ldh_name == "google.com");
  CHECK(registrar.registrar().name == "MarkMonitor Inc.");  // written as org there
  CHECK(registrar.registrar().iana_id == "292");
  CHECK(registrar.registrar().handle == "292");
  // "1997-09-15T07:00:00.000+0000": fractional seconds, offset without a colon.
  CHECK(registrar.event_date("registration") == make_utc(1997, 9, 15, 7, 0, 0));
  CHECK(registrar.event_date("expiration") == make_utc(2028, 9, 13, 7, 0, 0));
  CHECK(registrar.status.size() == 6);
  CHECK(registrar.referrals().empty());
  const Entity* abuse = registrar.entity_with_role("abuse");
  REQUIRE(abuse);
  CHECK(abuse->role_path == std::vector<std::string>{"registrar", "abuse"});
  CHECK(abuse->contact.phones == std::vector<std::string>{"+1.2086851750"});
}

TEST_CASE("rdap: other domains and a nameserver (NORID, Verisign, CZ.NIC)") {
  const Answer norway = answer_from("whoisit-tests/data_rdap_response_domain2.json");
  CHECK(norway.domain->ldh_name == "norway.no");
  CHECK(norway.registrar().handle == "reg42-NORID");

  const Answer marquetry = answer_from("whoisit-tests/data_rdap_response_domain3.json");
  CHECK(marquetry.domain->ldh_name == "THEMARQUETRY.COM");
  CHECK(marquetry.registrar().iana_id == "1647");

  const Answer cz = answer_from("openrdap/rdap.nic.cz__domain-example.cz.json");
  REQUIRE(cz.domain);
  CHECK(cz.domain->nameservers == std::vector<std::string>{"ns2.pipni.cz", "ns3.pipni.cz", "ns.pipni.cz"});
  CHECK(cz.registrar().handle == "REG-INTERNET-CZ");
  CHECK(cz.holder()->handle == "SB:EXAMPLE");
  CHECK(cz.event_date("registration") == make_utc(2004, 8, 30, 22, 55, 0));
  CHECK(cz.event_date("transfer") == make_utc(2007, 1, 25, 2, 5, 0));

  const Answer ns = answer_from("openrdap/rdap.nic.cz__nameserver-ns2.pipni.cz.json");
  CHECK(ns.object_class == ObjectClass::nameserver);
  REQUIRE(ns.nameserver);
  CHECK(ns.nameserver->ldh_name == "ns2.pipni.cz");
  REQUIRE(ns.notices.size() == 1);
  CHECK(ns.notices[0].title == "Disclaimer");
  CHECK(ns.notices[0].description.find("CZ.NIC") != std::string::npos);
}

TEST_CASE("rdap: entity answers (ARIN GOVI and ZG39-ARIN, Verisign registrar 1)") {
  for (const char* file :
       {"whoisit-recorded/arin__registry_entity_GOVI.json", "whoisit-tests/data_rdap_response_entity.json"}) {
    INFO(file);
    const Answer govi = answer_from(file);
    REQUIRE(govi.entity);
    CHECK(govi.entity->handle == "GOVI");
    CHECK(govi.entity->contact.kind == "org");
    CHECK(govi.abuse_email() == "support@govital.net");
    CHECK(entity_with_handle(govi, "SKA58-ARIN")->has_role("administrative"));
  }
  const Answer google = answer_from("ipwhois/entity.json");
  REQUIRE(google.entity);
  CHECK(google.entity->handle == "ZG39-ARIN");
  CHECK(google.entity->contact.full_name == "Google Inc");
  CHECK(google.entity->contact.emails == std::vector<std::string>{"arin-contact@google.com"});
  CHECK(google.entity->contact.phones == std::vector<std::string>{"+1-650-253-0000"});
  CHECK(google.event_date("registration") == make_utc(2000, 11, 30, 18, 54, 8));

  const Answer verisign = answer_from("openrdap/rdap-pilot.verisignlabs.com__entity-1-VRSN.json");
  REQUIRE(verisign.entity);
  CHECK(verisign.entity->iana_registrar_id() == "1");
  REQUIRE(verisign.notices.size() == 1);  // written as an object, not a list
  CHECK(verisign.notices[0].title == "Terms of Use");
  CHECK(verisign.notices[0].links.at(0).href == "http://rdap-pilot.verisignlabs.com/terms_of_use");
  CHECK(verisign.entity->contact.country == "US");
  CHECK(verisign.entity->contact.address == "21345 Ridgetop Circle, Dulles, VA, 20166, US");
  CHECK(verisign.entity->contact.phones.empty());  // "tel:" with no number
  // "2004-12-14T08:29:42": no offset, read as UTC.
  CHECK(verisign.event_date("registration") == make_utc(2004, 12, 14, 8, 29, 42));
}

TEST_CASE("rdap: error statuses are answers, bytes that are not RDAP are Errors") {
  auto not_found = parse_rdap_answer(
      404, R"({"errorCode":404,"title":"Not Found","description":["No such network","try another registry"]})");
  REQUIRE(not_found.has_value());
  CHECK(not_found->outcome == Outcome::not_found);
  CHECK(not_found->error.code == 404);
  CHECK(not_found->error.title == "Not Found");
  CHECK(not_found->error.description == "No such network\ntry another registry");
  CHECK(not_found->object_class == ObjectClass::unknown);

  auto limited = parse_rdap_answer(429, R"({"errorCode":429,"title":"Too Many Requests",
      "notices":[{"title":"Rate limit","description":["Wait 10 seconds"]}]})");
  REQUIRE(limited.has_value());
  CHECK(limited->outcome == Outcome::rate_limited);
  CHECK(to_string(limited->outcome) == "rate limited");
  REQUIRE(limited->notices.size() == 1);
  CHECK(limited->notices[0].description == "Wait 10 seconds");

  // Empty and HTML bodies of error statuses still say what happened.
  CHECK(parse_rdap_answer(429, "")->outcome == Outcome::rate_limited);
  CHECK(parse_rdap_answer(404, "<html>not here</html>")->outcome == Outcome::not_found);
  CHECK(parse_rdap_answer(503, "[1]")->outcome == Outcome::refused);
  CHECK(parse_rdap_answer(301, "")->outcome == Outcome::redirect);
  // A 200 carrying an error body.
  CHECK(parse_rdap_answer(200, R"({"errorCode":404,"title":"Not Found"})")->outcome == Outcome::not_found);

  auto invalid = parse_rdap_answer(200, R"({"handle": "X", )");
  REQUIRE_FALSE(invalid.has_value());
  CHECK(invalid.error().where == "body");
  CHECK(invalid.error().message.find("offset") != std::string::npos);

  auto array = parse_rdap_answer(200, "[1, 2]");
  REQUIRE_FALSE(array.has_value());
  CHECK(array.error().to_string() == "body: top level: expected a JSON object, got array");

  auto deep = parse_rdap_answer(200, std::string(100000, '[') + std::string(100000, ']'));
  REQUIRE_FALSE(deep.has_value());
  CHECK(deep.error().message.find("nested deeper") != std::string::npos);

  CHECK_FALSE(parse_rdap_answer(200, "").has_value());
  CHECK_FALSE(parse_rdap_answer(200, "\xff\xfe{}").has_value());
}

TEST_CASE("rdap: wrong types in every field are left out and listed, never fatal") {
  const auto answer = parse_rdap_answer(200, R"({
    "objectClassName": "ip network", "handle": 7, "startAddress": 5, "endAddress": "not an address",
    "name": ["x"], "country": {}, "status": "active", "events": {"eventAction": "registration"},
    "links": [1, {"rel": 2}], "notices": "none", "cidr0_cidrs": [{"v4prefix": "1.2.3.0", "length": "x"}, 3],
    "entities": [1, {"roles": "abuse", "vcardArray": ["vcard", "nope"], "publicIds": 5,
                     "entities": {"handle": "inner"}},
                 {"handle": "E", "roles": ["Abuse"], "vcardArray": ["vcard", [["email", {}, "text", 9],
                   ["email", {}, "text", "abuse@example.net"], ["adr", 5, "text", [1, 2]], "x", [], ["fn"]]],
                  "events": [{"eventAction": "registration", "eventDate": "yesterday"}]}]
  })");
  REQUIRE(answer.has_value());
  CHECK(answer->object_class == ObjectClass::ip_network);
  CHECK(answer->handle == "");
  REQUIRE(answer->network);
  CHECK_FALSE(answer->network->start);
  CHECK(answer->network->cidrs.empty());
  CHECK(answer->network->name == "");
  CHECK(answer->status.empty());
  CHECK(answer->events.empty());
  CHECK(answer->links.empty());
  CHECK(answer->notices.empty());
  REQUIRE(answer->entities.size() == 2);
  CHECK(answer->abuse_email() == "abuse@example.net");
  REQUIRE(answer->entities[1].events.size() == 1);
  CHECK_FALSE(answer->entities[1].events[0].date);
  CHECK(answer->ignored.size() >= 10);
  bool named_the_field = false;
  for (const std::string& note : answer->ignored)
    named_the_field |= note == "entities[1].vcardArray: not a jCard";
  CHECK(named_the_field);

  // Entities nested past the cap are dropped, not recursed into.
  std::string nested = R"({"objectClassName":"entity","handle":"H","entities":[)";
  for (int i = 0; i < 20; ++i) nested += R"({"handle":"L)" + std::to_string(i) + R"(","roles":["abuse"],"entities":[)";
  nested += std::string("]") + std::string(20 * 2 - 1, ' ');
  for (int i = 0; i < 20; ++i) nested += "}]";
  nested += "}";
  const auto capped = parse_rdap_answer(200, nested);
  REQUIRE(capped.has_value());
  CHECK(capped->entities.size() == 8);
  CHECK(capped->entities.back().depth == 7);
}

TEST_CASE("rdap: start..end ranges become the fewest covering prefixes") {
  CHECK(joined(covering_prefixes(ip("10.0.0.1"), ip("10.0.0.6"))) == "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32");
  CHECK(joined(covering_prefixes(ip("0.0.0.0"), ip("255.255.255.255"))) == "0.0.0.0/0");
  CHECK(joined(covering_prefixes(ip("::"), ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))) == "::/0");
  CHECK(joined(covering_prefixes(ip("::1"), ip("::1"))) == "::1/128");
  CHECK(covering_prefixes(ip("10.0.0.2"), ip("10.0.0.1")).empty());
  CHECK(covering_prefixes(ip("10.0.0.1"), ip("::2")).empty());
  CHECK(covering_prefixes(ip("0.0.0.1"), ip("255.255.255.254")).size() == 62);

  CHECK(parse_registry_address("074.125.000.000") == ip("74.125.0.0"));
  CHECK(parse_registry_address("62.239.237.255/32") == ip("62.239.237.255"));
  CHECK(parse_registry_address("2001:4860:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF") == ip("2001:4860:ffff:ffff:ffff:ffff:ffff:ffff"));
  CHECK_FALSE(parse_registry_address("0074.1.1.1"));
  CHECK_FALSE(parse_registry_address("1.2.3"));
  CHECK_FALSE(parse_registry_address("1.2.3.4/"));
  CHECK_FALSE(parse_registry_address("1.2.3.4."));
}

TEST_CASE("rdap: RFC 3339 dates as registries write them") {
  CHECK(parse_rfc3339("2024-07-29T17:23:53Z") == make_utc(2024, 7, 29, 17, 23, 53));
  CHECK(parse_rfc3339("2015-09-01T14:03:11-04:00") == make_utc(2015, 9, 1, 18, 3, 11));
  CHECK(parse_rfc3339("2028-09-13T07:00:00.000+0000") == make_utc(2028, 9, 13, 7, 0, 0));
  CHECK(parse_rfc3339("2019-01-01t00:00:00.123456z") == make_utc(2019, 1, 1, 0, 0, 0));
  CHECK(parse_rfc3339("2004-12-14T08:29:42") == make_utc(2004, 12, 14, 8, 29, 42));
  CHECK(parse_rfc3339("2020-01-01T09:00:00+09:00") == make_utc(2020, 1, 1, 0, 0, 0));
  CHECK_FALSE(parse_rfc3339("2024-07-29"));
  CHECK_FALSE(parse_rfc3339("2024-07-29T17:23:53Zjunk"));
  CHECK_FALSE(parse_rfc3339("2024-13-29T17:23:53Z"));
  CHECK_FALSE(parse_rfc3339("2024-07-29T17:23:53."));
  CHECK_FALSE(parse_rfc3339("2024-07-29T17:23:53+5"));
  CHECK_FALSE(parse_rfc3339("yesterday at noon, UTC"));
}

TEST_CASE("rdap bootstrap: the bundled 2024 IANA files answer for addresses, AS numbers and domains") {
  auto loaded = load_bootstrap(std::string(SPAMGRAPH_SOURCE_DIR) + "/data/rdap-bootstrap");
  REQUIRE(loaded.has_value());
  const Bootstrap& bootstrap = *loaded;
  CHECK(bootstrap.publication(BootstrapRegistry::asn) == "2024-04-10T20:00:01Z");
  CHECK(bootstrap.entry_count(BootstrapRegistry::dns) > 1000);

  CHECK(first_url(bootstrap.base_urls_for_ip(ip("114.113.195.101"))) == "https://rdap.apnic.net/");
  CHECK(first_url(bootstrap.base_urls_for_asn(133027)) == "https://rdap.apnic.net/");
  CHECK(bootstrap.base_urls_for_ip(ip("74.125.225.229")) ==
        BaseUrls{"https://rdap.arin.net/registry/", "http://rdap.arin.net/registry/"});
  CHECK(first_url(bootstrap.base_urls_for_ip(ip("2001:4860:4860::8888"))) == "https://rdap.arin.net/registry/");
  CHECK(first_url(bootstrap.base_urls_for_prefix(prefix("2001:4860::/32"))) == "https://rdap.arin.net/registry/");
  CHECK(first_url(bootstrap.base_urls_for_ip(ip("62.239.237.1"))) == "https://rdap.db.ripe.net/");
  CHECK(first_url(bootstrap.base_urls_for_ip(ip("196.11.240.215"))) == "https://rdap.afrinic.net/rdap/");
  CHECK(first_url(bootstrap.base_urls_for_ip(ip("200.57.141.161"))) == "https://rdap.lacnic.net/rdap/");
  CHECK(first_url(bootstrap.base_urls_for_asn(13335)) == "https://rdap.arin.net/registry/");
  CHECK(first_url(bootstrap.base_urls_for_domain("google.com")) == "https://rdap.verisign.com/com/v1/");
  CHECK(first_url(bootstrap.base_urls_for_domain("WWW.Google.COM.")) == "https://rdap.verisign.com/com/v1/");
  CHECK(first_url(bootstrap.base_urls_for_domain("example.cz")) == "https://rdap.nic.cz/");
  // Not delegated to any registry, or no such TLD in the file.
  CHECK(bootstrap.base_urls_for_ip(ip("10.1.2.3")).empty());
  CHECK(bootstrap.base_urls_for_asn(4294967295u).empty());
  CHECK(bootstrap.base_urls_for_domain("example.invalid").empty());
  CHECK(bootstrap.base_urls_for_domain("").empty());
  // A prefix wider than every listed one has no single registry.
  CHECK(bootstrap.base_urls_for_prefix(prefix("0.0.0.0/0")).empty());
}

TEST_CASE("rdap bootstrap: the 2015-2016 IANA files, longest match, https first, errors naming file and field") {
  Bootstrap old;
  const std::string folder = test_data("fixtures/rdap/bootstrap/openrdap-2015-2016/");
  CHECK(old.add_file(BootstrapRegistry::asn, read_file(folder + "asn.json"), "asn.json").has_value());
  CHECK(old.add_file(BootstrapRegistry::ipv4, read_file(folder + "ipv4.json"), "ipv4.json").has_value());
  CHECK(old.add_file(BootstrapRegistry::ipv6, read_file(folder + "ipv6.json"), "ipv6.json").has_value());
  CHECK(old.add_file(BootstrapRegistry::dns, read_file(folder + "dns-trimmed-3-services.json"), "dns.json")
            .has_value());
  // The old files wrote ARIN's base without the closing slash.
  CHECK(first_url(old.base_urls_for_ip(ip("74.125.225.229"))) == "https://rdap.arin.net/registry/");
  CHECK(first_url(old.base_urls_for_asn(133027)) == "https://rdap.apnic.net/");
  CHECK(first_url(old.base_urls_for_domain("example.cz")) == "https://rdap.nic.cz/");
  CHECK(old.base_urls_for_domain("google.com").empty());

  Bootstrap made;
  REQUIRE(made.add_file(BootstrapRegistry::ipv4, R"({"services": [
      [["10.0.0.0/8"], ["http://wide.example/", "https://wide.example/"]],
      [["10.1.0.0/16", "10.2.0.0/16"], ["ftp://narrow.example/", "http://narrow.example"]]]})", "ipv4.json")
            .has_value());
  CHECK(made.base_urls_for_ip(ip("10.3.0.1")) == BaseUrls{"https://wide.example/", "http://wide.example/"});
  CHECK(made.base_urls_for_ip(ip("10.2.0.1")) == BaseUrls{"http://narrow.example/"});
  CHECK(made.base_urls_for_prefix(prefix("10.1.0.0/15")) == BaseUrls{"https://wide.example/", "http://wide.example/"});
  REQUIRE(made.add_file(BootstrapRegistry::dns, R"({"services": [[["com"], ["https://tld.example/"]],
      [["example.com"], ["https://sld.example/"]]]})", "dns.json").has_value());
  CHECK(first_url(made.base_urls_for_domain("a.example.com")) == "https://sld.example/");
  CHECK(first_url(made.base_urls_for_domain("notexample.com")) == "https://tld.example/");

  auto bad_asn = made.add_file(BootstrapRegistry::asn, R"({"services": [[["1-10", "x"], ["https://a/"]]]})", "asn.json");
  REQUIRE_FALSE(bad_asn.has_value());
  CHECK(bad_asn.error().to_string() == "asn.json: services[0][0][1]: not an AS number range");
  CHECK_FALSE(made.add_file(BootstrapRegistry::asn, R"({"services": [[["1-AS10"], ["https://a/"]]]})", "asn.json")
                  .has_value());
  CHECK_FALSE(made.add_file(BootstrapRegistry::asn, R"({"services": [[["10-1"], ["https://a/"]]]})", "asn.json")
                  .has_value());
  auto wrong_family = made.add_file(BootstrapRegistry::ipv6, R"({"services": [[["10.0.0.0/8"], []]]})", "ipv6.json");
  REQUIRE_FALSE(wrong_family.has_value());
  CHECK(wrong_family.error().where == "ipv6.json: services[0][0][0]");
  auto no_services = made.add_file(BootstrapRegistry::dns, R"({"services": 3})", "dns.json");
  REQUIRE_FALSE(no_services.has_value());
  CHECK(no_services.error().to_string() == "dns.json: services: missing or not an array");
  CHECK_FALSE(made.add_file(BootstrapRegistry::dns, "{", "dns.json").has_value());
  // A failed file leaves the earlier tables as they were.
  CHECK(first_url(made.base_urls_for_domain("a.example.com")) == "https://sld.example/");

  auto missing = load_bootstrap(test_data("fixtures/rdap/no-such-folder"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().where.find("no-such-folder/asn.json") != std::string::npos);
}
