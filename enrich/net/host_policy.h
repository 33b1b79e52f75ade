// How politely spamgraph asks one host: a token bucket for the rate, a cap on
// requests in flight, backoff after failures, the server's Retry-After, and a
// circuit breaker that stops asking a host which keeps failing.
//
// Pure logic: every call takes the time it happens at, so tests drive it with a
// fake clock and the network clients pass steady_clock::now(). Not thread-safe:
// one client loop (HttpClient::run, WhoisClient::run) uses it at a time.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace sg::net {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

/// The limits for one host. `rate_per_second` refills the bucket, `burst` is its size.
struct HostLimits {
  double rate_per_second = 1.0;                       ///< sustained requests per second (10 a minute = 10.0 / 60)
  double burst = 2.0;                                 ///< requests that may start back to back after a quiet spell
  int max_concurrent = 2;                             ///< requests in flight at once
  Millis backoff_base = std::chrono::seconds(1);      ///< wait after the first failure, doubled per failure
  Millis backoff_max = std::chrono::seconds(120);     ///< the longest backoff
  Millis max_retry_after = std::chrono::minutes(10);  ///< a larger Retry-After is cut to this
  int failures_to_open = 5;                           ///< consecutive failures that open the circuit
  Millis circuit_cooldown = std::chrono::minutes(5);  ///< how long an open circuit refuses the host
};

/// `count` requests per minute as a rate (LACNIC publishes "about 10 a minute").
constexpr double per_minute(double count) { return count / 60.0; }

/// The polite defaults of a registry host (any case): the RDAP and WHOIS servers of
/// the five RIRs, RADb, RIPEstat and Team Cymru; nullopt for any other host.
std::optional<HostLimits> registry_limits(std::string_view host);
/// The limits of a host spamgraph knows nothing about: one request a second, two in flight.
HostLimits unknown_host_limits();

/// How a request ended, as far as the host's politeness is concerned.
enum class Outcome {
  answered,   ///< the host answered (any 2xx/3xx/4xx but 429): resets the failure count
  throttled,  ///< 429 or 503: the host asks us to slow down (Retry-After honoured)
  failed,     ///< no usable answer (refused, reset, timeout, 5xx): backoff, may open the circuit
};

/// What `try_start` decided.
struct Admission {
  enum Kind { start, wait, refuse };
  Kind kind = start;
  /// For `wait`: the earliest time a new try can succeed (time_point::max() when
  /// only a finishing request can free a slot).
  Clock::time_point retry_at{};
  std::string error;  ///< for `refuse`: "circuit open for HOST until ..." and why
};

/// The politeness state of one host.
class HostPolicy {
 public:
  HostPolicy(std::string host, HostLimits limits);

  /// Asks to start a request at `now`. `start` takes a token and a slot, and the
  /// caller must later call `finish` exactly once; `wait` and `refuse` take nothing.
  Admission try_start(Clock::time_point now);
  /// Ends a started request. `retry_after` (from a 429/503) delays the host's next
  /// request by at least that much; failures back off exponentially with jitter.
  void finish(Clock::time_point now, Outcome outcome, std::optional<Millis> retry_after = std::nullopt);

  const std::string& host() const { return host_; }
  const HostLimits& limits() const { return limits_; }
  int in_flight() const { return in_flight_; }
  int consecutive_failures() const { return failures_; }
  /// No request may start before this (Retry-After or backoff); epoch when none.
  Clock::time_point not_before() const { return not_before_; }
  /// When an open circuit closes again; nullopt when it is closed.
  std::optional<Clock::time_point> circuit_open_until() const;

 private:
  void refill(Clock::time_point now);
  Millis backoff_for(int failures);

  std::string host_;
  HostLimits limits_;
  double tokens_;
  Clock::time_point refilled_at_{};
  bool started_ = false;  ///< refilled_at_ is meaningful
  int in_flight_ = 0;
  int failures_ = 0;
  Clock::time_point not_before_{};
  Clock::time_point open_until_{};
  bool open_ = false;
  std::minstd_rand jitter_;  ///< seeded from the host name: reproducible, yet hosts differ
};

/// Every host's policy, created on first use from the defaults or the overrides
/// the caller set. The caller owns it and passes it to the clients that should
/// share it (HTTP and WHOIS both, usually).
class HostPolicies {
 public:
  /// Limits for `host` from now on, instead of its default (a policy already
  /// created starts over with them).
  void set_limits(const std::string& host, const HostLimits& limits);
  /// Limits for every host without its own default or override.
  void set_unknown_host_limits(const HostLimits& limits);
  /// The limits `host` gets (override, registry default or unknown-host limits).
  HostLimits limits_for(std::string_view host) const;
  /// The policy of `host` (any case; kept lowercase), created when first asked for.
  HostPolicy& for_host(std::string_view host);

 private:
  std::map<std::string, HostLimits> overrides_;
  std::optional<HostLimits> unknown_;
  std::map<std::string, HostPolicy> policies_;
};

/// A rate as people write it: "10/min", "2/s", "3600/h" or a bare number of
/// requests a second ("0.5"); the error names the text.
Result<double> parse_rate(std::string_view text);

/// Sets `host`'s limits from a `--rate HOST=RATE[,IN_FLIGHT]` value or a config
/// `rate.HOST = RATE[,IN_FLIGHT]` line's value: RATE as parse_rate() reads it,
/// IN_FLIGHT the requests at once (default: the host's). The rest of the host's
/// limits stay its defaults; the burst is at most one second's worth, at least 1.
Status set_rate(HostPolicies& policies, std::string_view host, std::string_view value);

/// A Retry-After value as a delay: delta-seconds ("120") or an HTTP date
/// ("Wed, 21 Oct 2015 07:28:00 GMT") relative to `now`. A date in the past is
/// zero; nullopt when the value is neither.
std::optional<Millis> parse_retry_after(std::string_view value, UnixTime now);

/// "2026-12-06T18:30:00Z" for a steady-clock time, as errors show it.
std::string format_steady_time(Clock::time_point when);

}  // namespace sg::net
