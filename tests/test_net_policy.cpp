// enrich/net/host_policy.h with a fake clock: the token bucket, the concurrency
// cap, backoff, Retry-After and the circuit breaker; and the small URL and
// User-Agent helpers every client uses.
#include <doctest/doctest.h>

#include <chrono>

#include "core/time.h"
#include "enrich/net/curl_setup.h"
#include "enrich/net/host_policy.h"
#include "enrich/net/url.h"

using namespace sg;
using namespace sg::net;
using namespace std::chrono_literals;

namespace {

/// A clock that moves only when told to.
struct FakeClock {
  Clock::time_point now = Clock::time_point(1000h);
  void advance(Clock::duration by) { now += by; }
};

HostLimits fast(double rate, double burst, int concurrent) {
  HostLimits limits;
  limits.rate_per_second = rate;
  limits.burst = burst;
  limits.max_concurrent = concurrent;
  return limits;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("net policy: the token bucket lets a burst through, then one request per 1/rate") {
  FakeClock clock;
  HostPolicy policy("rdap.example", fast(2.0, 3, 100));
  for (int i = 0; i < 3; ++i) {
    const Admission a = policy.try_start(clock.now);
    REQUIRE(a.kind == Admission::start);
    policy.finish(clock.now, Outcome::answered);
  }
  Admission fourth = policy.try_start(clock.now);
  REQUIRE(fourth.kind == Admission::wait);
  CHECK(fourth.retry_at - clock.now == 500ms);
  clock.advance(499ms);
  CHECK(policy.try_start(clock.now).kind == Admission::wait);
  clock.advance(1ms);
  CHECK(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::answered);

  // Asking every 10 ms for 10 s: 2 a second, no more; a quiet spell refills the burst only.
  int started = 0;
  for (int step = 0; step < 1000; ++step) {
    clock.advance(10ms);
    if (policy.try_start(clock.now).kind == Admission::start) {
      ++started;
      policy.finish(clock.now, Outcome::answered);
    }
  }
  CHECK(started == 20);
  clock.advance(1h);
  int burst = 0;
  while (policy.try_start(clock.now).kind == Admission::start) {
    ++burst;
    policy.finish(clock.now, Outcome::answered);
  }
  CHECK(burst == 3);
}

TEST_CASE("net policy: no more requests in flight than the host allows") {
  FakeClock clock;
  HostPolicy policy("whois.example", fast(1000.0, 1000, 2));
  CHECK(policy.try_start(clock.now).kind == Admission::start);
  CHECK(policy.try_start(clock.now).kind == Admission::start);
  const Admission third = policy.try_start(clock.now);
  CHECK(third.kind == Admission::wait);
  CHECK(third.retry_at == Clock::time_point::max());  // only a finishing request frees a slot
  CHECK(policy.in_flight() == 2);
  policy.finish(clock.now, Outcome::answered);
  CHECK(policy.try_start(clock.now).kind == Admission::start);
  CHECK(policy.in_flight() == 2);
}

TEST_CASE("net policy: failures back off exponentially with jitter, an answer resets them") {
  FakeClock clock;
  HostLimits limits = fast(1000.0, 1000, 10);
  limits.backoff_base = 1s;
  limits.backoff_max = 8s;
  limits.failures_to_open = 100;
  HostPolicy policy("flaky.example", limits);
  const Millis expected_full[] = {1s, 2s, 4s, 8s, 8s, 8s};
  for (Millis full : expected_full) {
    REQUIRE(policy.try_start(clock.now).kind == Admission::start);
    policy.finish(clock.now, Outcome::failed);
    const auto wait = policy.not_before() - clock.now;
    CHECK(wait >= full / 2);
    CHECK(wait <= full);
    CHECK(policy.try_start(clock.now).kind == Admission::wait);
    CHECK(policy.try_start(clock.now).retry_at == policy.not_before());
    clock.now = policy.not_before();
  }
  CHECK(policy.consecutive_failures() == 6);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::answered);
  CHECK(policy.consecutive_failures() == 0);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::failed);
  CHECK(policy.not_before() - clock.now <= 1s);  // the first failure's backoff again
}

TEST_CASE("net policy: Retry-After holds the host back, cut to max_retry_after") {
  FakeClock clock;
  HostLimits limits = fast(1000.0, 1000, 10);
  limits.backoff_base = 100ms;
  limits.max_retry_after = 60s;
  HostPolicy policy("busy.example", limits);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::throttled, Millis(30s));
  CHECK(policy.not_before() - clock.now == 30s);
  clock.advance(29s);
  CHECK(policy.try_start(clock.now).kind == Admission::wait);
  clock.advance(1s);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::throttled, Millis(24h));
  CHECK(policy.not_before() - clock.now == 60s);
}

TEST_CASE("net policy: the circuit opens after N failures, fails fast, and half-opens after the cool-down") {
  FakeClock clock;
  HostLimits limits = fast(1000.0, 1000, 10);
  limits.backoff_base = 10ms;
  limits.backoff_max = 10ms;
  limits.failures_to_open = 3;
  limits.circuit_cooldown = 60s;
  HostPolicy policy("down.example", limits);
  for (int i = 0; i < 3; ++i) {
    clock.now = std::max(clock.now, policy.not_before());
    REQUIRE(policy.try_start(clock.now).kind == Admission::start);
    policy.finish(clock.now, Outcome::failed);
  }
  REQUIRE(policy.circuit_open_until().has_value());
  CHECK(*policy.circuit_open_until() - clock.now == 60s);
  clock.advance(30s);
  const Admission refused = policy.try_start(clock.now);
  CHECK(refused.kind == Admission::refuse);
  CHECK(contains(refused.error, "circuit open for down.example until "));
  CHECK(contains(refused.error, "(in 30 s)"));
  CHECK(contains(refused.error, "after 3 consecutive failures"));
  // After the cool-down one request goes through (alone); its failure opens the circuit again at once.
  clock.advance(30s);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  CHECK(policy.try_start(clock.now).kind == Admission::wait);
  policy.finish(clock.now, Outcome::failed);
  CHECK(policy.try_start(clock.now).kind == Admission::refuse);
  clock.advance(61s);
  REQUIRE(policy.try_start(clock.now).kind == Admission::start);
  policy.finish(clock.now, Outcome::answered);
  CHECK_FALSE(policy.circuit_open_until().has_value());
  CHECK(policy.try_start(clock.now).kind == Admission::start);
  CHECK(policy.try_start(clock.now).kind == Admission::start);  // closed: the usual concurrency again
}

TEST_CASE("net policy: registry defaults, overrides and the unknown host") {
  const auto lacnic = registry_limits("RDAP.LACNIC.NET");
  REQUIRE(lacnic.has_value());
  CHECK(lacnic->rate_per_second == doctest::Approx(10.0 / 60.0));
  CHECK(lacnic->burst == 1);
  CHECK(lacnic->max_concurrent == 1);
  for (const char* host : {"rdap.arin.net", "whois.arin.net", "rdap.db.ripe.net", "whois.ripe.net", "rdap.apnic.net",
                           "whois.apnic.net", "whois.lacnic.net", "rdap.afrinic.net", "whois.afrinic.net",
                           "whois.radb.net", "stat.ripe.net", "whois.cymru.com"}) {
    const auto limits = registry_limits(host);
    REQUIRE_MESSAGE(limits.has_value(), host);
    CHECK_MESSAGE(limits->rate_per_second <= 2.0, host);
  }
  CHECK_FALSE(registry_limits("example.org").has_value());

  HostPolicies policies;
  CHECK(policies.for_host("Example.ORG").host() == "example.org");
  CHECK(policies.for_host("example.org").limits().rate_per_second == unknown_host_limits().rate_per_second);
  CHECK(policies.for_host("whois.cymru.com").limits().rate_per_second == doctest::Approx(0.5));
  policies.set_unknown_host_limits(fast(7.0, 1, 1));
  CHECK(policies.for_host("other.example").limits().rate_per_second == 7.0);
  policies.set_limits("rdap.lacnic.net", fast(5.0, 2, 3));
  CHECK(policies.for_host("rdap.lacnic.net").limits().max_concurrent == 3);
  policies.set_limits("example.org", fast(9.0, 1, 1));  // an existing policy takes new limits
  CHECK(policies.for_host("example.org").limits().rate_per_second == 9.0);
}

TEST_CASE("net policy: Retry-After as seconds or an HTTP date") {
  const UnixTime now = make_utc(2015, 10, 21, 7, 27, 0);
  CHECK(parse_retry_after("120", now) == Millis(120s));
  CHECK(parse_retry_after(" 0 ", now) == Millis(0));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == Millis(60s));
  CHECK(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now) == Millis(0));  // already past
  CHECK_FALSE(parse_retry_after("soon", now).has_value());
  CHECK_FALSE(parse_retry_after("", now).has_value());
  CHECK(parse_retry_after("99999999999999999999999", now) >= Millis(100'000'000s));  // saturates, no wrap
}

TEST_CASE("net policy: User-Agent, URL parts and RIPEstat's sourceapp") {
  CHECK(user_agent("") == "spamgraph/0.1.0");
  CHECK(user_agent("abuse@example.org") == "spamgraph/0.1.0 (+abuse@example.org)");
  CHECK(user_agent("a\r\nX-Evil: 1") == "spamgraph/0.1.0 (+aX-Evil: 1)");

  auto parts = parse_url("HTTPS://Stat.RIPE.net/data/prefix-overview/data.json?resource=193.0.0.0/21");
  REQUIRE(parts.has_value());
  CHECK(parts->scheme == "https");
  CHECK(parts->host == "stat.ripe.net");
  CHECK(parts->port == 443);
  auto v6 = parse_url("http://[::1]:8080/x");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 8080);
  CHECK_FALSE(parse_url("not a url").has_value());

  CHECK(with_query_parameter("https://stat.ripe.net/data/x/data.json?resource=AS3333", "sourceapp", "sg tool") ==
        "https://stat.ripe.net/data/x/data.json?resource=AS3333&sourceapp=sg%20tool");
  CHECK(with_query_parameter("https://stat.ripe.net/d.json", "sourceapp", "sg") ==
        "https://stat.ripe.net/d.json?sourceapp=sg");
  CHECK(with_query_parameter("https://stat.ripe.net/d.json?sourceapp=mine", "sourceapp", "sg") ==
        "https://stat.ripe.net/d.json?sourceapp=mine");
  CHECK(redact_url("https://user:pw@example.org/x?license_key=abc&y=1") ==
        "https://***@example.org/x?license_key=***&y=1");
}

TEST_CASE("net policy: rates as people write them, and --rate HOST=RATE[,IN_FLIGHT]") {
  CHECK(*parse_rate("10/min") == doctest::Approx(10.0 / 60));
  CHECK(*parse_rate("2/s") == doctest::Approx(2.0));
  CHECK(*parse_rate("3600/h") == doctest::Approx(1.0));
  CHECK(*parse_rate(" 0.5 ") == doctest::Approx(0.5));
  CHECK_FALSE(parse_rate("0").has_value());
  CHECK_FALSE(parse_rate("-1/s").has_value());
  CHECK_FALSE(parse_rate("fast").has_value());
  CHECK_FALSE(parse_rate("5/week").has_value());
  CHECK_FALSE(parse_rate("").has_value());

  HostPolicies policies;
  REQUIRE(set_rate(policies, "rdap.lacnic.net", "20/min"));
  const HostLimits lacnic = policies.limits_for("RDAP.LACNIC.NET");
  CHECK(lacnic.rate_per_second == doctest::Approx(20.0 / 60));
  CHECK(lacnic.burst == doctest::Approx(1.0));  // never more than a second's worth, at least one
  CHECK(lacnic.max_concurrent == registry_limits("rdap.lacnic.net")->max_concurrent);
  REQUIRE(set_rate(policies, "127.0.0.1", "100/s,16"));
  CHECK(policies.limits_for("127.0.0.1").max_concurrent == 16);
  CHECK(policies.for_host("127.0.0.1").limits().rate_per_second == doctest::Approx(100.0));
  CHECK_FALSE(set_rate(policies, "127.0.0.1", "100/s,0"));
  CHECK_FALSE(set_rate(policies, "127.0.0.1", "100/s,many"));
  CHECK_FALSE(set_rate(policies, " ", "1/s"));
}
