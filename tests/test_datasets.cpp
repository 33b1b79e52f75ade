// IP-to-ASN datasets in the store: `data import` as a library call (names, dates,
// hashes, bad lines, rollback), the tables loaded back, `asn` and the `show ip` chain.
#include <doctest/doctest.h>

#include <fstream>
#include <set>

#include "enrich/asn/asn_tables.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/asn/enrich_asn.h"
#include "enrich/asn/line_stream.h"
#include "store/datasets.h"
#include "tests/helpers.h"

using namespace sg;
using namespace sg::asn;

namespace {

const std::string kPyasn2014 = "fixtures/ipasn/pyasn/ipasn_20140513.dat.gz";
const std::string kPyasn2015 = "fixtures/ipasn/pyasn/ipasn6_20151101.dat.gz";

std::unique_ptr<Store> open_store(const TempDir& dir) {
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);
  return std::move(*store);
}

int64_t count(Store& store, const std::string& sql) {
  auto query = store.database().prepare(sql);
  REQUIRE(query.step());
  return query.int64(0);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

DatasetImportResult import(Store& store, AsnFormat format, const std::string& path,
                           std::optional<UnixTime> date = std::nullopt) {
  DatasetImportRequest request;
  request.format = format;
  request.path = path;
  request.date = date;
  auto result = import_dataset(store, request);
  REQUIRE_MESSAGE(result, (result ? "" : result.error().to_string()));
  return *result;
}

// The pyasn files, gzip-decompressed, counted as distinct "prefix\tasn" data lines.
int64_t data_lines(const std::string& path) {
  std::set<std::string> lines;
  auto read = sg::asn::read_lines_from_file(
      path, {[&](size_t, std::string_view line) {
               if (!line.empty() && line[0] != ';') lines.insert(std::string(line));
               return true;
             },
             [](size_t) {}});
  REQUIRE(read);
  return static_cast<int64_t>(lines.size());
}

}  // namespace

TEST_CASE("datasets: dates and default names come from file names") {
  CHECK(date_from_name("routeviews-rv2-20240101-1200.pfx2as.gz") == make_utc(2024, 1, 1, 0, 0, 0));
  CHECK(date_from_name("ipasn_20140513.dat.gz") == make_utc(2014, 5, 13, 0, 0, 0));
  CHECK(date_from_name("ip-location-db-asn-2.3.2026061719") == make_utc(2026, 6, 17, 0, 0, 0));
  CHECK_FALSE(date_from_name("asn-ipv4.csv"));
  CHECK_FALSE(date_from_name("build-99999999.txt"));  // not a valid date

  CHECK(default_dataset_name(AsnFormat::pyasn, "/x/ipasn_20140513.dat.gz") == "pyasn-ipasn");
  CHECK(default_dataset_name(AsnFormat::pyasn, "/x/ipasn6_20151101.dat.gz") == "pyasn-ipasn6");
  CHECK(default_dataset_name(AsnFormat::ip_location, "d/asn-ipv4.csv") == "ip-location-db-asn-ipv4");
  CHECK(default_dataset_name(AsnFormat::pfx2as, "routeviews-rv2-20240101-1200.pfx2as.gz") ==
        "pfx2as-routeviews-rv2");
  CHECK(default_dataset_name(AsnFormat::ip2asn, "ip2asn-v4.tsv.gz") == "ip2asn-v4");

  CHECK(parse_format_name("ip-location-db") == AsnFormat::ip_location);
  CHECK_FALSE(parse_format_name("csv"));
}

TEST_CASE("datasets: a pyasn file is stored whole, once, with its date and hash") {
  TempDir dir("datasets-pyasn");
  auto store = open_store(dir);
  const std::string path = test_data(kPyasn2014);
  const DatasetImportResult first = import(*store, AsnFormat::pyasn, path);
  CHECK_FALSE(first.already_imported);
  CHECK(first.dataset.name == "pyasn-ipasn");
  CHECK(first.dataset.format == "pyasn");
  CHECK(dataset_label(first.dataset) == "pyasn-ipasn 2014-05-13");
  CHECK(first.dataset.sha256 == *file_sha256(path));
  CHECK(first.problems.empty());
  CHECK(first.dataset.rows == data_lines(path));
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset_prefix") == first.dataset.rows);
  CHECK(count(*store, "SELECT asn FROM dataset_prefix WHERE prefix = '114.113.195.0/24'") == 58779);

  // The same bytes again: reported, nothing changes (even under another name).
  DatasetImportRequest again;
  again.format = AsnFormat::pyasn;
  again.path = path;
  again.name = "other-name";
  auto second = import_dataset(*store, again);
  REQUIRE(second);
  CHECK(second->already_imported);
  CHECK(second->dataset.id == first.dataset.id);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset") == 1);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset_prefix") == first.dataset.rows);

  // Loaded back as a table: longest match per dataset.
  auto tables = load_asn_tables(*store);
  REQUIRE(tables);
  REQUIRE(tables->datasets.size() == 1);
  CHECK(tables->rows == static_cast<size_t>(first.dataset.rows));
  auto match = tables->datasets[0]->table.lookup(*IpAddress::parse("114.113.195.101"));
  REQUIRE(match);
  CHECK(match->prefix.to_string() == "114.113.195.0/24");
  CHECK(match->record.asn == 58779);
  // 103.244.53.0/24 is inside 103.244.52.0/23 in this file: the /24 wins.
  match = tables->datasets[0]->table.lookup(*IpAddress::parse("103.244.53.9"));
  REQUIRE(match);
  CHECK(match->prefix.to_string() == "103.244.53.0/24");
}

TEST_CASE("datasets: bad lines are named and counted, and a failing file leaves the store as it was") {
  TempDir dir("datasets-bad");
  auto store = open_store(dir);
  const DatasetImportResult good = import(*store, AsnFormat::pyasn, test_data(kPyasn2014));

  const std::string bad = dir.path("ipasn_20200102.dat");
  write_file(bad,
             "; comment\n"
             "1.2.3.0/24\t64500\n"
             "1.2.3.0/33\t64500\n"        // line 3: bad length
             "not-a-prefix\t64501\n"      // line 4
             "5.6.0.0/16\tAS-x\n"         // line 5: bad AS
             "2001:db8::/32\t64502\n");
  const DatasetImportResult partly = import(*store, AsnFormat::pyasn, bad);
  CHECK(partly.stats.bad_lines == 3);
  REQUIRE(partly.problems.size() == 3);
  CHECK(partly.problems[0].where == bad + ":line 3");
  CHECK(partly.problems[1].where == bad + ":line 4");
  CHECK(partly.problems[2].where == bad + ":line 5");
  CHECK(partly.dataset.rows == 2);
  CHECK(dataset_label(partly.dataset) == "pyasn-ipasn 2020-01-02");

  // A truncated gzip file: an error, and nothing of it is stored.
  const std::string whole = read_file(test_data(kPyasn2015));
  const std::string truncated = dir.path("ipasn6_20151101.dat.gz");
  write_file(truncated, whole.substr(0, whole.size() / 2));
  DatasetImportRequest request;
  request.format = AsnFormat::pyasn;
  request.path = truncated;
  auto failed = import_dataset(*store, request);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().to_string().find("ipasn6_20151101.dat.gz") != std::string::npos);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset") == 2);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset_prefix") == good.dataset.rows + 2);
  // ...and the store still takes the next import.
  CHECK_FALSE(import(*store, AsnFormat::pyasn, test_data(kPyasn2015)).already_imported);
}

TEST_CASE("datasets: a multi-origin pfx2as prefix gets an originated-by edge per AS") {
  TempDir dir("datasets-moas");
  auto store = open_store(dir);
  REQUIRE(store->begin());
  REQUIRE(store->entity_id(EntityRef{EntityKind::ip, "192.0.2.77"}));
  REQUIRE(store->commit());
  const std::string path = dir.path("routeviews-rv2-20240101-1200.pfx2as");
  write_file(path, "192.0.2.0\t24\t64501_64500\n192.0.2.64\t26\t64502,64503\n");
  const DatasetImportResult imported = import(*store, AsnFormat::pfx2as, path);
  CHECK(dataset_label(imported.dataset) == "pfx2as-routeviews-rv2 2024-01-01");
  CHECK(imported.dataset.rows == 4);
  auto report = enrich_asn(*store, {});
  REQUIRE(report);
  auto chain = ip_chain(*store, "192.0.2.77");
  REQUIRE(chain);
  std::set<std::string> origins;
  for (const ChainLink& link : *chain) {
    if (link.relation == kInPrefix) CHECK(link.to.key == "192.0.2.64/26");
    if (link.relation == kOriginatedBy) origins.insert(link.to.key);
  }
  CHECK(origins == std::set<std::string>{"AS64502", "AS64503"});
}

TEST_CASE("datasets: ip-location-db numeric files are recognised as v4 or v6") {
  TempDir dir("datasets-numeric");
  const std::string v4 = dir.path("asn.csv");
  write_file(v4, "16777216,16777471,13335,\"Cloudflare, Inc.\"\n");
  const std::string v6 = dir.path("asn-num.csv");
  write_file(v6, "42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,HE\n");
  CHECK(*detect_numeric_v6(v4) == false);
  CHECK(*detect_numeric_v6(v6) == true);
  CHECK(*detect_numeric_v6(dir.path("x-ipv6-num.csv")) == true);  // the name decides, before reading

  auto store = open_store(dir);
  import(*store, AsnFormat::ip_location, v4, make_utc(2024, 1, 1, 0, 0, 0));
  import(*store, AsnFormat::ip_location, v6);
  CHECK(count(*store, "SELECT asn FROM dataset_prefix WHERE prefix = '1.0.0.0/24'") == 13335);
  CHECK(count(*store, "SELECT asn FROM dataset_prefix WHERE prefix = '2001::/32'") == 6939);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset_asn WHERE name = 'Cloudflare, Inc.'") == 1);
}

TEST_CASE("datasets: enrichment edges, the chain of an IP, and the AS report") {
  TempDir dir("datasets-enrich");
  auto store = open_store(dir);
  // Two graph IPs, as ingest would leave them.
  REQUIRE(store->begin());
  for (const char* ip : {"114.113.195.101", "103.244.54.137", "10.1.2.3", "198.51.100.7"})
    REQUIRE(store->entity_id(EntityRef{EntityKind::ip, ip}));
  REQUIRE(store->commit());
  import(*store, AsnFormat::pyasn, test_data(kPyasn2014));
  import(*store, AsnFormat::pyasn, test_data(kPyasn2015));

  auto report = enrich_asn(*store, {});
  REQUIRE_MESSAGE(report, (report ? "" : report.error().to_string()));
  CHECK(report->ips == 4);
  REQUIRE(report->datasets.size() == 2);
  CHECK(report->datasets[0].label == "pyasn-ipasn 2014-05-13");
  CHECK(report->datasets[0].matched == 2);
  CHECK(report->datasets[1].label == "pyasn-ipasn6 2015-11-01");
  CHECK(report->datasets[1].matched == 1);
  REQUIRE(report->unmatched.size() == 2);
  CHECK(report->unmatched[0].ip == "10.1.2.3");
  CHECK(report->unmatched[0].reason == "private (RFC 1918)");
  // (RouteViews did see 192.0.2.0/24 announced in 2014: documentation space is
  // only "unmatched" when no dataset has it.)
  CHECK(report->unmatched[1].ip == "198.51.100.7");
  CHECK(report->unmatched[1].reason == "documentation (RFC 5737)");

  auto chain = ip_chain(*store, "103.244.54.137");
  REQUIRE(chain);
  REQUIRE(chain->size() == 2);  // pyasn has no AS names or countries
  CHECK((*chain)[0].relation.text() == "in-prefix");
  CHECK((*chain)[0].to.key == "103.244.54.0/24");
  CHECK((*chain)[0].datasets == std::vector<std::string>{"pyasn-ipasn 2014-05-13", "pyasn-ipasn6 2015-11-01"});
  CHECK((*chain)[1].relation.text() == "originated-by");
  CHECK((*chain)[1].to.key == "AS58779");
  CHECK((*chain)[1].first_seen == make_utc(2014, 5, 13, 0, 0, 0));
  CHECK((*chain)[1].last_seen == make_utc(2015, 11, 1, 0, 0, 0));

  // A second run finds everything done and writes nothing.
  const int64_t observations = count(*store, "SELECT COUNT(*) FROM observation");
  auto again = enrich_asn(*store, {});
  REQUIRE(again);
  CHECK(again->datasets[0].observations == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM observation") == observations);

  auto as = asn_report(*store, 58779);
  REQUIRE(as);
  std::set<std::string> prefixes_2014;
  for (const auto& p : as->prefixes)
    if (p.dataset.name == "pyasn-ipasn") prefixes_2014.insert(p.prefix);
  CHECK(prefixes_2014.count("114.113.195.0/24"));
  CHECK(prefixes_2014.count("103.244.54.0/24"));
  REQUIRE(as->ips.size() == 2);
  CHECK(as->ips[0].ip == "103.244.54.137");
  CHECK(as->ips[1].ip == "114.113.195.101");
  CHECK(as->ips[1].prefixes == std::vector<std::string>{"114.113.195.0/24"});

  EnrichAsnOptions unknown;
  unknown.dataset_name = "no-such-dataset";
  CHECK_FALSE(enrich_asn(*store, unknown));
}

TEST_CASE("datasets: a file read as the wrong format stores nothing and does not block the right one") {
  TempDir dir("datasets-format");
  auto store = open_store(dir);
  const std::string file = dir.path("ipasn_20200102.dat");
  write_file(file, "; pyasn\n1.2.3.0/24\t64500\n5.6.0.0/16\t64501\n");
  for (AsnFormat wrong : {AsnFormat::pfx2as, AsnFormat::ip2asn}) {
    DatasetImportRequest request;
    request.format = wrong;
    request.path = file;
    auto failed = import_dataset(*store, request);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().where == file);
    CHECK(failed.error().message.find("no row could be read as " + format_name(wrong)) != std::string::npos);
    CHECK(count(*store, "SELECT COUNT(*) FROM dataset") == 0);
  }
  // The same bytes under the right format: imported, not "already imported".
  const DatasetImportResult right = import(*store, AsnFormat::pyasn, file);
  CHECK_FALSE(right.already_imported);
  CHECK(right.dataset.rows == 2);
  // And once only under that format.
  CHECK(import(*store, AsnFormat::pyasn, file).already_imported);
}

TEST_CASE("datasets: removing a dataset takes its rows and the edges only it stated") {
  TempDir dir("datasets-remove");
  auto store = open_store(dir);
  const std::string file = dir.path("ipasn_20200102.dat");
  write_file(file, "1.2.3.0/24\t64500\n");
  const DatasetImportResult imported = import(*store, AsnFormat::pyasn, file);
  REQUIRE(store->begin());
  // One edge another source states too: it must stay, narrowed to that source.
  REQUIRE(store->observe(Observation{EntityRef{EntityKind::ip, "1.2.3.4"}, kInPrefix,
                                     EntityRef{EntityKind::prefix, "1.2.3.0/24"}, 1500000000, false},
                         ProvenanceKind::import, 7));
  REQUIRE(store->commit());
  auto enriched = enrich_asn(*store, EnrichAsnOptions{});
  REQUIRE(enriched);
  REQUIRE(count(*store, "SELECT COUNT(*) FROM observation WHERE source_kind = 'dataset'") >= 2);
  const int64_t edges_before = count(*store, "SELECT COUNT(*) FROM edge");
  // edge_source totals each edge's observations per kind of source.
  const char* kEdgeSourceMismatches =
      "SELECT COUNT(*) FROM (SELECT edge_id, source_kind, MIN(time) AS first_seen, MAX(time) AS last_seen,"
      " MAX(trusted) AS trusted FROM observation GROUP BY edge_id, source_kind) f"
      " FULL JOIN edge_source t USING (edge_id, source_kind)"
      " WHERE f.first_seen IS NOT t.first_seen OR f.last_seen IS NOT t.last_seen OR f.trusted IS NOT t.trusted"
      " OR t.messages IS NOT 0";
  CHECK(count(*store, "SELECT COUNT(*) FROM edge_source WHERE source_kind = 'dataset'") == edges_before);
  CHECK(count(*store, kEdgeSourceMismatches) == 0);

  auto removal = remove_dataset(*store, imported.dataset.id);
  REQUIRE_MESSAGE(removal, (removal ? "" : removal.error().to_string()));
  CHECK(removal->observations >= 2);
  CHECK(removal->edges_narrowed == 1);
  CHECK(removal->edges_removed == edges_before - 1);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM dataset_prefix") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM observation WHERE source_kind = 'dataset'") == 0);
  CHECK(count(*store, "SELECT COUNT(*) FROM edge") == 1);
  CHECK(count(*store, "SELECT first_seen FROM edge") == 1500000000);
  CHECK(count(*store, "SELECT count FROM edge") == 1);
  CHECK(count(*store, "SELECT trusted FROM edge") == 0);
  // Only the other source's totals are left.
  CHECK(count(*store, "SELECT COUNT(*) FROM edge_source") == 1);
  CHECK(count(*store, "SELECT COUNT(*) FROM edge_source WHERE source_kind = 'import' AND first_seen = 1500000000") == 1);
  CHECK(count(*store, kEdgeSourceMismatches) == 0);
  CHECK_FALSE(remove_dataset(*store, imported.dataset.id));
  // The file can come back.
  CHECK_FALSE(import(*store, AsnFormat::pyasn, file).already_imported);
}
