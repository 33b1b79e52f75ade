// Spam and third-party data on the way out: JSON stays valid UTF-8, terminals get
// escapes instead of control sequences, a lost answer is an error.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/run_catching.h"
#include "cli/evidence_json.h"
#include "cli/json_output.h"
#include "cli/query_output.h"
#include "core/utf8.h"
#include "tests/helpers.h"

using namespace sg;
using nlohmann::json;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A plain message with one spam-written field after its Received field.
std::string message_with(const std::string& field) {
  return "Received: from mail.example.fr (mail.example.fr [192.0.2.1]) by mx.example.net; Mon, 1 Dec 2025 "
         "00:00:00 +0000\n" +
         field +
         "\nFrom: a@example.com\n"
         "Subject: t\n"
         "\n"
         "b\n";
}

// The whole stdout of `spamgraph ARGS` parsed as JSON; fails the test when it is not.
json run_json(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {SPAMGRAPH_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult result = run_command(argv);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(is_well_formed_utf8(result.out));
  return json::parse(result.out);
}

// What terminal escapes look like in the output: the visible "\x1b", never the byte.
void check_escaped(const std::string& output) {
  CHECK_FALSE(contains(output, "\x1b"));
  CHECK_FALSE(contains(output, "\x07"));
  CHECK(contains(output, "\\x1b"));
}

// A server answering every HTTP request with 404 and a reason phrase of its choice.
class HostileHttpServer {
 public:
  explicit HostileHttpServer(std::string reason) : reason_(std::move(reason)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), length) == 0);
    REQUIRE(listen(listener_, 8) == 0);
    REQUIRE(getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HostileHttpServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  void serve() {
    while (!stop_) {
      pollfd fd{listener_, POLLIN, 0};
      if (poll(&fd, 1, 100) <= 0) continue;
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      char request[4096];
      (void)read(client, request, sizeof request);
      const std::string response =
          "HTTP/1.1 404 " + reason_ + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)write(client, response.data(), response.size());
      close(client);
    }
  }

  std::string reason_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("json: evidence with ill-formed UTF-8 in every text is written strictly") {
  const std::string bad = "x\xe9";
  const std::string fixed = "x" + kReplacement;
  Evidence evidence;
  evidence.source = MessageSource{SourceKind::eml, "/tmp/" + bad, 0, 0, 0};
  evidence.header_hash = bad;
  Hop hop;
  hop.raw = hop.from_helo = hop.from_rdns = hop.by = hop.with = hop.id = hop.for_addr = hop.dialect = bad;
  evidence.hops = {hop};
  evidence.origin_hop = 0;
  evidence.spf = SpfVerdict{bad, bad, bad, bad, bad, bad, bad};
  evidence.auth_results = {AuthResult{bad, bad, bad, {{bad, bad}}, 1}};
  evidence.dkim = {DkimSignature{bad, bad, bad, bad}};
  evidence.envelope_from = evidence.header_from = evidence.sender = evidence.reply_to = bad;
  evidence.message_id = evidence.subject = evidence.x_mailer = evidence.time_source = bad;
  evidence.indicators = {Indicator{EntityKind::domain, bad, Role::helo, false}};
  evidence.problems = {bad};

  const json out = evidence_to_json(evidence);
  std::string text;
  REQUIRE_NOTHROW(text = out.dump());  // the strict dump throws type_error.316 on any bad byte left
  CHECK(is_well_formed_utf8(text));
  const json back = json::parse(text);
  CHECK(back["header_from"] == fixed);
  CHECK(back["origin"]["helo"] == fixed);
  CHECK(back["hops"][0]["from_helo"] == fixed);
  CHECK(back["spf"]["envelope_from"] == fixed);
  CHECK(back["auth_results"][0]["authserv_id"] == fixed);
  CHECK(back["auth_results"][0]["properties"][fixed] == fixed);
  CHECK(back["dkim"][0]["d"] == fixed);
  CHECK(back["indicators"][0]["value"] == fixed);
  CHECK(back["problems"][0] == fixed);
}

TEST_CASE("json: store answers with ill-formed UTF-8 are written strictly") {
  const std::string bad = "x\xe9";
  const std::string fixed = "x" + kReplacement;
  SharedLink link;
  link.value = bad;
  link.roles = {bad};
  link.via = {bad};
  CHECK(json::parse(shares_to_json({link}, true).dump())[0]["domain"] == fixed);

  EntityReport report;
  report.entity = EntityRef{EntityKind::domain, bad};
  report.parent = bad;
  EdgeView edge;
  edge.relation = bad;
  edge.other = EntityRef{EntityKind::domain, bad};
  edge.provenance = {Provenance{ProvenanceKind::message, bad, 0, false}};
  report.edges = {edge};
  report.lookups = {LookupHistory{bad, bad, 1, 0, 0, bad, bad, 0}};
  report.message = MessageRecord{bad, 0, bad, bad, MessageSource{SourceKind::eml, bad, 0, 0, 0}, 0, bad};
  ChainLink chain_link{EntityRef{EntityKind::ip, bad}, kHolder, EntityRef{EntityKind::org, bad}, 1, 0, 0, {bad}};
  std::vector<ChainLink> chain = {chain_link};
  std::string text;
  REQUIRE_NOTHROW(text = report_to_json(report, nullptr, &chain).dump());
  const json back = json::parse(text);
  CHECK(back["key"] == fixed);
  CHECK(back["edges"][0]["provenance"][0]["ref"] == fixed);
  CHECK(back["message"]["subject"] == fixed);
  CHECK(back["lookups"][0]["previous_status"] == fixed);
  CHECK(back["chain"][0]["datasets"][0] == fixed);

  StoreStats stats;
  stats.entities[bad] = 1;
  CHECK(json::parse(stats_to_json(stats).dump())["entities"][fixed] == 1);

  AsnReport asn;
  asn.names = {AsnReport::Name{bad, DatasetInfo{}}};
  asn.prefixes = {AsnReport::Prefix{bad, bad, DatasetInfo{}}};
  asn.ips = {AsnReport::Ip{bad, {bad}, {bad}}};
  REQUIRE_NOTHROW(text = asn_report_to_json(asn).dump());
  CHECK(json::parse(text)["names"][0]["name"] == fixed);
}

TEST_CASE("json: write_json replaces what slipped through instead of throwing") {
  std::ostringstream out;
  write_json(json{{"k", "caf\xe9"}}, out);
  CHECK(json::parse(out.str())["k"] == "caf" + kReplacement);
}

TEST_CASE("cli: parse --json with a Latin-1 byte in each spam-written field is valid JSON") {
  TempDir dir("hostile-fields");
  struct Case {
    const char* field;
    const char* pointer;  // where the value lands in the JSON
  };
  const Case cases[] = {
      {"Received: from mail.caf\xe9.fr (mail.example.fr [192.0.2.1]) by mx.example.net; Mon, 1 Dec 2025 00:00:00 +0000",
       "/hops/1/from_helo"},
      {"Return-Path: <b@caf\xe9.example>", "/envelope_from"},
      {"Reply-To: r@caf\xe9.example", "/reply_to"},
      {"Message-ID: <id\xe9@example.com>", "/message_id"},
      {"DKIM-Signature: v=1; a=rsa-sha256; d=caf\xe9.example; s=sel; h=from; bh=x; b=y", "/dkim/0/d"},
      {"Authentication-Results: mx.caf\xe9.example; spf=pass smtp.mailfrom=b@example.com",
       "/auth_results/0/authserv_id"},
      {"Received-SPF: pass (mx.example.net: domain of b@example.com designates 192.0.2.1 as permitted sender) "
       "client-ip=192.0.2.1; envelope-from=b@caf\xe9.example; helo=mail.example.fr;",
       "/spf/envelope_from"},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.field));
    const std::string path = dir.path("m.eml");
    write_file(path, message_with(c.field));
    const json evidence = run_json({"parse", "--json", path});
    const json& value = evidence.at(json::json_pointer(c.pointer));
    REQUIRE(value.is_string());
    CHECK(contains(value.get<std::string>(), kReplacement));
  }
  // The From address is the one field the message above already has: replace it.
  const std::string from = dir.path("from.eml");
  write_file(from, "From: caf\xe9@example.com\nSubject: t\n\nb\n");
  const json evidence = run_json({"parse", "--json", from});
  CHECK(evidence["header_from"] == "caf" + kReplacement + "@example.com");
}

TEST_CASE("cli: a stored message with bytes that are not UTF-8 is shown as JSON and kept as bytes") {
  TempDir dir("hostile-show");
  const std::string db = dir.path("s.db");
  const std::string path = dir.path("cafe.eml");
  write_file(path, message_with("Subject: caf\xe9"));
  const std::string helo_path = dir.path("helo.eml");
  write_file(helo_path,
             "Received: from mail.caf\xe9.fr (mail.example.fr [192.0.2.1]) by mx.example.net; Mon, 1 Dec 2025 "
             "00:00:00 +0000\nFrom: a@example.com\nSubject: t\n\nb\n");
  CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", helo_path});
  INFO(ingest.err);
  REQUIRE(ingest.exit_code == 0);
  const std::string hash = run_json({"parse", "--json", helo_path})["header_hash"];

  const json shown = run_json({"--db", db, "show", "message", hash.substr(0, 12), "--json"});
  CHECK(shown["message"]["analysis"]["hops"][0]["from_helo"] == "mail.caf" + kReplacement + ".fr");

  // The store keeps what the message said, byte for byte.
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(handle, "SELECT raw_headers FROM message", -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const std::string raw(static_cast<const char*>(sqlite3_column_blob(statement, 0)),
                        static_cast<size_t>(sqlite3_column_bytes(statement, 0)));
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  CHECK(contains(raw, "mail.caf\xe9.fr"));
}

TEST_CASE("cli: escape sequences in spam are shown escaped by parse and show message") {
  TempDir dir("hostile-terminal");
  const std::string path = dir.path("osc.eml");
  write_file(path,
             "Received: from mail.\xc2\x9b" "31mred.example (mail.example.fr [192.0.2.1]) by mx.example.net; Mon, "
             "1 Dec 2025 00:00:00 +0000\n"
             "From: \"x\" <gpj.\xe2\x80\xae@example.com>\n"
             "Subject: =?UTF-8?Q?=1B]0;owned=07=1B[2J?= \x1b]0;title\x07\n"
             "\n"
             "b\n");
  CommandResult table = run_command({SPAMGRAPH_BINARY, "parse", path});
  INFO(table.err);
  REQUIRE(table.exit_code == 0);
  check_escaped(table.out);
  CHECK(contains(table.out, "Subject: \\x1b]0;owned\\x07\\x1b[2J"));
  CHECK(contains(table.out, "\\x1b]0;title\\x07"));
  CHECK(contains(table.out, "helo mail.\\xc2\\x9b31mred.example"));  // CSI as a C1 control
  CHECK_FALSE(contains(table.out, "\xc2\x9b"));
  CHECK(contains(table.out, "Header from:   gpj.\\u202e@example.com"));

  // JSON keeps the text as it is: an escaped control character is still JSON.
  const json evidence = run_json({"parse", "--json", path});
  CHECK(contains(evidence["subject"].get<std::string>(), "\x1b]0;owned\x07"));

  const std::string db = dir.path("t.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", path}).exit_code == 0);
  CommandResult shown =
      run_command({SPAMGRAPH_BINARY, "--db", db, "show", "message", evidence["header_hash"].get<std::string>()});
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  check_escaped(shown.out);
  CHECK(contains(shown.out, "subject  \\x1b]0;owned"));
  CHECK(contains(shown.out, "from 192.0.2.1 mail.\\xc2\\x9b31mred.example"));
}

TEST_CASE("cli: the ingest summary and error messages escape what they quote") {
  TempDir dir("hostile-ingest");
  const std::string db = dir.path("i.db");
  const std::string mime = dir.path("mime.eml");
  write_file(mime, message_with("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"\x1b]0;owned\x07\"") +
                       "no parts here\n");
  const std::string missing = dir.path("\x1b[2Jmissing.eml");
  CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", mime, missing});
  INFO(ingest.out << ingest.err);
  CHECK(ingest.exit_code == 1);
  check_escaped(ingest.out);
  CHECK(contains(ingest.out, "\\x1b]0;owned\\x07"));  // the boundary, in a partly-read example
  CHECK(contains(ingest.out, "\\x1b[2Jmissing.eml"));  // the unreadable source

  CommandResult parse = run_command({SPAMGRAPH_BINARY, "parse", missing});
  CHECK(parse.exit_code == 2);
  check_escaped(parse.err);

  CommandResult show = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "domain", "\x1b]0;x\x07.example"});
  CHECK(show.exit_code == 2);
  check_escaped(show.err);
  CHECK(contains(show.err, "spamgraph: \\x1b]0;x\\x07.example: not a domain name"));
}

TEST_CASE("cli: dataset names and bad lines are escaped by data import and asn") {
  TempDir dir("hostile-asn");
  const std::string db = dir.path("a.db");
  const std::string file = dir.path("\x1b[2Jip2asn-v4.tsv");  // named in the summary and the bad line's place
  write_file(file,
             "192.0.2.0\t192.0.2.255\t64500\tUS\t\x1b]0;owned\x07 Evil\xe9 Corp\n"
             "\x1b[2Jnot a line\n");
  CommandResult import = run_command({SPAMGRAPH_BINARY, "--db", db, "data", "import", "ip2asn", file});
  INFO(import.out << import.err);
  CHECK(import.exit_code == 1);  // one bad line
  check_escaped(import.out);
  check_escaped(import.err);
  CHECK(contains(import.err, "\\x1b[2Jip2asn-v4.tsv:line 2"));

  CommandResult table = run_command({SPAMGRAPH_BINARY, "--db", db, "asn", "AS64500"});
  REQUIRE(table.exit_code == 0);
  check_escaped(table.out);
  CHECK(contains(table.out, "\\x1b]0;owned\\x07 Evil\\xe9 Corp"));

  const json report = run_json({"--db", db, "asn", "AS64500", "--json"});
  CHECK(report["names"][0]["name"] == "\x1b]0;owned\x07 Evil" + kReplacement + " Corp");
}

TEST_CASE("cli: a server's reason phrase in a data fetch error is escaped") {
  TempDir dir("hostile-fetch");
  HostileHttpServer server("\x1b]0;owned\x07Not Found\x1b[2J");
  CommandResult fetch = run_command(
      {SPAMGRAPH_BINARY, "data", "fetch", "iptoasn-v4", "--url", server.url("/x.tsv.gz"), "--dir", dir.root()});
  INFO(fetch.out << fetch.err);
  CHECK(fetch.exit_code == 2);
  CHECK(contains(fetch.err, "404"));
  check_escaped(fetch.err);
  CHECK(contains(fetch.err, "\\x1b]0;owned\\x07Not Found"));
}

TEST_CASE("cli: an answer that cannot be written is an error, not exit 0") {
  TempDir dir("hostile-full");
  const std::string db = dir.path("f.db");
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", db, "stats"}, std::vector<std::string>{"--db", db, "stats", "--json"},
        std::vector<std::string>{"parse", "--json", repo_path("data/seed/jacks-1.txt")},
        std::vector<std::string>{"--db", db, "asn", "AS133027"}}) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$0\" \"$@\" > /dev/full", SPAMGRAPH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult result = run_command(argv);
    INFO(args.back());
    CHECK(result.exit_code == 2);
    CHECK(contains(result.err, "spamgraph: standard output: cannot write: No space left on device"));
  }
}

TEST_CASE("cli: run_catching turns an escaping exception into an internal error") {
  auto status = run_catching([] { throw std::runtime_error("boom"); });
  REQUIRE_FALSE(status);
  CHECK(status.error().to_string() == "internal error: boom");
  CHECK(run_catching([] {}));
  CHECK(run_catching([] { throw 7; }).error().message == "internal error: an unknown exception");
}
