// enrich/net/http_client.h against a real HTTP server on 127.0.0.1
// (tests/http_fixture_server.py): rates and concurrency measured at the server,
// retries, the circuit breaker, and every hostile answer ending in a clear error
// in bounded time. No request leaves the machine (the proxy test's "remote" host
// is reached only through the local server acting as the proxy).
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "enrich/net/http_client.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"
#include "tests/python_test_server.h"

using namespace sg;
using namespace sg::net;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Checks that an error says `part`, and shows the whole error when it does not.
#define CHECK_ERROR(error, part) CHECK_MESSAGE(contains(error, part), "the error: ", error)

const char* kRdapAnswer = R"({"objectClassName":"ip network","handle":"NET-192-0-2-0-1","startAddress":"192.0.2.0"})";

struct Served {
  TempDir root{"net-http"};
  std::unique_ptr<HttpTestServer> server;
  Served() {
    std::ofstream(root.path("ip.json")) << kRdapAnswer;
    auto started = HttpTestServer::start(root.root());
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
    server = std::move(*started);
  }
  std::string url(const std::string& path) const { return server->url(path); }
  size_t arrivals_of(const std::string& path) const {
    size_t n = 0;
    for (const auto& arrival : server->arrivals()) n += arrival.path == path ? 1 : 0;
    return n;
  }
};

/// Limits for the local server: fast, and short backoffs so the tests stay quick.
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

HttpAnswer fetch_one(HttpClient& client, const std::string& url, std::vector<std::string> headers = {}) {
  auto answers = client.fetch_all({HttpRequest{url, std::move(headers), 7}});
  REQUIRE(answers.size() == 1);
  return std::move(answers[0]);
}

/// Sets an environment variable for one scope and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("net http: an answer carries status, type, body and server, 4xx are answers, one User-Agent") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  HttpClient client(policies, {.contact = "abuse@example.org"});
  auto answers = client.fetch_all({
      {s.url("/ip.json"), {"Accept: application/rdap+json"}, 11},
      {s.url("/missing.json"), {}, 12},
      {s.url("/invalid-json"), {}, 13},
      {s.url("/ip.json"), {"X-Injected: 1\r\nHost: elsewhere"}, 14},
  });
  REQUIRE(answers.size() == 4);
  const HttpAnswer& ok = answers[0];
  CHECK(ok.ok());
  CHECK(ok.id == 11);
  CHECK(ok.status == 200);
  CHECK(ok.body == kRdapAnswer);
  CHECK(ok.content_type == "application/rdap+json");
  CHECK(ok.server_ip == "127.0.0.1");
  CHECK(ok.server_port == s.server->port());
  CHECK(ok.effective_url == s.url("/ip.json"));
  CHECK(ok.attempts == 1);
  CHECK(ok.seconds > 0);
  CHECK(ok.seconds < 5);

  CHECK(answers[1].ok());  // the server's answer, for the caller to read
  CHECK(answers[1].status == 404);
  CHECK(answers[1].id == 12);
  CHECK(answers[1].attempts == 1);

  // Invalid JSON is the parser's to report: the client returns the bytes as they came.
  CHECK(answers[2].ok());
  CHECK(answers[2].status == 200);
  CHECK(answers[2].body == R"({"objectClassName": "ip network", "handle": )");

  CHECK_ERROR(answers[3].error, s.url("/ip.json") + ": a request header contains CR or LF; not sent");

  for (const auto& arrival : s.server->arrivals()) CHECK(arrival.user_agent == "spamgraph/0.1.0 (+abuse@example.org)");
  CHECK(s.server->arrivals().size() == 3);
}

TEST_CASE("net http: 100 requests at 20 a second, burst 1, arrive no faster than that, on reused connections") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits(20.0, 1, 4));
  HttpClient client(policies);
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 100; ++i) requests.push_back({s.url("/ip.json?n=" + std::to_string(i)), {}, 0});
  const auto start = std::chrono::steady_clock::now();
  auto answers = client.fetch_all(std::move(requests));
  const double seconds = elapsed_since(start);
  int ok = 0, reused = 0;
  for (const auto& answer : answers) {
    ok += answer.ok() && answer.status == 200 ? 1 : 0;
    reused += answer.reused_connection ? 1 : 0;
  }
  CHECK(ok == 100);
  CHECK(reused >= 90);  // one connection for the lot (the first and maybe a few more opened)

  const auto arrivals = s.server->arrivals();
  REQUIRE(arrivals.size() == 100);
  const double span = arrivals.back().seconds - arrivals.front().seconds;
  const double observed_rate = 99.0 / span;
  double tightest_window = 1e9;  // the shortest time any 10 consecutive gaps took
  for (size_t i = 0; i + 10 < arrivals.size(); ++i)
    tightest_window = std::min(tightest_window, arrivals[i + 10].seconds - arrivals[i].seconds);
  MESSAGE("100 requests at 20/s burst 1: run " << seconds << " s, arrivals span " << span << " s, observed rate "
                                               << observed_rate << "/s, tightest 10 gaps " << tightest_window << " s");
  CHECK(observed_rate <= 20.0 * 1.02);
  CHECK(tightest_window >= 10 / 20.0 * 0.9);
  CHECK(seconds >= 99 / 20.0 * 0.98);
  CHECK(seconds <= 99 / 20.0 + 1.5);  // about as long as the rate allows, not more
}

TEST_CASE("net http: a long queue to a throttled host starts in the order submitted, bad requests answered at once") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits(2000.0, 1, 1));  // one at a time: arrivals show the start order
  HttpClient client(policies, {.max_in_flight = 4});
  std::vector<HttpRequest> requests;
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    const std::string path = "/ip.json?n=" + std::to_string(i);
    if (i % 50 == 7) {
      requests.push_back({s.url(path), {"X-Bad: 1\nHost: elsewhere"}, 0});
    } else {
      requests.push_back({s.url(path), {}, 0});
      expected.push_back(path);
    }
  }
  auto answers = client.fetch_all(std::move(requests));
  REQUIRE(answers.size() == 300);
  for (int i = 0; i < 300; ++i) {
    if (i % 50 == 7) {
      CHECK_ERROR(answers[i].error, "a request header contains CR or LF; not sent");
      CHECK(answers[i].attempts == 0);
    } else {
      CHECK_MESSAGE(answers[i].ok(), answers[i].error);
      CHECK(answers[i].status == 200);
    }
  }
  std::vector<std::string> arrived;
  for (const auto& arrival : s.server->arrivals()) arrived.push_back(arrival.path);
  CHECK(arrived == expected);
}

TEST_CASE("net http: never more requests in flight to a host than its policy allows") {
  Served s;
  SUBCASE("two at a time") {
    HostPolicies policies;
    policies.set_limits("127.0.0.1", local_limits(1000.0, 1000, 2));
    HttpClient client(policies);
    std::vector<HttpRequest> requests(8, HttpRequest{s.url("/hold/300"), {}, 0});
    const auto start = std::chrono::steady_clock::now();
    auto answers = client.fetch_all(std::move(requests));
    const double seconds = elapsed_since(start);
    for (const auto& answer : answers) CHECK(answer.status == 200);
    int most = 0;
    for (const auto& arrival : s.server->arrivals()) most = std::max(most, arrival.in_flight);
    MESSAGE("8 x 300 ms, 2 in flight: " << seconds << " s, at most " << most << " at the server");
    CHECK(most == 2);
    CHECK(seconds >= 4 * 0.3);
    CHECK(seconds < 4 * 0.3 + 1.5);
  }
  SUBCASE("eight at a time: the multi interface runs them together") {
    HostPolicies policies;
    policies.set_limits("127.0.0.1", local_limits(1000.0, 1000, 8));
    HttpClient client(policies);
    std::vector<HttpRequest> requests(8, HttpRequest{s.url("/hold/500"), {}, 0});
    const auto start = std::chrono::steady_clock::now();
    auto answers = client.fetch_all(std::move(requests));
    const double seconds = elapsed_since(start);
    for (const auto& answer : answers) CHECK(answer.status == 200);
    int most = 0;
    for (const auto& arrival : s.server->arrivals()) most = std::max(most, arrival.in_flight);
    MESSAGE("8 x 500 ms, 8 in flight: " << seconds << " s, at most " << most << " at the server");
    CHECK(most >= 6);
    CHECK(seconds < 8 * 0.5 / 2);
  }
}

TEST_CASE("net http: 429 and 503 with Retry-After: 1 are asked again after a second and then succeed") {
  Served s;
  for (const char* code : {"429", "503"}) {
    CAPTURE(code);
    s.server->clear_requests();
    HostPolicies policies;
    policies.set_limits("127.0.0.1", local_limits());
    HttpClient client(policies);
    const std::string path = std::string("/status/") + code + "?retry-after=1&times=1";
    const HttpAnswer answer = fetch_one(client, s.url(path));
    CHECK(answer.ok());
    CHECK(answer.status == 200);
    CHECK(answer.body == "ok after 1");
    CHECK(answer.attempts == 2);
    CHECK(answer.seconds >= 1.0);
    CHECK(answer.seconds < 3.0);
    const auto arrivals = s.server->arrivals();
    REQUIRE(arrivals.size() == 2);
    CHECK(arrivals[1].seconds - arrivals[0].seconds >= 1.0);
  }
  // Retry-After past the request's time limit: no pointless wait, the 429 is the answer.
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  HttpClient client(policies, {.total_timeout = 5s});
  const HttpAnswer answer = fetch_one(client, s.url("/status/429?retry-after=3600"));
  CHECK(answer.status == 429);
  CHECK(answer.attempts == 1);
  CHECK(answer.seconds < 1);
  CHECK_ERROR(answer.error, s.url("/status/429?retry-after=3600") + ": HTTP 429 with Retry-After: 3600; the next try");
  CHECK_ERROR(answer.error, "would pass the request's time limit of 5 s");
}

TEST_CASE("net http: 503 and 500 are retried with backoff, then the circuit opens and fails fast") {
  Served s;
  SUBCASE("retries run out: the last status is kept and the error says how many attempts") {
    HostPolicies policies;
    policies.set_limits("127.0.0.1", local_limits());
    HttpClient client(policies, {.max_attempts = 3});
    const HttpAnswer answer = fetch_one(client, s.url("/status/500"));
    CHECK_FALSE(answer.ok());
    CHECK(answer.status == 500);
    CHECK(answer.attempts == 3);
    CHECK_ERROR(answer.error, s.url("/status/500") + ": HTTP 500 (3 attempts)");
    CHECK(s.arrivals_of("/status/500") == 3);
  }
  SUBCASE("the circuit breaker") {
    HostPolicies policies;
    HostLimits limits = local_limits();
    limits.failures_to_open = 3;
    limits.circuit_cooldown = 60s;
    policies.set_limits("127.0.0.1", limits);
    HttpClient client(policies, {.max_attempts = 10});
    const HttpAnswer first = fetch_one(client, s.url("/status/503"));
    CHECK_FALSE(first.ok());
    CHECK_ERROR(first.error, s.url("/status/503") + ": circuit open for 127.0.0.1 until ");
    CHECK_ERROR(first.error, "after 3 consecutive failures");
    CHECK_ERROR(first.error, "last failure: HTTP 503");
    CHECK(first.attempts == 3);
    CHECK(s.arrivals_of("/status/503") == 3);
    // Another request to the host is refused without asking.
    const HttpAnswer second = fetch_one(client, s.url("/ip.json"));
    CHECK_ERROR(second.error, "circuit open for 127.0.0.1");
    CHECK(second.seconds < 0.1);
    CHECK(s.server->arrivals().size() == 3);
  }
}

TEST_CASE("net http: a 1 GB body stops at the size cap, declared or counted, quickly") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  HttpClient client(policies, {.max_body_bytes = 1 << 20});
  const auto start = std::chrono::steady_clock::now();
  const HttpAnswer endless = fetch_one(client, s.url("/endless"));
  const HttpAnswer declared = fetch_one(client, s.url("/sized/1000000000"));
  const double seconds = elapsed_since(start);
  CHECK_ERROR(endless.error, s.url("/endless") + ": the body exceeds the cap of 1048576 bytes");
  CHECK(endless.body.empty());
  CHECK(endless.attempts == 1);
  CHECK_ERROR(declared.error, s.url("/sized/1000000000") +
                                  ": the server declares 1000000000 bytes (Content-Length), over the cap of 1048576");
  CHECK(seconds < 5);
}

TEST_CASE("net http: a slow drip and a silent server end at their limits") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  SUBCASE("drip: below the low-speed limit") {
    HttpClient client(policies, {.low_speed_bytes = 1000, .low_speed_seconds = 1, .max_attempts = 1});
    const auto start = std::chrono::steady_clock::now();
    const HttpAnswer answer = fetch_one(client, s.url("/drip"));
    const double seconds = elapsed_since(start);
    CHECK_ERROR(answer.error, s.url("/drip") + ": ");
    CHECK_ERROR(answer.error, "too slow");
    CHECK(seconds < 4);
  }
  SUBCASE("no headers at all: the request's time limit") {
    HttpClient client(policies, {.attempt_timeout = 1s, .total_timeout = 1500ms, .max_attempts = 3});
    const auto start = std::chrono::steady_clock::now();
    const HttpAnswer answer = fetch_one(client, s.url("/slow-headers"));
    const double seconds = elapsed_since(start);
    CHECK_ERROR(answer.error, s.url("/slow-headers") + ": ");
    CHECK_ERROR(answer.error, "time limit of 1.5 s");
    CHECK(seconds >= 1.4);
    CHECK(seconds < 3);
  }
}

TEST_CASE("net http: redirects are followed only to http(s), on the default or the same port, a few times") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  HttpClient client(policies);
  const HttpAnswer followed = fetch_one(client, s.url("/redirect/ip.json"));
  CHECK(followed.ok());
  CHECK(followed.status == 200);
  CHECK(followed.body == kRdapAnswer);
  CHECK(followed.redirects == 1);
  CHECK(followed.effective_url == s.url("/ip.json"));

  const HttpAnswer file = fetch_one(client, s.url("/redirect-to?url=file:///etc/passwd"));
  CHECK_ERROR(file.error, s.url("/redirect-to?url=file:///etc/passwd") +
                              ": redirect to file:///etc/passwd refused: the scheme \"file\" is not http or https");
  CHECK(file.body.find("root:") == std::string::npos);

  const uint16_t other = free_tcp_port();
  const std::string elsewhere = "http://127.0.0.1:" + std::to_string(other) + "/x";
  const HttpAnswer port = fetch_one(client, s.url("/redirect-to?url=" + elsewhere));
  CHECK_ERROR(port.error, "redirect to " + elsewhere + " refused: port " + std::to_string(other) +
                              " is neither the scheme's default nor the one asked");

  const HttpAnswer loop = fetch_one(client, s.url("/loop/0"));
  CHECK_ERROR(loop.error, s.url("/loop/5") + ": more than 5 redirects; the next was to " + s.url("/loop/6"));
  CHECK(loop.attempts == 6);
  CHECK(s.arrivals_of("/loop/6") == 0);
}

TEST_CASE("net http: a connection reset mid-body and a refused connection are retried, then clear errors") {
  Served s;
  HostPolicies policies;
  policies.set_limits("127.0.0.1", local_limits());
  HttpClient client(policies, {.max_attempts = 2});
  const auto start = std::chrono::steady_clock::now();
  const HttpAnswer reset = fetch_one(client, s.url("/reset"));
  CHECK_ERROR(reset.error, s.url("/reset") + ": ");
  const bool says_why = contains(reset.error, "reset") || contains(reset.error, "partial");
  CHECK_MESSAGE(says_why, reset.error);
  CHECK_ERROR(reset.error, "(2 attempts)");
  CHECK(s.arrivals_of("/reset") == 2);

  const std::string nobody = "http://127.0.0.1:" + std::to_string(free_tcp_port()) + "/ip.json";
  const HttpAnswer refused = fetch_one(client, nobody);
  CHECK_ERROR(refused.error, nobody + ": Couldn't connect to server");
  CHECK(refused.attempts == 2);
  CHECK(refused.status == 0);
  CHECK(elapsed_since(start) < 5);
}

TEST_CASE("net http: the standard proxy variables are honoured, stat.ripe.net gets its sourceapp") {
  Served s;
  ScopedEnv proxy("http_proxy", s.url("").c_str());
  ScopedEnv no_proxy("no_proxy", nullptr);
  ScopedEnv no_proxy_upper("NO_PROXY", nullptr);
  HostPolicies policies;
  policies.set_limits("stat.ripe.net", local_limits());
  policies.set_limits("rdap.registry.invalid", local_limits());
  HttpClient client(policies, {.contact = "ops@example.org", .sourceapp = "spamgraph-test"});
  auto answers = client.fetch_all({
      {"http://rdap.registry.invalid/ip/192.0.2.1", {}, 0},
      {"http://stat.ripe.net/data/prefix-overview/data.json?resource=AS3333", {}, 0},
  });
  CHECK(answers[0].status == 200);
  CHECK(answers[0].body == "proxied http://rdap.registry.invalid/ip/192.0.2.1");
  CHECK(answers[1].body ==
        "proxied http://stat.ripe.net/data/prefix-overview/data.json?resource=AS3333&sourceapp=spamgraph-test");
  CHECK(answers[1].server_ip == "127.0.0.1");
}
