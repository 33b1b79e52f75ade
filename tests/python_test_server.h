// Starting a test server written in Python (tests/*_fixture_server.py) on a free
// port of 127.0.0.1: what HttpTestServer and WhoisTestServer share.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace sg {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound, then released); 0 when none.
uint16_t free_tcp_port();

/// True when something accepts TCP connections on 127.0.0.1:`port` right now.
bool accepts_connections(uint16_t port);

/// A new folder under the system's temporary folder, "spamgraph-NAME-XXXXXX".
Result<std::string> make_server_dir(const std::string& name);

/// Runs `/usr/bin/python3 tests/SCRIPT PORT ARGS...` (a python3 on PATH may be a
/// pyenv shim) with its output in DIR/server.out, and waits up to 5 s until PORT
/// accepts connections. On failure `pid` is -1 and the error carries the output.
Status start_python_server(const std::string& script, uint16_t port, const std::vector<std::string>& args,
                           const std::string& dir, pid_t& pid);

}  // namespace sg
