// `pull` from a real Dovecot on 127.0.0.1 (tests/dovecot_test_server.h): pulls
// that read only what is new, \Seen left alone, a changed UIDVALIDITY, a
// connection cut mid-batch, a refused login, a Japanese mailbox name, TLS with
// a self-signed certificate, POP3; and hostile servers that announce a gigabyte
// or never answer (tests/imap_fixture_server.py).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/pull.h"
#include "store/mail_cursor.h"
#include "store/store.h"
#include "tests/dovecot_test_server.h"
#include "tests/helpers.h"
#include "tests/python_test_server.h"
#include "tests/tcp_cut_proxy.h"

using namespace sg;
namespace fs = std::filesystem;

namespace {

constexpr const char* kPassword = "Pw-7f3a-secret";

// A small spam message, different for every n.
std::string spam(int n) {
  std::ostringstream out;
  out << "Received: from mx.example.net (mx.example.net [192.0.2." << (n % 250) + 1 << "])\r\n"
      << "\tby inbound.example.com (Postfix) with ESMTP id Q" << n << "\r\n"
      << "\tfor <victim@example.com>; Mon, 2 Nov 2026 10:" << (10 + n % 40) << ":00 +0000\r\n"
      << "From: \"Shop\" <sale" << n << "@spam" << n << ".example>\r\n"
      << "Subject: offer " << n << "\r\n"
      << "Message-ID: <" << n << "@spam" << n << ".example>\r\n"
      << "\r\n"
      << "body " << n << " http://spam" << n << ".example/landing\r\n";
  return out.str();
}

std::unique_ptr<DovecotTestServer> start_dovecot(bool tls = false) {
  DovecotOptions options;
  options.password = kPassword;
  options.tls = tls;
  auto server = DovecotTestServer::start(options);
  REQUIRE_MESSAGE(server, (server ? "" : server.error().to_string()));
  return std::move(*server);
}

std::string url(const DovecotTestServer& server, const std::string& mailbox = "INBOX", uint16_t port = 0) {
  return "imap://test@127.0.0.1:" + std::to_string(port != 0 ? port : server.imap_port()) + "/" + mailbox;
}

PullOptions options_for(const std::string& source) {
  PullOptions options;
  options.source = source;
  options.connect.password = kPassword;
  options.connect.starttls = imap::StartTls::never;
  options.connect.idle_timeout = std::chrono::seconds(10);
  options.batch_messages = 4;
  options.now = 1790000000;
  return options;
}

Result<PullReport> pull(Store& store, const PullOptions& options, imap::ConnectFailure* failure = nullptr) {
  std::ostringstream progress;
  return run_pull(store, options, progress, failure);
}

PullReport pull_ok(Store& store, const PullOptions& options) {
  auto report = pull(store, options);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().to_string()));
  REQUIRE_MESSAGE(!report->stopped, (report->stopped ? report->stopped->to_string() : ""));
  return std::move(*report);
}

int64_t count(Store& store, const std::string& sql) {
  auto query = store.database().prepare(sql);
  REQUIRE(query.step());
  return query.int64(0);
}

std::unique_ptr<Store> open_store(const TempDir& dir) {
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);
  return std::move(*store);
}

}  // namespace

TEST_CASE("pull imap: only new messages, \\Seen untouched, each message stored once with its UID") {
  auto server = start_dovecot();
  for (int n = 1; n <= 6; ++n) REQUIRE(server->add_message("INBOX", spam(n), n == 2));
  auto flags_before = server->flags("INBOX");
  REQUIRE(flags_before);
  TempDir dir("pull-imap");
  auto store = open_store(dir);

  PullReport first = pull_ok(*store, options_for(url(*server)));
  REQUIRE(first.mailboxes.size() == 1);
  CHECK(first.mailboxes[0].new_on_server == 6);
  CHECK(first.mailboxes[0].stored == 6);
  CHECK(first.totals.read == 6);
  CHECK(first.totals.received_fields == 6);
  CHECK(count(*store, "SELECT count(*) FROM message WHERE source_kind = 'imap' AND uid BETWEEN 1 AND 6") == 6);
  CHECK(count(*store, "SELECT count(DISTINCT uid) FROM message") == 6);
  // Headers only: the body's URL is not fetched, so not stored.
  CHECK(count(*store, "SELECT count(*) FROM entity WHERE kind = 'url'") == 0);

  auto flags_after = server->flags("INBOX");
  REQUIRE(flags_after);
  CHECK(*flags_after == *flags_before);

  for (int n = 7; n <= 8; ++n) REQUIRE(server->add_message("INBOX", spam(n)));
  PullReport second = pull_ok(*store, options_for(url(*server)));
  CHECK(second.mailboxes[0].after_uid == 6);
  CHECK(second.mailboxes[0].new_on_server == 2);
  CHECK(second.mailboxes[0].stored == 2);
  CHECK(second.mailboxes[0].duplicates == 0);

  PullReport third = pull_ok(*store, options_for(url(*server)));
  CHECK(third.mailboxes[0].new_on_server == 0);
  CHECK(third.totals.read == 0);
  auto cursor = read_mail_cursor(*store, "imap://test@127.0.0.1:" + std::to_string(server->imap_port()) + "/INBOX");
  REQUIRE(cursor);
  REQUIRE(*cursor);
  CHECK((*cursor)->last_uid == 8);
  CHECK((*cursor)->uidvalidity == second.mailboxes[0].uidvalidity);

  // --full fetches whole messages (with PEEK too): the body URLs of new mail count.
  REQUIRE(server->add_message("INBOX", spam(9)));
  PullOptions full = options_for(url(*server));
  full.full = true;
  full.analysis.body_urls = true;
  PullReport with_body = pull_ok(*store, full);
  CHECK(with_body.mailboxes[0].stored == 1);
  CHECK(count(*store, "SELECT count(*) FROM entity WHERE kind = 'url' AND key LIKE '%spam9.example%'") == 1);
  auto flags_end = server->flags("INBOX");
  REQUIRE(flags_end);
  for (const auto& [uid, flags] : *flags_end) CHECK((uid == 2) == (flags.find("\\Seen") != std::string::npos));

  // The password is nowhere in the store.
  store.reset();
  for (const char* file : {"store.db", "store.db-wal"}) {
    if (!fs::exists(dir.path(file))) continue;
    CHECK(read_file(dir.path(file)).find(kPassword) == std::string::npos);
  }
}

TEST_CASE("pull imap: a mailbox with a Japanese name, named in the URL or found by --all-mailboxes") {
  auto server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(30)));
  const std::string seed1 = read_file(repo_path("data/seed/jacks-1.txt"));
  const std::string seed2 = read_file(repo_path("data/seed/jacks-2.txt"));
  REQUIRE(server->add_message("迷惑メール", seed1));
  REQUIRE(server->add_message("迷惑メール", seed2));
  TempDir dir("pull-imap-ja");
  auto store = open_store(dir);

  PullReport named = pull_ok(*store, options_for(url(*server, "%E8%BF%B7%E6%83%91%E3%83%A1%E3%83%BC%E3%83%AB")));
  REQUIRE(named.mailboxes.size() == 1);
  CHECK(named.mailboxes[0].source.ends_with("/迷惑メール"));
  CHECK(named.mailboxes[0].stored == 2);
  CHECK(count(*store, "SELECT count(*) FROM message WHERE source_path LIKE '%/迷惑メール'") == 2);
  CHECK(count(*store, "SELECT count(*) FROM entity WHERE key = '103.244.54.137'") == 1);

  PullOptions all = options_for(url(*server, ""));
  all.all_mailboxes = true;
  PullReport every = pull_ok(*store, all);
  REQUIRE(every.mailboxes.size() == 2);
  for (const MailboxPull& mailbox : every.mailboxes) {
    CAPTURE(mailbox.source);
    if (mailbox.source.ends_with("/INBOX")) CHECK(mailbox.stored == 1);
    else CHECK((mailbox.source.ends_with("/迷惑メール") && mailbox.new_on_server == 0));
  }
}

TEST_CASE("pull imap: a changed UIDVALIDITY reads the mailbox again and stores nothing twice") {
  auto server = start_dovecot();
  for (int n = 40; n < 45; ++n) REQUIRE(server->add_message("INBOX", spam(n)));
  TempDir dir("pull-imap-uidvalidity");
  auto store = open_store(dir);
  PullReport first = pull_ok(*store, options_for(url(*server)));
  const uint64_t old_validity = first.mailboxes[0].uidvalidity;
  CHECK(first.mailboxes[0].stored == 5);

  REQUIRE(server->change_uidvalidity("INBOX", old_validity + 1000));
  REQUIRE(server->add_message("INBOX", spam(45)));
  PullReport resync = pull_ok(*store, options_for(url(*server)));
  REQUIRE(resync.mailboxes.size() == 1);
  CHECK(resync.mailboxes[0].uidvalidity == old_validity + 1000);
  REQUIRE(resync.mailboxes[0].changed_from);
  CHECK(*resync.mailboxes[0].changed_from == old_validity);
  CHECK(resync.mailboxes[0].note.find("UIDVALIDITY changed") != std::string::npos);
  CHECK(resync.mailboxes[0].new_on_server == 6);
  CHECK(resync.mailboxes[0].stored == 1);
  CHECK(resync.mailboxes[0].duplicates == 5);
  CHECK(count(*store, "SELECT count(*) FROM message") == 6);
  CHECK(pull_ok(*store, options_for(url(*server))).mailboxes[0].new_on_server == 0);
}

TEST_CASE("pull imap: a connection cut mid-batch keeps the batches before it, and the next pull stores the rest once") {
  auto server = start_dovecot();
  constexpr int kMessages = 30;
  for (int n = 100; n < 100 + kMessages; ++n) REQUIRE(server->add_message("INBOX", spam(n)));
  TempDir dir("pull-imap-cut");
  auto store = open_store(dir);
  TcpCutProxy proxy(server->imap_port());
  const std::string through_proxy = url(*server, "INBOX", proxy.port());

  int64_t stored = 0;
  bool was_cut = false;
  // Cut deeper into the answer each round until everything got through.
  for (uint64_t cut = 2500; cut < 200000 && stored < kMessages; cut += 2300) {
    CAPTURE(cut);
    proxy.set_cut(cut);
    auto report = pull(*store, options_for(through_proxy));
    REQUIRE(report);
    if (report->stopped) was_cut = true;
    stored += report->totals.stored;
    CHECK(report->totals.duplicates == 0);
    // What is stored is exactly the UIDs up to the cursor: whole batches.
    auto cursor = read_mail_cursor(*store, url(*server, "INBOX", proxy.port()));
    REQUIRE(cursor);
    const int64_t last_uid = *cursor ? static_cast<int64_t>((*cursor)->last_uid) : 0;
    CHECK(count(*store, "SELECT count(*) FROM message") == last_uid);
    CHECK(count(*store, "SELECT count(*) FROM message WHERE uid > " + std::to_string(last_uid)) == 0);
  }
  CHECK(was_cut);
  proxy.clear_cut();
  PullReport rest = pull_ok(*store, options_for(through_proxy));
  stored += rest.totals.stored;
  CHECK(rest.totals.duplicates == 0);
  CHECK(stored == kMessages);
  CHECK(count(*store, "SELECT count(*) FROM message") == kMessages);
  CHECK(count(*store, "SELECT count(DISTINCT uid) FROM message") == kMessages);
}

TEST_CASE("pull imap: a refused login is a clear error with exit code 2, naming neither password nor store") {
  auto server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(50)));
  TempDir dir("pull-imap-login");
  {
    auto store = open_store(dir);
    PullOptions wrong = options_for(url(*server));
    wrong.connect.password = "not-the-password";
    imap::ConnectFailure failure = imap::ConnectFailure::none;
    auto report = pull(*store, wrong, &failure);
    REQUIRE_FALSE(report);
    CHECK(failure == imap::ConnectFailure::login_denied);
    CHECK(report.error().to_string().find("refused the login of test") != std::string::npos);
    CHECK(count(*store, "SELECT count(*) FROM message") == 0);
  }
  // Dovecot makes every later login from the same address wait after a failed one
  // (its auth penalty): each login of this test goes to a server of its own.
  server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(50)));
  CommandResult cli = run_command({"/usr/bin/env", "SPAMGRAPH_MAIL_PASSWORD=not-the-password",
                                   SPAMGRAPH_BINARY, "--db", dir.path("store.db"), "pull", url(*server), "--plain"});
  CHECK(cli.exit_code == 2);
  CHECK(cli.err.find("refused the login") != std::string::npos);
  CHECK(cli.err.find("not-the-password") == std::string::npos);
  // A password in the URL is refused before anything is sent.
  CommandResult in_url = run_command({SPAMGRAPH_BINARY, "--db", dir.path("store.db"), "pull",
                                      "imap://test:" + std::string(kPassword) + "@127.0.0.1:" +
                                          std::to_string(server->imap_port()) + "/INBOX"});
  CHECK(in_url.exit_code == 2);
  CHECK(in_url.err.find(kPassword) == std::string::npos);

  // The right password from a netrc file works through the command line too.
  server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(50)));
  std::ofstream(dir.path("netrc")) << "machine 127.0.0.1 login test password " << kPassword << "\n";
  CommandResult netrc = run_command({"/usr/bin/env", "-u", "SPAMGRAPH_MAIL_PASSWORD", SPAMGRAPH_BINARY, "--db",
                                     dir.path("store.db"), "pull", url(*server), "--plain", "--netrc",
                                     dir.path("netrc")});
  CHECK_MESSAGE(netrc.exit_code == 0, netrc.err);
  CHECK(netrc.out.find("1 new, 1 stored") != std::string::npos);
}

TEST_CASE("pull imap: TLS with a self-signed certificate is refused unless its CA file is named") {
  auto server = start_dovecot(true);
  REQUIRE(server->add_message("INBOX", spam(60)));
  TempDir dir("pull-imap-tls");
  auto store = open_store(dir);
  const std::string imaps = "imaps://test@127.0.0.1:" + std::to_string(server->imaps_port()) + "/INBOX";

  PullOptions untrusted = options_for(imaps);
  imap::ConnectFailure failure = imap::ConnectFailure::none;
  auto refused = pull(*store, untrusted, &failure);
  REQUIRE_FALSE(refused);
  CHECK(failure == imap::ConnectFailure::tls);
  CHECK(refused.error().message.find("--cacert") != std::string::npos);

  // STARTTLS when offered is the default on imap://: the same certificate check applies.
  PullOptions starttls = options_for(url(*server));
  starttls.connect.starttls = imap::StartTls::if_offered;
  CHECK_FALSE(pull(*store, starttls));

  PullOptions trusted = options_for(imaps);
  trusted.connect.ca_file = server->ca_file();
  CHECK(pull_ok(*store, trusted).totals.stored == 1);
  starttls.connect.starttls = imap::StartTls::required;
  starttls.connect.ca_file = server->ca_file();
  REQUIRE(server->add_message("INBOX", spam(61)));
  // Its own cursor (the URL differs): both messages are new to it, one is stored already.
  PullReport via_starttls = pull_ok(*store, starttls);
  CHECK(via_starttls.mailboxes[0].new_on_server == 2);
  CHECK(via_starttls.totals.stored == 1);
  CHECK(via_starttls.totals.duplicates == 1);
}

TEST_CASE("pull pop3: UIDLs remember what was read, nothing is deleted or marked") {
  auto server = start_dovecot();
  for (int n = 70; n < 73; ++n) REQUIRE(server->add_message("INBOX", spam(n)));
  TempDir dir("pull-pop3");
  auto store = open_store(dir);
  const std::string pop3 = "pop3://test@127.0.0.1:" + std::to_string(server->pop3_port());
  PullReport first = pull_ok(*store, options_for(pop3));
  REQUIRE(first.mailboxes.size() == 1);
  CHECK(first.mailboxes[0].new_on_server == 3);
  CHECK(first.mailboxes[0].stored == 3);
  CHECK(count(*store, "SELECT count(*) FROM message WHERE source_kind = 'pop3'") == 3);
  REQUIRE(server->add_message("INBOX", spam(73)));
  PullReport second = pull_ok(*store, options_for(pop3));
  CHECK(second.mailboxes[0].new_on_server == 1);
  CHECK(second.mailboxes[0].stored == 1);
  auto flags = server->flags("INBOX");
  REQUIRE(flags);
  CHECK(flags->size() == 4);
  for (const auto& [uid, text] : *flags) CHECK(text.find("\\Seen") == std::string::npos);
}

TEST_CASE("pull imap: a server that announces a gigabyte or never answers ends the pull quickly and clearly") {
  TempDir dir("pull-imap-hostile");
  auto store = open_store(dir);
  struct Case {
    const char* mode;
    const char* expected;
  };
  for (const Case& hostile : {Case{"huge-literal", "1073741824"}, Case{"silent-after-login", "sent nothing for"},
                              Case{"silent-greeting", "took longer than"}, Case{"long-line", "longer than"}}) {
    CAPTURE(hostile.mode);
    auto server_dir = make_server_dir("imap-hostile");
    REQUIRE(server_dir);
    const uint16_t port = free_tcp_port();
    pid_t pid = -1;
    REQUIRE(start_python_server("imap_fixture_server.py", port, {hostile.mode}, *server_dir, pid));
    PullOptions options = options_for("imap://test@127.0.0.1:" + std::to_string(port) + "/INBOX");
    options.connect.idle_timeout = std::chrono::milliseconds(700);
    options.connect.connect_timeout = std::chrono::milliseconds(1500);
    options.limits.max_line = 1u << 20;
    const auto started = std::chrono::steady_clock::now();
    auto report = pull(*store, options);
    const auto took = std::chrono::steady_clock::now() - started;
    stop_server(pid, *server_dir);
    const std::string error = !report ? report.error().to_string()
                                      : (report->stopped ? report->stopped->to_string() : std::string("no error"));
    CAPTURE(error);
    CHECK(error.find(hostile.expected) != std::string::npos);
    CHECK(took < std::chrono::seconds(5));
    CHECK(count(*store, "SELECT count(*) FROM message") == 0);
  }
}

TEST_CASE("pull imap: a config file may hold the password only when no one else can read it") {
  auto server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(80)));
  TempDir dir("pull-imap-config");
  const std::string config = dir.path("config");
  std::ofstream(config) << "# the account's password; '#' belongs to it\n"
                        << "mail-password.test@127.0.0.1 = " << kPassword << "\n";
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  const std::vector<std::string> command{"/usr/bin/env", "-u", "SPAMGRAPH_MAIL_PASSWORD", SPAMGRAPH_BINARY,
                                         "--config", config, "--db", dir.path("store.db"), "pull", url(*server),
                                         "--plain"};
  CommandResult readable = run_command(command);
  CHECK(readable.exit_code == 2);
  CHECK(readable.err.find("chmod 600") != std::string::npos);
  CHECK(readable.err.find(kPassword) == std::string::npos);
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);
  CommandResult own = run_command(command);
  CHECK_MESSAGE(own.exit_code == 0, own.err);
  CHECK(own.out.find("1 new, 1 stored") != std::string::npos);
}

TEST_CASE("pull imap --since: only messages that arrived on or after the day") {
  auto server = start_dovecot();
  REQUIRE(server->add_message("INBOX", spam(90)));
  REQUIRE(server->add_message("INBOX", spam(91)));
  // Dovecot takes a Maildir message's arrival time from its file's time: make the
  // first one arrive in 2020, before Dovecot first looks.
  std::vector<fs::path> files;
  for (const char* part : {"new", "cur"})
    for (const auto& entry : fs::directory_iterator(server->dir() + "/mail/test/" + part)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() == 2);
  fs::last_write_time(files[0], fs::file_time_type::clock::now() - std::chrono::hours(24 * 365 * 6));
  TempDir dir("pull-imap-since");
  auto store = open_store(dir);
  PullOptions since = options_for(url(*server));
  since.since = 1735689600;  // 2025-01-01
  PullReport report = pull_ok(*store, since);
  CHECK(report.mailboxes[0].new_on_server == 1);
  CHECK(report.mailboxes[0].stored == 1);
  CHECK(count(*store, "SELECT count(*) FROM message WHERE subject = 'offer 91'") == 1);
}

TEST_CASE("pull imap: two pulls of one mailbox at once store each message once and leave the farther cursor") {
  auto server = start_dovecot();
  std::vector<std::string> messages;
  for (int n = 200; n < 240; ++n) messages.push_back(spam(n));
  REQUIRE(server->add_messages("INBOX", messages));
  TempDir dir("pull-imap-concurrent");
  { auto created = open_store(dir); }  // the schema first, so neither pull creates it
  std::vector<int64_t> stored(2, -1);
  std::vector<std::thread> pulls;
  for (size_t i = 0; i < 2; ++i)
    pulls.emplace_back([&, i] {
      auto store = Store::open(dir.path("store.db"));
      if (!store) return;
      std::ostringstream progress;
      auto report = run_pull(**store, options_for(url(*server)), progress);
      if (report && !report->stopped) stored[i] = report->totals.stored;
    });
  for (std::thread& pull : pulls) pull.join();
  CHECK(stored[0] >= 0);
  CHECK(stored[1] >= 0);
  CHECK(stored[0] + stored[1] == 40);
  auto store = open_store(dir);
  CHECK(count(*store, "SELECT count(*) FROM message") == 40);
  auto cursor = read_mail_cursor(*store, url(*server));
  REQUIRE(cursor);
  REQUIRE(*cursor);
  CHECK((*cursor)->last_uid == 40);
}
