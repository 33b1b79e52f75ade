#include "tests/http_test_server.h"

#include <fstream>
#include <sstream>

#include "tests/helpers.h"
#include "tests/python_test_server.h"

namespace sg {

Result<std::unique_ptr<HttpTestServer>> HttpTestServer::start(const std::string& root) {
  std::unique_ptr<HttpTestServer> server(new HttpTestServer());
  auto dir = make_server_dir("http");
  if (!dir) return dir.error();
  server->dir_ = *dir;
  server->port_ = free_tcp_port();
  if (server->port_ == 0) return Error{"no free port on 127.0.0.1", "http server"};
  const std::string log_path = server->dir_ + "/requests.log";
  std::ofstream(log_path).flush();  // exists (empty) before the first request
  if (auto started =
          start_python_server("http_fixture_server.py", server->port_, {root, log_path}, server->dir_, server->pid_);
      !started)
    return Error{started.error().message, "http server"};
  return server;
}

HttpTestServer::~HttpTestServer() { stop_server(pid_, dir_); }

std::string HttpTestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<std::string> HttpTestServer::requests() const {
  std::vector<std::string> lines;
  std::ifstream in(dir_ + "/requests.log");
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void HttpTestServer::clear_requests() const {
  std::ofstream(dir_ + "/requests.log", std::ios::trunc).flush();
  std::ofstream(dir_ + "/requests.log.arrivals", std::ios::trunc).flush();
}

std::vector<HttpTestServer::Arrival> HttpTestServer::arrivals() const {
  std::vector<Arrival> out;
  std::ifstream in(dir_ + "/requests.log.arrivals");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    Arrival arrival;
    if (!(fields >> arrival.seconds >> arrival.in_flight >> arrival.path)) continue;
    std::getline(fields >> std::ws, arrival.user_agent);
    out.push_back(std::move(arrival));
  }
  return out;
}

}  // namespace sg
