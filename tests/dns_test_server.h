// A real unbound on 127.0.0.1 serving a fixed zone, for resolver tests.
#pragma once
#include <cstdint>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "core/result.h"

namespace sg {

/// What the test server answers, as unbound local-zone/local-data lines. Names
/// outside every zone are REFUSED (the server never recurses, so no query leaves
/// 127.0.0.1); names under a zone without data are NXDOMAIN.
struct DnsZone {
  /// (zone name, unbound local-zone type such as "static" or "refuse").
  std::vector<std::pair<std::string, std::string>> zones;
  /// Records in zone-file syntax: "a.example. 300 IN A 192.0.2.1".
  std::vector<std::string> records;
  /// Zones whose every name is answered SERVFAIL (a stub zone with no usable server).
  std::vector<std::string> servfail_zones;

  /// Adds a record line.
  void add(std::string record) { records.push_back(std::move(record)); }
  /// Replaces every A record of `domain` (no trailing dot) by one pointing at `ip`.
  void set_a(const std::string& domain, const std::string& ip, int ttl = 3600);
  /// The server: section lines for unbound.conf.
  std::string unbound_lines() const;
};

/// The 20 domains the blog (seed/blog-ja-cks-part2.txt) lists at 103.244.54.137.
const std::vector<std::string>& blog_domains();

/// The blog's facts as a zone: the 20 domains' A records (103.244.54.137), the PTR
/// 103.244.54.137 -> static-ip.137.54.244.103.rev.i4hk.com and that name's A back,
/// plus made-up test data: MX, NS, AAAA, an SPF TXT, a CNAME chain
/// (www.somach789.xyz -> track.authoranz.xyz -> authoranz.xyz), a PTR that does not
/// confirm (103.244.54.138), an IPv6 PTR that does (2001:db8::25), names that
/// give NXDOMAIN (nx.jonjokojon789.shop), SERVFAIL (*.servfail.test) and REFUSED
/// (anything outside the zones, e.g. example.com).
DnsZone blog_zone();

/// unbound -d on 127.0.0.1 at a free port, in its own temporary folder. Stopped with
/// SIGTERM (and waited for) on destruction.
class DnsTestServer {
 public:
  /// Writes the config, starts unbound and waits (up to 5 s) until it answers.
  /// Fails when unbound is not installed or does not come up (the error carries its log).
  static Result<std::unique_ptr<DnsTestServer>> start(const DnsZone& zone);
  ~DnsTestServer();
  DnsTestServer(const DnsTestServer&) = delete;
  DnsTestServer& operator=(const DnsTestServer&) = delete;

  uint16_t port() const { return port_; }
  /// "127.0.0.1:PORT", a ResolverOptions::servers entry.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  DnsTestServer() = default;
  std::string dir_;  ///< temporary folder, removed on destruction
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

/// A free UDP+TCP port on 127.0.0.1 (bound then released, so racy but fine for tests).
uint16_t free_local_port();

/// Runs argv (PATH is searched) with output discarded and waits; returns its exit
/// status, or -1 when it could not start or was killed.
int run_silently(const std::vector<std::string>& argv);

/// A UDP socket on 127.0.0.1 that receives queries and never answers: a resolver
/// pointed at it times out.
class SilentUdpPort {
 public:
  SilentUdpPort();
  ~SilentUdpPort();
  SilentUdpPort(const SilentUdpPort&) = delete;
  SilentUdpPort& operator=(const SilentUdpPort&) = delete;
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

/// A UDP DNS server on 127.0.0.1 that answers every query late: after `delay_ms` it
/// sends the question back as an empty NOERROR answer (unbound has no delay knob,
/// so slow answers come from here rather than from the zone).
class SlowUdpServer {
 public:
  explicit SlowUdpServer(int delay_ms);
  ~SlowUdpServer();  ///< stops and joins the serving thread
  SlowUdpServer(const SlowUdpServer&) = delete;
  SlowUdpServer& operator=(const SlowUdpServer&) = delete;
  uint16_t port() const { return port_; }
  /// Queries answered so far.
  int answered() const { return answered_.load(); }

 private:
  void serve();
  int fd_ = -1;
  uint16_t port_ = 0;
  int delay_ms_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

}  // namespace sg
