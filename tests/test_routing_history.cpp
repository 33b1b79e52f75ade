// Routing over time: which table of a series answers for a moment, `enrich asn` by
// message day and `--as-of`, `show ip` naming the table, and `asn --history` showing
// what later tables no longer carry (store/datasets.h, enrich/asn/enrich_asn.h).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "cli/query_output.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/asn/enrich_asn.h"
#include "store/datasets.h"
#include "tests/helpers.h"
#include "tests/json_helpers.h"

using namespace sg;
using namespace sg::asn;
using nlohmann::json;

namespace {

const std::string kPyasn2014 = "fixtures/ipasn/pyasn/ipasn_20140513.dat.gz";
const std::string kPyasn2015 = "fixtures/ipasn/pyasn/ipasn6_20151101.dat.gz";

const UnixTime k20140513 = make_utc(2014, 5, 13, 0, 0, 0);
const UnixTime k20151101 = make_utc(2015, 11, 1, 0, 0, 0);
const UnixTime kMessage2014 = make_utc(2014, 5, 20, 10, 0, 0);
const UnixTime kMessage2015 = make_utc(2015, 11, 3, 12, 0, 0);

void write_file(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

DatasetInfo dated(int64_t id, UnixTime date) {
  DatasetInfo info;
  info.id = id;
  info.name = "series";
  info.date = date;
  return info;
}

int64_t chosen_id(const std::vector<DatasetInfo>& series, UnixTime when) {
  const DatasetInfo* chosen = choose_dataset_for(series, when);
  REQUIRE(chosen != nullptr);
  return chosen->id;
}

std::unique_ptr<Store> open_store(const TempDir& dir) {
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);
  return std::move(*store);
}

DatasetInfo import(Store& store, const std::string& path, const std::string& name = "",
                   std::optional<UnixTime> date = std::nullopt) {
  DatasetImportRequest request;
  request.format = AsnFormat::pyasn;
  request.path = path;
  request.name = name;
  request.date = date;
  auto result = import_dataset(store, request);
  REQUIRE_MESSAGE(result, (result ? "" : result.error().to_string()));
  REQUIRE_FALSE(result->already_imported);
  return result->dataset;
}

// One message whose origin is `ip`, at `time` (built by hand: the store is tested alone).
void add_message(Store& store, const std::string& hash, const char* ip, UnixTime time) {
  Evidence e;
  e.header_hash = hash;
  e.raw_headers = "Received: ...\n";
  e.source = MessageSource{SourceKind::paste, "test.txt", 0, 0, 0};
  Hop hop;
  hop.from_ip = IpAddress::parse(ip);
  hop.from_helo = "mail.example.test";
  e.hops = {hop};
  e.origin_hop = 0;
  e.time = time;
  e.time_source = "date-header";
  REQUIRE(store.begin());
  auto added = store.add_message(e);
  REQUIRE(added);
  REQUIRE(*added);
  REQUIRE(store.commit());
}

// Two tables of one series "mine": in 2014 AS58779 routes 114.113.195.0/24, in 2015 AS4134.
struct TwoTables {
  DatasetInfo early;
  DatasetInfo late;
};
TwoTables import_two_tables(Store& store, const TempDir& dir) {
  write_file(dir.path("early.dat"), "114.113.195.0/24\t58779\n103.244.54.0/24\t58779\n");
  write_file(dir.path("late.dat"), "114.113.195.0/24\t4134\n103.244.54.0/24\t58779\n");
  return {import(store, dir.path("early.dat"), "mine", k20140513),
          import(store, dir.path("late.dat"), "mine", k20151101)};
}

// The graph of the time tests: .101 in mail on both days, .11 on the 2015 one only,
// 103.244.54.137 on the 2014 one only, .77 in no message.
void add_graph(Store& store) {
  add_message(store, "m1", "114.113.195.101", kMessage2014);
  add_message(store, "m2", "114.113.195.101", kMessage2015);
  add_message(store, "m3", "114.113.195.11", kMessage2015);
  add_message(store, "m4", "103.244.54.137", kMessage2014);
  REQUIRE(store.begin());
  REQUIRE(store.entity_id(EntityRef{EntityKind::ip, "114.113.195.77"}));
  REQUIRE(store.commit());
}

// The tables that stated the IP's prefix (its in-prefix link is the IP's own; the
// prefix's origins are shared by every IP inside it).
std::vector<std::string> answered(Store& store, const std::string& ip) {
  auto chain = ip_chain(store, ip);
  REQUIRE(chain);
  for (const ChainLink& link : *chain)
    if (link.relation == kInPrefix && link.from.key == ip) return link.datasets;
  return {};
}

std::set<std::string> origins_of(Store& store, const std::string& ip) {
  auto chain = ip_chain(store, ip);
  REQUIRE(chain);
  std::set<std::string> origins;
  for (const ChainLink& link : *chain)
    if (link.relation == kOriginatedBy) origins.insert(link.to.key);
  return origins;
}

const EnrichAsnReport::PerDataset* report_row(const EnrichAsnReport& report, const std::string& label) {
  for (const auto& row : report.datasets)
    if (row.label == label) return &row;
  return nullptr;
}

const PrefixHistory* history_row(const std::vector<PrefixHistory>& history, const std::string& prefix) {
  for (const PrefixHistory& row : history)
    if (row.prefix == prefix) return &row;
  return nullptr;
}


// The line of `text` that holds `needle`, or "".
std::string line_with(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  return text.substr(start, text.find('\n', at) - start);
}

}  // namespace

TEST_CASE("routing history: days, and the table of a series that answers for a moment") {
  CHECK(utc_day_difference(make_utc(2014, 5, 20, 23, 0, 0), make_utc(2014, 5, 21, 1, 0, 0)) == 1);
  CHECK(utc_day_difference(kMessage2014, k20140513) == -7);
  CHECK(utc_day_difference(kMessage2014, kMessage2014 + 3600) == 0);
  CHECK(utc_day_difference(0, -1) == -1);  // before 1970: days below 0
  CHECK(end_of_utc_day(0) == 86399);
  CHECK(end_of_utc_day(-1) == -1);
  CHECK(end_of_utc_day(kMessage2014) == make_utc(2014, 5, 20, 23, 59, 59));

  CHECK(choose_dataset_for({}, kMessage2014) == nullptr);
  // A single table answers for every moment, before or after it.
  CHECK(chosen_id({dated(7, k20140513)}, make_utc(2010, 1, 1, 0, 0, 0)) == 7);
  CHECK(chosen_id({dated(7, k20140513)}, make_utc(2020, 1, 1, 0, 0, 0)) == 7);

  const std::vector<DatasetInfo> series = {
      dated(1, k20140513), dated(2, make_utc(2014, 5, 20, 8, 0, 0)), dated(3, make_utc(2014, 5, 20, 20, 0, 0)),
      dated(4, k20151101), dated(5, k20151101)};
  // The same day: the nearest of its tables, before or after the message.
  CHECK(chosen_id(series, make_utc(2014, 5, 20, 10, 0, 0)) == 2);
  CHECK(chosen_id(series, make_utc(2014, 5, 20, 18, 0, 0)) == 3);
  CHECK(chosen_id(series, make_utc(2014, 5, 20, 6, 0, 0)) == 2);  // later that day beats 7 days before
  // Equally near: the table not after the message.
  CHECK(chosen_id(series, make_utc(2014, 5, 20, 14, 0, 0)) == 2);
  // The day before: never a table of the next day, however near.
  CHECK(chosen_id(series, make_utc(2014, 5, 19, 23, 0, 0)) == 1);
  // None that early: the earliest.
  CHECK(chosen_id(series, make_utc(2014, 5, 10, 0, 0, 0)) == 1);
  // Two tables of one date: the last imported.
  CHECK(chosen_id(series, make_utc(2015, 12, 1, 0, 0, 0)) == 5);
  CHECK(chosen_id({dated(4, k20151101), dated(5, k20151101)}, make_utc(2010, 1, 1, 0, 0, 0)) == 5);

  std::vector<DatasetInfo> mixed = {dated(9, k20151101), dated(8, k20140513)};
  mixed[0].name = "b";
  mixed.push_back(dated(6, k20151101));
  const auto grouped = dataset_series(mixed);
  REQUIRE(grouped.size() == 2);
  REQUIRE(grouped.at("series").size() == 2);
  CHECK(grouped.at("series")[0].id == 8);  // by date
  CHECK(grouped.at("series")[1].id == 6);
  CHECK(grouped.at("b")[0].id == 9);
}

TEST_CASE("routing history: the sentence of show ip") {
  RoutingAsOf row;
  row.dataset = dated(1, k20140513);
  row.message_time = make_utc(2014, 5, 13, 22, 0, 0);
  row.gap_days = 0;
  CHECK(routing_sentence(row) == "routing as of series 2014-05-13 for the message of 2014-05-13 (same day)");
  row.message_time = make_utc(2014, 5, 12, 23, 0, 0);
  row.gap_days = 1;
  CHECK(routing_sentence(row) == "routing as of series 2014-05-13 for the message of 2014-05-12 (1 day after it)");
  row.gap_days = -30;
  CHECK(routing_sentence(row) == "routing as of series 2014-05-13 for the message of 2014-05-12 (30 days before it)");
  row.message_time.reset();
  CHECK(routing_sentence(row) == "routing as of series 2014-05-13 (the latest table: the IP is in no message)");
  row.prefix = "114.113.195.0/24";
  row.dataset.name = "bad\x1b[31m";
  const json out = routing_to_json({row});
  CHECK(out[0]["message_time"].is_null());
  CHECK(out[0]["dataset"] == "bad\x1b[31m 2014-05-13");  // JSON keeps it (escaped by the encoder)
}

TEST_CASE("routing history: enrich asn asks each message day's table of a series") {
  TempDir dir("routing-days");
  auto store = open_store(dir);
  const TwoTables tables = import_two_tables(*store, dir);
  add_graph(*store);

  auto times = ip_message_times(*store);
  REQUIRE(times);
  CHECK(times->at(*IpAddress::parse("114.113.195.101")) == std::vector<UnixTime>{kMessage2014, kMessage2015});
  CHECK(times->count(*IpAddress::parse("114.113.195.77")) == 0);
  auto one = ip_message_times(*store, "114.113.195.11");
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK(one->begin()->second == std::vector<UnixTime>{kMessage2015});

  auto report = enrich_asn(*store, {});
  REQUIRE_MESSAGE(report, (report ? "" : report.error().to_string()));
  CHECK(report->ips == 4);
  CHECK(report->tables == 2);
  REQUIRE(report->datasets.size() == 2);
  const auto* early = report_row(*report, "mine 2014-05-13");
  const auto* late = report_row(*report, "mine 2015-11-01");
  REQUIRE(early);
  REQUIRE(late);
  CHECK(early->series_size == 2);
  CHECK(early->asked == 2);  // .101 and 103.244.54.137, seen on 2014-05-20
  CHECK(late->asked == 3);   // .101 and .11 (2015-11-03), .77 (in no message: the latest)
  CHECK(early->matched == 2);
  REQUIRE(early->largest_gap);
  CHECK(*early->largest_gap == k20140513 - kMessage2014);
  REQUIRE(late->largest_gap);
  CHECK(*late->largest_gap == k20151101 - kMessage2015);

  using Labels = std::vector<std::string>;
  CHECK(answered(*store, "114.113.195.101") == Labels{"mine 2014-05-13", "mine 2015-11-01"});
  CHECK(answered(*store, "114.113.195.11") == Labels{"mine 2015-11-01"});
  CHECK(answered(*store, "114.113.195.77") == Labels{"mine 2015-11-01"});
  CHECK(answered(*store, "103.244.54.137") == Labels{"mine 2014-05-13"});
  CHECK(origins_of(*store, "114.113.195.101") == std::set<std::string>{"AS4134", "AS58779"});

  // `show ip`: the table of each message day, with the gap and what it said.
  auto routing = routing_as_of(*store, "114.113.195.101");
  REQUIRE(routing);
  REQUIRE(routing->size() == 2);
  CHECK((*routing)[0].series == "mine");
  CHECK((*routing)[0].dataset.id == tables.early.id);
  CHECK((*routing)[0].message_time == kMessage2014);
  CHECK((*routing)[0].gap_days == -7);
  CHECK((*routing)[0].gap_seconds == k20140513 - kMessage2014);
  CHECK((*routing)[0].prefix == "114.113.195.0/24");
  CHECK((*routing)[0].origins == std::vector<std::string>{"AS58779"});  // the prefix's own chain has both
  CHECK((*routing)[1].dataset.id == tables.late.id);
  CHECK((*routing)[1].gap_days == -2);
  CHECK((*routing)[1].origins == std::vector<std::string>{"AS4134"});
  auto latest = routing_as_of(*store, "114.113.195.77");
  REQUIRE(latest);
  REQUIRE(latest->size() == 1);
  CHECK_FALSE((*latest)[0].message_time);
  CHECK((*latest)[0].dataset.id == tables.late.id);
  auto none = routing_as_of(*store, "198.51.100.1");
  REQUIRE(none);
  CHECK(none->empty());
  CHECK_FALSE(routing_as_of(*store, "not-an-ip"));

  // A second run asks the same tables and writes nothing.
  auto again = enrich_asn(*store, {});
  REQUIRE(again);
  for (const auto& row : again->datasets) CHECK(row.observations == 0);
}

TEST_CASE("routing history: enrich asn --as-of asks one table of a series for every IP") {
  TempDir dir("routing-as-of");
  auto store = open_store(dir);
  const TwoTables tables = import_two_tables(*store, dir);
  add_graph(*store);

  EnrichAsnOptions options;
  options.as_of = make_utc(2014, 6, 1, 0, 0, 0);
  auto report = enrich_asn(*store, options);
  REQUIRE_MESSAGE(report, (report ? "" : report.error().to_string()));
  REQUIRE(report->datasets.size() == 1);  // the 2015 table was not needed, nor loaded
  CHECK(report->tables == 1);
  CHECK(report->datasets[0].label == "mine 2014-05-13");
  CHECK(report->datasets[0].asked == 4);
  REQUIRE(report->datasets[0].largest_gap);
  CHECK(*report->datasets[0].largest_gap == k20140513 - make_utc(2014, 6, 1, 0, 0, 0));
  // Even the IPs seen in 2015 mail got the 2014 routing, and only it.
  using Labels = std::vector<std::string>;
  CHECK(answered(*store, "114.113.195.11") == Labels{"mine 2014-05-13"});
  CHECK(answered(*store, "114.113.195.77") == Labels{"mine 2014-05-13"});
  CHECK(origins_of(*store, "114.113.195.11") == std::set<std::string>{"AS58779"});
  // `show ip` names the table of the message's day, which was not asked.
  auto unasked = routing_as_of(*store, "114.113.195.11");
  REQUIRE(unasked);
  REQUIRE(unasked->size() == 1);
  CHECK(unasked->front().dataset.id == tables.late.id);
  CHECK(unasked->front().prefix.empty());
  CHECK(unasked->front().origins.empty());

  // Before every table: the earliest answers, dated after the moment.
  options.as_of = make_utc(2010, 1, 1, 0, 0, 0);
  auto before = enrich_asn(*store, options);
  REQUIRE(before);
  REQUIRE(before->datasets.size() == 1);
  CHECK(before->datasets[0].label == "mine 2014-05-13");
  CHECK(*before->datasets[0].largest_gap > 0);
  // A later date: the 2015 table.
  options.as_of = make_utc(2016, 1, 1, 0, 0, 0);
  auto after = enrich_asn(*store, options);
  REQUIRE(after);
  REQUIRE(after->datasets.size() == 1);
  CHECK(after->datasets[0].label == "mine 2015-11-01");
  CHECK(answered(*store, "114.113.195.11") == Labels{"mine 2014-05-13", "mine 2015-11-01"});
  CHECK(origins_of(*store, "114.113.195.11") == std::set<std::string>{"AS4134", "AS58779"});
  // `show ip` still names the table of the message's day, which now stated the prefix.
  auto routing = routing_as_of(*store, "114.113.195.11");
  REQUIRE(routing);
  REQUIRE(routing->size() == 1);
  CHECK(routing->front().dataset.id == tables.late.id);
  CHECK(routing->front().prefix == "114.113.195.0/24");
  CHECK(routing->front().origins == std::vector<std::string>{"AS4134"});
}

TEST_CASE("routing history: asn history shows the tables that no longer carry a prefix, and BGP updates") {
  TempDir dir("routing-history");
  auto store = open_store(dir);
  import(*store, test_data(kPyasn2014));
  import(*store, test_data(kPyasn2015));

  auto history = asn_prefix_history(*store, 58779);
  REQUIRE(history);
  // The case: the 2015 table no longer has 114.113.195.0/24...
  const PrefixHistory* dropped = history_row(*history, "114.113.195.0/24");
  REQUIRE(dropped);
  CHECK(dropped->first == k20140513);
  CHECK(dropped->last == k20140513);
  REQUIRE(dropped->gone.size() == 1);
  CHECK(dataset_label(dropped->gone[0].dataset) == "pyasn-ipasn6 2015-11-01");
  CHECK(dropped->gone[0].origins.empty());
  // ...while 103.244.54.0/24 spans both.
  const PrefixHistory* kept = history_row(*history, "103.244.54.0/24");
  REQUIRE(kept);
  CHECK(kept->first == k20140513);
  CHECK(kept->last == k20151101);
  CHECK(kept->sources.size() == 2);
  CHECK(kept->gone.empty());

  // A later v6-only table says nothing about v4 prefixes; a later v4 table of the
  // 2014 series without the prefixes is a change in that series too, and names the
  // AS that took 103.244.54.0/24 over.
  write_file(dir.path("v6only_20160101.dat"), "2001:db8::/32\t64500\n");
  write_file(dir.path("ipasn_20170101.dat"), "103.244.54.0/24\t4134\n1.2.3.0/24\t64500\n");
  import(*store, dir.path("v6only_20160101.dat"));
  import(*store, dir.path("ipasn_20170101.dat"));
  history = asn_prefix_history(*store, 58779);
  REQUIRE(history);
  dropped = history_row(*history, "114.113.195.0/24");
  REQUIRE(dropped);
  REQUIRE(dropped->gone.size() == 2);
  CHECK(dataset_label(dropped->gone[0].dataset) == "pyasn-ipasn6 2015-11-01");
  CHECK(dataset_label(dropped->gone[1].dataset) == "pyasn-ipasn 2017-01-01");
  kept = history_row(*history, "103.244.54.0/24");
  REQUIRE(kept);
  REQUIRE(kept->gone.size() == 1);
  CHECK(dataset_label(kept->gone[0].dataset) == "pyasn-ipasn 2017-01-01");
  CHECK(kept->gone[0].origins == std::vector<uint32_t>{4134});
  // The AS's v6 prefix of 2015 is gone by the v6 table of 2016, not by the v4 one.
  const PrefixHistory* v6 = history_row(*history, "2405:ef00::/32");
  REQUIRE(v6);
  REQUIRE(v6->gone.size() == 1);
  CHECK(dataset_label(v6->gone[0].dataset) == "pyasn-v6only 2016-01-01");

  // MRT update announcements are a source; they move the last sighting, so a table
  // older than them is no change any more. Withdrawals and other origins do not count.
  DatasetInfo updates;
  updates.name = "rrc00-updates";
  updates.format = "mrt-updates";
  updates.path = "updates.20160301.0000.gz";
  updates.date = make_utc(2016, 3, 1, 0, 0, 0);
  updates.sha256 = "x";
  REQUIRE(store->begin());
  auto id = add_dataset(*store, updates);
  REQUIRE(id);
  REQUIRE(store->database().exec(
      "INSERT INTO bgp_update(dataset_id, time, kind, prefix, peer_ip, peer_asn, origin_asn, as_path) VALUES"
      " (" + std::to_string(*id) + ", " + std::to_string(make_utc(2016, 3, 1, 6, 0, 0)) +
      ", 'A', '114.113.195.0/24', '192.0.2.1', 64496, 58779, '64496 58779'),"
      " (" + std::to_string(*id) + ", " + std::to_string(make_utc(2016, 3, 2, 6, 0, 0)) +
      ", 'A', '114.113.195.0/24', '192.0.2.1', 64496, 58779, '64496 58779'),"
      " (" + std::to_string(*id) + ", " + std::to_string(make_utc(2016, 3, 9, 6, 0, 0)) +
      ", 'W', '114.113.195.0/24', '192.0.2.1', 64496, 0, ''),"
      " (" + std::to_string(*id) + ", " + std::to_string(make_utc(2016, 3, 9, 6, 0, 0)) +
      ", 'A', '114.113.195.0/24', '192.0.2.1', 64496, 4134, '64496 4134')"));
  REQUIRE(store->commit());
  history = asn_prefix_history(*store, 58779);
  REQUIRE(history);
  dropped = history_row(*history, "114.113.195.0/24");
  REQUIRE(dropped);
  CHECK(dropped->last == make_utc(2016, 3, 2, 6, 0, 0));
  const auto bgp = std::find_if(dropped->sources.begin(), dropped->sources.end(),
                                [](const PrefixHistory::Source& s) { return s.source == "bgp updates rrc00-updates"; });
  REQUIRE(bgp != dropped->sources.end());
  CHECK(bgp->first == make_utc(2016, 3, 1, 6, 0, 0));
  CHECK(bgp->last == make_utc(2016, 3, 2, 6, 0, 0));
  REQUIRE(dropped->gone.size() == 1);
  CHECK(dataset_label(dropped->gone[0].dataset) == "pyasn-ipasn 2017-01-01");
  // RIB dumps imported by `bgp import` may hold only what concerned the graph: one
  // that lists neither the AS nor the prefix says nothing; one that lists the AS does.
  const auto add_rib = [&](UnixTime date, const std::string& sha, const std::string& prefix, uint32_t origin) {
    DatasetInfo rib;
    rib.name = "routeviews-route-views2";
    rib.format = "mrt";
    rib.path = "rib." + sha + ".bz2";
    rib.date = date;
    rib.sha256 = sha;
    REQUIRE(store->begin());
    auto rib_id = add_dataset(*store, rib);
    REQUIRE(rib_id);
    auto writer = DatasetWriter::create(*store, *rib_id);
    REQUIRE(writer);
    REQUIRE(writer->add_prefix(prefix, origin, "", 12));
    REQUIRE(writer->finish());
    REQUIRE(store->commit());
  };
  add_rib(make_utc(2018, 1, 1, 0, 0, 0), "r1", "1.2.3.0/24", 64500);
  add_rib(make_utc(2018, 2, 1, 0, 0, 0), "r2", "103.244.52.0/24", 58779);
  history = asn_prefix_history(*store, 58779);
  REQUIRE(history);
  dropped = history_row(*history, "114.113.195.0/24");
  REQUIRE(dropped);
  REQUIRE(dropped->gone.size() == 2);
  CHECK(dataset_label(dropped->gone[0].dataset) == "pyasn-ipasn 2017-01-01");
  CHECK(dataset_label(dropped->gone[1].dataset) == "routeviews-route-views2 2018-02-01");

  auto other = asn_prefix_history(*store, 4134);
  REQUIRE(other);
  const PrefixHistory* taken = history_row(*other, "114.113.195.0/24");
  REQUIRE(taken);
  CHECK(taken->first == make_utc(2016, 3, 9, 6, 0, 0));
}

TEST_CASE("routing history: asn --history, enrich asn by day and --as-of, show ip (commands)") {
  TempDir dir("routing-cli");
  {
    // The bundled case and the two pyasn fixtures: the change, as text and JSON.
    const std::string db = dir.path("seed.db");
    CommandResult ingest = spamgraph(db, {"ingest", repo_path("data/seed")});
    REQUIRE(ingest.exit_code == 0);
    REQUIRE(spamgraph(db, {"data", "import", "pyasn", test_data(kPyasn2014), test_data(kPyasn2015)}).exit_code == 0);
    REQUIRE(spamgraph(db, {"enrich", "asn"}).exit_code == 0);
    CommandResult text = spamgraph(db, {"asn", "AS58779", "--history"});
    INFO(text.out << text.err);
    REQUIRE(text.exit_code == 0);
    const std::string dropped = line_with(text.out, "114.113.195.0/24");
    CHECK(dropped.find("2014-05-13 .. 2014-05-13  gone by pyasn-ipasn6 2015-11-01") != std::string::npos);
    const std::string kept = line_with(text.out, "103.244.54.0/24 ");
    CHECK(kept.find("2014-05-13 .. 2015-11-01") != std::string::npos);
    CHECK(kept.find("gone") == std::string::npos);
    const json history = run_json(db, {"asn", "AS58779", "--history"});
    const json* row = find_row(history["history"], "prefix", "114.113.195.0/24");
    REQUIRE(row);
    REQUIRE((*row)["gone"].size() == 1);
    CHECK((*row)["gone"][0]["dataset"] == "pyasn-ipasn6");
    CHECK((*row)["gone"][0]["date"] == "2015-11-01T00:00:00Z");
    CHECK((*row)["gone"][0]["origins"].empty());
    CHECK((*find_row(history["history"], "prefix", "103.244.54.0/24"))["gone"].empty());
  }

  // Mail of two days, and two tables of one series.
  const std::string db = dir.path("days.db");
  const std::string mail = dir.path("mail");
  write_file(mail + "/a.eml",
             "Received: from mail.spam.example (unknown [114.113.195.101]) by mx.example.org;"
             " Tue, 20 May 2014 10:00:00 +0000\n"
             "Date: Tue, 20 May 2014 10:00:00 +0000\nFrom: a@spam.example\nSubject: one\n\nx\n");
  write_file(mail + "/b.eml",
             "Received: from mail.spam.example (unknown [114.113.195.101]) by mx.example.org;"
             " Tue, 3 Nov 2015 12:00:00 +0000\n"
             "Date: Tue, 3 Nov 2015 12:00:00 +0000\nFrom: b@spam.example\nSubject: two\n\nx\n");
  CommandResult ingest = spamgraph(db, {"ingest", mail});
  INFO(ingest.out << ingest.err);
  REQUIRE(ingest.exit_code == 0);
  write_file(dir.path("early.dat"), "114.113.195.0/24\t58779\n");
  write_file(dir.path("late.dat"), "114.113.195.0/24\t4134\n");
  REQUIRE(spamgraph(db, {"data", "import", "pyasn", dir.path("early.dat"), "--name", "mine", "--date", "2014-05-13"})
              .exit_code == 0);
  REQUIRE(spamgraph(db, {"data", "import", "pyasn", dir.path("late.dat"), "--name", "mine", "--date", "2015-11-01"})
              .exit_code == 0);

  CommandResult enrich = spamgraph(db, {"enrich", "asn"});
  INFO(enrich.out << enrich.err);
  REQUIRE(enrich.exit_code == 0);
  CHECK(enrich.out.find("routing of each message's day") != std::string::npos);
  const std::string early = line_with(enrich.out, "mine 2014-05-13");
  CHECK(early.find("asked      1") != std::string::npos);
  CHECK(early.find("(1 of 2 tables of the series)") != std::string::npos);
  CHECK(early.find("largest gap 7 days, table older") != std::string::npos);
  CHECK(line_with(enrich.out, "mine 2015-11-01").find("largest gap 2 days, table older") != std::string::npos);

  const json shown = run_json(db, {"show", "ip", "114.113.195.101"});
  INFO(shown.dump(2));
  REQUIRE(shown["routing"].size() == 2);
  CHECK(shown["routing"][0]["dataset"] == "mine 2014-05-13");
  CHECK(shown["routing"][0]["series"] == "mine");
  CHECK(shown["routing"][0]["message_time"] == "2014-05-20T10:00:00Z");
  CHECK(shown["routing"][0]["gap_days"] == -7);
  CHECK(shown["routing"][0]["gap_seconds"] == k20140513 - kMessage2014);
  CHECK(shown["routing"][0]["prefix"] == "114.113.195.0/24");
  CHECK(shown["routing"][0]["origins"] == json::array({"AS58779"}));
  CHECK(shown["routing"][1]["dataset"] == "mine 2015-11-01");
  CHECK(shown["routing"][1]["gap_days"] == -2);
  CHECK(shown["routing"][1]["origins"] == json::array({"AS4134"}));
  CommandResult text = spamgraph(db, {"show", "ip", "114.113.195.101"});
  CHECK(text.out.find("routing as of mine 2014-05-13 for the message of 2014-05-20 (7 days before it): "
                      "114.113.195.0/24 AS58779\n") != std::string::npos);
  CHECK(text.out.find("routing as of mine 2015-11-01 for the message of 2015-11-03 (2 days before it): "
                      "114.113.195.0/24 AS4134\n") != std::string::npos);

  // --as-of: one table for every IP; a date it cannot read is refused.
  CommandResult as_of = spamgraph(db, {"enrich", "asn", "--as-of", "2014-05-13"});
  INFO(as_of.out << as_of.err);
  REQUIRE(as_of.exit_code == 0);
  CHECK(as_of.out.find("routing as of 2014-05-13") != std::string::npos);
  CHECK(line_with(as_of.out, "mine 2014-05-13").find("largest gap under a day") != std::string::npos);
  CHECK(line_with(as_of.out, "mine 2015-11-01").empty());
  CommandResult bad = spamgraph(db, {"enrich", "asn", "--as-of", "someday"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--as-of someday") != std::string::npos);
}
