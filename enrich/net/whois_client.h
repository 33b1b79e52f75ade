// A port-43 WHOIS client (RFC 3912): connect, send "QUERY\r\n", read until the
// server closes. Many queries run at once over one poll loop, each server paced
// by its HostPolicy (the same HostPolicies the HTTP client uses), with caps on
// the answer's size, the time to connect, the silence between bytes and the
// whole exchange.
//
//   WhoisClient client(policies);
//   client.submit({.server = "whois.radb.net", .query = "-i origin AS64500"});
//   client.run([](WhoisAnswer&& answer) { ... });   // on this thread, once per query
//
// An answer over `max_answer_bytes` is cut there: `answer` keeps the prefix,
// `truncated` is set and `error` says "answer exceeds N bytes". A connection
// reset mid-answer likewise keeps what came, truncated, with an error. Refused
// and reset connections are tried again (max_attempts) after the policy's
// backoff; timeouts are not, since a silent server would only cost the time again.
// A multi-line query (WhoisQuery::multi_line) is sent line by line under the same
// caps; errors quote its first line and say how many lines it had.
// Names are resolved with getaddrinfo when the query starts (blocking; registry
// names resolve quickly and are cached by the system).
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

/// One question to one WHOIS server.
struct WhoisQuery {
  std::string server{};  ///< host name or address literal (IPv4 or IPv6)
  uint16_t port = 43;
  std::string query{};  ///< sent as is plus CRLF; must not contain CR, LF or NUL
  uint64_t id = 0;      ///< the caller's tag, copied into the answer
  /// The query is several LF-separated lines (a bulk request such as Team Cymru's
  /// "begin\n...\nend\n"): each line is sent with CRLF; only CR and NUL are refused.
  bool multi_line = false;
};

/// Limits for every query of one client.
struct WhoisOptions {
  uint64_t max_answer_bytes = uint64_t{1} << 20;      ///< the answer is cut here (see above)
  Millis connect_timeout = std::chrono::seconds(10);  ///< per address tried
  Millis idle_timeout = std::chrono::seconds(20);     ///< silence allowed between bytes
  Millis total_timeout = std::chrono::seconds(60);    ///< one attempt, connect to close
  int max_attempts = 2;                               ///< tries after a refused or reset connection, the first included
  size_t max_in_flight = 8;                           ///< queries running at once, all servers together
};

/// The outcome of one query.
struct WhoisAnswer {
  uint64_t id = 0;     ///< WhoisQuery::id
  std::string server;  ///< as asked
  uint16_t port = 43;
  std::string query;
  std::string answer;      ///< the bytes the server sent, as sent
  bool truncated = false;  ///< `answer` is only a prefix (size cap or reset)
  double seconds = 0;      ///< first attempt's start to the end, waits included
  std::string address;     ///< the address connected to, "" when none
  int attempts = 0;        ///< connections attempted
  std::string error;       ///< "" when the server answered and closed; else names server and query and says why
  /// True when the whole answer came.
  bool ok() const { return error.empty(); }
};

/// Called once per submitted query, on the thread of run().
using WhoisCallback = std::function<void(WhoisAnswer&&)>;

/// Runs WHOIS queries in parallel within each server's policy. Not thread-safe.
class WhoisClient {
 public:
  /// `policies` must outlive the client.
  WhoisClient(HostPolicies& policies, WhoisOptions options = {});
  ~WhoisClient();
  WhoisClient(const WhoisClient&) = delete;
  WhoisClient& operator=(const WhoisClient&) = delete;

  /// Queues a query; nothing is sent before run(). May be called from the callback.
  void submit(WhoisQuery query);
  /// Asks everything queued and returns when every query has had its callback.
  void run(const WhoisCallback& on_answer);
  /// submit() each, run(), and the answers in the order of `queries`. Call it
  /// with nothing else queued.
  std::vector<WhoisAnswer> query_all(std::vector<WhoisQuery> queries);

  struct Job;  ///< one query's state (internal)

 private:
  void start_ready(Clock::time_point now, Clock::time_point& wake, std::vector<WhoisAnswer>& done);
  void end_attempt(std::unique_ptr<Job> job, Clock::time_point now, std::vector<WhoisAnswer>& done);
  /// Puts a job in its server's queue, at the front (a retry) or the back.
  void queue(std::unique_ptr<Job> job, bool front);
  bool has_pending() const { return queued_ > 0 || !rejected_.empty(); }

  HostPolicies& policies_;
  WhoisOptions options_;
  /// Waiting queries by server, each server's in order (FIFO; retries at the front).
  /// Job::order ranks them all as one queue would; no deque is empty.
  std::map<std::string, std::deque<std::unique_ptr<Job>>> pending_;
  size_t queued_ = 0;                           ///< jobs in pending_
  int64_t first_order_ = 0, last_order_ = 0;    ///< Job::order of the front and back so far
  std::deque<std::unique_ptr<Job>> rejected_;  ///< refused at submit (a CR, LF or NUL), answered at once
  std::vector<std::unique_ptr<Job>> active_;
};

}  // namespace sg::net
