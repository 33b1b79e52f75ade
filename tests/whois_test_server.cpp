#include "tests/whois_test_server.h"

#include <fstream>
#include <sstream>

#include "tests/helpers.h"
#include "tests/python_test_server.h"

namespace sg {

Result<std::unique_ptr<WhoisTestServer>> WhoisTestServer::start(const std::string& root) {
  std::unique_ptr<WhoisTestServer> server(new WhoisTestServer());
  auto dir = make_server_dir("whois");
  if (!dir) return dir.error();
  server->dir_ = *dir;
  server->port_ = free_tcp_port();
  if (server->port_ == 0) return Error{"no free port on 127.0.0.1", "whois server"};
  const std::string log_path = server->dir_ + "/queries.log";
  std::ofstream(log_path).flush();
  if (auto started =
          start_python_server("whois_fixture_server.py", server->port_, {root, log_path}, server->dir_, server->pid_);
      !started)
    return Error{started.error().message, "whois server"};
  return server;
}

WhoisTestServer::~WhoisTestServer() { stop_server(pid_, dir_); }

std::vector<WhoisTestServer::Query> WhoisTestServer::queries() const {
  std::vector<Query> out;
  std::ifstream in(dir_ + "/queries.log");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Query query;
    if (!(fields >> query.seconds)) continue;
    std::getline(fields >> std::ws, query.text);
    out.push_back(std::move(query));
  }
  return out;
}

}  // namespace sg
