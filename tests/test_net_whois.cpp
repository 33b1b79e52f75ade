// enrich/net/whois_client.h against a real WHOIS server on 127.0.0.1
// (tests/whois_fixture_server.py): answers from files, the per-host rate measured
// at the server, several queries in flight, and hostile servers (endless, drip,
// silent, reset) ending in a clear error in bounded time.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

#include "enrich/net/whois_client.h"
#include "tests/helpers.h"
#include "tests/python_test_server.h"
#include "tests/whois_test_server.h"

using namespace sg;
using namespace sg::net;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Checks that an error says `part`, and shows the whole error when it does not.
#define CHECK_ERROR(error, part) CHECK_MESSAGE(contains(error, part), "the error: ", error)

const char* kAutNum =
    "aut-num:        AS64500\n"
    "as-name:        EXAMPLE-AS\n"
    "descr:          Documentation AS (RFC 5398)\n"
    "source:         TEST\n";

struct Served {
  TempDir root{"net-whois"};
  std::unique_ptr<WhoisTestServer> server;
  Served() {
    std::ofstream(root.path("AS64500")) << kAutNum;
    auto started = WhoisTestServer::start(root.root());
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
    server = std::move(*started);
  }
  WhoisQuery query(const std::string& text, const std::string& host = "127.0.0.1") const {
    return WhoisQuery{host, server->port(), text, 0};
  }
  std::string where(const std::string& text) const {
    return "whois 127.0.0.1:" + std::to_string(server->port()) + " query \"" + text + "\": ";
  }
};

HostLimits local_limits(double rate = 1000.0, double burst = 1000, int concurrent = 8) {
  HostLimits limits;
  limits.rate_per_second = rate;
  limits.burst = burst;
  limits.max_concurrent = concurrent;
  limits.backoff_base = 50ms;
  limits.backoff_max = 200ms;
  limits.failures_to_open = 1000;
  return limits;
}

double elapsed_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

WhoisAnswer ask(WhoisClient& client, WhoisQuery query) {
  auto answers = client.query_all({std::move(query)});
  REQUIRE(answers.size() == 1);
  return std::move(answers[0]);
}

}  // namespace

TEST_CASE("net whois: an answer is the server's bytes up to its close, a query with CRLF is not sent") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  policies.set_limits("localhost", local_limits());
  WhoisClient client(policies);
  auto answers = client.query_all(
      {s.query("AS64500"), s.query("AS64511"), s.query("AS64500", "localhost"), s.query("AS1\r\nAS2")});
  REQUIRE(answers.size() == 4);
  CHECK(answers[0].ok());
  CHECK(answers[0].answer == kAutNum);
  CHECK_FALSE(answers[0].truncated);
  CHECK(answers[0].address == "127.0.0.1:" + std::to_string(s.server->port()));
  CHECK(answers[0].attempts == 1);
  CHECK(answers[0].seconds < 5);
  CHECK(answers[1].ok());
  CHECK(answers[1].answer == "% No entries found for AS64511\n");
  // "localhost" may resolve to ::1 first, where nothing listens: the next address is tried.
  CHECK(answers[2].ok());
  CHECK(answers[2].answer == kAutNum);
  CHECK_ERROR(answers[3].error, "query contains CR, LF or NUL; not sent");
  CHECK(answers[3].attempts == 0);
  CHECK(s.server->queries().size() == 3);
}

TEST_CASE("net whois: 10 queries at 5 a second, burst 1, arrive no faster than that") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits(5.0, 1, 4));
  WhoisClient client(policies);
  std::vector<WhoisQuery> queries;
  for (int i = 0; i < 10; ++i) queries.push_back(s.query("AS64500"));
  const auto start = std::chrono::steady_clock::now();
  auto answers = client.query_all(std::move(queries));
  const double seconds = elapsed_since(start);
  for (const auto& answer : answers) CHECK(answer.answer == kAutNum);
  const auto arrived = s.server->queries();
  REQUIRE(arrived.size() == 10);
  const double span = arrived.back().seconds - arrived.front().seconds;
  double tightest_gap = 1e9;
  for (size_t i = 1; i < arrived.size(); ++i)
    tightest_gap = std::min(tightest_gap, arrived[i].seconds - arrived[i - 1].seconds);
  MESSAGE("10 WHOIS queries at 5/s burst 1: run " << seconds << " s, span " << span << " s, observed rate "
                                                  << 9.0 / span << "/s, tightest gap " << tightest_gap << " s");
  CHECK(9.0 / span <= 5.0 * 1.02);
  CHECK(tightest_gap >= 0.2 * 0.5);  // connection set-up jitters; a burst would show gaps near 0
  CHECK(seconds < 9 / 5.0 + 1.0);
}

TEST_CASE("net whois: long queues to two throttled servers start in the order submitted, bad queries answered at once") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits(1000.0, 1, 1));  // one at a time: arrivals show the start order
  policies.set_limits("localhost", local_limits(1000.0, 1, 1));
  WhoisClient client(policies, {.max_in_flight = 3});
  std::vector<WhoisQuery> queries;
  std::vector<std::string> expected_a, expected_b;
  for (int i = 0; i < 100; ++i) {
    queries.push_back(s.query("A" + std::to_string(i)));
    expected_a.push_back("A" + std::to_string(i));
    if (i % 25 == 3) queries.push_back(s.query("bad\n" + std::to_string(i), "localhost"));
    queries.push_back(s.query("B" + std::to_string(i), "localhost"));
    expected_b.push_back("B" + std::to_string(i));
  }
  auto answers = client.query_all(queries);
  REQUIRE(answers.size() == queries.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    if (queries[i].query.starts_with("bad")) {
      CHECK_ERROR(answers[i].error, "query contains CR, LF or NUL; not sent");
      CHECK(answers[i].attempts == 0);
    } else {
      CHECK_MESSAGE(answers[i].ok(), answers[i].error);
      CHECK(answers[i].answer == "% No entries found for " + queries[i].query + "\n");
    }
  }
  std::vector<std::string> arrived_a, arrived_b;
  for (const auto& query : s.server->queries()) (query.text.starts_with("A") ? arrived_a : arrived_b).push_back(query.text);
  CHECK(arrived_a == expected_a);
  CHECK(arrived_b == expected_b);
}

TEST_CASE("net whois: an endless answer is cut at the cap and kept as a truncated prefix") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  WhoisClient client(policies, {.max_answer_bytes = 1 << 20});
  const WhoisAnswer answer = ask(client, s.query("endless"));
  CHECK_ERROR(answer.error, s.where("endless") + "answer exceeds 1048576 bytes");
  CHECK(answer.truncated);
  CHECK(answer.answer.size() == 1 << 20);
  CHECK(answer.answer.starts_with("% endless\n"));
  CHECK(answer.attempts == 1);
  CHECK(answer.seconds < 5);
}

TEST_CASE("net whois: a silent server, a drip and several of them at once end at their time limits") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  SUBCASE("never answers: the idle limit") {
    WhoisClient client(policies, {.idle_timeout = 500ms});
    const WhoisAnswer answer = ask(client, s.query("silent"));
    CHECK_ERROR(answer.error, s.where("silent") + "no data for 0.5 s (0 bytes received)");
    CHECK(answer.seconds >= 0.5);
    CHECK(answer.seconds < 2);
    CHECK(answer.attempts == 1);  // a timeout is not tried again
  }
  SUBCASE("drips: the total limit") {
    WhoisClient client(policies, {.idle_timeout = 500ms, .total_timeout = 1s});
    const WhoisAnswer answer = ask(client, s.query("drip"));
    CHECK_ERROR(answer.error, s.where("drip") + "not finished within 1 s (");
    CHECK(answer.truncated);
    CHECK(answer.answer.starts_with("% drip...\n"));
    CHECK(answer.seconds < 2.5);
  }
  SUBCASE("four silent servers in one poll loop take one idle limit, not four") {
    WhoisClient client(policies, {.idle_timeout = 800ms});
    const auto start = std::chrono::steady_clock::now();
    auto answers = client.query_all({s.query("silent"), s.query("silent"), s.query("silent"), s.query("silent")});
    const double seconds = elapsed_since(start);
    for (const auto& answer : answers) CHECK_ERROR(answer.error, "no data for 0.8 s");
    MESSAGE("4 silent queries in flight together: " << seconds << " s");
    CHECK(seconds < 1.6);
  }
}

TEST_CASE("net whois: a reset mid-answer and a refused connection are tried again, then clear errors") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  WhoisClient client(policies, {.max_attempts = 2});
  const WhoisAnswer reset = ask(client, s.query("reset"));
  CHECK_ERROR(reset.error, s.where("reset") + "connection reset by the server after ");
  CHECK_ERROR(reset.error, "(2 attempts)");
  CHECK(reset.attempts == 2);
  size_t resets = 0;
  for (const auto& query : s.server->queries()) resets += query.text == "reset" ? 1 : 0;
  CHECK(resets == 2);

  const uint16_t nobody = free_tcp_port();
  const WhoisAnswer refused = ask(client, WhoisQuery{"127.0.0.1", nobody, "AS64500", 0});
  CHECK_ERROR(refused.error, "whois 127.0.0.1:" + std::to_string(nobody) +
                                 " query \"AS64500\": cannot connect (127.0.0.1:" + std::to_string(nobody) +
                                 ": Connection refused)");
  CHECK(refused.attempts == 2);
}

TEST_CASE("net whois: the circuit breaker is shared with the host's other queries") {
  Served s;
  HostPolicies policies;
  HostLimits limits = local_limits();
  limits.failures_to_open = 2;
  policies.set_limits("127.0.0.1", limits);
  WhoisClient client(policies, {.max_attempts = 5});
  const uint16_t nobody = free_tcp_port();
  const WhoisAnswer refused = ask(client, WhoisQuery{"127.0.0.1", nobody, "AS64500", 0});
  CHECK_ERROR(refused.error, "circuit open for 127.0.0.1 until ");
  CHECK_ERROR(refused.error, "last failure: cannot connect");
  const WhoisAnswer skipped = ask(client, s.query("AS64500"));
  CHECK_ERROR(skipped.error, "circuit open for 127.0.0.1");
  CHECK(s.server->queries().empty());
}

TEST_CASE("net whois: a multi-line query goes line by line under the same caps, and CR or NUL still stop it") {
  Served s;
  std::ofstream(s.root.path("bulk")) << "Bulk mode; whois.cymru.com [2026-12-06 12:00:00 +0000]\n";
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  WhoisClient client(policies);
  const std::string bulk = "begin\nverbose\n192.0.2.1\nend\n";
  auto answers = client.query_all({WhoisQuery{"127.0.0.1", s.server->port(), bulk, 0, true},
                                   WhoisQuery{"127.0.0.1", s.server->port(), "begin\nverbose\r\nend\n", 0, true},
                                   WhoisQuery{"127.0.0.1", s.server->port(), std::string("begin\n\0\nend\n", 11), 0, true}});
  REQUIRE(answers.size() == 3);
  REQUIRE_MESSAGE(answers[0].ok(), answers[0].error);
  CHECK(answers[0].answer == "Bulk mode; whois.cymru.com [2026-12-06 12:00:00 +0000]\n");
  CHECK_ERROR(answers[1].error, "query \"begin...\" (3 lines): the query contains CR or NUL; not sent");
  CHECK_ERROR(answers[2].error, "the query contains CR or NUL; not sent");
  const auto queries = s.server->queries();
  REQUIRE(queries.size() == 1);
  CHECK(queries[0].text == "begin verbose 192.0.2.1 end");

  // An endless bulk answer is cut at the cap like any other.
  std::ofstream(s.root.path("bulk"), std::ios::trunc) << "endless\n";
  WhoisOptions options;
  options.max_answer_bytes = 100000;
  WhoisClient capped(policies, options);
  const WhoisAnswer endless = ask(capped, WhoisQuery{"127.0.0.1", s.server->port(), bulk, 0, true});
  CHECK(endless.truncated);
  CHECK(endless.answer.size() == 100000);
  CHECK_ERROR(endless.error, "query \"begin...\" (4 lines): answer exceeds 100000 bytes");
}
