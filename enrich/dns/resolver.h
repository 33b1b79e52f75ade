// An asynchronous DNS stub resolver on c-ares: many queries in flight, raw answers kept.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "enrich/dns/types.h"

namespace sg::dns {

/// A DNS server to ask.
struct ServerAddress {
  IpAddress address;
  uint16_t port = 53;
  /// "1.2.3.4:53" or "[2001:db8::1]:53", the form c-ares takes in its server list.
  std::string to_string() const;
};

/// Parses a `--resolver` value: "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT", where HOST
/// is an IP address literal (host names are refused: resolving the resolver would
/// need a resolver). The error says what is wrong with which text.
Result<ServerAddress> parse_server(std::string_view text);

/// How a Resolver behaves. The defaults suit a public recursive resolver.
struct ResolverOptions {
  /// `--resolver` strings (see parse_server); empty means the system's resolvers
  /// from /etc/resolv.conf.
  std::vector<std::string> servers;
  int max_in_flight = 100;  ///< DNS queries outstanding at once (>= 1)
  int timeout_ms = 2000;    ///< wait for one try before retrying (>= 1)
  int tries = 2;            ///< tries per query and server (>= 1)
  int max_cname_hops = 8;   ///< CNAME steps the resolver follows itself (>= 0)
};

/// Resolves queries concurrently on one thread. Typical use:
///   auto resolver = Resolver::create(options);        // check the Result
///   auto answers = (*resolver)->resolve_all(queries);  // same order as queries
/// or submit() with callbacks, then run(). /etc/hosts is never consulted.
/// Not thread-safe: use one Resolver per thread.
class Resolver {
 public:
  /// Called once per submitted query, from inside run().
  using Callback = std::function<void(Answer)>;

  /// Validates the options and opens a c-ares channel; an error names the bad
  /// option or server string.
  static Result<std::unique_ptr<Resolver>> create(const ResolverOptions& options);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  /// Queues a query. Nothing is sent until run(). Callbacks may submit more queries;
  /// run() then handles them too.
  void submit(Query query, Callback callback);
  /// Sends queued queries, at most max_in_flight at a time, and waits for answers,
  /// timeouts or errors until every submitted query has had its callback.
  void run();
  /// submit() each query, run(), and return the answers in the order of `queries`.
  std::vector<Answer> resolve_all(const std::vector<Query>& queries);

  /// The options the resolver was created with.
  const ResolverOptions& options() const;

 private:
  struct Impl;
  explicit Resolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sg::dns
