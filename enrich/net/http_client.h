// The HTTP client of every online source (RDAP, RIPEstat, ...): libcurl's multi
// interface with many requests in flight on reused connections, each host's
// HostPolicy applied, retries of what is worth retrying, and caps on everything
// a hostile server could stretch.
//
//   HostPolicies policies;                 // shared with WhoisClient, owned by the caller
//   HttpClient client(policies, {.contact = "abuse@example.org"});
//   client.submit({.url = "https://rdap.arin.net/registry/ip/8.8.8.8",
//                  .headers = {"Accept: application/rdap+json"}});
//   client.run([](HttpAnswer&& answer) { ... });   // on this thread, one call per request
//
// What counts as an answer: any HTTP status the server gave in the end. 404 and
// other 4xx are answers (error empty), to be read by the caller. 429 and 503
// are retried after Retry-After, other 5xx and transient network failures
// (refused, reset, timeout, empty reply) after an exponential backoff, up to
// `max_attempts`; when they run out, the last status is kept and `error` says so.
// Redirects are followed here rather than by libcurl, so that each hop is checked
// (http/https only, never https to http, no other port than the scheme's default
// or the one asked) and paced by the policy of its own host.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "enrich/net/host_policy.h"

namespace sg::net {

/// One GET.
struct HttpRequest {
  std::string url{};                   ///< absolute http or https URL
  std::vector<std::string> headers{};  ///< extra request headers, "Accept: application/rdap+json"
  uint64_t id = 0;                     ///< the caller's tag, copied into the answer
};

/// Limits and identity for every request of one client.
struct HttpOptions {
  std::string contact{};                         ///< e-mail or URL for the User-Agent "spamgraph/VERSION (+contact)"
  std::string sourceapp{};                       ///< added as `sourceapp=` to stat.ripe.net URLs (RIPEstat asks for it)
  uint64_t max_body_bytes = uint64_t{16} << 20;  ///< a larger body (declared or counted) is an error
  Millis attempt_timeout = std::chrono::seconds(60);  ///< one attempt, connect to last byte
  Millis total_timeout = std::chrono::minutes(5);     ///< first attempt to giving up, retries included
  Millis connect_timeout = std::chrono::seconds(10);  ///< one connection attempt
  long low_speed_bytes = 100;                         ///< an attempt slower than this many bytes per second...
  long low_speed_seconds = 20;                        ///< ...for this long fails (a slow drip)
  int max_redirects = 5;                              ///< Location hops per request
  int max_attempts = 4;                               ///< tries of one URL, the first included
  size_t max_in_flight = 16;                          ///< requests running at once, all hosts together
};

/// The outcome of one request.
struct HttpAnswer {
  uint64_t id = 0;                 ///< HttpRequest::id
  std::string url;                 ///< as submitted
  std::string effective_url;       ///< the last URL asked, after redirects
  long status = 0;                 ///< the final HTTP status; 0 when none came
  std::string content_type;        ///< Content-Type of the final response
  std::string retry_after;         ///< Retry-After of the final response, raw
  std::string body;                ///< the final response's body (decoded), at most max_body_bytes
  double seconds = 0;              ///< from the first attempt's start to the end, waits included
  std::string server_ip;           ///< the address the final response came from
  long server_port = 0;            ///< and its port
  int attempts = 0;                ///< requests sent for this URL, redirects included
  int redirects = 0;               ///< Location hops followed
  bool reused_connection = false;  ///< the final response came over a connection opened earlier
  std::string error;               ///< "" for an answer; else names the URL and says why
  /// True when the server answered with a status and nothing failed (4xx included).
  bool ok() const { return error.empty(); }
};

/// Called once per submitted request, on the thread of run().
using AnswerCallback = std::function<void(HttpAnswer&&)>;

/// Runs GETs in parallel within each host's policy. Not thread-safe; one run() at a time.
class HttpClient {
 public:
  /// `policies` must outlive the client.
  HttpClient(HostPolicies& policies, HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Queues a request; nothing is sent before run(). May be called from the callback.
  void submit(HttpRequest request);
  /// Sends everything queued (and whatever the callback submits) and returns when
  /// every request has had its callback.
  void run(const AnswerCallback& on_answer);
  /// submit() each, run(), and the answers in the order of `requests`. Call it
  /// with nothing else queued.
  std::vector<HttpAnswer> fetch_all(std::vector<HttpRequest> requests);

  const HttpOptions& options() const { return options_; }

  struct Job;  ///< one request's state (internal; public only for libcurl's callbacks)

 private:
  void start_ready(Clock::time_point now, Clock::time_point& wake, std::vector<HttpAnswer>& done);
  bool start_attempt(Job& job, Clock::time_point now, std::string& error);
  void finish_attempt(std::unique_ptr<Job> job, int curl_code, Clock::time_point now, std::vector<HttpAnswer>& done);
  void retry_or_give_up(std::unique_ptr<Job> job, Clock::time_point now, std::string why,
                        std::vector<HttpAnswer>& done);
  HttpAnswer give_up(Job& job, Clock::time_point now, const std::string& why);
  /// Puts a job in its host's queue, at the front (a retry, a redirect) or the back.
  void queue(std::unique_ptr<Job> job, bool front);
  bool has_pending() const { return queued_ > 0 || !rejected_.empty(); }

  HostPolicies& policies_;
  HttpOptions options_;
  std::string user_agent_;
  void* multi_ = nullptr;  ///< CURLM*, kept for the client's life: its connection cache is the reuse
  /// Waiting requests by host, each host's in order (FIFO; retries and redirects at
  /// the front). Job::order ranks them all as one queue would; no deque is empty.
  std::map<std::string, std::deque<std::unique_ptr<Job>>> pending_;
  size_t queued_ = 0;                            ///< jobs in pending_
  int64_t first_order_ = 0, last_order_ = 0;     ///< Job::order of the front and back so far
  std::deque<std::unique_ptr<Job>> rejected_;   ///< refused at submit (Job::rejection), answered at once
  std::map<void*, std::unique_ptr<Job>> active_;  ///< by CURL*
};

}  // namespace sg::net
