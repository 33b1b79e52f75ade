#include "enrich/net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <ctime>

#include "core/ascii.h"
#include "enrich/net/curl_setup.h"
#include "enrich/net/url.h"

namespace sg::net {

struct HttpClient::Job {
  HttpRequest request;
  std::string current_url;  ///< after the redirects so far
  std::string host;         ///< of current_url: whose policy paces it
  int attempts = 0;         ///< requests sent
  int tries = 0;            ///< attempts at current_url (a redirect starts over)
  int redirects = 0;
  bool started = false;
  Clock::time_point first_start{};
  std::string last_failure;  ///< why the previous attempt failed, for the final error
  std::string rejection;     ///< why it is not sent at all (no host, a header with CR or LF)
  int64_t order = 0;         ///< its place among all queued requests: lower starts first

  // The attempt in flight.
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  uint64_t max_body = 0;
  bool too_big = false;
  long status = 0;
  std::string content_type;
  std::string retry_after;
  int64_t declared_length = -1;  ///< Content-Length of the response, -1 when absent
  std::string body;

  ~Job() { release_handle(); }
  void release_handle() {
    if (easy) curl_easy_cleanup(easy);
    easy = nullptr;
    if (header_list) curl_slist_free_all(header_list);
    header_list = nullptr;
  }
};

namespace {

/// A Content-Length value, saturating past int64 (it is only compared with a cap);
/// -1 when it is not a number.
int64_t parse_length(std::string_view value) {
  if (value.empty() || value.size() > 30) return value.empty() ? -1 : INT64_MAX;
  int64_t length = 0;
  for (char c : value) {
    if (!is_ascii_digit(c)) return -1;
    if (length > (INT64_MAX - 9) / 10) return INT64_MAX;
    length = length * 10 + (c - '0');
  }
  return length;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* job = static_cast<HttpClient::Job*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // A new response (after a proxy's CONNECT, or a 100): forget the previous one.
    job->content_type.clear();
    job->retry_after.clear();
    job->declared_length = -1;
    return line.size();
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  const std::string_view name = line.substr(0, colon);
  auto is = [&](std::string_view wanted) { return name.size() == wanted.size() && starts_with_nocase(name, wanted); };
  if (is("content-type")) job->content_type = std::string(trim_blanks(line.substr(colon + 1)));
  else if (is("retry-after")) job->retry_after = std::string(trim_blanks(line.substr(colon + 1)));
  else if (is("content-length")) job->declared_length = parse_length(trim_blanks(line.substr(colon + 1)));
  return line.size();
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* job = static_cast<HttpClient::Job*>(user);
  const size_t bytes = size * count;
  // Counted as decoded bytes arrive: Content-Length may be absent, false or compressed.
  if (job->body.size() + bytes > job->max_body) {
    job->too_big = true;
    return 0;
  }
  job->body.append(data, bytes);
  return bytes;
}

/// Failures that another try may cure: the host or the path to it had a bad moment.
bool transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR: return true;
    default: return false;
  }
}

std::string seconds_text(Millis millis) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g s", static_cast<double>(millis.count()) / 1000.0);
  return text;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// Why a redirect from `from` to `to` is not followed; "" when it may be.
std::string redirect_refusal(const UrlParts& from, const std::string& to_url) {
  // The scheme first: file:// and friends may not even have a host to parse.
  const size_t colon = to_url.find(':');
  const std::string scheme =
      ascii_lowercase(std::string_view(to_url).substr(0, colon == std::string::npos ? 0 : colon));
  if (scheme != "http" && scheme != "https") return "the scheme \"" + scheme + "\" is not http or https";
  auto to = parse_url(to_url);
  if (!to) return to.error().message;
  if (from.scheme == "https" && to->scheme == "http") return "it leaves https for plain http";
  const long default_port = to->scheme == "https" ? 443 : 80;
  const bool same_origin = to->host == from.host && to->port == from.port;
  if (to->port != default_port && !same_origin)
    return "port " + std::to_string(to->port) + " is neither the scheme's default nor the one asked";
  return "";
}

}  // namespace

HttpClient::HttpClient(HostPolicies& policies, HttpOptions options)
    : policies_(policies), options_(std::move(options)), user_agent_(user_agent(options_.contact)) {
  if (init_curl_once()) {
    CURLM* multi = curl_multi_init();
    if (multi) {
      const long connections = static_cast<long>(std::max<size_t>(1, options_.max_in_flight));
      curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, connections);
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connections);
    }
    multi_ = multi;
  }
}

HttpClient::~HttpClient() {
  for (auto& [easy, job] : active_) curl_multi_remove_handle(static_cast<CURLM*>(multi_), job->easy);
  active_.clear();
  if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

void HttpClient::submit(HttpRequest request) {
  auto job = std::make_unique<Job>();
  job->current_url = request.url;
  if (!options_.sourceapp.empty()) {
    if (auto parts = parse_url(request.url); parts && parts->host == "stat.ripe.net")
      job->current_url = with_query_parameter(request.url, "sourceapp", options_.sourceapp);
  }
  if (auto parts = parse_url(job->current_url)) job->host = parts->host;
  job->request = std::move(request);
  // Checked once here rather than on every pass of the queue.
  const bool header_breaks_line =
      std::any_of(job->request.headers.begin(), job->request.headers.end(),
                  [](const std::string& h) { return h.find_first_of("\r\n") != std::string::npos; });
  if (!job->host.empty() && header_breaks_line) {
    job->rejection = "a request header contains CR or LF; not sent";
    rejected_.push_back(std::move(job));
    return;
  }
  queue(std::move(job), false);
}

void HttpClient::queue(std::unique_ptr<Job> job, bool front) {
  if (job->host.empty()) {
    auto parts = parse_url(job->current_url);
    job->rejection = parts ? "no host" : parts.error().message;
    rejected_.push_back(std::move(job));
    return;
  }
  job->order = front ? --first_order_ : ++last_order_;
  auto& jobs = pending_[job->host];
  if (front) jobs.push_front(std::move(job));
  else jobs.push_back(std::move(job));
  ++queued_;
}

bool HttpClient::start_attempt(Job& job, Clock::time_point now, std::string& error) {
  job.release_handle();
  job.error_buffer[0] = '\0';
  job.too_big = false;
  job.status = 0;
  job.content_type.clear();
  job.retry_after.clear();
  job.declared_length = -1;
  job.body.clear();
  job.max_body = options_.max_body_bytes;
  CURL* easy = curl_easy_init();
  if (!easy) {
    error = "curl_easy_init failed";
    return false;
  }
  job.easy = easy;
  EasySettings settings;
  settings.user_agent = user_agent_;
  settings.connect_timeout = options_.connect_timeout;
  settings.low_speed_bytes = options_.low_speed_bytes;
  settings.low_speed_seconds = options_.low_speed_seconds;
  settings.follow_redirects = false;  // followed in finish_attempt, hop by hop
  configure_easy(easy, job.current_url, settings, job.error_buffer);
  // The attempt ends at its own limit or at the request's, whichever is first.
  const auto request_left = std::chrono::duration_cast<Millis>(job.first_start + options_.total_timeout - now);
  const Millis limit = std::max(Millis(1), std::min(options_.attempt_timeout, request_left));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(limit.count()));
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(std::min<uint64_t>(options_.max_body_bytes, INT64_MAX)));
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode; counted decoded
  for (const std::string& header : job.request.headers)
    job.header_list = curl_slist_append(job.header_list, header.c_str());
  if (job.header_list) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, job.header_list);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &job);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &job);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &job);
  if (curl_multi_add_handle(static_cast<CURLM*>(multi_), easy) != CURLM_OK) {
    error = "curl_multi_add_handle failed";
    return false;
  }
  ++job.attempts;
  ++job.tries;
  return true;
}

void HttpClient::start_ready(Clock::time_point now, Clock::time_point& wake, std::vector<HttpAnswer>& done) {
  for (auto& job : rejected_) done.push_back(give_up(*job, now, job->rejection));
  rejected_.clear();
  // The hosts by their first request's order, so that requests start as from one
  // queue of all of them; a host that says wait is left for this pass (its later
  // requests would wait too), so each pass costs the hosts plus the starts.
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
    Job& job = *jobs.front();
    HostPolicy& policy = policies_.for_host(job.host);
    const Admission admission = policy.try_start(now);
    if (admission.kind == Admission::wait) {
      if (admission.retry_at != Clock::time_point::max()) wake = std::min(wake, admission.retry_at);
      continue;
    }
    std::unique_ptr<Job> taken = std::move(jobs.front());
    jobs.pop_front();
    --queued_;
    if (jobs.empty()) pending_.erase(entry);
    else {
      hosts.emplace_back(jobs.front()->order, entry);
      std::push_heap(hosts.begin(), hosts.end(), later);
    }
    if (admission.kind == Admission::refuse) {
      if (!job.started) job.first_start = now;
      std::string why = admission.error;
      if (!job.last_failure.empty()) why += "; last failure: " + job.last_failure;
      done.push_back(give_up(job, now, why));
      continue;
    }
    if (!job.started) {
      job.started = true;
      job.first_start = now;
    }
    std::string error;
    if (!start_attempt(job, now, error)) {
      policy.finish(now, Outcome::answered);  // our failure, not the host's
      done.push_back(give_up(job, now, error));
      continue;
    }
    active_.emplace(job.easy, std::move(taken));
  }
}

HttpAnswer HttpClient::give_up(Job& job, Clock::time_point now, const std::string& why) {
  HttpAnswer answer;
  answer.id = job.request.id;
  answer.url = job.request.url;
  answer.effective_url = job.current_url;
  answer.status = job.status;
  answer.content_type = job.content_type;
  answer.retry_after = job.retry_after;
  answer.body = std::move(job.body);
  answer.seconds = job.started ? seconds_between(job.first_start, now) : 0;
  answer.attempts = job.attempts;
  answer.redirects = job.redirects;
  if (!why.empty()) answer.error = redact_url(job.current_url) + ": " + why;
  if (job.easy) {
    char* ip = nullptr;
    if (curl_easy_getinfo(job.easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) answer.server_ip = ip;
    curl_easy_getinfo(job.easy, CURLINFO_PRIMARY_PORT, &answer.server_port);
    long connects = 0;
    if (curl_easy_getinfo(job.easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
      answer.reused_connection = connects == 0 && job.status != 0;
  }
  job.release_handle();
  return answer;
}

void HttpClient::retry_or_give_up(std::unique_ptr<Job> job, Clock::time_point now, std::string why,
                                  std::vector<HttpAnswer>& done) {
  const HostPolicy& policy = policies_.for_host(job->host);
  const Clock::time_point deadline = job->first_start + options_.total_timeout;
  std::string reason;
  if (job->tries >= std::max(1, options_.max_attempts)) reason = why + " (" + std::to_string(job->tries) + " attempts)";
  else if (policy.not_before() > deadline)
    reason = why + "; the next try (after " +
             seconds_text(std::chrono::duration_cast<Millis>(policy.not_before() - now)) +
             ") would pass the request's time limit of " + seconds_text(options_.total_timeout);
  if (!reason.empty()) {
    done.push_back(give_up(*job, now, reason));
    return;
  }
  // Back in the queue: the policy's not_before holds it (and its host's other requests) back.
  job->last_failure = why;
  job->release_handle();
  queue(std::move(job), true);
}

void HttpClient::finish_attempt(std::unique_ptr<Job> job, int curl_code, Clock::time_point now,
                                std::vector<HttpAnswer>& done) {
  HostPolicy& policy = policies_.for_host(job->host);
  const auto code = static_cast<CURLcode>(curl_code);
  if (job->too_big || code == CURLE_FILESIZE_EXCEEDED) {
    curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &job->status);
    policy.finish(now, Outcome::failed);
    const int64_t declared = job->declared_length;
    const std::string cap = std::to_string(options_.max_body_bytes);
    const std::string why = job->too_big ? "the body exceeds the cap of " + cap + " bytes (stopped there)"
                                         : "the server declares " + std::to_string(declared) +
                                               " bytes (Content-Length), over the cap of " + cap + " bytes";
    job->body.clear();
    done.push_back(give_up(*job, now, why));
    return;
  }
  if (code != CURLE_OK) {
    policy.finish(now, Outcome::failed);
    const std::string why = curl_failure(code, job->error_buffer);
    if (code == CURLE_OPERATION_TIMEDOUT && job->first_start + options_.total_timeout <= now + Millis(20)) {
      done.push_back(give_up(
          *job, now, why + "; the request's time limit of " + seconds_text(options_.total_timeout) + " is spent"));
      return;
    }
    if (transient(code)) return retry_or_give_up(std::move(job), now, why, done);
    done.push_back(give_up(*job, now, why));
    return;
  }
  curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &job->status);
  const long status = job->status;
  if (status >= 300 && status < 400 && status != 304) {
    char* location = nullptr;
    curl_easy_getinfo(job->easy, CURLINFO_REDIRECT_URL, &location);
    if (location != nullptr && location[0] != '\0') {
      policy.finish(now, Outcome::answered);
      const std::string target = location;
      if (job->redirects >= options_.max_redirects) {
        done.push_back(give_up(*job, now,
                               "more than " + std::to_string(options_.max_redirects) + " redirects; the next was to " +
                                   redact_url(target)));
        return;
      }
      auto from = parse_url(job->current_url);
      const std::string refusal = from ? redirect_refusal(*from, target) : from.error().message;
      if (!refusal.empty()) {
        done.push_back(give_up(*job, now, "redirect to " + redact_url(target) + " refused: " + refusal));
        return;
      }
      ++job->redirects;
      job->tries = 0;
      job->current_url = target;
      job->host = parse_url(target)->host;
      job->release_handle();
      queue(std::move(job), true);
      return;
    }
  }
  if (status == 429 || status == 503) {
    const auto wait = parse_retry_after(job->retry_after, static_cast<UnixTime>(std::time(nullptr)));
    policy.finish(now, Outcome::throttled, wait);
    std::string why = "HTTP " + std::to_string(status);
    if (!job->retry_after.empty()) why += " with Retry-After: " + job->retry_after;
    return retry_or_give_up(std::move(job), now, why, done);
  }
  if (status >= 500) {
    policy.finish(now, Outcome::failed);
    return retry_or_give_up(std::move(job), now, "HTTP " + std::to_string(status), done);
  }
  policy.finish(now, Outcome::answered);
  done.push_back(give_up(*job, now, ""));
}

void HttpClient::run(const AnswerCallback& on_answer) {
  std::vector<HttpAnswer> done;
  auto deliver = [&] {
    // After the bookkeeping: the callback may submit more.
    std::vector<HttpAnswer> answers;
    answers.swap(done);
    for (HttpAnswer& answer : answers) on_answer(std::move(answer));
  };
  if (!multi_) {
    while (has_pending()) {
      std::vector<std::unique_ptr<Job>> jobs;
      for (auto& job : rejected_) jobs.push_back(std::move(job));
      rejected_.clear();
      for (auto& [host, queued] : pending_)
        for (auto& job : queued) jobs.push_back(std::move(job));
      pending_.clear();
      queued_ = 0;
      for (auto& job : jobs) done.push_back(give_up(*job, Clock::now(), "libcurl could not be initialised"));
      deliver();  // the callback may submit more
    }
    return;
  }
  CURLM* multi = static_cast<CURLM*>(multi_);
  while (has_pending() || !active_.empty()) {
    Clock::time_point now = Clock::now();
    Clock::time_point wake = now + std::chrono::seconds(1);
    start_ready(now, wake, done);
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    bool finished_any = false;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(multi, easy);
      auto it = active_.find(easy);
      if (it == active_.end()) continue;
      std::unique_ptr<Job> job = std::move(it->second);
      active_.erase(it);
      finish_attempt(std::move(job), code, Clock::now(), done);
      finished_any = true;
    }
    deliver();
    if (!has_pending() && active_.empty()) break;
    // A freed slot or a redirect put back may start at once.
    if (finished_any) continue;
    now = Clock::now();
    // Rounded up: waking a little early would only find the token not yet there.
    const auto wait = std::chrono::ceil<Millis>(wake - now).count();
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(std::clamp<int64_t>(wait, 0, 1000)), nullptr);
  }
}

std::vector<HttpAnswer> HttpClient::fetch_all(std::vector<HttpRequest> requests) {
  std::vector<HttpAnswer> answers(requests.size());
  std::map<uint64_t, uint64_t> callers_ids;
  for (size_t i = 0; i < requests.size(); ++i) {
    callers_ids[i] = requests[i].id;
    requests[i].id = i;
    submit(std::move(requests[i]));
  }
  run([&](HttpAnswer&& answer) {
    const uint64_t index = answer.id;
    answer.id = callers_ids[index];
    answers[index] = std::move(answer);
  });
  return answers;
}

}  // namespace sg::net
