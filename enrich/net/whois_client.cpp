#include "enrich/net/whois_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace sg::net {

struct WhoisClient::Job {
  WhoisQuery query;
  int attempts = 0;
  bool started = false;
  Clock::time_point first_start{};
  int64_t order = 0;  ///< its place among all queued queries: lower starts first

  // The attempt in flight.
  enum class Stage { connecting, sending, reading };
  Stage stage = Stage::connecting;
  int fd = -1;
  addrinfo* addresses = nullptr;
  addrinfo* next_address = nullptr;  ///< the one to try after the current
  std::string address;               ///< the current one, printable
  std::string connect_failures;      ///< why earlier addresses failed
  Clock::time_point attempt_start{};
  Clock::time_point connect_deadline{};
  Clock::time_point last_activity{};
  std::string request;  ///< "QUERY\r\n"
  size_t sent = 0;
  std::string answer;
  bool truncated = false;

  // How the attempt ended.
  bool ended = false;
  bool retry_worth = false;  ///< refused or reset: another attempt may succeed
  std::string why;           ///< "" for a complete answer

  ~Job() { reset_attempt(); }
  void close_socket() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  void reset_attempt() {
    close_socket();
    if (addresses) freeaddrinfo(addresses);
    addresses = nullptr;
    next_address = nullptr;
  }
  void end(std::string reason, bool retry) {
    close_socket();
    ended = true;
    why = std::move(reason);
    retry_worth = retry;
  }
};

namespace {

using Job = WhoisClient::Job;

std::string seconds_text(Millis millis) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g s", static_cast<double>(millis.count()) / 1000.0);
  return text;
}

std::string printable_address(const addrinfo* address) {
  char host[NI_MAXHOST] = {0};
  char port[NI_MAXSERV] = {0};
  if (getnameinfo(address->ai_addr, address->ai_addrlen, host, sizeof host, port, sizeof port,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  return address->ai_family == AF_INET6 ? "[" + std::string(host) + "]:" + port : std::string(host) + ":" + port;
}

/// Starts a non-blocking connection to the next address; ends the attempt when
/// none is left.
void connect_next(Job& job, Clock::time_point now, Millis connect_timeout) {
  job.close_socket();
  while (job.next_address != nullptr) {
    const addrinfo* address = job.next_address;
    job.next_address = address->ai_next;
    job.address = printable_address(address);
    const int fd = socket(address->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) {
      job.connect_failures += (job.connect_failures.empty() ? "" : "; ") + job.address + ": " + std::strerror(errno);
      continue;
    }
    job.fd = fd;
    const bool at_once = connect(fd, address->ai_addr, address->ai_addrlen) == 0;
    if (at_once || errno == EINPROGRESS) {
      job.stage = at_once ? Job::Stage::sending : Job::Stage::connecting;
      job.connect_deadline = now + connect_timeout;
      job.last_activity = now;
      return;
    }
    job.connect_failures += (job.connect_failures.empty() ? "" : "; ") + job.address + ": " + std::strerror(errno);
    job.close_socket();
  }
  job.end("cannot connect (" + job.connect_failures + ")", true);
}

void begin_attempt(Job& job, Clock::time_point now, const WhoisOptions& options) {
  job.reset_attempt();
  job.ended = false;
  job.why.clear();
  job.retry_worth = false;
  job.answer.clear();
  job.truncated = false;
  job.sent = 0;
  job.connect_failures.clear();
  job.address.clear();
  job.attempt_start = now;
  ++job.attempts;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const std::string port = std::to_string(job.query.port);
  const int rc = getaddrinfo(job.query.server.c_str(), port.c_str(), &hints, &job.addresses);
  if (rc != 0) {
    job.addresses = nullptr;
    return job.end(std::string("cannot resolve: ") + gai_strerror(rc), false);
  }
  job.next_address = job.addresses;
  connect_next(job, now, options.connect_timeout);
}

/// Moves the attempt on after poll() said the socket is ready.
void advance(Job& job, short events, Clock::time_point now, const WhoisOptions& options) {
  if (job.stage == Job::Stage::connecting) {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(job.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) {
      job.connect_failures += (job.connect_failures.empty() ? "" : "; ") + job.address + ": " + std::strerror(error);
      return connect_next(job, now, options.connect_timeout);
    }
    job.stage = Job::Stage::sending;
    job.last_activity = now;
  }
  if (job.stage == Job::Stage::sending) {
    const ssize_t n = send(job.fd, job.request.data() + job.sent, job.request.size() - job.sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return job.end("cannot send the query to " + job.address + ": " + std::strerror(errno), true);
    }
    job.sent += static_cast<size_t>(n);
    job.last_activity = now;
    if (job.sent == job.request.size()) job.stage = Job::Stage::reading;
    return;
  }
  if (!(events & (POLLIN | POLLHUP | POLLERR))) return;
  char buffer[65536];
  const ssize_t n = recv(job.fd, buffer, sizeof buffer, 0);
  if (n == 0) return job.end("", false);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    const int error = errno;
    job.truncated = !job.answer.empty();
    return job.end(std::string(error == ECONNRESET ? "connection reset by the server" : std::strerror(error)) +
                       " after " + std::to_string(job.answer.size()) + " bytes of the answer" +
                       (job.truncated ? " (the prefix is kept, truncated)" : ""),
                   true);
  }
  job.last_activity = now;
  const uint64_t room = options.max_answer_bytes - std::min<uint64_t>(options.max_answer_bytes, job.answer.size());
  if (static_cast<uint64_t>(n) > room) {
    job.answer.append(buffer, static_cast<size_t>(room));
    job.truncated = true;
    return job.end("answer exceeds " + std::to_string(options.max_answer_bytes) + " bytes; the first " +
                       std::to_string(options.max_answer_bytes) + " are kept, truncated",
                   false);
  }
  job.answer.append(buffer, static_cast<size_t>(n));
}

/// Ends the attempt when one of its clocks ran out; else the time it next must look.
Clock::time_point check_deadlines(Job& job, Clock::time_point now, const WhoisOptions& options) {
  if (job.stage == Job::Stage::connecting) {
    if (now >= job.connect_deadline) {
      job.connect_failures += (job.connect_failures.empty() ? "" : "; ") + job.address + ": no connection within " +
                              seconds_text(options.connect_timeout);
      connect_next(job, now, options.connect_timeout);
      return now;
    }
    return job.connect_deadline;
  }
  const Clock::time_point idle_end = job.last_activity + options.idle_timeout;
  const Clock::time_point total_end = job.attempt_start + options.total_timeout;
  if (now >= total_end || now >= idle_end) {
    job.truncated = !job.answer.empty();
    const std::string got =
        std::to_string(job.answer.size()) + " bytes received" + (job.truncated ? ", kept truncated" : "");
    job.end(now >= total_end ? "not finished within " + seconds_text(options.total_timeout) + " (" + got + ")"
                             : "no data for " + seconds_text(options.idle_timeout) + " (" + got + ")",
            false);
    return now;
  }
  return std::min(idle_end, total_end);
}

// The bytes sent: the query and CRLF, or each line of a multi-line query with CRLF.
std::string request_bytes(const WhoisQuery& query) {
  if (!query.multi_line) return query.query + "\r\n";
  std::string request;
  std::string_view rest = query.query;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    request += rest.substr(0, newline);
    request += "\r\n";
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
  }
  return request;
}

// "whois HOST:PORT query \"QUERY\": ", with a multi-line query's first line only
// (a bulk request of thousands of lines would drown the reason).
std::string error_prefix(const WhoisQuery& query) {
  std::string shown = "\"" + query.query + "\"";
  if (query.multi_line)
    shown = "\"" + query.query.substr(0, query.query.find('\n')) + "...\" (" +
            std::to_string(std::count(query.query.begin(), query.query.end(), '\n')) + " lines)";
  return "whois " + query.server + ":" + std::to_string(query.port) + " query " + shown + ": ";
}

}  // namespace

WhoisClient::WhoisClient(HostPolicies& policies, WhoisOptions options)
    : policies_(policies), options_(std::move(options)) {}

WhoisClient::~WhoisClient() = default;

void WhoisClient::submit(WhoisQuery query) {
  auto job = std::make_unique<Job>();
  job->query = std::move(query);
  job->request = request_bytes(job->query);
  // Checked once here rather than on every pass of the queue.
  const std::string refused = job->query.multi_line ? std::string("\r\0", 2) : std::string("\r\n\0", 3);
  if (job->query.query.find_first_of(refused) != std::string::npos) {
    job->end(job->query.multi_line ? "the query contains CR or NUL; not sent"
                                   : "the query contains CR, LF or NUL; not sent",
             false);
    rejected_.push_back(std::move(job));
    return;
  }
  queue(std::move(job), false);
}

void WhoisClient::queue(std::unique_ptr<Job> job, bool front) {
  job->order = front ? --first_order_ : ++last_order_;
  auto& jobs = pending_[job->query.server];
  if (front) jobs.push_front(std::move(job));
  else jobs.push_back(std::move(job));
  ++queued_;
}

void WhoisClient::start_ready(Clock::time_point now, Clock::time_point& wake, std::vector<WhoisAnswer>& done) {
  while (!rejected_.empty()) {
    std::unique_ptr<Job> job = std::move(rejected_.front());
    rejected_.pop_front();
    job->first_start = now;
    job->started = true;
    end_attempt(std::move(job), now, done);  // not counted: answered with its error
  }
  // The servers by their first query's order, so that queries start as from one
  // queue of all of them; a server that says wait is left for this pass (its later
  // queries would wait too), so each pass costs the servers plus the starts.
  using Host = std::pair<int64_t, decltype(pending_)::iterator>;
  auto later = [](const Host& a, const Host& b) { return a.first > b.first; };
  std::vector<Host> hosts;
  hosts.reserve(pending_.size());
  for (auto it = pending_.begin(); it != pending_.end(); ++it) hosts.emplace_back(it->second.front()->order, it);
  std::make_heap(hosts.begin(), hosts.end(), later);
  while (!hosts.empty()) {
    if (active_.size() >= std::max<size_t>(1, options_.max_in_flight)) return;
    std::pop_heap(hosts.begin(), hosts.end(), later);
    const auto entry = hosts.back().second;
    hosts.pop_back();
    std::deque<std::unique_ptr<Job>>& jobs = entry->second;
    HostPolicy& policy = policies_.for_host(entry->first);
    const Admission admission = policy.try_start(now);
    if (admission.kind == Admission::wait) {
      if (admission.retry_at != Clock::time_point::max()) wake = std::min(wake, admission.retry_at);
      continue;
    }
    std::unique_ptr<Job> taken = std::move(jobs.front());
    jobs.pop_front();
    --queued_;
    Job& job = *taken;
    if (!job.started) {
      job.started = true;
      job.first_start = now;
    }
    if (admission.kind == Admission::refuse) {
      job.end(admission.error + (job.why.empty() ? "" : "; last failure: " + job.why), false);
      // Not started: nothing to hand back to the policy.
      WhoisAnswer answer;
      answer.id = job.query.id;
      answer.server = job.query.server;
      answer.port = job.query.port;
      answer.query = job.query.query;
      answer.attempts = job.attempts;
      answer.seconds = std::chrono::duration<double>(now - job.first_start).count();
      answer.error = error_prefix(job.query) + job.why;
      done.push_back(std::move(answer));
    } else {
      begin_attempt(job, now, options_);
      // An attempt that ended at once may come back to the front of this queue (a retry).
      if (job.ended) end_attempt(std::move(taken), now, done);
      else active_.push_back(std::move(taken));
    }
    if (jobs.empty()) {
      pending_.erase(entry);
    } else {
      hosts.emplace_back(jobs.front()->order, entry);
      std::push_heap(hosts.begin(), hosts.end(), later);
    }
  }
}

void WhoisClient::end_attempt(std::unique_ptr<Job> job, Clock::time_point now, std::vector<WhoisAnswer>& done) {
  const bool complete = job->why.empty();
  const bool counted = job->attempts > 0;  // a query refused before sending took no slot
  if (counted) {
    HostPolicy& policy = policies_.for_host(job->query.server);
    policy.finish(now, complete ? Outcome::answered : Outcome::failed);
    if (!complete && job->retry_worth && job->attempts < std::max(1, options_.max_attempts)) {
      job->reset_attempt();
      queue(std::move(job), true);
      return;
    }
  }
  WhoisAnswer answer;
  answer.id = job->query.id;
  answer.server = job->query.server;
  answer.port = job->query.port;
  answer.query = job->query.query;
  answer.answer = std::move(job->answer);
  answer.truncated = job->truncated;
  answer.seconds = std::chrono::duration<double>(now - job->first_start).count();
  answer.address = job->address;
  answer.attempts = job->attempts;
  if (!complete) {
    answer.error = error_prefix(job->query) + job->why;
    if (job->attempts > 1) answer.error += " (" + std::to_string(job->attempts) + " attempts)";
  }
  done.push_back(std::move(answer));
}

void WhoisClient::run(const WhoisCallback& on_answer) {
  std::vector<WhoisAnswer> done;
  std::vector<pollfd> fds;
  while (has_pending() || !active_.empty()) {
    Clock::time_point now = Clock::now();
    Clock::time_point wake = now + std::chrono::seconds(1);
    start_ready(now, wake, done);

    fds.clear();
    for (const auto& job : active_) {
      const short events = job->stage == Job::Stage::reading ? POLLIN : POLLOUT;
      fds.push_back(pollfd{job->fd, events, 0});
      wake = std::min(wake, check_deadlines(*job, now, options_));
    }
    const auto wait = std::chrono::ceil<Millis>(wake - now).count();
    const int timeout = done.empty() ? static_cast<int>(std::clamp<int64_t>(wait, 0, 1000)) : 0;
    if (fds.empty()) {
      if (timeout > 0 && has_pending()) poll(nullptr, 0, timeout);
    } else if (poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
      break;  // cannot happen with valid descriptors; the jobs end below by their deadlines
    }
    now = Clock::now();
    for (size_t i = 0; i < fds.size() && i < active_.size(); ++i) {
      Job& job = *active_[i];
      if (job.ended || job.fd != fds[i].fd) continue;
      if (fds[i].revents != 0) advance(job, fds[i].revents, now, options_);
      if (!job.ended) check_deadlines(job, now, options_);
    }
    for (auto it = active_.begin(); it != active_.end();) {
      if ((*it)->ended) {
        std::unique_ptr<Job> job = std::move(*it);
        it = active_.erase(it);
        end_attempt(std::move(job), now, done);
      } else {
        ++it;
      }
    }
    std::vector<WhoisAnswer> answers;
    answers.swap(done);
    for (WhoisAnswer& answer : answers) on_answer(std::move(answer));
  }
}

std::vector<WhoisAnswer> WhoisClient::query_all(std::vector<WhoisQuery> queries) {
  std::vector<WhoisAnswer> answers(queries.size());
  std::map<uint64_t, uint64_t> callers_ids;
  for (size_t i = 0; i < queries.size(); ++i) {
    callers_ids[i] = queries[i].id;
    queries[i].id = i;
    submit(std::move(queries[i]));
  }
  run([&](WhoisAnswer&& answer) {
    const uint64_t index = answer.id;
    answer.id = callers_ids[index];
    answers[index] = std::move(answer);
  });
  return answers;
}

}  // namespace sg::net
