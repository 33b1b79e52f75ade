// A TCP proxy on 127.0.0.1 that can drop a connection part-way: put between a
// client and a test server to make the connection end in the middle of an answer
// (a FETCH batch, a download) after an exact number of the server's bytes.
//
//   TcpCutProxy proxy(server->imap_port());   // REQUIRE(proxy.port() != 0)
//   proxy.set_cut(5000);  // connections accepted from now on end after 5000 server bytes
//   connect the client to 127.0.0.1:proxy.port()
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>

namespace sg {

/// One serving thread, poll()-based, for every connection; stopped and joined on
/// destruction.
class TcpCutProxy {
 public:
  /// Listens on a free port of 127.0.0.1 and forwards each connection to
  /// 127.0.0.1:target_port. port() is 0 when it could not listen.
  explicit TcpCutProxy(uint16_t target_port);
  /// Stops serving, closes every connection and joins the thread.
  ~TcpCutProxy();
  TcpCutProxy(const TcpCutProxy&) = delete;
  TcpCutProxy& operator=(const TcpCutProxy&) = delete;

  /// Where clients connect.
  uint16_t port() const { return port_; }
  /// Connections accepted so far.
  uint64_t connections() const { return connections_.load(); }
  /// Connections ended by a cut so far.
  uint64_t cuts() const { return cuts_.load(); }

  /// Each connection accepted from now on is closed on both sides (a plain close:
  /// the client reads its last byte, then EOF) once exactly `n` bytes went from the
  /// server to the client on it; 0 closes it before the greeting. Connections
  /// already open keep the limit they were accepted with.
  void set_cut(uint64_t n) { cut_after_.store(n); }
  /// Same as set_cut.
  void cut_after_server_bytes(uint64_t n) { set_cut(n); }
  /// Connections accepted from now on are not cut.
  void clear_cut() { cut_after_.store(kNoCut); }

 private:
  static constexpr uint64_t kNoCut = std::numeric_limits<uint64_t>::max();
  void serve();

  uint16_t target_port_ = 0;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};  ///< the destructor writes to [1] to end serve()
  std::atomic<uint64_t> cut_after_{kNoCut};
  std::atomic<uint64_t> connections_{0};
  std::atomic<uint64_t> cuts_{0};
  std::thread thread_;
};

}  // namespace sg
