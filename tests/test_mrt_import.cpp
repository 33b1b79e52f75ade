// `bgp import` (enrich/mrt/mrt_import.h): a real RouteViews RIB as a dated prefix
// table, the graph filter, re-imports that add, update dumps as events, and the
// way from a RIB to `enrich asn` and the AS's history.
#include <doctest/doctest.h>

#include <fstream>

#include "enrich/asn/enrich_asn.h"
#include "enrich/mrt/mrt_import.h"
#include "store/bgp_archive.h"
#include "store/datasets.h"
#include "tests/helpers.h"
#include "tests/mrt_builder.h"

using namespace sg;
using namespace sg::mrt;

namespace {

constexpr uint32_t k20140513 = 1399939200;  // 2014-05-13 00:00 UTC
constexpr uint32_t k20151101 = 1446336000;  // 2015-11-01 00:00 UTC

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

/// A store holding the bundled seed case's IPs (103.244.54.137, 114.113.195.11, .101).
std::string seeded_store(const TempDir& dir) {
  const std::string db = dir.path("graph.sqlite");
  const CommandResult ingest = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")});
  REQUIRE(ingest.exit_code == 0);
  return db;
}

/// Every (prefix, asn, peers) row of a dataset.
std::vector<std::tuple<std::string, uint32_t, int64_t>> rows_of(Store& store, int64_t dataset_id) {
  std::vector<std::tuple<std::string, uint32_t, int64_t>> rows;
  auto query = store.database().prepare("SELECT prefix, asn, peers FROM dataset_prefix WHERE dataset_id = ?1 ORDER BY prefix, asn");
  query.bind(1, dataset_id);
  while (query.step()) rows.emplace_back(query.text(0), static_cast<uint32_t>(query.int64(1)), query.int64(2));
  return rows;
}

/// The case's networks in 2014: AS58779 holds both /24s; 103.244.54.0/24 is also
/// seen from AS133027 by one peer (a MOAS); a default route and an unrelated
/// prefix must not be kept for the graph.
std::vector<test::TestRoute> routes_2014() {
  return {
      {"0.0.0.0/0", {{64501, 64999}}},
      {"8.8.8.0/24", {{64501, 15169}, {64502, 15169}}},
      {"45.117.0.0/16", {{64501, 3356, 133027}}},
      {"103.244.52.0/22", {{64501, 58779}}},
      {"103.244.54.0/24", {{64501, 4134, 58779}, {64502, 133027}, {64503, 174, 58779}}},
      {"114.113.195.0/24", {{64501, 4134, 58779}, {64502, 3491, 58779}}},
  };
}

}  // namespace

TEST_CASE("mrt import: a RouteViews RIB becomes a prefix table dated by the dump") {
  TempDir dir("mrt-import-rib");
  auto store = Store::open(dir.path("s.sqlite"));
  REQUIRE(store);
  MrtImportRequest request;
  request.path = test_data("fixtures/mrt/pyasn/rib.20140523.0600_firstMB.bz2");
  request.all = true;
  auto result = import_mrt(**store, request);
  REQUIRE(result);
  CHECK(result->rib);
  CHECK(result->elements == 270005);
  CHECK(result->prefixes == 9072);
  CHECK(result->multi_origin == 63);
  CHECK(result->rows_kept == 9142);
  CHECK(result->dataset.format == "mrt");
  CHECK(result->dataset.name == "mrt-rib");
  CHECK(result->dataset.date == 1400824800);  // 2014-05-23 06:00 UTC, the dump's own time
  // The file is cut at 1 MiB: the truncation is reported, the routes before it kept.
  CHECK(result->problem_count >= 1);
  const auto rows = rows_of(**store, result->dataset.id);
  const auto google = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return std::get<0>(r) == "1.0.0.0/24"; });
  REQUIRE(google != rows.end());
  CHECK(std::get<1>(*google) == 15169);
  CHECK(std::get<2>(*google) == 32);  // every peer of the collector carried it

  SUBCASE("the same file again changes nothing") {
    auto again = import_mrt(**store, request);
    REQUIRE(again);
    CHECK(again->already_imported);
    CHECK(again->rows_added == 0);
    CHECK(again->dataset.id == result->dataset.id);
  }
}

TEST_CASE("mrt import: by default, what concerns the graph: its prefixes and every prefix of their origins") {
  TempDir dir("mrt-import-graph");
  const std::string db = seeded_store(dir);
  const std::string rib = dir.path("rib.20140513.0000");
  write_file(rib, test::build_rib(k20140513, 3, routes_2014()));
  auto store = Store::open(db);
  REQUIRE(store);
  MrtImportRequest request;
  request.path = rib;
  auto result = import_mrt(**store, request);
  REQUIRE(result);
  CHECK(result->problem_count == 0);
  CHECK(result->prefixes == 6);
  CHECK(result->multi_origin == 1);
  CHECK(result->graph_ips == 3);
  CHECK(result->graph_asns == 2);  // AS58779 and AS133027
  CHECK(result->dataset.date == k20140513);
  using Row = std::tuple<std::string, uint32_t, int64_t>;
  const std::vector<Row> want = {
      {"103.244.52.0/22", 58779, 1}, {"103.244.54.0/24", 58779, 2}, {"103.244.54.0/24", 133027, 1},
      {"114.113.195.0/24", 58779, 2}, {"45.117.0.0/16", 133027, 1},
  };
  CHECK(rows_of(**store, result->dataset.id) == want);

  SUBCASE("enrich asn reads it like any table: the IP's prefix, both origins, dated 2014-05-13") {
    auto enriched = asn::enrich_asn(**store, {});
    REQUIRE(enriched);
    auto chain = ip_chain(**store, "103.244.54.137");
    REQUIRE(chain);
    std::set<std::string> origins;
    for (const ChainLink& link : *chain) {
      if (!(link.relation == kOriginatedBy)) continue;
      origins.insert(link.to.key);
      CHECK(link.first_seen == k20140513);
      REQUIRE(link.datasets.size() == 1);
      CHECK(link.datasets[0] == "mrt-rib 2014-05-13");
    }
    CHECK(origins == std::set<std::string>{"AS133027", "AS58779"});
  }
  SUBCASE("a later table without 114.113.195.0/24: the AS's history shows when it was last routed") {
    std::vector<test::TestRoute> later = routes_2014();
    later.pop_back();
    const std::string rib_2015 = dir.path("rib.20151101.0000");
    write_file(rib_2015, test::build_rib(k20151101, 3, later));
    MrtImportRequest second;
    second.path = rib_2015;
    auto imported = import_mrt(**store, second);
    REQUIRE(imported);
    CHECK(imported->dataset.name == "mrt-rib");  // one series: the same collector's dumps
    auto history = asn_prefix_history(**store, 58779);
    REQUIRE(history);
    std::map<std::string, std::pair<UnixTime, UnixTime>> spans;
    for (const PrefixHistory& p : *history) spans[p.prefix] = {p.first, p.last};
    CHECK(spans["114.113.195.0/24"] == std::make_pair(UnixTime{k20140513}, UnixTime{k20140513}));
    CHECK(spans["103.244.54.0/24"] == std::make_pair(UnixTime{k20140513}, UnixTime{k20151101}));
  }
}

TEST_CASE("mrt import: a RIB imported before the mail is completed by importing it again") {
  TempDir dir("mrt-import-again");
  const std::string rib = dir.path("rib.20140513.0000");
  write_file(rib, test::build_rib(k20140513, 3, routes_2014()));
  const std::string db = dir.path("graph.sqlite");
  {
    auto store = Store::open(db);
    REQUIRE(store);
    MrtImportRequest request;
    request.path = rib;
    auto empty = import_mrt(**store, request);
    REQUIRE(empty);
    CHECK(empty->rows_kept == 0);  // no IPs in the graph yet
  }
  REQUIRE(run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", repo_path("data/seed")}).exit_code == 0);
  const CommandResult again = run_command({SPAMGRAPH_BINARY, "--db", db, "bgp", "import", rib});
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("already imported as mrt-rib 2014-05-13") != std::string::npos);
  CHECK(again.out.find("5 rows added") != std::string::npos);
  const CommandResult all = run_command({SPAMGRAPH_BINARY, "--db", db, "bgp", "import", "--all", rib});
  CHECK(all.exit_code == 0);
  CHECK(all.out.find("2 rows added, 7 in all") != std::string::npos);
}

TEST_CASE("mrt import: update dumps become announcement and withdrawal events") {
  TempDir dir("mrt-import-updates");
  const std::string db = seeded_store(dir);
  const std::string updates = dir.path("updates.20140520.1200");
  write_file(updates, test::build_update(k20140513 + 7 * 86400, {"103.244.54.0/24"}, {"114.113.195.0/24", "8.8.8.0/24"},
                                         {64501, 4134, 58779}) +
                          test::build_update(k20140513 + 7 * 86400 + 60, {"114.113.195.0/24"}, {}, {}));
  auto store = Store::open(db);
  REQUIRE(store);
  MrtImportRequest request;
  request.path = updates;
  auto result = import_mrt(**store, request);
  REQUIRE(result);
  CHECK_FALSE(result->rib);
  CHECK(result->dataset.format == "mrt-updates");
  CHECK(result->elements == 4);
  CHECK(result->rows_kept == 3);  // 8.8.8.0/24 holds no graph IP
  auto events = bgp_updates_of_prefix(**store, "114.113.195.0/24");
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].kind == 'A');
  CHECK((*events)[0].origin_asn == 58779);
  CHECK((*events)[0].as_path == "64501 4134 58779");
  CHECK((*events)[0].peer_ip == "10.0.0.1");
  CHECK((*events)[1].kind == 'W');
  CHECK((*events)[1].time == (*events)[0].time + 60);
  // An update dump holds no table: enrich asn does not read it.
  auto tables = asn::enrich_asn(**store, {});
  CHECK_FALSE(tables);
}

TEST_CASE("mrt import: a file that is no MRT stores nothing and says why") {
  TempDir dir("mrt-import-bad");
  const std::string db = dir.path("graph.sqlite");
  const std::string junk = dir.path("rib.txt");
  write_file(junk, "this is not a BGP dump\n");
  const CommandResult bad = run_command({SPAMGRAPH_BINARY, "--db", db, "bgp", "import", junk});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find(junk) != std::string::npos);
  CHECK(bad.err.find("no routes in the file") != std::string::npos);
  auto store = Store::open(db);
  REQUIRE(store);
  auto datasets = list_datasets(**store);
  REQUIRE(datasets);
  CHECK(datasets->empty());
}

TEST_CASE("mrt import: default dataset names follow the archives' layouts") {
  CHECK(default_mrt_name("data/downloads/routeviews-rib/route-views2/rib.20200215.0000.bz2") == "routeviews-route-views2");
  CHECK(default_mrt_name("d/ris-rib/rrc00/bview.20200215.0000.gz") == "ris-rrc00");
  CHECK(default_mrt_name("/mirror/route-views.linx/bgpdata/2020.02/RIBS/rib.20200215.0000.bz2") ==
        "routeviews-route-views.linx");
  CHECK(default_mrt_name("/mirror/bgpdata/2020.02/RIBS/rib.20200215.0000.bz2") == "routeviews-route-views2");
  CHECK(default_mrt_name("/mirror/rrc01/2020.02/updates.20200215.0000.gz") == "ris-rrc01");
  CHECK(default_mrt_name("rib.20140523.0600_firstMB.bz2") == "mrt-rib");
  CHECK(default_mrt_name("x/updates.et-header.2015.gz") == "mrt-updates.et-header.2015");
}
