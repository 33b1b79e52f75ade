#include "enrich/dns/resolver.h"

#include <ares.h>
#include <poll.h>

#include <charconv>
#include <deque>
#include <mutex>
#include <utility>

#include "core/ascii.h"
#include "enrich/dns/wire.h"

namespace sg::dns {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kClassIn = 1;

Error server_error(std::string_view text, const std::string& message) {
  return Error{message, "--resolver '" + std::string(text) + "'"};
}

Status status_from_ares(int status) {
  switch (status) {
    case ARES_ETIMEOUT: return Status::Timeout;
    case ARES_ECONNREFUSED: return Status::ConnRefused;
    case ARES_EBADNAME: return Status::BadName;
    default: return Status::Error;
  }
}

/// Follows CNAME records of `answers` from `name`; returns the last name reached and
/// appends each step to `chain`. Stops at a loop (returns an error message).
std::string walk_chain(const std::vector<Record>& answers, std::string name, std::vector<std::string>& chain,
                       std::string& loop_error) {
  for (size_t guard = 0; guard <= answers.size(); ++guard) {
    const Record* alias = nullptr;
    for (const Record& record : answers) {
      if (record.type == RecordType::CNAME && record.name == name) alias = &record;
    }
    if (alias == nullptr) break;
    for (const std::string& seen : chain) {
      if (seen == alias->value) {
        loop_error = "CNAME loop at " + alias->value;
        return name;
      }
    }
    chain.push_back(alias->value);
    name = alias->value;
  }
  return name;
}

bool has_type(const std::vector<Record>& answers, const std::string& owner, RecordType type) {
  for (const Record& record : answers) {
    if (record.type == type && record.name == owner) return true;
  }
  return false;
}

}  // namespace

std::string ServerAddress::to_string() const {
  const std::string host = address.to_string();
  return (address.is_v4() ? host : "[" + host + "]") + ":" + std::to_string(port);
}

Result<ServerAddress> parse_server(std::string_view text) {
  if (text.empty()) return server_error(text, "empty resolver address");
  std::string_view host = text;
  std::string_view port_text;
  if (text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return server_error(text, "missing ']'");
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return server_error(text, "expected ':PORT' after ']'");
      port_text = rest.substr(1);
      if (port_text.empty()) return server_error(text, "empty port");
    }
  } else if (const size_t colon = text.find(':'); colon != std::string_view::npos &&
                                                   text.find(':', colon + 1) == std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (port_text.empty()) return server_error(text, "empty port");
  }
  ServerAddress server;
  const auto address = IpAddress::parse(host);
  if (!address || host.find('%') != std::string_view::npos || starts_with_nocase(host, "ipv6:")) {
    return server_error(text, "not an IP address (host names are not accepted; use HOST[:PORT] or [V6]:PORT)");
  }
  server.address = *address;
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return server_error(text, "port must be a number from 1 to 65535");
    }
    server.port = static_cast<uint16_t>(port);
  }
  return server;
}

struct Resolver::Impl {
  /// One submitted query through all its CNAME hops.
  struct Job {
    Resolver::Callback callback;
    Answer answer;
    std::string current;  ///< name asked in the current hop
    int hops = 0;
    SteadyClock::time_point start;
  };

  ResolverOptions options;
  ares_channel channel = nullptr;
  std::deque<std::unique_ptr<Job>> queue;
  int in_flight = 0;

  ~Impl() {
    if (channel != nullptr) ares_destroy(channel);  // pending callbacks get ARES_EDESTRUCTION
  }

  struct Context {
    Impl* impl;
    Job* job;
  };

  void launch() {
    while (in_flight < options.max_in_flight && !queue.empty()) {
      Job* job = queue.front().release();
      queue.pop_front();
      job->start = SteadyClock::now();
      job->answer.time = std::chrono::system_clock::now();
      send(job);
    }
  }

  void send(Job* job) {
    ++in_flight;
    auto* context = new Context{this, job};
    ares_query(channel, job->current.c_str(), kClassIn, static_cast<int>(job->answer.query.type), &Impl::on_answer,
               context);
  }

  static void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    std::unique_ptr<Context> context(static_cast<Context*>(arg));
    std::unique_ptr<Job> job(context->job);
    Impl& impl = *context->impl;
    --impl.in_flight;
    if (status == ARES_EDESTRUCTION) return;  // the resolver is going away
    Answer& answer = job->answer;
    if (abuf == nullptr || alen <= 0) {
      answer.raw.emplace_back();
      answer.status = status_from_ares(status);
      answer.error = ares_strerror(status);
      impl.finish(std::move(job));
      return;
    }
    answer.raw.emplace_back(reinterpret_cast<const char*>(abuf), static_cast<size_t>(alen));
    auto message = parse_message(answer.raw.back());
    if (!message) {
      answer.status = Status::Error;
      answer.error = message.error().to_string();
      impl.finish(std::move(job));
      return;
    }
    answer.status = status_from_rcode(message->rcode);
    answer.records.insert(answer.records.end(), message->answers.begin(), message->answers.end());
    const std::string reached = walk_chain(message->answers, job->current, answer.cname_chain, answer.error);
    const RecordType type = answer.query.type;
    const bool moved = reached != job->current;
    const bool wants_more = type == RecordType::CNAME ? moved : moved && !has_type(message->answers, reached, type);
    if (answer.status != Status::NoError || !wants_more || !answer.error.empty()) {
      impl.finish(std::move(job));
      return;
    }
    if (job->hops >= impl.options.max_cname_hops) {
      answer.error = "CNAME chain longer than " + std::to_string(impl.options.max_cname_hops) + " hops";
      impl.finish(std::move(job));
      return;
    }
    ++job->hops;
    job->current = reached;
    impl.send(job.release());  // reuses the slot this hop just freed
  }

  void finish(std::unique_ptr<Job> job) {
    job->answer.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - job->start);
    job->callback(std::move(job->answer));
    launch();
  }

  /// Waits for socket activity or the next c-ares timeout and lets c-ares process it.
  void wait_once() {
    ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
    const int bits = ares_getsock(channel, sockets, ARES_GETSOCK_MAXNUM);
    std::vector<pollfd> fds;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events != 0) fds.push_back(pollfd{sockets[i], events, 0});
    }
    timeval tv{};
    const timeval* next = ares_timeout(channel, nullptr, &tv);
    const int wait_ms = next == nullptr ? 1000 : static_cast<int>(next->tv_sec * 1000 + (next->tv_usec + 999) / 1000);
    if (poll(fds.data(), fds.size(), wait_ms) <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts only
      return;
    }
    for (const pollfd& fd : fds) {
      if (fd.revents == 0) continue;
      const bool readable = (fd.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
      const bool writable = (fd.revents & POLLOUT) != 0;
      ares_process_fd(channel, readable ? fd.fd : ARES_SOCKET_BAD, writable ? fd.fd : ARES_SOCKET_BAD);
    }
  }
};

Resolver::Resolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Resolver::~Resolver() = default;

Result<std::unique_ptr<Resolver>> Resolver::create(const ResolverOptions& options) {
  if (options.max_in_flight < 1) return Error{"must be at least 1", "max_in_flight"};
  if (options.timeout_ms < 1) return Error{"must be at least 1", "timeout_ms"};
  if (options.tries < 1) return Error{"must be at least 1", "tries"};
  if (options.max_cname_hops < 0) return Error{"must not be negative", "max_cname_hops"};
  std::string csv;
  for (const std::string& text : options.servers) {
    auto server = parse_server(text);
    if (!server) return server.error();
    csv += (csv.empty() ? "" : ",") + server->to_string();
  }
  static std::once_flag library_once;
  static int library_status = ARES_SUCCESS;
  std::call_once(library_once, [] { library_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (library_status != ARES_SUCCESS) return Error{ares_strerror(library_status), "c-ares init"};

  auto impl = std::make_unique<Impl>();
  impl->options = options;
  ares_options ares{};
  ares.flags = ARES_FLAG_NOCHECKRESP;  // report SERVFAIL/REFUSED as answered, with their bytes
  ares.timeout = options.timeout_ms;
  ares.tries = options.tries;
  char lookups[] = "b";  // DNS only: never /etc/hosts
  ares.lookups = lookups;
  const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
  if (const int rc = ares_init_options(&impl->channel, &ares, mask); rc != ARES_SUCCESS) {
    impl->channel = nullptr;
    return Error{ares_strerror(rc), "c-ares channel"};
  }
  if (!csv.empty()) {
    if (const int rc = ares_set_servers_ports_csv(impl->channel, csv.c_str()); rc != ARES_SUCCESS) {
      return Error{ares_strerror(rc), "--resolver " + csv};
    }
  }
  return std::unique_ptr<Resolver>(new Resolver(std::move(impl)));
}

void Resolver::submit(Query query, Callback callback) {
  auto job = std::make_unique<Impl::Job>();
  job->current = normalize_name(query.name);
  job->answer.query = std::move(query);
  job->callback = std::move(callback);
  impl_->queue.push_back(std::move(job));
}

void Resolver::run() {
  impl_->launch();
  while (impl_->in_flight > 0 || !impl_->queue.empty()) {
    impl_->launch();
    if (impl_->in_flight > 0) impl_->wait_once();
  }
}

std::vector<Answer> Resolver::resolve_all(const std::vector<Query>& queries) {
  std::vector<Answer> answers(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    submit(queries[i], [&answers, i](Answer answer) { answers[i] = std::move(answer); });
  }
  run();
  return answers;
}

const ResolverOptions& Resolver::options() const { return impl_->options; }

}  // namespace sg::dns
