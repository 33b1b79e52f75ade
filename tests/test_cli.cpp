// The `spamgraph` binary as a user runs it: the bundled case end to end.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

bool mentions(const CommandResult& result, const std::string& text) {
  return result.out.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("cli: the bundled case answers as the blog did") {
  TempDir dir("cli-seed");
  const std::string db = dir.path("seed.db");
  CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")});
  INFO(ingest.out << ingest.err);
  REQUIRE(ingest.exit_code == 0);
  CHECK(ingest.out.find("read 2, new 2, duplicates 0, unreadable 0") != std::string::npos);

  CommandResult shares = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "103.244.54.137", "--json"});
  REQUIRE(shares.exit_code == 0);
  const json rows = json::parse(shares.out);
  // HELO names given from 103.244.54.137...
  for (const char* helo : {"kldoqzn6x62p3.top", "somach789.xyz"}) {
    const json* row = find_row(rows, "domain", helo);
    REQUIRE_MESSAGE(row, helo);
    CHECK(json_contains((*row)["roles"], "helo"));
    CHECK((*row)["messages"] == 1);
  }
  // ...and the envelope senders of the messages it sent.
  for (const char* sender : {"g0zs8omwfqere.link", "authoranz.xyz"}) {
    const json* row = find_row(rows, "domain", sender);
    REQUIRE_MESSAGE(row, sender);
    CHECK(json_contains((*row)["roles"], "envelope-from"));
    CHECK(json_contains((*row)["via"], "origin-ip"));
  }
  // The PTR name stands under its registrable domain, or by itself with --names.
  CHECK_FALSE(find_row(rows, "domain", "static-ip.137.54.244.103.rev.i4hk.com"));
  REQUIRE(find_row(rows, "domain", "i4hk.com"));
  CHECK((*find_row(rows, "domain", "i4hk.com"))["names"] == 1);
  CHECK(json_contains((*find_row(rows, "domain", "i4hk.com"))["roles"], "ptr"));
  const json names =
      json::parse(run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "103.244.54.137", "--json", "--names"}).out);
  CHECK(find_row(names, "domain", "static-ip.137.54.244.103.rev.i4hk.com"));
  CHECK_FALSE(find_row(names, "domain", "i4hk.com"));
  CHECK(names.size() == rows.size());
  // The relay's own HELO is not a domain of 103.244.54.137.
  CHECK_FALSE(find_row(rows, "domain", "re27.leadw.link"));
  CHECK_FALSE(find_row(rows, "domain", "leadw.link"));
  CommandResult table = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "103.244.54.137"});
  CHECK(table.out.find("Registrable domains sharing 103.244.54.137 (5, standing for 5 names") != std::string::npos);
  CHECK(table.out.find("NAMES") != std::string::npos);

  // The relays that handed the messages on.
  CommandResult relays = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "g0zs8omwfqere.link", "--json"});
  REQUIRE(relays.exit_code == 0);
  const json ips = json::parse(relays.out);
  REQUIRE(find_row(ips, "ip", "114.113.195.101"));
  CHECK(json_contains((*find_row(ips, "ip", "114.113.195.101"))["roles"], "relay-ip"));
  CHECK(json_contains((*find_row(ips, "ip", "103.244.54.137"))["roles"], "origin-ip"));
  CHECK_FALSE(find_row(ips, "ip", "114.113.195.11"));
  CommandResult second = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "authoranz.xyz", "--json"});
  CHECK(find_row(json::parse(second.out), "ip", "114.113.195.11"));

  // Re-ingesting changes nothing.
  CommandResult again = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")});
  CHECK(again.out.find("read 2, new 0, duplicates 2") != std::string::npos);
  CommandResult stats = run_command({SPAMGRAPH_BINARY, "--db", db, "stats", "--json"});
  REQUIRE(stats.exit_code == 0);
  const json counts = json::parse(stats.out);
  CHECK(counts["messages"] == 2);
  CHECK(counts["ip"] == 3);
}

TEST_CASE("cli: parse --json shows the analysis without storing") {
  CommandResult parsed =
      run_command({SPAMGRAPH_BINARY, "parse", repo_path("data/seed/jacks-1.txt"), "--json"});
  INFO(parsed.err);
  REQUIRE(parsed.exit_code == 0);
  const json evidence = json::parse(parsed.out);
  CHECK(evidence["origin"]["ip"] == "103.244.54.137");
  CHECK(evidence["origin"]["helo"] == "kldoqzn6x62p3.top");
  CHECK(evidence["origin"]["rdns"] == "static-ip.137.54.244.103.rev.i4hk.com");
  REQUIRE(evidence["hops"].size() == 2);
  CHECK(evidence["hops"][0]["from_ip"] == "114.113.195.101");
  CHECK(evidence["hops"][0]["from_helo"] == "re27.leadw.link");
  CHECK(evidence["hops"][0]["trusted"] == false);
  CHECK(evidence["spf"]["result"] == "pass");
  CHECK(evidence["spf"]["client_ip"] == "114.113.195.101");
  CHECK(evidence["envelope_from"] == "bounce-********@g0zs8omwfqere.link");
  std::set<std::string> roles;
  for (const json& indicator : evidence["indicators"])
    roles.insert(indicator["role"].get<std::string>() + " " + indicator["value"].get<std::string>());
  CHECK(roles.count("header-from kldoqzn6x62p3.top"));
  CHECK(roles.count("envelope-from g0zs8omwfqere.link"));
  CHECK(roles.count("relay-ip 114.113.195.101"));
  CHECK(roles.count("origin-ip 103.244.54.137"));

  CommandResult table = run_command({SPAMGRAPH_BINARY, "parse", repo_path("data/seed/jacks-2.txt")});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("103.244.54.137") != std::string::npos);
  CHECK(table.out.find("claim") != std::string::npos);
}

TEST_CASE("cli: errors name the file or field, exit codes tell usage from unreadable input") {
  TempDir dir("cli-errors");
  const std::string db = dir.path("e.db");
  CommandResult missing = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", dir.path("nope.mbox")});
  CHECK(missing.exit_code == 1);
  CHECK(missing.out.find("nope.mbox") != std::string::npos);

  CommandResult bad_trust = run_command({SPAMGRAPH_BINARY, "parse", repo_path("data/seed/jacks-1.txt"), "--trusted", "a$b"});
  CHECK(bad_trust.exit_code == 2);
  CHECK(bad_trust.err.find("--trusted") != std::string::npos);

  CommandResult bad_date = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "103.244.54.137", "--since", "soon"});
  CHECK(bad_date.exit_code == 2);
  CHECK(bad_date.err.find("--since") != std::string::npos);

  CommandResult usage = run_command({SPAMGRAPH_BINARY, "frobnicate"});
  CHECK(usage.exit_code == 2);

  // Unreadable input among good input: the good part is stored, exit code 1.
  CommandResult mixed = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed"), dir.path("nope")});
  CHECK(mixed.exit_code == 1);
  CommandResult stats = run_command({SPAMGRAPH_BINARY, "--db", db, "stats", "--json"});
  CHECK(json::parse(stats.out)["messages"] == 2);

  // A config file with a bad line is named with its line number.
  const std::string config = dir.path("config");
  FILE* file = fopen(config.c_str(), "w");
  fputs("# spamgraph\ndb = x.db\nwhatever\n", file);
  fclose(file);
  CommandResult bad_config = run_command({SPAMGRAPH_BINARY, "--config", config, "stats"});
  CHECK(bad_config.exit_code == 2);
  CHECK(bad_config.err.find(config + ":3") != std::string::npos);
}

TEST_CASE("cli: trusted hosts from --trusted turn claims into facts") {
  const std::string eml = corpus_path("spamassassin/t/data/spam/001");
  CommandResult plain = run_command({SPAMGRAPH_BINARY, "parse", eml, "--json"});
  REQUIRE(plain.exit_code == 0);
  const json inferred = json::parse(plain.out);
  REQUIRE(inferred["hops"].size() >= 2);
  // With inference the topmost hop with a `by` is ours.
  CHECK(inferred["hops"][0]["trusted"] == true);
}

namespace {

// Every row of every table, as text, sorted; the ingest clock
// (message.ingested_at) is left out.
std::string table_contents(const std::string& db_path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::string out;
  auto each_row = [&](const std::string& sql, const std::function<void(sqlite3_stmt*)>& row) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK, sql);
    while (sqlite3_step(statement) == SQLITE_ROW) row(statement);
    sqlite3_finalize(statement);
  };
  std::vector<std::string> tables;
  each_row("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", [&](sqlite3_stmt* statement) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  });
  for (const std::string& table : tables) {
    std::string columns;
    each_row("PRAGMA table_info(" + table + ")", [&](sqlite3_stmt* statement) {
      const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
      if (name != "ingested_at") columns += (columns.empty() ? "" : ", ") + std::string("quote(") + name + ")";
    });
    out += "== " + table + "\n";
    each_row("SELECT " + columns + " FROM " + table + " ORDER BY " + columns, [&](sqlite3_stmt* statement) {
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const unsigned char* text = sqlite3_column_text(statement, i);
        out += text ? reinterpret_cast<const char*>(text) : "NULL";
        out += '|';
      }
      out += '\n';
    });
  }
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("cli: ingest --jobs 3 stores exactly what --jobs 1 stores") {
  TempDir dir("cli-jobs");
  std::string contents[2];
  std::string summaries[2];
  const char* jobs[] = {"1", "3"};
  for (int i = 0; i < 2; ++i) {
    const std::string db = dir.path(std::string("jobs") + jobs[i] + ".db");
    CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--jobs", jobs[i], "--assume-time",
                                        "2024-01-01", corpus_path("")});
    INFO(ingest.err);
    REQUIRE(ingest.exit_code == 1);  // the corpus holds a file that is not mail
    summaries[i] = ingest.out;
    contents[i] = table_contents(db);
  }
  CHECK(summaries[0].find("read 222, new 212, duplicates 10, unreadable 1") != std::string::npos);
  CHECK(summaries[0] == summaries[1]);
  CHECK(contents[0].size() > 100000);
  CHECK(contents[0] == contents[1]);
  CHECK(run_command({SPAMGRAPH_BINARY, "ingest", "--jobs", "0", "x"}).exit_code == 2);
}

TEST_CASE("cli: ingest names every file and folder it passes over, and exits 1") {
  TempDir dir("cli-walk");
  const std::string db = dir.path("w.db");
  const std::string mail = dir.path("mail");
  write_text(mail + "/a.eml", "From: a@spam.example\nSubject: kept\n\nhttps://kept.example/\n");
  fs::create_symlink(mail + "/nowhere", mail + "/broken");
  fs::create_symlink(mail + "/loop", mail + "/loop");
  fs::create_directories(mail + "/sub");
  REQUIRE(::mkfifo((mail + "/sub/fifo").c_str(), 0600) == 0);

  CommandResult ingest = run_command({"/usr/bin/timeout", "60", SPAMGRAPH_BINARY, "--db", db, "ingest", mail,
                                      dir.path("missing.mbox")});
  INFO(ingest.out << ingest.err);
  CHECK(ingest.exit_code == 1);
  CHECK(mentions(ingest, "read 1, new 1, duplicates 0, unreadable 4"));
  CHECK(mentions(ingest, mail + "/broken: broken symlink (its target does not exist), skipped\n"));
  CHECK(mentions(ingest, mail + "/loop: symlink loop, skipped\n"));
  CHECK(mentions(ingest, mail + "/sub/fifo: a FIFO, skipped\n"));
  CHECK(mentions(ingest, dir.path("missing.mbox") + ": No such file or directory\n"));
  CommandResult stats = run_command({SPAMGRAPH_BINARY, "--db", db, "stats", "--json"});
  CHECK(json::parse(stats.out)["messages"] == 1);
}

TEST_CASE("cli: ingest of a folder that cannot be read names it and exits 1") {
  // Root reads any folder, so as root the command runs as nobody.
  std::vector<std::string> argv;
  if (::geteuid() == 0) {
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
      MESSAGE("running as root without setpriv: a folder without permissions cannot be tested, not asserted");
      return;
    }
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  TempDir dir("cli-locked");
  fs::permissions(dir.root(), fs::perms::all);  // the store is written here by whoever runs the command
  const std::string mail = dir.path("mail");
  write_text(mail + "/a.eml", "From: a@spam.example\nSubject: kept\n\nx\n");
  write_text(mail + "/locked/b.eml", "From: b@spam.example\nSubject: locked\n\nx\n");
  write_text(dir.path("config"), "");
  for (const std::string& path : {mail, mail + "/a.eml", dir.path("config")}) ::chmod(path.c_str(), 0755);
  fs::permissions(mail + "/locked", fs::perms::none);
  argv.insert(argv.end(), {SPAMGRAPH_BINARY, "--config", dir.path("config"), "--db", dir.path("l.db"), "ingest"});

  std::vector<std::string> below = argv;
  below.push_back(mail);
  CommandResult walk = run_command(below);
  std::vector<std::string> named = argv;
  named.push_back(mail + "/locked");
  CommandResult top = run_command(named);
  fs::permissions(mail + "/locked", fs::perms::owner_all);  // so that TempDir can remove it

  INFO(walk.out << walk.err << top.out << top.err);
  CHECK(walk.exit_code == 1);
  CHECK(mentions(walk, "read 1, new 1, duplicates 0, unreadable 1"));
  CHECK(mentions(walk, mail + "/locked: cannot read folder: Permission denied\n"));
  CHECK(top.exit_code == 1);
  CHECK(mentions(top, "read 0, new 0, duplicates 0, unreadable 1"));
  CHECK(mentions(top, mail + "/locked: cannot read folder: Permission denied\n"));
}

TEST_CASE("cli: a FIFO named on the command line is read as a pipe is, opened once") {
  TempDir dir("cli-fifo");
  const std::string fifo = dir.path("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  write_text(dir.path("message"), "From: a@spam.example\nSubject: through a FIFO\n\nx\n");
  // Opened twice, the FIFO could lose its writer to the first open and the
  // second wait for ever: `timeout` keeps that from stalling the suite.
  CommandResult ingest = run_command({"/bin/sh", "-c",
                                      "cat \"$1\" > \"$2\" & exec /usr/bin/timeout 20 \"$3\" --db \"$4\" ingest \"$2\"",
                                      "sh", dir.path("message"), fifo, SPAMGRAPH_BINARY, dir.path("f.db")});
  INFO(ingest.out << ingest.err);
  CHECK(ingest.exit_code == 0);
  CHECK(mentions(ingest, "read 1, new 1, duplicates 0, unreadable 0"));
}

TEST_CASE("cli: questions start without the download and drawing libraries, and other commands are handed over") {
  TempDir dir("cli-front");
  const std::string db = dir.path("f.db");
  // ingest is not a question: spamgraph hands it to spamgraph-full beside it.
  CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")});
  REQUIRE(ingest.exit_code == 0);

  // The dynamic loader's own trace of a question: libcurl and Graphviz never load.
  CommandResult traced = run_command({"/usr/bin/env", "LD_DEBUG=libs", SPAMGRAPH_BINARY, "--db=" + db, "stats", "--json"});
  REQUIRE(traced.exit_code == 0);
  CHECK(json::parse(traced.out)["messages"] == 2);
  CHECK(traced.err.find("libsqlite3") != std::string::npos);  // the trace is there
  CHECK(traced.err.find("libcurl") == std::string::npos);
  CHECK(traced.err.find("libgvc") == std::string::npos);
  // The same for a command that needs them: they load in the binary it was handed to.
  CommandResult handed = run_command({"/usr/bin/env", "LD_DEBUG=libs", SPAMGRAPH_BINARY, "--db", db, "data", "list"});
  CHECK(handed.exit_code == 0);
  CHECK(handed.err.find("libcurl") != std::string::npos);

  // The help lists every command, the handed-over ones too.
  CommandResult help = run_command({SPAMGRAPH_BINARY, "--help"});
  CHECK(help.exit_code == 0);
  for (const char* command : {"ingest", "enrich", "report", "shares", "pivot", "asn"}) {
    CAPTURE(command);
    CHECK(mentions(help, command));
  }

  // Without spamgraph-full beside it, a question is still answered, and a command
  // to hand over fails naming what it could not run.
  const std::string alone = dir.path("alone/spamgraph");
  fs::create_directories(dir.path("alone"));
  fs::copy_file(SPAMGRAPH_BINARY, alone);
  fs::permissions(alone, fs::perms::owner_all);
  CommandResult question = run_command({alone, "--db", db, "stats", "--json"});
  CHECK(question.exit_code == 0);
  CHECK(json::parse(question.out)["messages"] == 2);
  CommandResult lost = run_command({alone, "--db", db, "ingest", repo_path("data/seed")});
  CHECK(lost.exit_code == 2);
  CHECK(lost.err.find(dir.path("alone/spamgraph-full")) != std::string::npos);
}
