// RIPEstat Data API: URLs, and the recorded answers of six data calls in three
// schemas (2025 and 2021 envelopes, 2017 bare data), plus hostile bodies.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "core/time.h"
#include "core/utf8.h"
#include "enrich/ripestat/ripestat.h"

using namespace sg::ripestat;
using sg::IpAddress;
using sg::IpPrefix;
using sg::make_utc;

namespace {

// The bytes of tests/data/fixtures/ripestat/<name> (this file reads its own data, so
// that it builds alone with SPAMGRAPH_ONLY_TESTS).
std::string fixture(const std::string& name) {
  std::ifstream file(std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/ripestat/" + name, std::ios::binary);
  REQUIRE_MESSAGE(file, "cannot read fixture " << name);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

const PrefixTimelines* find_prefix(const std::vector<PrefixTimelines>& list, const std::string& prefix) {
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const PrefixTimelines& entry) { return entry.prefix.to_string() == prefix; });
  return it == list.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("ripestat: url escapes the resource and sourceapp and honours the base") {
  CHECK(ripestat_url(kDefaultBase, "network-info", "140.78.90.50", "spamgraph") ==
        "https://stat.ripe.net/data/network-info/data.json?resource=140.78.90.50&sourceapp=spamgraph");
  CHECK(ripestat_url("http://127.0.0.1:8080/", "prefix-overview", "193.0.0.0/21", "") ==
        "http://127.0.0.1:8080/data/prefix-overview/data.json?resource=193.0.0.0%2F21");
  CHECK(ripestat_url("http://m", "as-overview", "AS3333&x=1", "my app") ==
        "http://m/data/as-overview/data.json?resource=AS3333%26x%3D1&sourceapp=my%20app");
  CHECK(ripestat_url("http://m", "network-info", "2001:67c:2e8::1", "a") ==
        "http://m/data/network-info/data.json?resource=2001%3A67c%3A2e8%3A%3A1&sourceapp=a");
  CHECK(url_escape("a-b._~Z9") == "a-b._~Z9");
  CHECK(url_escape("\xff\n") == "%FF%0A");
}

TEST_CASE("ripestat: parse_iso8601 reads API dates as UTC and refuses loose text") {
  CHECK(sg::parse_iso8601("2015-03-01T00:00:00") == make_utc(2015, 3, 1, 0, 0, 0));
  CHECK(sg::parse_iso8601("2020-12-12T16:00:00") == 1607788800);
  CHECK(sg::parse_iso8601("2025-06-11T15:54:01.490517") == 1749657241);
  CHECK(sg::parse_iso8601("2014-05-20") == 1400544000);
  CHECK(sg::parse_iso8601("2024-05-01 12:00:00+02:00") == 1714564800 - 7200);
  CHECK(sg::parse_iso8601("2024-05-01T12:00Z") == 1714564800);
  for (const char* bad : {"", "2015-03-01T", "2015-3-01", "2015-03-01T00:00:00 ", " 2015-03-01", "2015-13-01",
                          "2015-03-01T24:00:00", "2015-03-01T00:00:00.", "2015-03-01T00:00:00+1", "yesterday"}) {
    const std::string text = bad;
    CAPTURE(text);
    CHECK_FALSE(sg::parse_iso8601(text));
  }
}

TEST_CASE("ripestat: network-info of 140.78.90.50 in 2025, 2021 and 2017 recordings") {
  for (const char* name : {"andrelia-2025-06/network_info.json", "ripe-stat-rb-2021-07/network-info__140.78.90.50.json",
                           "joshglazebrook-2017-07-data-only/networkInfo.json"}) {
    const std::string file = name;
    CAPTURE(file);
    auto answer = parse_network_info(fixture(file));
    REQUIRE(answer);
    REQUIRE(answer->data);
    CHECK_FALSE(answer->envelope.is_error());
    REQUIRE(answer->data->prefix);
    CHECK(answer->data->prefix->to_string() == "140.78.0.0/16");
    CHECK(answer->data->prefix->contains(*IpAddress::parse("140.78.90.50")));
    CHECK(answer->data->asns == std::vector<uint32_t>{1205});
  }
  auto recent = parse_network_info(fixture("andrelia-2025-06/network_info.json"));
  REQUIRE(recent);
  CHECK(recent->envelope.has_envelope);
  CHECK(recent->envelope.status == "ok");
  CHECK(recent->envelope.status_code == 200);
  CHECK(recent->envelope.data_call_name == "network-info");
  CHECK(recent->envelope.version == "1.1");
  CHECK(recent->envelope.time == make_utc(2025, 6, 11, 16, 4, 10));
  auto older = parse_network_info(fixture("ripe-stat-rb-2021-07/network-info__140.78.90.50.json"));
  REQUIRE(older);
  CHECK(older->envelope.data_call_name.empty());  // 2021 answers did not name the call
  CHECK(older->envelope.version == "1.0");
  auto bare = parse_network_info(fixture("joshglazebrook-2017-07-data-only/networkInfo.json"));
  REQUIRE(bare);
  CHECK_FALSE(bare->envelope.has_envelope);
  CHECK_FALSE(bare->envelope.time);
}

TEST_CASE("ripestat: prefix-overview of 193.0.0.0/21 with its warning, and the 2017 data") {
  auto answer = parse_prefix_overview(fixture("andrelia-2025-06/prefix_overview.json"));
  REQUIRE(answer);
  REQUIRE(answer->data);
  const Envelope& envelope = answer->envelope;
  REQUIRE(envelope.messages.size() == 1);
  CHECK(envelope.messages[0].level == "warning");
  CHECK(envelope.messages[0].text.find("first-level less-specific (193.0.0.0/21)") != std::string::npos);
  CHECK_FALSE(envelope.is_error());  // a warning is no error
  CHECK(envelope.error_text().empty());
  const PrefixOverview& overview = *answer->data;
  CHECK(overview.resource == "193.0.0.0/21");
  REQUIRE(overview.prefix);
  CHECK(overview.prefix->length == 21);
  CHECK(overview.announced);
  CHECK(overview.is_less_specific);
  REQUIRE(overview.asns.size() == 1);
  CHECK(overview.asns[0].asn == 3333);
  CHECK(overview.asns[0].holder == "RIPE-NCC-AS - Reseaux IP Europeens Network Coordination Centre (RIPE NCC)");
  REQUIRE(overview.block);
  CHECK(overview.block->resource == "193.0.0.0/8");
  CHECK(overview.block->description == "RIPE NCC (Status: ALLOCATED)");
  CHECK(overview.block->name == "IANA IPv4 Address Space Registry");
  CHECK(overview.actual_num_related == 0);
  CHECK(overview.query_time == make_utc(2025, 6, 11, 8, 0, 0));

  auto old = parse_prefix_overview(fixture("joshglazebrook-2017-07-data-only/prefixOverview.json"));
  REQUIRE(old);
  REQUIRE(old->data);
  CHECK(old->data->asns.size() == 1);
  CHECK(old->data->asns[0].holder == "RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL");
  CHECK(old->data->query_time == make_utc(2017, 7, 22, 16, 0, 0));
}

TEST_CASE("ripestat: announced-prefixes of AS3333 keeps every timeline with its dates") {
  auto answer = parse_announced_prefixes(fixture("andrelia-2025-06/announced_prefixes.json"));
  REQUIRE(answer);
  REQUIRE(answer->data);
  CHECK(answer->envelope.messages.size() == 1);
  CHECK(answer->envelope.messages[0].level == "info");
  const AnnouncedPrefixes& announced = *answer->data;
  CHECK(announced.asn == 3333u);
  CHECK(announced.prefixes.size() == 7);
  const PrefixTimelines* ripe = find_prefix(announced.prefixes, "193.0.0.0/21");
  REQUIRE(ripe);
  REQUIRE(ripe->timelines.size() == 1);
  CHECK(ripe->timelines[0].start == 1607788800);  // 2020-12-12T16:00:00
  CHECK(ripe->timelines[0].end == make_utc(2025, 6, 11, 8, 0, 0));
  CHECK_FALSE(ripe->timelines[0].full_peers_seeing);
  CHECK(find_prefix(announced.prefixes, "2001:67c:2e8::/48"));
  CHECK(announced.query_start == make_utc(2020, 12, 12, 12, 0, 0));
  CHECK(announced.query_end == make_utc(2025, 6, 11, 8, 0, 0));

  auto old = parse_announced_prefixes(fixture("joshglazebrook-2017-07-data-only/announcedPrefixes.json"));
  REQUIRE(old);
  REQUIRE(old->data);
  CHECK(old->data->asn == 3333u);
  CHECK(old->data->prefixes.size() == 7);
  const PrefixTimelines* old_ripe = find_prefix(old->data->prefixes, "193.0.0.0/21");
  REQUIRE(old_ripe);
  REQUIRE(old_ripe->timelines.size() == 1);
  CHECK(old_ripe->timelines[0].start == 1499529600);  // 2017-07-08T16:00:00
  CHECK(old_ripe->timelines[0].end == make_utc(2017, 7, 22, 16, 0, 0));
}

TEST_CASE("ripestat: routing-history of AS3333 over 25 years") {
  auto answer = parse_routing_history(fixture("andrelia-2025-06/routing_history.json"));
  REQUIRE(answer);
  REQUIRE(answer->data);
  CHECK(answer->envelope.version == "2.3");
  const RoutingHistory& history = *answer->data;
  CHECK(history.resource == "3333");
  REQUIRE(history.by_origin.size() == 1);
  CHECK(history.by_origin[0].origin == 3333);
  const auto& prefixes = history.by_origin[0].prefixes;
  CHECK(prefixes.size() == 13);
  size_t timelines = 0;
  for (const auto& prefix : prefixes) timelines += prefix.timelines.size();
  CHECK(timelines == 2158);
  REQUIRE(prefixes[0].prefix.to_string() == "67.199.138.0/24");
  REQUIRE(prefixes[0].timelines.size() == 1);
  CHECK(prefixes[0].timelines[0].start == 1413158400);  // 2014-10-13T00:00:00
  CHECK(prefixes[0].timelines[0].end == 1414195199);    // 2014-10-24T23:59:59
  REQUIRE(prefixes[0].timelines[0].full_peers_seeing);
  CHECK(*prefixes[0].timelines[0].full_peers_seeing == doctest::Approx(16.25));
  const PrefixTimelines* ripe = find_prefix(prefixes, "193.0.0.0/21");
  REQUIRE(ripe);
  CHECK(ripe->timelines.size() == 379);
  CHECK(ripe->timelines.front().start == make_utc(2000, 10, 26, 0, 0, 0));
  CHECK(ripe->timelines.back().end == make_utc(2025, 6, 11, 8, 0, 0));
  CHECK(history.query_start == make_utc(2000, 8, 1, 0, 0, 0));
}

TEST_CASE("ripestat: as-overview of AS3333 and AS1205 in three schemas") {
  auto answer = parse_as_overview(fixture("andrelia-2025-06/as_overview.json"));
  REQUIRE(answer);
  REQUIRE(answer->data);
  CHECK(answer->data->asn == 3333u);
  CHECK(answer->data->holder == "RIPE-NCC-AS - Reseaux IP Europeens Network Coordination Centre (RIPE NCC)");
  CHECK(answer->data->announced);
  REQUIRE(answer->data->block);
  CHECK(answer->data->block->resource == "3154-3353");
  CHECK(answer->data->block->description == "Assigned by RIPE NCC");

  auto jku = parse_as_overview(fixture("ripe-stat-rb-2021-07/as-overview__AS1205.json"));
  REQUIRE(jku);
  REQUIRE(jku->data);
  CHECK(jku->data->asn == 1205u);
  CHECK(jku->data->holder == "JKU-LINZ-AS - University Linz");
  CHECK(jku->data->block->description == "Assigned by ARIN");
  CHECK(jku->envelope.time == make_utc(2021, 7, 19, 11, 41, 5));

  auto old = parse_as_overview(fixture("joshglazebrook-2017-07-data-only/asOverview.json"));
  REQUIRE(old);
  REQUIRE(old->data);
  CHECK(old->data->asn == 3333u);
  CHECK(old->data->holder == "RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL");
  CHECK(old->data->block->resource == "3209-3353");
}

TEST_CASE("ripestat: abuse-contact-finder of AS3333") {
  auto answer = parse_abuse_contact_finder(fixture("andrelia-2025-06/abuse_contact_finder.json"));
  REQUIRE(answer);
  REQUIRE(answer->data);
  CHECK(answer->data->abuse_contacts == std::vector<std::string>{"abuse@ripe.net"});
  CHECK(answer->data->authoritative_rir == "ripe");
  CHECK(answer->envelope.data_call_name == "abuse-contact-finder");
  CHECK(answer->envelope.version == "2.1");
}

TEST_CASE("ripestat: an error envelope is an answer without data, not an Error") {
  const std::string body = R"({"messages": [["error", "Error: Invalid resource 'not-an-ip' given."]],
    "see_also": [], "version": "1.1", "data_call_name": "network-info", "cached": false, "data": {},
    "status": "error", "status_code": 400, "time": "2025-06-11T16:04:10.451006"})";
  auto answer = parse_network_info(body);
  REQUIRE(answer);
  CHECK_FALSE(answer->data);
  CHECK(answer->envelope.is_error());
  CHECK(answer->envelope.status_code == 400);
  CHECK(answer->envelope.error_text() == "Error: Invalid resource 'not-an-ip' given.");

  // Status "ok" but an error message: still an error answer.
  auto flagged = parse_as_overview(R"({"status": "ok", "status_code": 200, "messages": [["ERROR", "x"]]})");
  REQUIRE(flagged);
  CHECK_FALSE(flagged->data);
  CHECK(flagged->envelope.error_text() == "x");

  // A server error with no message names its status.
  auto server = parse_as_overview(R"({"status": "server_error", "status_code": 500, "data": null})");
  REQUIRE(server);
  CHECK(server->envelope.error_text() == "status server_error (500)");
}

TEST_CASE("ripestat: bodies that are no answer are Errors naming the field") {
  struct Case {
    const char* body;
    const char* where;
    const char* message_part;
  };
  const Case cases[] = {
      {"", "", "invalid JSON"},
      {"{\"data\": ", "", "invalid JSON"},
      {"<html>502 Bad Gateway</html>", "", "invalid JSON"},
      {"[1, 2]", "", "expected a JSON object"},
      {R"({"status": "ok"})", "data", "missing"},
      {R"({"status": "ok", "data": []})", "data", "expected an object, got an array"},
      {R"({"status": 7, "data": {}})", "status", "expected a string, got a number"},
      {R"({"status": "ok", "status_code": "200", "data": {}})", "status_code", "expected an integer"},
      {R"({"status": "ok", "messages": ["error"], "data": {}})", "messages[0]", "expected [level, text]"},
      {R"({"status": "ok", "time": "today", "data": {}})", "time", "not a date"},
      {R"({"status": "ok", "data": {"prefix": "140.78.0.0/16"}})", "data.asns", "missing"},
      {R"({"status": "ok", "data": {"prefix": 5, "asns": []}})", "data.prefix", "expected a string"},
      {R"({"status": "ok", "data": {"prefix": "140.78.0.0/33", "asns": []}})", "data.prefix", "not a prefix"},
      {R"({"status": "ok", "data": {"asns": [true]}})", "data.asns[0]", "expected an AS number"},
      {R"({"status": "ok", "data": {"asns": ["AS99999999999"]}})", "data.asns[0]", "not an AS number"},
      {R"({"status": "ok", "data": {"asns": [-1]}})", "data.asns[0]", "not an AS number"},
      {R"({"asns": {}})", "asns", "expected an array, got an object"},
      {R"({"data_call_name": "as-overview", "status": "ok", "data": {}})", "data_call_name",
       "expected an answer of network-info"},
  };
  for (const Case& test : cases) {
    const std::string body = test.body;
    CAPTURE(body);
    auto answer = parse_network_info(test.body);
    REQUIRE_FALSE(answer);
    CHECK(answer.error().where == test.where);
    CHECK(answer.error().message.find(test.message_part) != std::string::npos);
    CHECK(sg::is_well_formed_utf8(answer.error().to_string()));
  }
}

TEST_CASE("ripestat: wrong types deep inside the data calls") {
  auto timeline = parse_announced_prefixes(
      R"({"resource": "3333", "prefixes": [{"prefix": "193.0.0.0/21", "timelines": [{"starttime": "2020-12-12T16:00:00"}]}]})");
  REQUIRE_FALSE(timeline);
  CHECK(timeline.error().to_string() == "prefixes[0].timelines[0].endtime: missing");

  auto date = parse_announced_prefixes(R"({"status": "ok", "data": {"prefixes": [{"prefix": "193.0.0.0/21",
      "timelines": [{"starttime": "2020-12-12T16:00:00", "endtime": 20201212}]}]}})");
  REQUIRE_FALSE(date);
  CHECK(date.error().where == "data.prefixes[0].timelines[0].endtime");

  auto origin = parse_routing_history(R"({"data": {"by_origin": [{"origin": "AS-FOO", "prefixes": []}]}})");
  REQUIRE_FALSE(origin);
  CHECK(origin.error().where == "data.by_origin[0].origin");

  auto peers =
      parse_routing_history(R"({"data": {"by_origin": [{"origin": "3333", "prefixes": [{"prefix": "193.0.0.0/21",
      "timelines": [{"starttime": "2000-10-26T00:00:00", "endtime": "2000-11-06T23:59:59", "full_peers_seeing": "28"}]}]}]}})");
  REQUIRE_FALSE(peers);
  CHECK(peers.error().where == "data.by_origin[0].prefixes[0].timelines[0].full_peers_seeing");

  auto holder = parse_prefix_overview(R"({"resource": "193.0.0.0/21", "announced": true, "asns": [{"holder": "x"}]})");
  REQUIRE_FALSE(holder);
  CHECK(holder.error().to_string() == "asns[0].asn: missing");

  auto announced = parse_as_overview(R"({"resource": "3333", "holder": "x", "announced": "yes"})");
  REQUIRE_FALSE(announced);
  CHECK(announced.error().where == "announced");

  auto contacts = parse_abuse_contact_finder(R"({"data": {"abuse_contacts": ["a@b.example", 1]}})");
  REQUIRE_FALSE(contacts);
  CHECK(contacts.error().where == "data.abuse_contacts[1]");

  auto block = parse_as_overview(R"({"resource": "3333", "announced": true, "block": "IANA"})");
  REQUIRE_FALSE(block);
  CHECK(block.error().where == "block");
}

TEST_CASE("ripestat: null where a value may be missing, and an unrouted address") {
  auto unrouted = parse_network_info(R"({"status": "ok", "data": {"asns": [], "prefix": null}})");
  REQUIRE(unrouted);
  REQUIRE(unrouted->data);
  CHECK_FALSE(unrouted->data->prefix);
  CHECK(unrouted->data->asns.empty());

  auto unassigned = parse_as_overview(R"({"resource": "AS64512", "holder": null, "announced": false, "block": null})");
  REQUIRE(unassigned);
  CHECK(unassigned->data->asn == 64512u);
  CHECK(unassigned->data->holder.empty());
  CHECK_FALSE(unassigned->data->block);
}

TEST_CASE("ripestat: invalid UTF-8 and huge input are refused cleanly") {
  auto bad_utf8 = parse_abuse_contact_finder("{\"abuse_contacts\": [\"a\xff\xfe@x\"]}");
  REQUIRE_FALSE(bad_utf8);
  CHECK(sg::is_well_formed_utf8(bad_utf8.error().to_string()));

  std::string many = R"({"asns": [)";
  for (int i = 0; i < 100000; ++i) many += "1,";
  many += "2]}";
  auto big = parse_network_info(many);
  REQUIRE(big);
  CHECK(big->data->asns.size() == 100001);

  std::string deep(100000, '[');
  auto nested = parse_network_info(deep);
  CHECK_FALSE(nested);
}
