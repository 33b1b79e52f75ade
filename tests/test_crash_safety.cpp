// kill -9 in the middle of a large ingest: the store stays sound, keeps every
// committed batch, and the same command run again completes the rest.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/sqlite.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

void write_mbox(const std::string& path, int messages) {
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < messages; ++i) {
    const int a = 1 + i % 200, b = (i / 200) % 250, c = i % 250;
    out << "From bounce@example.org Mon Jan  6 10:00:00 2020\n"
        << "Received: from mx.example.net (mx.example.net [192.0.2.1]) by mail.example.jp (Postfix) with ESMTP id Q" << i
        << "; Mon, 6 Jan 2020 10:00:" << (10 + i % 40) << " +0900\n"
        << "Received: from campaign" << (i % 97) << ".example (host-" << a << "." << b << ".example [198.51." << a % 100
        << "." << c << "]) by mx.example.net (Postfix) with ESMTP id R" << i << "; Mon, 6 Jan 2020 10:00:00 +0900\n"
        << "Return-Path: <bounce-" << i << "@sender" << (i % 311) << ".example>\n"
        << "From: \"Shop\" <info@brand" << (i % 53) << ".example>\n"
        << "Message-ID: <" << i << ".crash@mailer" << (i % 17) << ".example>\n"
        << "Subject: test " << i << "\n"
        << "Date: Mon, 6 Jan 2020 10:00:00 +0900\n\n"
        << "Visit https://landing" << (i % 71) << ".example/p?id=" << i << " now\n\n";
  }
}

int64_t scalar(sql::Database& db, const char* sql) {
  auto query = db.prepare(sql);
  return query.step() ? query.int64(0) : -1;
}

}  // namespace

TEST_CASE("crash safety: kill -9 mid-ingest, integrity holds, rerun completes without duplicates") {
  TempDir dir("crash");
  const std::string mbox = dir.path("big.mbox"), db_path = dir.path("crash.db");
  const int total = 60000;
  write_mbox(mbox, total);

  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    execl(SPAMGRAPH_BINARY, "spamgraph", "--db", db_path.c_str(), "ingest", mbox.c_str(), "--trusted",
          "mail.example.jp,mx.example.net", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until at least one batch is committed, then kill without warning.
  int64_t committed = 0;
  for (int attempt = 0; attempt < 4000 && committed <= 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!std::filesystem::exists(db_path)) continue;
    sql::Database reader;
    if (!reader.open(db_path)) continue;
    committed = scalar(reader, "SELECT COUNT(*) FROM message");
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(committed > 0);
  INFO("killed: signalled=" << WIFSIGNALED(status));

  int64_t kept = 0;
  {
    sql::Database db;
    REQUIRE(db.open(db_path));
    auto check = db.prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.text(0) == "ok");
    kept = scalar(db, "SELECT COUNT(*) FROM message");
    CHECK(kept >= committed);
    // Batches are atomic: every stored message has its graph.
    CHECK(scalar(db, "SELECT COUNT(*) FROM message m WHERE NOT EXISTS (SELECT 1 FROM message_link l WHERE l.message_id = m.id)") == 0);
  }
  MESSAGE("messages kept after kill -9: " << kept << " of " << total);
  CHECK(kept < total);  // otherwise the kill came too late to test anything

  const CommandResult rerun = run_command({SPAMGRAPH_BINARY, "--db", db_path, "ingest", mbox, "--trusted",
                                           "mail.example.jp,mx.example.net"});
  CHECK(rerun.exit_code == 0);
  CHECK(rerun.out.find("duplicates " + std::to_string(kept)) != std::string::npos);
  sql::Database db;
  REQUIRE(db.open(db_path));
  CHECK(scalar(db, "SELECT COUNT(*) FROM message") == total);
  CHECK(scalar(db, "SELECT COUNT(*) - COUNT(DISTINCT header_hash) FROM message") == 0);
  auto check = db.prepare("PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");
}
