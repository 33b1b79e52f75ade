// A real WHOIS server on 127.0.0.1 for the network tests:
// tests/whois_fixture_server.py run by /usr/bin/python3, answering from one
// folder (a file per query) plus the hostile queries "endless", "drip",
// "silent" and "reset" (see the script).
//
//   auto server = WhoisTestServer::start(dir.root());   // REQUIRE(server.has_value())
//   client.submit({.server = "127.0.0.1", .port = (*server)->port(), .query = "AS64500"});
//   (*server)->queries();  // what arrived, with when
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace sg {

/// One server process; stopped (SIGTERM, waited for) on destruction.
class WhoisTestServer {
 public:
  /// Starts the server on a free port answering from `root` and waits (up to 5 s)
  /// until it accepts connections. The error carries the server's output.
  static Result<std::unique_ptr<WhoisTestServer>> start(const std::string& root);
  ~WhoisTestServer();
  WhoisTestServer(const WhoisTestServer&) = delete;
  WhoisTestServer& operator=(const WhoisTestServer&) = delete;

  uint16_t port() const { return port_; }

  /// One query as it reached the server.
  struct Query {
    double seconds = 0;  ///< the server's monotonic clock: only differences mean anything
    std::string text;    ///< the query line without its CRLF
  };
  /// The queries so far, oldest first.
  std::vector<Query> queries() const;

 private:
  WhoisTestServer() = default;
  std::string dir_;  ///< temporary folder for the log and output, removed on destruction
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sg
