#include "tests/tcp_cut_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <list>
#include <string>
#include <vector>

namespace sg {
namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// One proxied connection; every field belongs to the serving thread.
struct Link {
  int client = -1;
  int server = -1;
  std::string to_client;  ///< read from the server, not yet written to the client
  std::string to_server;
  bool client_eof = false;  ///< the client will send nothing more
  bool server_eof = false;
  bool client_shut = false;  ///< we sent the client our FIN
  bool server_shut = false;
  bool dead = false;  ///< an error on either side: close both
  uint64_t limit = 0;
  uint64_t forwarded = 0;  ///< server bytes taken for the client so far
  bool cutting = false;    ///< the limit is reached: close once to_client is written
};

/// Reads what `fd` has into `into`, at most `most` bytes. False on EOF or error
/// (`eof` tells which); true with nothing read when it would block.
bool read_some(int fd, std::string& into, size_t most, bool& eof) {
  char buffer[65536];
  const ssize_t n = recv(fd, buffer, std::min(sizeof buffer, most), 0);
  if (n > 0) {
    into.append(buffer, static_cast<size_t>(n));
    return true;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  eof = n == 0;
  return false;
}

/// Writes as much of `from` as `fd` takes now; false on error.
bool write_some(int fd, std::string& from) {
  const ssize_t n = send(fd, from.data(), from.size(), MSG_NOSIGNAL);
  if (n > 0) {
    from.erase(0, static_cast<size_t>(n));
    return true;
  }
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
}

}  // namespace

TcpCutProxy::TcpCutProxy(uint16_t target_port) : target_port_(target_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return;
  sockaddr_in addr = loopback(0);
  socklen_t length = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 64) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0 ||
      pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
    close(listen_fd_);
    listen_fd_ = -1;
    return;
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

TcpCutProxy::~TcpCutProxy() {
  if (thread_.joinable()) {
    const char byte = 0;
    while (write(wake_fds_[1], &byte, 1) < 0 && errno == EINTR) {}
    thread_.join();
  }
  for (int fd : {listen_fd_, wake_fds_[0], wake_fds_[1]})
    if (fd >= 0) close(fd);
}

void TcpCutProxy::serve() {
  std::list<Link> links;
  std::vector<pollfd> fds;
  for (;;) {
    // [0] the wake pipe, [1] the listener, then two per link (client, server). A
    // side we want nothing from gets fd -1, so a hung-up peer whose bytes cannot go
    // on yet does not make poll() spin.
    fds.clear();
    fds.push_back({wake_fds_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const Link& link : links) {
      const short client_events =
          static_cast<short>((!link.client_eof && link.to_server.empty() && !link.cutting ? POLLIN : 0) |
                             (!link.to_client.empty() ? POLLOUT : 0));
      const short server_events =
          static_cast<short>((!link.server_eof && link.to_client.empty() && !link.cutting ? POLLIN : 0) |
                             (!link.to_server.empty() ? POLLOUT : 0));
      fds.push_back({client_events != 0 ? link.client : -1, client_events, 0});
      fds.push_back({server_events != 0 ? link.server : -1, server_events, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;

    size_t index = 2;
    for (Link& link : links) {
      const short client_revents = fds[index++].revents;
      const short server_revents = fds[index++].revents;
      if ((client_revents & (POLLIN | POLLHUP | POLLERR)) && !link.client_eof && link.to_server.empty()) {
        if (!read_some(link.client, link.to_server, 65536, link.client_eof) && !link.client_eof) link.dead = true;
      }
      if ((server_revents & (POLLIN | POLLHUP | POLLERR)) && !link.server_eof && link.to_client.empty() &&
          !link.cutting) {
        const size_t most = static_cast<size_t>(std::min<uint64_t>(65536, link.limit - link.forwarded));
        const size_t before = link.to_client.size();
        if (!read_some(link.server, link.to_client, most, link.server_eof) && !link.server_eof) link.dead = true;
        link.forwarded += link.to_client.size() - before;
        if (link.forwarded >= link.limit) link.cutting = true;
      }
      if ((client_revents & (POLLOUT | POLLERR | POLLHUP)) && !link.to_client.empty() &&
          !write_some(link.client, link.to_client))
        link.dead = true;
      if ((server_revents & (POLLOUT | POLLERR | POLLHUP)) && !link.to_server.empty() &&
          !write_some(link.server, link.to_server))
        link.dead = true;
      // A side that said EOF gets it passed on once its bytes are through.
      if (link.client_eof && link.to_server.empty() && !link.server_shut) {
        shutdown(link.server, SHUT_WR);
        link.server_shut = true;
      }
      if (link.server_eof && link.to_client.empty() && !link.client_shut) {
        shutdown(link.client, SHUT_WR);
        link.client_shut = true;
      }
    }

    for (auto it = links.begin(); it != links.end();) {
      const bool cut = it->cutting && it->to_client.empty();
      if (it->dead || cut || (it->client_shut && it->server_shut)) {
        if (cut && !it->dead) cuts_.fetch_add(1);
        close(it->client);
        close(it->server);
        it = links.erase(it);
      } else {
        ++it;
      }
    }

    if (fds[1].revents & POLLIN) {
      for (;;) {
        const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) break;
        connections_.fetch_add(1);
        const uint64_t limit = cut_after_.load();
        if (limit == 0) {
          cuts_.fetch_add(1);
          close(client);
          continue;
        }
        // A blocking connect: to 127.0.0.1 it is done at once or refused.
        const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in target = loopback(target_port_);
        if (server < 0 || connect(server, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) {
          if (server >= 0) close(server);
          close(client);
          continue;
        }
        fcntl(server, F_SETFL, fcntl(server, F_GETFL) | O_NONBLOCK);
        Link link;
        link.client = client;
        link.server = server;
        link.limit = limit;
        links.push_back(std::move(link));
      }
    }
  }
  for (const Link& link : links) {
    close(link.client);
    close(link.server);
  }
}

}  // namespace sg
