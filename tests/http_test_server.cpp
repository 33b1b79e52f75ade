#include "tests/http_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/helpers.h"

extern char** environ;

namespace sg {
namespace {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound, then released).
uint16_t free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint16_t port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

bool accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

Result<std::unique_ptr<HttpTestServer>> HttpTestServer::start(const std::string& root) {
  std::unique_ptr<HttpTestServer> server(new HttpTestServer());
  std::string pattern = (std::filesystem::temp_directory_path() / "spamgraph-http-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Error{"mkdtemp failed", "http server"};
  server->dir_ = pattern;
  server->port_ = free_tcp_port();
  if (server->port_ == 0) return Error{"no free port on 127.0.0.1", "http server"};
  const std::string script = repo_path("tests/http_fixture_server.py");
  const std::string port = std::to_string(server->port_);
  const std::string log_path = server->dir_ + "/requests.log";
  const std::string output_path = server->dir_ + "/server.out";
  std::ofstream(log_path).flush();  // exists (empty) before the first request
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // /usr/bin/python3 directly: a python3 on PATH may be a pyenv shim.
  std::vector<std::string> args = {"/usr/bin/python3", script, port, root, log_path};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int rc = posix_spawn(&server->pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    server->pid_ = -1;
    return Error{"cannot start /usr/bin/python3", "http server"};
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (accepts(server->port_)) return server;
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return Error{"exited: " + slurp(output_path), "http server"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Error{"did not accept connections within 5 s: " + slurp(output_path), "http server"};
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

void HttpTestServer::clear_requests() const { std::ofstream(dir_ + "/requests.log", std::ios::trunc).flush(); }

}  // namespace sg
