#include "enrich/net/host_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>

#include "core/ascii.h"

namespace sg::net {
namespace {

HostLimits limits(double rate_per_second, double burst, int max_concurrent) {
  HostLimits l;
  l.rate_per_second = rate_per_second;
  l.burst = burst;
  l.max_concurrent = max_concurrent;
  return l;
}

/// The registries publish few numbers; these stay well under every limit they
/// state or enforce. RIPE and ARIN block clients that query too fast, LACNIC
/// allows about 10 queries a minute, Team Cymru asks for bulk queries rather
/// than many single ones, RIPEstat asks for a `sourceapp` and moderate use.
struct KnownHost {
  std::string_view host;
  double rate_per_second;
  double burst;
  int max_concurrent;
};
constexpr KnownHost kKnownHosts[] = {
    {"rdap.arin.net", 1.0, 2, 2},
    {"whois.arin.net", 1.0, 2, 1},
    {"rdap.db.ripe.net", 1.0, 2, 2},
    {"whois.ripe.net", 1.0, 2, 1},
    {"rdap.apnic.net", 1.0, 2, 2},
    {"whois.apnic.net", 1.0, 2, 1},
    {"rdap.lacnic.net", per_minute(10), 1, 1},
    {"whois.lacnic.net", per_minute(10), 1, 1},
    {"rdap.afrinic.net", 1.0, 2, 1},
    {"whois.afrinic.net", 1.0, 2, 1},
    {"whois.radb.net", 2.0, 2, 1},
    {"stat.ripe.net", 2.0, 4, 4},
    {"whois.cymru.com", 0.5, 1, 1},
};

Clock::time_point later_of(Clock::time_point a, Clock::time_point b) { return a < b ? b : a; }

}  // namespace

HostLimits unknown_host_limits() { return limits(1.0, 2, 2); }

std::optional<HostLimits> registry_limits(std::string_view host) {
  const std::string lower = ascii_lowercase(host);
  for (const KnownHost& known : kKnownHosts)
    if (known.host == lower) return limits(known.rate_per_second, known.burst, known.max_concurrent);
  return std::nullopt;
}

HostPolicy::HostPolicy(std::string host, HostLimits limits)
    : host_(std::move(host)),
      limits_(limits),
      tokens_(limits.burst),
      jitter_(static_cast<std::minstd_rand::result_type>(std::hash<std::string>{}(host_) | 1)) {}

void HostPolicy::refill(Clock::time_point now) {
  if (!started_) {
    started_ = true;
    refilled_at_ = now;
    tokens_ = limits_.burst;
    return;
  }
  if (now <= refilled_at_) return;
  const double seconds = std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(limits_.burst, tokens_ + seconds * limits_.rate_per_second);
  refilled_at_ = now;
}

std::optional<Clock::time_point> HostPolicy::circuit_open_until() const {
  if (!open_) return std::nullopt;
  return open_until_;
}

Admission HostPolicy::try_start(Clock::time_point now) {
  Admission admission;
  if (open_ && now < open_until_) {
    admission.kind = Admission::refuse;
    admission.retry_at = open_until_;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(open_until_ - now).count();
    admission.error = "circuit open for " + host_ + " until " + format_steady_time(open_until_) + " (in " +
                      std::to_string(left) + " s) after " + std::to_string(failures_) +
                      " consecutive failures; not asked";
    return admission;
  }
  // Half-open after the cool-down: one request tests the host, the others wait for it.
  const int slots = open_ ? 1 : std::max(1, limits_.max_concurrent);
  if (in_flight_ >= slots) {
    admission.kind = Admission::wait;
    admission.retry_at = Clock::time_point::max();
    return admission;
  }
  if (now < not_before_) {
    admission.kind = Admission::wait;
    admission.retry_at = not_before_;
    return admission;
  }
  refill(now);
  // A hair of slack: refills summed in floating point may land just under 1.
  if (tokens_ < 1.0 - 1e-9) {
    admission.kind = Admission::wait;
    const double rate = limits_.rate_per_second > 0 ? limits_.rate_per_second : 1e-9;
    const auto missing = std::chrono::duration<double>((1.0 - tokens_) / rate);
    // Rounded up, so the wake-up finds a whole token rather than 0.9999.
    admission.retry_at = now + std::chrono::ceil<std::chrono::microseconds>(missing);
    return admission;
  }
  tokens_ = std::max(0.0, tokens_ - 1.0);
  ++in_flight_;
  return admission;
}

Millis HostPolicy::backoff_for(int failures) {
  const double base = static_cast<double>(limits_.backoff_base.count());
  const double full =
      std::min(static_cast<double>(limits_.backoff_max.count()), base * std::ldexp(1.0, std::min(failures - 1, 30)));
  // Half fixed, half random: clients that failed together do not return together.
  std::uniform_real_distribution<double> spread(0.5, 1.0);
  return Millis(static_cast<int64_t>(full * spread(jitter_)));
}

void HostPolicy::finish(Clock::time_point now, Outcome outcome, std::optional<Millis> retry_after) {
  if (in_flight_ > 0) --in_flight_;
  if (outcome == Outcome::answered) {
    failures_ = 0;
    open_ = false;
    return;
  }
  ++failures_;
  Millis wait = backoff_for(failures_);
  if (retry_after) wait = std::max(wait, std::min(*retry_after, limits_.max_retry_after));
  not_before_ = later_of(not_before_, now + wait);
  if (failures_ >= std::max(1, limits_.failures_to_open)) {
    // Also after the cool-down: the one request let through failed again.
    open_ = true;
    open_until_ = later_of(now + limits_.circuit_cooldown, not_before_);
  }
}

void HostPolicies::set_limits(const std::string& host, const HostLimits& limits) {
  const std::string key = ascii_lowercase(host);
  overrides_[key] = limits;
  if (auto it = policies_.find(key); it != policies_.end()) it->second = HostPolicy(key, limits);
}

void HostPolicies::set_unknown_host_limits(const HostLimits& limits) { unknown_ = limits; }

HostLimits HostPolicies::limits_for(std::string_view host) const {
  const std::string key = ascii_lowercase(host);
  if (auto over = overrides_.find(key); over != overrides_.end()) return over->second;
  if (auto registry = registry_limits(key)) return *registry;
  return unknown_.value_or(unknown_host_limits());
}

HostPolicy& HostPolicies::for_host(std::string_view host) {
  const std::string key = ascii_lowercase(host);
  if (auto it = policies_.find(key); it != policies_.end()) return it->second;
  return policies_.emplace(key, HostPolicy(key, limits_for(key))).first->second;
}

Result<double> parse_rate(std::string_view text) {
  const std::string_view original = text;
  text = trim_blanks(text);
  double per = 1.0;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    const std::string_view unit = trim_blanks(text.substr(slash + 1));
    if (unit == "s" || unit == "sec") per = 1.0;
    else if (unit == "min" || unit == "m") per = 60.0;
    else if (unit == "h" || unit == "hour") per = 3600.0;
    else return Error{"unknown rate unit (use /s, /min or /h)", std::string(original)};
    text = trim_blanks(text.substr(0, slash));
  }
  double count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || !(count > 0) || count > 1e6)
    return Error{"not a rate (try 10/min, 2/s or 0.5)", std::string(original)};
  return count / per;
}

Status set_rate(HostPolicies& policies, std::string_view host, std::string_view value) {
  if (trim_blanks(host).empty()) return Error{"no host before '='", std::string(value)};
  HostLimits limits = policies.limits_for(trim_blanks(host));
  std::string_view rate_text = value;
  if (const size_t comma = value.find(','); comma != std::string_view::npos) {
    rate_text = value.substr(0, comma);
    const std::string_view count_text = trim_blanks(value.substr(comma + 1));
    int count = 0;
    const auto [end, error] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (count_text.empty() || error != std::errc{} || end != count_text.data() + count_text.size() || count < 1 ||
        count > 1000)
      return Error{"not a number of requests in flight (1 to 1000)", std::string(count_text)};
    limits.max_concurrent = count;
  }
  auto rate = parse_rate(rate_text);
  if (!rate) return rate.error();
  limits.rate_per_second = *rate;
  limits.burst = std::max(1.0, std::min(limits.burst, *rate));
  policies.set_limits(std::string(trim_blanks(host)), limits);
  return Ok{};
}

std::optional<Millis> parse_retry_after(std::string_view value, UnixTime now) {
  value = trim_blanks(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), is_ascii_digit)) {
    // A huge number saturates: the policy cuts it to max_retry_after anyway.
    int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds > 100'000'000) break;
    }
    return Millis(seconds * 1000);
  }
  const auto date = parse_mail_date(value);
  if (!date) return std::nullopt;
  return Millis(std::max<int64_t>(0, date->utc - now) * 1000);
}

std::string format_steady_time(Clock::time_point when) {
  const auto offset = std::chrono::duration_cast<std::chrono::seconds>(when - Clock::now());
  const auto wall = std::chrono::system_clock::now() + offset;
  return format_iso8601(std::chrono::duration_cast<std::chrono::seconds>(wall.time_since_epoch()).count());
}

}  // namespace sg::net
