#include "tests/dns_test_server.h"
#include "tests/helpers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "enrich/dns/resolver.h"

extern char** environ;

namespace sg {
namespace {

constexpr const char* kBlogIp = "103.244.54.137";

/// Binds a socket of `type` to 127.0.0.1:port (0 = any); returns the fd or -1.
int bind_local(int type, uint16_t port) {
  const int fd = socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

bool child_exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

uint16_t free_local_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int udp = bind_local(SOCK_DGRAM, 0);
    if (udp < 0) continue;
    const uint16_t port = bound_port(udp);
    const int tcp = bind_local(SOCK_STREAM, port);
    close(udp);
    if (tcp >= 0) {
      close(tcp);
      return port;
    }
  }
  return 0;
}

void DnsZone::set_a(const std::string& domain, const std::string& ip, int ttl) {
  const std::string owner = domain + ".";
  std::erase_if(records, [&](const std::string& line) {
    return line.starts_with(owner + " ") && line.find(" IN A ") != std::string::npos;
  });
  add(owner + " " + std::to_string(ttl) + " IN A " + ip);
}

std::string DnsZone::unbound_lines() const {
  std::string out = "  local-zone: \".\" refuse\n";
  for (const auto& [name, type] : zones) out += "  local-zone: \"" + name + "\" " + type + "\n";
  for (const std::string& zone : servfail_zones) out += "  local-zone: \"" + zone + "\" transparent\n";
  for (const std::string& record : records) {
    const char quote = record.find('"') == std::string::npos ? '"' : '\'';
    out += "  local-data: " + std::string(1, quote) + record + quote + "\n";
  }
  return out;
}

const std::vector<std::string>& blog_domains() {
  static const std::vector<std::string> domains = {
      "jonjokojon789.shop", "sunsonshu55.shop",   "20fv9uicbmcid.link", "2bke8q4dybzuo.link",
      "cph7l0pgxnv2s.link", "dzea626y1whdr.link", "g0zs8omwfqere.link", "gplpdph2h6bv7.link",
      "ocbotshemc8l6.link", "q1g7w7qxuij86.link", "wsxhwh559uwks.link", "i7fkywkb1ton.link",
      "788fckwv42kj.link",  "p963kr435uqq.link",  "1eyv7xaaktsre.club", "rdnvgggd99ds.link",
      "eopdkndujdfgs.link", "kldoqzn6x62p3.top",  "somach789.xyz",      "authoranz.xyz",
  };
  return domains;
}

DnsZone blog_zone() {
  DnsZone zone;
  for (const char* name : {"shop.", "link.", "club.", "top.", "xyz.", "i4hk.com.", "54.244.103.in-addr.arpa.",
                           "8.b.d.0.1.0.0.2.ip6.arpa.", "test."}) {
    zone.zones.emplace_back(name, "static");
  }
  zone.zones.emplace_back("refused.test.", "refuse");
  zone.servfail_zones.push_back("servfail.test.");
  for (const std::string& domain : blog_domains()) zone.add(domain + ". 3600 IN A " + kBlogIp);
  const std::string rdns = "static-ip.137.54.244.103.rev.i4hk.com.";
  zone.add("137.54.244.103.in-addr.arpa. 3600 IN PTR " + rdns);
  zone.add(rdns + " 3600 IN A " + kBlogIp);
  // Made-up data for the record types the blog does not show.
  zone.add("138.54.244.103.in-addr.arpa. 3600 IN PTR static-ip.138.54.244.103.rev.i4hk.com.");
  zone.add("static-ip.138.54.244.103.rev.i4hk.com. 3600 IN A 103.244.54.200");
  zone.add("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 600 IN PTR mail.sunsonshu55.shop.");
  zone.add("mail.sunsonshu55.shop. 600 IN AAAA 2001:db8::25");
  zone.add("jonjokojon789.shop. 3600 IN AAAA 2001:db8::137");
  zone.add("kldoqzn6x62p3.top. 1800 IN MX 10 mx1.kldoqzn6x62p3.top.");
  zone.add("kldoqzn6x62p3.top. 1800 IN MX 20 mx2.kldoqzn6x62p3.top.");
  zone.add("mx1.kldoqzn6x62p3.top. 1800 IN A 103.244.54.137");
  zone.add("kldoqzn6x62p3.top. 86400 IN NS ns1.i4hk.com.");
  zone.add("kldoqzn6x62p3.top. 86400 IN NS ns2.i4hk.com.");
  zone.add("g0zs8omwfqere.link. 300 IN TXT \"v=spf1 ip4:114.113.195.0/24 ip4:103.244.54.137 \" \"include:_spf.leadw.link ~all\"");
  zone.add("www.somach789.xyz. 600 IN CNAME track.authoranz.xyz.");
  zone.add("track.authoranz.xyz. 600 IN CNAME authoranz.xyz.");
  return zone;
}

Result<std::unique_ptr<DnsTestServer>> DnsTestServer::start(const DnsZone& zone) {
  std::unique_ptr<DnsTestServer> server(new DnsTestServer());
  std::string pattern = (std::filesystem::temp_directory_path() / "spamgraph-dns-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Error{"mkdtemp failed", "unbound"};
  server->dir_ = pattern;
  server->port_ = free_local_port();
  if (server->port_ == 0) return Error{"no free port on 127.0.0.1", "unbound"};
  const std::string dir = server->dir_;
  const std::string port = std::to_string(server->port_);
  {
    std::ofstream conf(dir + "/unbound.conf");
    conf << "server:\n"
         << "  interface: 127.0.0.1@" << port << "\n  port: " << port << "\n"
         << "  do-ip6: no\n  username: \"\"\n  chroot: \"\"\n"
         << "  directory: \"" << dir << "\"\n  pidfile: \"" << dir << "/unbound.pid\"\n"
         << "  logfile: \"\"\n  use-syslog: no\n  num-threads: 1\n"
         << "  access-control: 127.0.0.0/8 allow\n"
         << "  do-not-query-localhost: yes\n"  // makes the SERVFAIL stubs unusable, instantly
         << "  module-config: \"iterator\"\n"
         << zone.unbound_lines();
    for (const std::string& stub : zone.servfail_zones) {
      conf << "stub-zone:\n  name: \"" << stub << "\"\n  stub-addr: 127.0.0.1@9\n  stub-prime: no\n";
    }
    conf << "remote-control:\n  control-enable: no\n";
  }
  const std::string conf_path = dir + "/unbound.conf";
  const std::string log_path = dir + "/unbound.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  char* argv[] = {const_cast<char*>("unbound"), const_cast<char*>("-d"), const_cast<char*>("-c"),
                  const_cast<char*>(conf_path.c_str()), nullptr};
  const int rc = posix_spawnp(&server->pid_, "unbound", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    server->pid_ = -1;
    return Error{"cannot start unbound (is it installed?)", "unbound"};
  }

  dns::ResolverOptions options;
  options.servers = {server->address()};
  options.timeout_ms = 50;
  options.tries = 1;
  auto probe = dns::Resolver::create(options);
  if (!probe) return probe.error();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto answers = (*probe)->resolve_all({{"ready.test", dns::RecordType::A}});
    if (answers[0].status == dns::Status::NxDomain) return server;
    if (child_exited(server->pid_)) {
      server->pid_ = -1;
      std::ifstream log(log_path);
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      return Error{"unbound exited: " + text, "unbound"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Error{"unbound did not answer within 5 s", "unbound"};
}

DnsTestServer::~DnsTestServer() { stop_server(pid_, dir_); }

int run_silently(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

SilentUdpPort::SilentUdpPort() {
  fd_ = bind_local(SOCK_DGRAM, 0);
  if (fd_ >= 0) port_ = bound_port(fd_);
}

SilentUdpPort::~SilentUdpPort() {
  if (fd_ >= 0) close(fd_);
}

SlowUdpServer::SlowUdpServer(int delay_ms) : delay_ms_(delay_ms) {
  fd_ = bind_local(SOCK_DGRAM, 0);
  if (fd_ < 0) return;
  port_ = bound_port(fd_);
  thread_ = std::thread([this] { serve(); });
}

SlowUdpServer::~SlowUdpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

void SlowUdpServer::serve() {
  constexpr size_t kHeaderSize = 12;
  unsigned char buffer[512];
  while (!stop_) {
    pollfd fd{fd_, POLLIN, 0};
    if (poll(&fd, 1, 20) <= 0) continue;
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < static_cast<ssize_t>(kHeaderSize)) continue;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    buffer[2] = static_cast<unsigned char>(buffer[2] | 0x80);  // QR: a response
    buffer[3] = 0x80;                                           // RA, RCODE 0
    for (size_t i = 6; i < kHeaderSize; ++i) buffer[i] = 0;     // no answer/authority/additional
    sendto(fd_, buffer, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), from_len);
    ++answered_;
  }
}

}  // namespace sg
