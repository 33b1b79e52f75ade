// The test servers for the mail collector, checked with raw sockets only (no IMAP
// client of ours in the loop): DovecotTestServer (tests/dovecot_test_server.h),
// TcpCutProxy (tests/tcp_cut_proxy.h) and tests/imap_fixture_server.py.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/dovecot_test_server.h"
#include "tests/helpers.h"
#include "tests/python_test_server.h"
#include "tests/tcp_cut_proxy.h"

using namespace sg;

namespace {

const char* const kJunk = "迷惑メール";
const char* const kJunkUtf7 = "&j,dg0TDhMPww6w-";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string message(int number, size_t body_bytes = 20) {
  return "From: sender" + std::to_string(number) + "@example.test\r\nTo: test@example.test\r\nSubject: message " +
         std::to_string(number) + "\r\nMessage-ID: <" + std::to_string(number) + "@example.test>\r\n\r\n" +
         std::string(body_bytes, 'b') + "\r\n";
}

/// A blocking TCP connection to 127.0.0.1 whose reads give up after `timeout_ms`.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port, int timeout_ms = 5000) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool eof() const { return eof_; }

  void send_text(const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = send(fd_, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  /// Reads until what was read holds `end`, EOF or the timeout; returns everything
  /// read so far (and keeps it).
  const std::string& read_until(const std::string& end) {
    while (!eof_ && received_.find(end) == std::string::npos && read_more()) {}
    return received_;
  }
  /// Reads until EOF or the timeout.
  const std::string& read_to_eof() {
    while (!eof_ && read_more()) {}
    return received_;
  }
  /// Sends "TAG COMMAND" and reads up to the tagged answer; returns what came for it.
  std::string command(const std::string& tag, const std::string& text) {
    const size_t start = received_.size();
    send_text(tag + " " + text + "\r\n");
    for (;;) {
      const size_t line = received_.find("\r\n" + tag + " ", start == 0 ? 0 : start - 2);
      if (line != std::string::npos && received_.find("\r\n", line + 2) != std::string::npos) break;
      if (eof_ || !read_more()) break;
    }
    return received_.substr(start);
  }
  const std::string& received() const { return received_; }

 private:
  bool read_more() {
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) eof_ = true;
    if (n <= 0) return false;
    received_.append(buffer, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

std::unique_ptr<DovecotTestServer> start_dovecot(const DovecotOptions& options = {}) {
  auto started = DovecotTestServer::start(options);
  REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
  return std::move(started.value());
}

/// A logged-in IMAP session on `port`.
std::unique_ptr<RawConnection> login(const DovecotTestServer& server, uint16_t port) {
  auto connection = std::make_unique<RawConnection>(port);
  REQUIRE(connection->connected());
  REQUIRE(contains(connection->read_until("\r\n"), "* OK"));
  const std::string answer = connection->command("a0", "LOGIN " + server.user() + " " + server.password());
  REQUIRE_MESSAGE(contains(answer, "a0 OK"), answer);
  return connection;
}

/// The number in "[UIDVALIDITY N]" of an EXAMINE answer, 0 when missing.
uint64_t uidvalidity_in(const std::string& answer) {
  const size_t at = answer.find("[UIDVALIDITY ");
  return at == std::string::npos ? 0 : std::strtoull(answer.c_str() + at + 13, nullptr, 10);
}

}  // namespace

TEST_CASE("dovecot harness: messages added to INBOX and a Japanese-named folder show over raw IMAP") {
  auto server = start_dovecot();
  for (int i = 1; i <= 3; ++i) REQUIRE(server->add_message("INBOX", message(i)).has_value());
  REQUIRE(server->add_message(kJunk, message(4)).has_value());
  REQUIRE(server->add_message(kJunk, message(5), /*seen=*/true).has_value());

  auto imap = login(*server, server->imap_port());
  const std::string list = imap->command("a1", "LIST \"\" \"*\"");
  CHECK_MESSAGE(contains(list, std::string("\".\" ") + kJunkUtf7 + "\r\n"), list);
  CHECK_MESSAGE(contains(list, "INBOX"), list);
  const std::string lsub = imap->command("a2", "LSUB \"\" \"*\"");
  CHECK_MESSAGE(contains(lsub, kJunkUtf7), lsub);
  const std::string examine = imap->command("a3", "EXAMINE INBOX");
  CHECK_MESSAGE(contains(examine, "* 3 EXISTS\r\n"), examine);
  CHECK(uidvalidity_in(examine) != 0);
  const std::string fetch = imap->command("a4", "UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
  CHECK_MESSAGE(contains(fetch, "Subject: message 3"), fetch);
  const std::string junk = imap->command("a5", std::string("EXAMINE ") + kJunkUtf7);
  CHECK_MESSAGE(contains(junk, "* 2 EXISTS\r\n"), junk);
  imap->command("a6", "LOGOUT");

  // The server's own view, not through IMAP: \Seen exactly on the second Junk message.
  auto junk_flags = server->flags(kJunk);
  REQUIRE_MESSAGE(junk_flags.has_value(), (junk_flags ? "" : junk_flags.error().to_string()));
  const std::vector<std::pair<uint64_t, std::string>> expected = {{1, ""}, {2, "\\Seen"}};
  CHECK(*junk_flags == expected);
  auto inbox_flags = server->flags("INBOX");
  REQUIRE(inbox_flags.has_value());
  CHECK(inbox_flags->size() == 3);
  for (const auto& row : *inbox_flags) CHECK(row.second.empty());
  CHECK_FALSE(server->flags("Nonexistent").has_value());

  // A session that read with BODY.PEEK and EXAMINE changed no flag.
  auto again = server->flags(kJunk);
  REQUIRE(again.has_value());
  CHECK(*again == expected);
}

TEST_CASE("dovecot harness: change_uidvalidity makes EXAMINE report the new value and renumbers") {
  auto server = start_dovecot({.tls = false, .pop3 = false});
  CHECK(server->imaps_port() == 0);
  CHECK(server->pop3_port() == 0);
  CHECK(server->ca_file().empty());
  for (int i = 1; i <= 3; ++i) REQUIRE(server->add_message("INBOX", message(i), i == 2).has_value());
  uint64_t before = 0;
  {
    auto imap = login(*server, server->imap_port());
    before = uidvalidity_in(imap->command("a1", "EXAMINE INBOX"));
    REQUIRE(before != 0);
  }
  const uint64_t changed = before == 4242 ? 4243 : 4242;
  auto status = server->change_uidvalidity("INBOX", changed, 100);
  REQUIRE_MESSAGE(status.has_value(), (status ? "" : status.error().to_string()));

  auto imap = login(*server, server->imap_port());
  const std::string examine = imap->command("a1", "EXAMINE INBOX");
  CHECK_MESSAGE(uidvalidity_in(examine) == changed, examine);
  CHECK_MESSAGE(contains(examine, "* 3 EXISTS\r\n"), examine);
  CHECK_MESSAGE(contains(examine, "[UIDNEXT 103]"), examine);
  const std::string fetch = imap->command("a2", "FETCH 1:* (UID FLAGS)");
  CHECK_MESSAGE(contains(fetch, "* 1 FETCH (UID 100 FLAGS ("), fetch);
  CHECK_MESSAGE(contains(fetch, "* 2 FETCH (UID 101 FLAGS (\\Seen"), fetch);
  CHECK_MESSAGE(contains(fetch, "* 3 FETCH (UID 102 FLAGS ("), fetch);
  CHECK_MESSAGE(fetch.find("\\Seen") == fetch.rfind("\\Seen"), fetch);  // only on 101
  auto state = server->uid_state("INBOX");
  REQUIRE(state.has_value());
  CHECK(state->first == changed);
  CHECK(state->second == 103);

  // Renumbered from 1 again, the UIDs are as before: only UIDVALIDITY tells.
  REQUIRE(server->change_uidvalidity("INBOX", changed + 1).has_value());
  auto second = login(*server, server->imap_port());
  const std::string again = second->command("a1", "EXAMINE INBOX");
  CHECK_MESSAGE(uidvalidity_in(again) == changed + 1, again);
  CHECK_MESSAGE(contains(again, "[UIDNEXT 4]"), again);
}

TEST_CASE("dovecot harness: kick ends an open session") {
  auto server = start_dovecot({.tls = false, .pop3 = false});
  REQUIRE(server->add_message("INBOX", message(1)).has_value());
  CHECK(server->kick().has_value());  // nobody connected: no error
  auto imap = login(*server, server->imap_port());
  CHECK(contains(imap->command("a1", "SELECT INBOX"), "a1 OK"));
  REQUIRE(server->kick().has_value());
  imap->read_to_eof();
  CHECK(imap->eof());
}

TEST_CASE("dovecot harness: TLS ports verify against ca_file and POP3 answers UIDL") {
  auto server = start_dovecot();
  REQUIRE(server->add_message("INBOX", message(1)).has_value());
  REQUIRE(server->add_message("INBOX", message(2)).has_value());
  REQUIRE(!server->ca_file().empty());
  const std::vector<std::pair<std::vector<std::string>, std::string>> tries = {
      {{"-connect", "127.0.0.1:" + std::to_string(server->imaps_port())}, "* OK"},
      {{"-connect", "127.0.0.1:" + std::to_string(server->imap_port()), "-starttls", "imap"}, "a OK"},
      {{"-connect", "127.0.0.1:" + std::to_string(server->pop3s_port())}, "+OK"},
  };
  for (const auto& attempt : tries) {
    std::vector<std::string> argv = {"/usr/bin/openssl", "s_client",        "-quiet",     "-verify_return_error",
                                     "-CAfile",          server->ca_file(), "-verify_ip", "127.0.0.1"};
    argv.insert(argv.end(), attempt.first.begin(), attempt.first.end());
    const bool pop3 = attempt.second == "+OK";
    const CommandResult result = run_command(argv, pop3 ? "QUIT\r\n" : "a LOGOUT\r\n");
    CAPTURE(result.err);
    CHECK(result.exit_code == 0);
    CHECK_MESSAGE(contains(result.out, attempt.second), result.out);
  }

  RawConnection pop3(server->pop3_port());
  REQUIRE(pop3.connected());
  CHECK(contains(pop3.read_until("\r\n"), "+OK"));
  pop3.send_text("USER " + server->user() + "\r\nPASS " + server->password() + "\r\nUIDL\r\nQUIT\r\n");
  const std::string& answer = pop3.read_to_eof();
  // pop3_uidl_format = %08Xu%08Xv: UID then UIDVALIDITY, 8 hex digits each.
  CHECK_MESSAGE(contains(answer, "\r\n1 00000001"), answer);
  CHECK_MESSAGE(contains(answer, "\r\n2 00000002"), answer);
}

TEST_CASE("dovecot harness: add_messages delivers many messages fast and in order") {
  auto server = start_dovecot({.tls = false, .pop3 = false});
  std::vector<std::string> messages;
  for (int i = 1; i <= 2000; ++i) messages.push_back(message(i));
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(server->add_messages("Junk", messages).has_value());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK_MESSAGE(seconds < 2.0, "add_messages took ", seconds, " s for 2000 messages");
  auto imap = login(*server, server->imap_port());
  const std::string examine = imap->command("a1", "EXAMINE Junk");
  CHECK_MESSAGE(contains(examine, "* 2000 EXISTS\r\n"), examine);
  const std::string fetch = imap->command("a2", "UID FETCH 1,1000,2000 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
  CHECK_MESSAGE(contains(fetch, "UID 1000 BODY[HEADER.FIELDS (SUBJECT)] {25}\r\nSubject: message 1000\r\n"), fetch);
  CHECK_MESSAGE(contains(fetch, "UID 2000 BODY[HEADER.FIELDS (SUBJECT)] {25}\r\nSubject: message 2000\r\n"), fetch);
}

TEST_CASE("dovecot harness: TcpCutProxy forwards IMAP and cuts after exactly N server bytes") {
  auto server = start_dovecot({.tls = false, .pop3 = false});
  for (int i = 1; i <= 5; ++i) REQUIRE(server->add_message("INBOX", message(i, 2000)).has_value());
  TcpCutProxy proxy(server->imap_port());
  REQUIRE(proxy.port() != 0);

  std::string greeting;
  {
    auto imap = login(*server, proxy.port());
    greeting = imap->received().substr(0, imap->received().find("\r\n") + 2);
    const std::string fetch = imap->command("a1", "EXAMINE INBOX");
    CHECK(contains(fetch, "* 5 EXISTS"));
  }
  CHECK(contains(greeting, "* OK [CAPABILITY"));
  CHECK(proxy.connections() == 1);
  CHECK(proxy.cuts() == 0);

  // In the greeting.
  proxy.set_cut(10);
  {
    RawConnection cut(proxy.port());
    REQUIRE(cut.connected());
    const std::string& got = cut.read_to_eof();
    CHECK(cut.eof());
    CHECK(got == greeting.substr(0, 10));
  }
  // In the middle of a FETCH of five 2 kB messages.
  const uint64_t limit = 5000;
  proxy.cut_after_server_bytes(limit);
  {
    auto imap = login(*server, proxy.port());
    imap->command("a1", "EXAMINE INBOX");
    imap->send_text("a2 UID FETCH 1:* (BODY.PEEK[])\r\n");
    const std::string& got = imap->read_to_eof();
    CHECK(imap->eof());
    CHECK(got.size() == limit);
    CHECK(contains(got, "* 1 FETCH"));
    CHECK_FALSE(contains(got, "a2 OK"));
  }
  CHECK(proxy.cuts() == 2);
  proxy.clear_cut();
  {
    auto imap = login(*server, proxy.port());
    CHECK(contains(imap->command("a1", "LOGOUT"), "a1 OK"));
  }
  CHECK(proxy.connections() == 4);
  CHECK(proxy.cuts() == 2);
}

TEST_CASE("dovecot harness: imap_fixture_server.py huge-literal and silent-greeting") {
  auto dir = make_server_dir("imap-fixture");
  REQUIRE(dir.has_value());
  const uint16_t port = free_tcp_port();
  pid_t pid = -1;
  auto started = start_python_server("imap_fixture_server.py", port, {"huge-literal"}, *dir, pid);
  REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
  {
    RawConnection imap(port);
    REQUIRE(imap.connected());
    CHECK(imap.read_until("\r\n") == "* OK ready\r\n");
    CHECK(contains(imap.command("a1", "AUTHENTICATE PLAIN AHRlc3QAcGFzcw=="), "a1 OK"));
    CHECK(contains(imap.command("a2", "EXAMINE INBOX"), "[UIDVALIDITY 7]"));
    imap.send_text("a3 UID FETCH 1:* (BODY.PEEK[HEADER])\r\n");
    const std::string& got = imap.read_until(std::string(1 << 20, 'a'));
    CHECK(contains(got, "{1073741824}\r\naaaa"));
  }
  stop_server(pid, "");
  started = start_python_server("imap_fixture_server.py", port, {"silent-greeting"}, *dir, pid);
  REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
  {
    RawConnection silent(port, 200);
    REQUIRE(silent.connected());
    CHECK(silent.read_until("\r\n").empty());
    CHECK_FALSE(silent.eof());
  }
  stop_server(pid, *dir);
}
