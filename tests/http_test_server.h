// A real HTTP server on 127.0.0.1 for download tests: tests/http_fixture_server.py
// run by /usr/bin/python3, serving one folder. See that script for the paths it
// offers: plain files with ETag/Last-Modified/Range/If-Range/304, /DIR/ (its
// index.html, a folder listing), /redirect/PATH,
// /loop/N, /cut/PATH (connection dropped halfway), /stall/PATH, /norange/PATH,
// /noifrange/PATH, /chunked/PATH (no Content-Length), /lying/PATH (a huge false
// Content-Length), /endless and /drip (hostile bodies), a generated FILE.sha256,
// /status/CODE (429/503 with Retry-After, recovering after N), /hold/MS, /sized/N,
// /reset, /redirect-to?url=, /invalid-json, /slow-headers, proxy-form requests,
// and 404 for anything else. arrivals() times each request as it arrived.
//
//   auto server = HttpTestServer::start(dir.root());   // REQUIRE(server.has_value())
//   download_file((*server)->url("/file.gz"), ...);
//   (*server)->requests();  // what the client sent, to assert Range/conditional headers
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace sg {

/// One server process; stopped (SIGTERM, waited for) on destruction.
class HttpTestServer {
 public:
  /// Starts the server on a free port serving `root` and waits (up to 5 s) until
  /// it accepts connections. The error carries the server's output.
  static Result<std::unique_ptr<HttpTestServer>> start(const std::string& root);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  uint16_t port() const { return port_; }
  /// "http://127.0.0.1:PORT" + path (path starts with '/').
  std::string url(const std::string& path) const;
  /// The requests served so far, oldest first, one line each:
  /// "METHOD PATH STATUS range=... if-range=... if-none-match=... if-modified-since=...".
  std::vector<std::string> requests() const;
  /// Forgets the requests logged so far (arrivals too).
  void clear_requests() const;

  /// One request as it reached the server, before it was answered.
  struct Arrival {
    double seconds = 0;  ///< the server's monotonic clock: only differences mean anything
    int in_flight = 0;   ///< requests being handled at that moment, this one included
    std::string path;    ///< as in the request line
    std::string user_agent;
  };
  /// The arrivals so far, oldest first.
  std::vector<Arrival> arrivals() const;

 private:
  HttpTestServer() = default;
  std::string dir_;  ///< temporary folder for the log and output, removed on destruction
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace sg
