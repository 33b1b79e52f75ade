// One store shared by several writers and readers, damaged or foreign databases,
// and the migration that repairs stores written before entities had a unique key.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/ingest.h"
#include "store/schema.h"
#include "store/store.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

// Messages that share relays, HELO names and sender domains across files, so that
// concurrent writers race for the same entities and edges; `overlap` messages are
// the same in every file (the same header block: a duplicate).
std::string make_mbox(int file, int messages, int overlap) {
  std::ostringstream out;
  for (int n = 0; n < messages; ++n) {
    const bool shared = n < overlap;
    const int id = shared ? n : file * 1000 + n;
    const int ip = id % 13, helo = id % 7, domain = id % 11;
    out << "From sender@example.com Mon Jan  1 00:00:00 2024\n"
        << "Received: from mx" << (id % 3) << ".relay.test (mx" << (id % 3) << ".relay.test [192.0.2." << (id % 3 + 1)
        << "]) by mail.example.org with ESMTP id q" << id << "; Mon, " << (1 + id % 27)
        << " Jan 2024 10:00:00 +0000\n"
        << "Received: from helo" << helo << ".spam.test (host" << ip << ".isp.test [198.51.100." << (ip + 10)
        << "]) by mx" << (id % 3) << ".relay.test with SMTP id r" << id << "; Mon, " << (1 + id % 27)
        << " Jan 2024 09:59:00 +0000\n"
        << "From: <a" << id << "@sender" << domain << ".test>\n"
        << "Return-Path: <bounce@env" << (id % 5) << ".test>\n"
        << "Message-ID: <" << id << "@sender" << domain << ".test>\n"
        << "Subject: offer " << id << "\n\n"
        << "see http://link" << (id % 9) << ".test/p" << id << "\n\n";
  }
  return out.str();
}

std::vector<std::string> write_inputs(const TempDir& dir, int files, int messages, int overlap) {
  std::vector<std::string> paths;
  for (int file = 0; file < files; ++file) {
    paths.push_back(dir.path("in" + std::to_string(file) + ".mbox"));
    std::ofstream(paths.back()) << make_mbox(file, messages, overlap);
  }
  return paths;
}

// Everything a store holds, by keys instead of row ids (which depend on the order
// writers ran in), one line per row, sorted.
std::string canonical_dump(Store& store) {
  const std::pair<int, const char*> queries[] = {
      {4, "SELECT 'entity', e.kind, e.key, COALESCE(p.kind || ' ' || p.key, '') FROM entity e"
      " LEFT JOIN entity p ON p.id = e.parent_id"},
      {8, "SELECT 'edge', s.kind || ' ' || s.key, x.relation, d.kind || ' ' || d.key, x.first_seen, x.last_seen, x.count,"
      " x.trusted FROM edge x JOIN entity s ON s.id = x.src JOIN entity d ON d.id = x.dst"},
      {8, "SELECT 'observation', s.key, x.relation, d.key, o.time, o.source_kind,"
      " COALESCE(m.header_hash, o.source_id), o.trusted FROM observation o JOIN edge x ON x.id = o.edge_id"
      " JOIN entity s ON s.id = x.src JOIN entity d ON d.id = x.dst"
      " LEFT JOIN message m ON o.source_kind = 'message' AND m.id = o.source_id"},
      {7, "SELECT 'edge_source', s.kind || ' ' || s.key, x.relation, d.kind || ' ' || d.key, t.source_kind,"
      " t.first_seen || ' ' || t.last_seen, t.messages || ' ' || t.trusted FROM edge_source t"
      " JOIN edge x ON x.id = t.edge_id JOIN entity s ON s.id = x.src JOIN entity d ON d.id = x.dst"},
      {5, "SELECT 'family_seen', e.kind || ' ' || e.key, s.first_seen, s.last_seen, s.messages FROM family_seen s"
      " JOIN entity e ON e.id = s.family_id"},
      {3, "SELECT 'family_edge_name', f.key, e.key FROM family_edge_name n JOIN entity f ON f.id = n.family_id"
      " JOIN entity e ON e.id = n.entity_id"},
      {5, "SELECT 'ip_seen', e.key, s.first_seen, s.last_seen, s.messages FROM ip_seen s JOIN entity e ON e.id = s.ip_id"},
      {4, "SELECT 'network_seen', e.kind || ' ' || e.key, n.first_seen, n.last_seen FROM network_seen n"
      " JOIN entity e ON e.id = n.network_id"},
      {5, "SELECT 'message', header_hash, time, time_source, subject FROM message"},
      {5, "SELECT 'seen', e.kind || ' ' || e.key, s.first_seen, s.last_seen, s.messages FROM entity_seen s"
      " JOIN entity e ON e.id = s.entity_id"},
      {6, "SELECT 'link', m.header_hash, r.name, e.kind || ' ' || e.key, l.trusted, l.time FROM message_link l"
      " JOIN message m ON m.id = l.message_id JOIN relation r ON r.id = l.relation_id JOIN entity e ON e.id = l.entity_id"},
      // Relation ids depend on which writer stored a relation first: the bit sets by name.
      {8, "SELECT 'pair', i.key, d.key, s.first_seen, s.last_seen, s.messages, s.trusted,"
      " (SELECT GROUP_CONCAT(name) FROM (SELECT name FROM relation r WHERE s.ip_relations & (1 << r.id) ORDER BY name))"
      " || ' ' || (SELECT GROUP_CONCAT(name) FROM (SELECT name FROM relation r WHERE s.domain_relations & (1 << r.id)"
      " ORDER BY name)) FROM ip_domain_seen s JOIN entity i ON i.id = s.ip_id JOIN entity d ON d.id = s.domain_id"},
      {9, "SELECT 'family', i.key, d.key, s.first_seen, s.last_seen, s.messages, s.names, s.trusted,"
      " (SELECT GROUP_CONCAT(name) FROM (SELECT name FROM relation r WHERE s.ip_relations & (1 << r.id) ORDER BY name))"
      " || ' ' || (SELECT GROUP_CONCAT(name) FROM (SELECT name FROM relation r WHERE s.domain_relations & (1 << r.id)"
      " ORDER BY name)) FROM ip_family_seen s JOIN entity i ON i.id = s.ip_id JOIN entity d ON d.id = s.family_id"},
  };
  std::vector<std::string> lines;
  for (const auto& [columns, text] : queries) {
    auto query = store.database().prepare(text);
    REQUIRE(query.ok());
    while (query.step()) {
      std::string line;
      for (int column = 0; column < columns; ++column) {
        line += query.text(column);
        line += '|';
      }
      lines.push_back(line);
    }
    REQUIRE(query.error().empty());
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

IngestOptions ingest_options(const std::string& path, size_t batch) {
  IngestOptions options;
  options.paths = {path};
  options.analysis.fallback_time = 1700000000;
  options.batch_messages = batch;
  return options;
}

std::string sequential_dump(const std::string& db, const std::vector<std::string>& inputs) {
  auto store = Store::open(db);
  REQUIRE(store);
  std::ostringstream progress;
  for (const std::string& input : inputs) REQUIRE(run_ingest(**store, ingest_options(input, 5), progress));
  return canonical_dump(**store);
}

int64_t count_rows(Store& store, const char* sql) {
  auto query = store.database().prepare(sql);
  REQUIRE(query.step());
  return query.int64(0);
}

}  // namespace

TEST_CASE("store sharing: a second connection's batch sees what the first committed, and no entity is stored twice") {
  TempDir dir("sharing-two");
  const auto inputs = write_inputs(dir, 4, 12, 4);
  const std::string expected = sequential_dump(dir.path("sequential.db"), inputs);

  const std::string db = dir.path("shared.db");
  auto first = Store::open(db);
  auto second = Store::open(db);
  REQUIRE(first);
  REQUIRE(second);
  std::ostringstream progress;
  // Alternating: each store has cached ids, edge counts and a key filter from its own
  // earlier batch when the other one writes new messages with the same entities.
  for (size_t i = 0; i < inputs.size(); ++i)
    REQUIRE(run_ingest(i % 2 ? **second : **first, ingest_options(inputs[i], 3), progress));
  CHECK(count_rows(**first, "SELECT COUNT(*) FROM (SELECT kind, key FROM entity GROUP BY kind, key HAVING COUNT(*) > 1)") ==
        0);
  CHECK(canonical_dump(**first) == expected);
}

TEST_CASE("store sharing: four writers at once give the store the sequential run gives") {
  TempDir dir("sharing-four");
  const auto inputs = write_inputs(dir, 4, 60, 15);
  const std::string expected = sequential_dump(dir.path("sequential.db"), inputs);

  // The store does not exist yet: the four also race to create and migrate it.
  const std::string db = dir.path("shared.db");
  std::vector<std::thread> writers;
  std::vector<std::string> errors(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    writers.emplace_back([&, i] {
      auto store = Store::open(db);
      if (!store) {
        errors[i] = store.error().to_string();
        return;
      }
      std::ostringstream progress;
      auto report = run_ingest(**store, ingest_options(inputs[i], 4), progress);
      if (!report) errors[i] = report.error().to_string();
    });
  }
  for (std::thread& writer : writers) writer.join();
  for (const std::string& error : errors) CHECK(error == "");
  auto store = Store::open(db, StoreAccess::read);
  REQUIRE(store);
  CHECK(count_rows(**store, "SELECT COUNT(*) FROM message") == 4 * 60 - 3 * 15);
  CHECK(canonical_dump(**store) == expected);
}

TEST_CASE("store sharing: four ingest processes on the bundled excerpts store each entity once") {
  TempDir dir("sharing-processes");
  const std::vector<std::string> seeds = {repo_path("data/seed/jacks-1.txt"), repo_path("data/seed/jacks-2.txt")};
  std::string expected;
  {
    const std::string db = dir.path("sequential.db");
    for (int i = 0; i < 4; ++i) {
      auto result = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--assume-time", "2020-02-01", seeds[i % 2]});
      REQUIRE(result.exit_code == 0);
    }
    auto store = Store::open(db, StoreAccess::read);
    REQUIRE(store);
    expected = canonical_dump(**store);
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string db = dir.path("shared" + std::to_string(attempt) + ".db");
    std::vector<CommandResult> results(4);
    std::vector<std::thread> processes;
    for (int i = 0; i < 4; ++i)
      processes.emplace_back([&, i] {
        results[static_cast<size_t>(i)] =
            run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--assume-time", "2020-02-01", seeds[i % 2]});
      });
    for (std::thread& process : processes) process.join();
    for (const CommandResult& result : results) CHECK_MESSAGE(result.exit_code == 0, result.err);
    auto store = Store::open(db, StoreAccess::read);
    REQUIRE(store);
    CHECK(canonical_dump(**store) == expected);
    auto shares = run_command({SPAMGRAPH_BINARY, "--db", db, "shares", "103.244.54.137"});
    CHECK(shares.out.find("somach789.xyz") != std::string::npos);
    CHECK(shares.out.find("authoranz.xyz") != std::string::npos);
    CHECK(shares.out.find("kldoqzn6x62p3.top") != std::string::npos);
    CHECK(shares.out.find("g0zs8omwfqere.link") != std::string::npos);
  }
}

TEST_CASE("store: a damaged schema version is a clear error, not a crash") {
  TempDir dir("damaged");
  for (const char* value : {"-1", "abc", "99999999999", "", "0", "3x"}) {
    CAPTURE(value);
    const std::string db = dir.path(std::string("v") + std::to_string(std::hash<std::string>{}(value)) + ".db");
    {
      auto store = Store::open(db);
      REQUIRE(store);
      auto update = (*store)->database().prepare("UPDATE meta SET value = ?1 WHERE key = 'schema_version'");
      update.bind(1, std::string_view(value));
      REQUIRE(update.run());
    }
    for (StoreAccess access : {StoreAccess::write, StoreAccess::read}) {
      auto reopened = Store::open(db, access);
      REQUIRE_FALSE(reopened);
      CHECK(reopened.error().where == db);
      CHECK(reopened.error().message.find("schema_version") != std::string::npos);
      CHECK(reopened.error().message.find("damaged") != std::string::npos);
    }
  }
  CHECK(parse_schema_version("3") == 3);
  CHECK_FALSE(parse_schema_version("+3"));
  CHECK_FALSE(parse_schema_version(" 3"));
}

TEST_CASE("store: a foreign SQLite database is refused and left exactly as it was") {
  TempDir dir("foreign");
  const std::string db = dir.path("other.sqlite");
  {
    sql::Database other;
    REQUIRE(other.open(db));
    REQUIRE(other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes(text) VALUES ('x')"));
  }
  const std::string before = read_file(db);
  for (StoreAccess access : {StoreAccess::write, StoreAccess::read}) {
    auto store = Store::open(db, access);
    REQUIRE_FALSE(store);
    CHECK(store.error().message.find("not a spamgraph store") != std::string::npos);
    CHECK(store.error().message.find("notes") != std::string::npos);
  }
  CHECK(read_file(db) == before);
  CHECK_FALSE(std::filesystem::exists(db + "-wal"));

  // The commands refuse it too, and a query never creates a store.
  for (const char* command : {"stats", "ingest"}) {
    std::vector<std::string> argv = {SPAMGRAPH_BINARY, "--db", db, command};
    if (std::string(command) == "ingest") argv.push_back(repo_path("data/seed/jacks-1.txt"));
    auto result = run_command(argv);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("not a spamgraph store") != std::string::npos);
  }
  CHECK(read_file(db) == before);
}

TEST_CASE("store: queries never create a store or its tables") {
  TempDir dir("readonly");
  const std::string missing = dir.path("missing.db");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"stats"}, {"shares", "192.0.2.1"}, {"show", "ip", "192.0.2.1"}, {"asn", "AS133027"}, {"data", "list"}}) {
    std::vector<std::string> argv = {SPAMGRAPH_BINARY, "--db", missing};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv);
    CAPTURE(args.front());
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("no spamgraph store here") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(missing));
  }
  const std::string empty = dir.path("empty.db");
  std::ofstream(empty).flush();
  auto result = run_command({SPAMGRAPH_BINARY, "--db", empty, "stats"});
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("holds no spamgraph store yet") != std::string::npos);
  CHECK(std::filesystem::file_size(empty) == 0);
}

TEST_CASE("store: the migration to unique entity keys merges duplicates left by concurrent writers") {
  TempDir dir("repair");
  const auto inputs = write_inputs(dir, 1, 10, 0);
  const std::string db = dir.path("old.db");
  std::string expected;
  int64_t kept_ip = 0;
  {
    auto store = Store::open(db);
    REQUIRE(store);
    std::ostringstream progress;
    REQUIRE(run_ingest(**store, ingest_options(inputs[0], 100), progress));
    expected = canonical_dump(**store);
    // What two racing writers of schema 2 left: the same IP stored twice, with half
    // of its edges, links and lookups on each copy, and a failed import registered.
    kept_ip = count_rows(**store, "SELECT id FROM entity WHERE kind = 'ip' AND key = '198.51.100.10'");
    REQUIRE(count_rows(**store, "SELECT COUNT(*) FROM edge WHERE src = (SELECT id FROM entity WHERE key = '198.51.100.10')") >= 2);
    REQUIRE((*store)->database().exec(
        "DROP INDEX entity_identity; CREATE INDEX entity_key_hash ON entity(key_hash);"
        "INSERT INTO entity(kind, key, parent_id, key_hash) SELECT kind, key, parent_id, key_hash FROM entity"
        " WHERE kind = 'ip' AND key = '198.51.100.10';"
        "CREATE TEMP TABLE twin AS SELECT MAX(id) AS id FROM entity WHERE key = '198.51.100.10';"
        // One edge moves whole to the twin; another edge is split: the twin gets a copy
        // whose count and times must be merged back.
        "UPDATE edge SET src = (SELECT id FROM twin) WHERE id = (SELECT MIN(id) FROM edge WHERE src ="
        " (SELECT MIN(id) FROM entity WHERE key = '198.51.100.10'));"
        "INSERT INTO edge(src, relation, dst, first_seen, last_seen, count, trusted)"
        " SELECT (SELECT id FROM twin), relation, dst, first_seen, last_seen, 0, trusted FROM edge WHERE id ="
        " (SELECT MAX(id) FROM edge WHERE src = (SELECT MIN(id) FROM entity WHERE key = '198.51.100.10'));"
        "UPDATE message_link SET entity_id = (SELECT id FROM twin) WHERE entity_id = (SELECT MIN(id) FROM entity"
        " WHERE key = '198.51.100.10') AND message_id = (SELECT MIN(message_id) FROM message_link WHERE entity_id ="
        " (SELECT MIN(id) FROM entity WHERE key = '198.51.100.10'));"
        "INSERT INTO dataset(name, format, path, date, imported_at, sha256, rows)"
        " VALUES ('pfx2as-wrong', 'pfx2as', '/x', 0, 0, 'abc', 0);"
        "DROP TABLE attribute;"  // schema 4's
        "DROP TABLE bgp_update; ALTER TABLE dataset_prefix DROP COLUMN peers;"  // schema 5's
        "DROP TABLE mail_cursor; DROP TABLE mail_seen;"  // schema 6's
        // schema 7's: entity_seen is computed again from the messages by the migration
        "DROP TABLE entity_seen; DROP TABLE campaign_message; DROP TABLE campaign; DROP TABLE campaign_hub;"
        // schema 8's: link times and IP-domain totals are computed again from the messages
        "DROP TABLE ip_domain_seen; DROP INDEX message_link_entity; ALTER TABLE message_link DROP COLUMN time;"
        "CREATE INDEX message_link_entity ON message_link(entity_id, relation_id);"
        "DROP TABLE ip_family_seen;"  // schema 10's: the same by registrable domain
        "DROP INDEX entity_parent_kind; CREATE INDEX entity_parent ON entity(parent_id);"  // schema 11's
        "DROP TABLE family_seen;"  // schema 12's: computed again from the messages
        "DROP TABLE edge_source;"  // schema 13's: computed again from the observations
        "DROP TABLE family_edge_name;"  // schema 14's: computed again from the edges
        "DROP TABLE network_seen; DROP TABLE ip_seen;"  // schema 15's: computed again from entity_seen
        // schema 16's: stored campaign facts and the triggers that stamp changes
        "DROP TABLE graph_clock; DROP TABLE campaign_facts; DROP TABLE campaign_indicator; DROP TABLE campaign_week;"
        "DROP TRIGGER graph_clock_edge_out; DROP TRIGGER graph_clock_edge_moved;"
        "DROP TRIGGER graph_clock_link_out; DROP TRIGGER graph_clock_link_moved; DROP TRIGGER graph_clock_sighting_out;"
        "DROP TRIGGER graph_clock_message_out; DROP TRIGGER graph_clock_entity_moved;"
        "UPDATE meta SET value = '2' WHERE key = 'schema_version';"));
    REQUIRE(count_rows(**store, "SELECT COUNT(*) FROM entity WHERE key = '198.51.100.10'") == 2);
  }
  auto store = Store::open(db);
  REQUIRE(store);
  CHECK(count_rows(**store, "SELECT COUNT(*) FROM entity WHERE key = '198.51.100.10'") == 1);
  CHECK(count_rows(**store, "SELECT id FROM entity WHERE key = '198.51.100.10'") == kept_ip);
  CHECK(count_rows(**store, "SELECT COUNT(*) FROM dataset") == 0);
  CHECK(count_rows(**store, "SELECT value FROM meta WHERE key = 'schema_version'") == current_schema_version());
  CHECK(canonical_dump(**store) == expected);
  // The key is in the schema now: a second copy cannot be stored.
  CHECK_FALSE((*store)->database().exec(
      "INSERT INTO entity(kind, key, key_hash) VALUES ('ip', '198.51.100.10', 0)"));
}
