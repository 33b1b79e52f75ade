#include "store/datasets.h"

#include "core/as_number.h"

#include <algorithm>
#include <set>
#include <map>
#include <unordered_set>

#include "store/schema.h"

namespace sg {
namespace {

constexpr const char* kDatasetColumns = "id, name, format, path, date, imported_at, sha256, rows";

DatasetInfo read_dataset(const sql::Statement& row, int first = 0) {
  DatasetInfo info;
  info.id = row.int64(first);
  info.name = row.text(first + 1);
  info.format = row.text(first + 2);
  info.path = row.text(first + 3);
  info.date = row.int64(first + 4);
  info.imported_at = row.int64(first + 5);
  info.sha256 = row.text(first + 6);
  info.rows = row.int64(first + 7);
  return info;
}

// The canonical text of the prefix of `length` bits holding `address`.
std::string masked_prefix(const IpAddress& address, int length) {
  if (address.is_v4()) {
    const uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
    return IpAddress::v4(address.v4_value() & mask).to_string() + "/" + std::to_string(length);
  }
  std::array<uint8_t, 16> bytes = address.bytes();
  for (int bit = length; bit < 128; ++bit) bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return IpAddress::v6(bytes).to_string() + "/" + std::to_string(length);
}

// Sort key of a prefix: family, then network bytes, then length.
std::tuple<bool, std::array<uint8_t, 16>, int> prefix_order(const std::string& text) {
  auto prefix = IpPrefix::parse(text);
  if (!prefix) return {true, {}, 0};
  return {!prefix->network.is_v4(), prefix->network.bytes(), prefix->length};
}

}  // namespace

std::string dataset_label(const DatasetInfo& dataset) {
  return dataset.name + " " + format_iso8601(dataset.date).substr(0, 10);
}

Result<std::optional<DatasetInfo>> find_dataset_by_hash(Store& store, const std::string& sha256,
                                                        const std::string& format) {
  auto query = store.database().prepare(std::string("SELECT ") + kDatasetColumns +
                                        " FROM dataset WHERE sha256 = ?1 AND format = ?2");
  query.bind(1, sha256).bind(2, format);
  if (query.step()) return std::optional<DatasetInfo>(read_dataset(query));
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return std::optional<DatasetInfo>();
}

Result<std::vector<DatasetInfo>> list_datasets(Store& store, const std::string& name) {
  auto query = store.database().prepare(std::string("SELECT ") + kDatasetColumns +
                                        " FROM dataset WHERE ?1 = '' OR name = ?1 ORDER BY id");
  query.bind(1, name);
  std::vector<DatasetInfo> datasets;
  while (query.step()) datasets.push_back(read_dataset(query));
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return datasets;
}

Result<int64_t> add_dataset(Store& store, const DatasetInfo& dataset) {
  auto insert = store.database().prepare(
      "INSERT INTO dataset(name, format, path, date, imported_at, sha256, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind(1, dataset.name)
      .bind(2, dataset.format)
      .bind(3, dataset.path)
      .bind(4, dataset.date)
      .bind(5, dataset.imported_at)
      .bind(6, dataset.sha256)
      .bind(7, dataset.rows);
  if (!insert.run()) return Error{"storing dataset: " + insert.error(), dataset.path};
  return store.database().last_insert_id();
}

bool is_prefix_table_format(std::string_view format) {
  for (std::string_view table : {"pfx2as", "ip2asn", "ip-location-db", "pyasn", "mrt"})
    if (format == table) return true;
  return false;
}

namespace {

constexpr int64_t kDay = 86400;

// The UTC day number of `time` (floor division: times before 1970 are days below 0).
int64_t utc_day(UnixTime time) { return time >= 0 ? time / kDay : -((-time + kDay - 1) / kDay); }

bool by_date_then_id(const DatasetInfo& a, const DatasetInfo& b) {
  return a.date != b.date ? a.date < b.date : a.id < b.id;
}

}  // namespace

int64_t utc_day_difference(UnixTime from, UnixTime to) { return utc_day(to) - utc_day(from); }

UnixTime end_of_utc_day(UnixTime time) { return (utc_day(time) + 1) * kDay - 1; }

std::map<std::string, std::vector<DatasetInfo>> dataset_series(std::vector<DatasetInfo> datasets) {
  std::map<std::string, std::vector<DatasetInfo>> series;
  for (DatasetInfo& dataset : datasets) series[dataset.name].push_back(std::move(dataset));
  for (auto& [name, list] : series) std::sort(list.begin(), list.end(), by_date_then_id);
  return series;
}

const DatasetInfo* choose_dataset_for(const std::vector<DatasetInfo>& series, UnixTime when) {
  if (series.empty()) return nullptr;
  const auto date_above = [](UnixTime t, const DatasetInfo& d) { return t < d.date; };
  // The last of the datasets sharing the date of `*at` (the highest id).
  const auto last_of_date = [&](std::vector<DatasetInfo>::const_iterator at) {
    return &*(std::upper_bound(at, series.end(), at->date, date_above) - 1);
  };
  const auto after_day = std::upper_bound(series.begin(), series.end(), end_of_utc_day(when), date_above);
  if (after_day == series.begin()) return last_of_date(series.begin());  // every table is later
  const auto after_when = std::upper_bound(series.begin(), after_day, when, date_above);
  if (after_when == after_day) return &*(after_day - 1);  // none later that day: the nearest before
  if (after_when == series.begin()) return last_of_date(after_when);  // only later the same day
  const DatasetInfo& before = *(after_when - 1);
  const DatasetInfo* later = last_of_date(after_when);
  return later->date - when < when - before.date ? later : &before;
}

Result<std::map<IpAddress, std::vector<UnixTime>>> ip_message_times(Store& store, const std::string& ip) {
  auto& db = store.database();
  const std::string join =
      "SELECT e.key, m.time FROM message_link l JOIN entity e ON e.id = l.entity_id"
      " JOIN message m ON m.id = l.message_id WHERE e.kind = 'ip'";
  auto query = db.prepare(ip.empty() ? join : join + " AND e.key = ?1");
  if (!ip.empty()) query.bind(1, ip);
  std::map<IpAddress, std::vector<UnixTime>> times;
  while (query.step())
    if (auto address = IpAddress::parse(query.text_view(0))) times[*address].push_back(query.int64(1));
  if (!query.error().empty()) return Error{query.error(), db.path()};
  for (auto& [address, list] : times) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return times;
}

Result<std::vector<RoutingAsOf>> routing_as_of(Store& store, const std::string& text) {
  auto ip = IpAddress::parse(text);
  if (!ip) return Error{"not an IP address", text};
  const std::string key = ip->to_string();
  std::vector<RoutingAsOf> rows;
  auto id = store.find_entity(EntityRef{EntityKind::ip, key});
  if (!id) return rows;

  // What each dataset stated for the IP: its series are the ones that answer for it.
  auto& db = store.database();
  auto stated = db.prepare(
      "SELECT DISTINCT o.source_id, p.key FROM edge e JOIN entity p ON p.id = e.dst JOIN observation o ON o.edge_id = e.id"
      " WHERE e.src = ?1 AND e.relation = ?2 AND o.source_kind = 'dataset'");
  stated.bind(1, *id).bind(2, kInPrefix.text());
  std::map<int64_t, std::string> prefix_by_dataset;
  while (stated.step()) prefix_by_dataset.emplace(stated.int64(0), stated.text(1));
  if (!stated.error().empty()) return Error{stated.error(), db.path()};
  auto datasets = list_datasets(store);
  if (!datasets) return datasets.error();
  std::set<std::string> names;
  for (const DatasetInfo& d : *datasets)
    if (prefix_by_dataset.count(d.id)) names.insert(d.name);
  std::vector<DatasetInfo> answering;
  for (DatasetInfo& d : *datasets)
    if (names.count(d.name) && d.format != "mrt-updates") answering.push_back(std::move(d));
  const auto series = dataset_series(std::move(answering));

  auto times = ip_message_times(store, key);
  if (!times) return times.error();
  // The origins a dataset stated for a prefix: the prefix's edges are shared by every
  // IP inside it, so only the dataset tells which AS routed it then.
  auto origins = db.prepare(
      "SELECT a.key FROM entity p JOIN edge e ON e.src = p.id JOIN entity a ON a.id = e.dst"
      " JOIN observation o ON o.edge_id = e.id WHERE p.kind = 'prefix' AND p.key = ?1 AND e.relation = ?2"
      " AND o.source_kind = 'dataset' AND o.source_id = ?3 ORDER BY a.key");
  std::optional<Error> failed;
  const auto row_for = [&](const std::string& name, const DatasetInfo& dataset, std::optional<UnixTime> when) {
    RoutingAsOf row{name, when, dataset, 0, 0, "", {}};
    if (when) {
      row.gap_seconds = dataset.date - *when;
      row.gap_days = utc_day_difference(*when, dataset.date);
    }
    auto stated_prefix = prefix_by_dataset.find(dataset.id);
    if (stated_prefix == prefix_by_dataset.end()) return row;
    row.prefix = stated_prefix->second;
    origins.bind(1, row.prefix).bind(2, kOriginatedBy.text()).bind(3, dataset.id);
    while (origins.step()) row.origins.push_back(origins.text(0));
    if (!origins.error().empty()) failed = Error{origins.error(), db.path()};
    origins.reset();
    return row;
  };
  const auto found = times->find(*ip);
  for (const auto& [name, list] : series) {
    if (found == times->end()) {
      rows.push_back(row_for(name, list.back(), std::nullopt));
      continue;
    }
    std::set<std::pair<int64_t, int64_t>> done;  // (message day, dataset id)
    for (UnixTime when : found->second) {
      const DatasetInfo* chosen = choose_dataset_for(list, when);
      if (done.insert({utc_day(when), chosen->id}).second) rows.push_back(row_for(name, *chosen, when));
    }
  }
  if (failed) return *failed;
  std::stable_sort(rows.begin(), rows.end(), [](const RoutingAsOf& a, const RoutingAsOf& b) {
    return a.message_time.value_or(INT64_MAX) < b.message_time.value_or(INT64_MAX);
  });
  return rows;
}

namespace {

// One statement with (?1 = dataset id); returns the rows it changed.
Result<int64_t> run_for_dataset(sql::Database& db, const char* text, int64_t id) {
  auto statement = db.prepare(text);
  if (!statement.ok()) return Error{statement.error(), db.path()};
  statement.bind(1, id);
  if (!statement.run()) return Error{statement.error(), db.path()};
  return db.changes();
}

}  // namespace

Result<DatasetRemoval> remove_dataset(Store& store, int64_t id) {
  DatasetRemoval removal;
  sql::Database& db = store.database();
  if (auto begun = store.begin(); !begun) return begun.error();
  auto fail = [&](Error error) -> Result<DatasetRemoval> {
    store.rollback();
    return error;
  };
  auto query = db.prepare(std::string("SELECT ") + kDatasetColumns + " FROM dataset WHERE id = ?1");
  query.bind(1, id);
  if (!query.step()) {
    if (!query.error().empty()) return fail(Error{query.error(), db.path()});
    return fail(Error{"no such dataset (see `data list`)", std::to_string(id)});
  }
  removal.dataset = read_dataset(query);
  query.reset();

  // The edges it stated, with how many of their observations it made.
  const char* steps[] = {
      "CREATE TEMP TABLE IF NOT EXISTS removed_edge (edge_id INTEGER PRIMARY KEY, observations INTEGER NOT NULL)",
      "DELETE FROM removed_edge",
      ("INSERT INTO removed_edge SELECT edge_id, COUNT(*) FROM observation"
       " WHERE source_kind = 'dataset' AND source_id = ?1 GROUP BY edge_id"),
  };
  for (const char* text : steps)
    if (auto done = run_for_dataset(db, text, id); !done) return fail(done.error());
  auto observations = run_for_dataset(db, "DELETE FROM observation WHERE source_kind = 'dataset' AND source_id = ?1", id);
  if (!observations) return fail(observations.error());
  removal.observations = *observations;
  auto gone = run_for_dataset(db,
                              "DELETE FROM edge WHERE id IN (SELECT edge_id FROM removed_edge) AND NOT EXISTS"
                              " (SELECT 1 FROM observation o WHERE o.edge_id = edge.id) AND ?1 = ?1",
                              id);
  if (!gone) return fail(gone.error());
  removal.edges_removed = *gone;
  // An IP may have left a prefix, or a prefix an AS: the networks' spans can only shrink
  // by being computed again.
  if (*gone > 0)
    if (auto rebuilt = rebuild_network_seen(db); !rebuilt) return fail(rebuilt.error());
  auto narrowed = run_for_dataset(
      db,
      "UPDATE edge SET count = MAX(1, count - (SELECT observations FROM removed_edge WHERE edge_id = edge.id)),"
      " first_seen = (SELECT MIN(time) FROM observation o WHERE o.edge_id = edge.id),"
      " last_seen = (SELECT MAX(time) FROM observation o WHERE o.edge_id = edge.id),"
      " trusted = (SELECT MAX(trusted) FROM observation o WHERE o.edge_id = edge.id)"
      " WHERE id IN (SELECT edge_id FROM removed_edge) AND ?1 = ?1",
      id);
  if (!narrowed) return fail(narrowed.error());
  removal.edges_narrowed = *narrowed;
  // The edges' totals from datasets, from the datasets' observations that remain.
  for (const char* text :
       {"DELETE FROM edge_source WHERE source_kind = 'dataset' AND edge_id IN (SELECT edge_id FROM removed_edge)"
        " AND ?1 = ?1",
        ("INSERT INTO edge_source(edge_id, source_kind, first_seen, last_seen, messages, trusted)"
         " SELECT edge_id, source_kind, MIN(time), MAX(time), 0, MAX(trusted) FROM observation"
         " WHERE source_kind = 'dataset' AND edge_id IN (SELECT edge_id FROM removed_edge) AND ?1 = ?1"
         " GROUP BY edge_id, source_kind")})
    if (auto done = run_for_dataset(db, text, id); !done) return fail(done.error());
  for (const char* text : {"DELETE FROM dataset_prefix WHERE dataset_id = ?1", "DELETE FROM dataset_asn WHERE dataset_id = ?1",
                           "DELETE FROM bgp_update WHERE dataset_id = ?1", "DELETE FROM dataset WHERE id = ?1"})
    if (auto done = run_for_dataset(db, text, id); !done) return fail(done.error());
  if (auto committed = store.commit(); !committed) return fail(committed.error());
  return removal;
}

Result<DatasetWriter> DatasetWriter::create(Store& store, int64_t dataset_id) {
  DatasetWriter writer;
  writer.db_ = &store.database();
  writer.dataset_id_ = dataset_id;
  // A file may repeat a (prefix, AS) pair (pfx2as MOAS rows, split ranges): keep one.
  // ON CONFLICT, not OR IGNORE, so that any other constraint failure is an error.
  writer.insert_prefix_ = writer.db_->prepare(
      "INSERT INTO dataset_prefix(dataset_id, prefix, asn, country, peers) VALUES (?1, ?2, ?3, ?4, ?5)"
      " ON CONFLICT DO NOTHING");
  writer.insert_name_ =
      writer.db_->prepare("INSERT INTO dataset_asn(dataset_id, asn, name) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING");
  if (!writer.insert_prefix_.ok() || !writer.insert_name_.ok())
    return Error{"preparing dataset statements: " + writer.db_->last_error(), writer.db_->path()};
  return writer;
}

Status DatasetWriter::add_prefix(const std::string& prefix, uint32_t asn, std::string_view country, int64_t peers) {
  // An empty view may have a null data pointer, which SQLite binds as NULL: bind a real "".
  if (country.empty()) country = std::string_view("", 0);
  insert_prefix_.bind(1, dataset_id_).bind(2, prefix).bind(3, int64_t{asn}).bind(4, country).bind(5, peers);
  if (!insert_prefix_.run()) return Error{"storing prefix: " + insert_prefix_.error(), prefix};
  rows_ += sqlite3_changes(db_->handle());
  return Ok{};
}

Status DatasetWriter::add_name(uint32_t asn, std::string_view name) {
  // Rows of one AS come in runs: skip the set for a repeat of the previous AS.
  if (name.empty() || (asn == last_named_ && !named_.empty())) return Ok{};
  last_named_ = asn;
  if (!named_.insert(asn).second) return Ok{};
  insert_name_.bind(1, dataset_id_).bind(2, int64_t{asn}).bind(3, name);
  if (!insert_name_.run()) return Error{"storing AS name: " + insert_name_.error(), as_number_key(asn)};
  return Ok{};
}

Status DatasetWriter::finish() {
  auto update = db_->prepare("UPDATE dataset SET rows = ?1 WHERE id = ?2");
  update.bind(1, rows_).bind(2, dataset_id_);
  if (!update.run()) return Error{"counting dataset rows: " + update.error(), db_->path()};
  return Ok{};
}

Status for_each_dataset_prefix(
    Store& store, int64_t dataset_id,
    const std::function<bool(std::string_view prefix, uint32_t asn, std::string_view country)>& row) {
  auto query = store.database().prepare("SELECT prefix, asn, country FROM dataset_prefix WHERE dataset_id = ?1 ORDER BY prefix, asn");
  query.bind(1, dataset_id);
  while (query.step())
    if (!row(query.text_view(0), static_cast<uint32_t>(query.int64(1)), query.text_view(2))) return Ok{};
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return Ok{};
}

Status for_each_dataset_name(Store& store, int64_t dataset_id,
                             const std::function<void(uint32_t asn, std::string_view name)>& row) {
  auto query = store.database().prepare("SELECT asn, name FROM dataset_asn WHERE dataset_id = ?1");
  query.bind(1, dataset_id);
  while (query.step()) row(static_cast<uint32_t>(query.int64(0)), query.text_view(1));
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return Ok{};
}

namespace {

// The parts of an edge as the store writes them, joined by NULs.
std::string edge_key(std::string_view subject_kind, std::string_view subject_key, std::string_view relation,
                     std::string_view object_kind, std::string_view object_key) {
  std::string key(subject_kind);
  for (std::string_view part : {subject_key, relation, object_kind, object_key}) {
    key += '\0';
    key += part;
  }
  return key;
}

}  // namespace

std::string observed_edge_key(const Observation& observation) {
  return edge_key(to_text(observation.subject.kind), observation.subject.key, observation.relation.text(),
                  to_text(observation.object.kind), observation.object.key);
}

Result<std::set<std::string>> edges_observed_from_dataset(Store& store, int64_t dataset_id) {
  auto query = store.database().prepare(
      "SELECT s.kind, s.key, e.relation, d.kind, d.key FROM observation o JOIN edge e ON e.id = o.edge_id"
      " JOIN entity s ON s.id = e.src JOIN entity d ON d.id = e.dst"
      " WHERE o.source_kind = 'dataset' AND o.source_id = ?1");
  query.bind(1, dataset_id);
  std::set<std::string> keys;
  while (query.step())
    keys.insert(edge_key(query.text_view(0), query.text_view(1), query.text_view(2), query.text_view(3),
                         query.text_view(4)));
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return keys;
}

Result<std::vector<IpAddress>> graph_ips(Store& store) {
  auto query = store.database().prepare("SELECT key FROM entity WHERE kind = 'ip'");
  std::vector<IpAddress> ips;
  while (query.step())
    if (auto ip = IpAddress::parse(query.text_view(0))) ips.push_back(*ip);
  if (!query.error().empty()) return Error{query.error(), store.database().path()};
  return ips;
}

Result<AsnReport> asn_report(Store& store, uint32_t asn) {
  AsnReport report;
  report.asn = asn;
  auto& db = store.database();
  std::string columns = "d.id, d.name, d.format, d.path, d.date, d.imported_at, d.sha256, d.rows";

  auto names = db.prepare("SELECT n.name, " + columns +
                          " FROM dataset_asn n JOIN dataset d ON d.id = n.dataset_id WHERE n.asn = ?1 ORDER BY d.id");
  names.bind(1, int64_t{asn});
  while (names.step()) report.names.push_back(AsnReport::Name{names.text(0), read_dataset(names, 1)});
  if (!names.error().empty()) return Error{names.error(), db.path()};

  auto prefixes = db.prepare("SELECT p.prefix, p.country, " + columns +
                             " FROM dataset_prefix p JOIN dataset d ON d.id = p.dataset_id WHERE p.asn = ?1");
  prefixes.bind(1, int64_t{asn});
  while (prefixes.step())
    report.prefixes.push_back(AsnReport::Prefix{prefixes.text(0), prefixes.text(1), read_dataset(prefixes, 2)});
  if (!prefixes.error().empty()) return Error{prefixes.error(), db.path()};

  // mmdb datasets are read in place: what they said is only in the graph's edges.
  const std::string as_key = as_number_key(asn);
  if (auto as_id = store.find_entity(EntityRef{EntityKind::asn, as_key})) {
    auto learnt = db.prepare(
        "SELECT DISTINCT p.key, " + columns +
        " FROM edge e JOIN entity p ON p.id = e.src JOIN observation o ON o.edge_id = e.id"
        " JOIN dataset d ON o.source_kind = 'dataset' AND d.id = o.source_id"
        " WHERE e.dst = ?1 AND e.relation = ?2 AND d.format = 'mmdb'");
    learnt.bind(1, *as_id).bind(2, kOriginatedBy.text());
    while (learnt.step())
      report.graph_prefixes.push_back(AsnReport::Prefix{learnt.text(0), "", read_dataset(learnt, 1)});
    if (!learnt.error().empty()) return Error{learnt.error(), db.path()};
  }

  auto by_address = [](const AsnReport::Prefix& a, const AsnReport::Prefix& b) {
    auto ka = prefix_order(a.prefix), kb = prefix_order(b.prefix);
    if (ka != kb) return ka < kb;
    return a.dataset.id < b.dataset.id;
  };
  std::sort(report.prefixes.begin(), report.prefixes.end(), by_address);
  std::sort(report.graph_prefixes.begin(), report.graph_prefixes.end(), by_address);

  // Graph IPs inside the prefixes: mask each IP to every prefix length in use and
  // look the result up, instead of testing every IP against every prefix.
  std::unordered_set<std::string> wanted;
  std::set<std::pair<bool, int>> lengths;  // (v4, length)
  for (const auto* list : {&report.prefixes, &report.graph_prefixes})
    for (const auto& prefix : *list) {
      auto parsed = IpPrefix::parse(prefix.prefix);
      if (!parsed) continue;
      wanted.insert(parsed->to_string());
      lengths.insert({parsed->network.is_v4(), parsed->length});
    }
  if (wanted.empty()) return report;
  auto ips = graph_ips(store);
  if (!ips) return ips.error();
  std::sort(ips->begin(), ips->end());
  for (const IpAddress& ip : *ips) {
    AsnReport::Ip row;
    for (const auto& [v4, length] : lengths) {
      if (v4 != ip.is_v4()) continue;
      std::string prefix = masked_prefix(ip, length);
      if (wanted.count(prefix)) row.prefixes.push_back(std::move(prefix));
    }
    if (row.prefixes.empty()) continue;
    row.ip = ip.to_string();
    auto domains = store.domains_sharing_ip(row.ip, TimeRange{});
    if (!domains) return domains.error();
    for (const SharedLink& link : *domains) row.domains.push_back(link.value);
    report.ips.push_back(std::move(row));
  }
  return report;
}

Result<GraphNetworks> networks_of_graph_ips(Store& store) {
  auto& db = store.database();
  const std::string prefixes_of_ips =
      "SELECT DISTINCT e.dst FROM edge e JOIN entity i ON i.id = e.src WHERE e.relation = ?1 AND i.kind = 'ip'";
  GraphNetworks networks;
  auto prefixes = db.prepare("SELECT id, key FROM entity WHERE kind = 'prefix' AND id IN (" + prefixes_of_ips +
                             ") ORDER BY id");
  prefixes.bind(1, kInPrefix.text());
  while (prefixes.step())
    networks.prefixes.push_back({prefixes.int64(0), EntityRef{EntityKind::prefix, prefixes.text(1)}});
  if (!prefixes.error().empty()) return Error{prefixes.error(), db.path()};
  auto asns = db.prepare("SELECT id, key FROM entity WHERE kind = 'asn' AND id IN (SELECT e.dst FROM edge e"
                         " WHERE e.relation = ?2 AND e.src IN (" + prefixes_of_ips + ")) ORDER BY id");
  asns.bind(1, kInPrefix.text()).bind(2, kOriginatedBy.text());
  while (asns.step()) networks.asns.push_back({asns.int64(0), EntityRef{EntityKind::asn, asns.text(1)}});
  if (!asns.error().empty()) return Error{asns.error(), db.path()};
  return networks;
}

namespace {

// Which address families a dataset's rows hold, asked once per dataset and family.
// A skip-scan of the (dataset_id, prefix) index: the text before the first '.' or ':'
// of a row tells its family, and every row sharing that lead with the same separator
// is of the same family, so the scan seeks past them: a few hundred seeks at most for
// a table of one family, where a LIKE would read every row.
class FamilyCoverage {
 public:
  explicit FamilyCoverage(sql::Database& db)
      : db_(db),
        next_(db.prepare("SELECT prefix FROM dataset_prefix WHERE dataset_id = ?1 AND prefix >= ?2"
                         " ORDER BY prefix LIMIT 1")) {}

  Result<bool> holds(int64_t dataset_id, bool v4) {
    auto [it, inserted] = known_.try_emplace({dataset_id, v4}, false);
    if (!inserted) return it->second;
    std::string from;
    for (int seeks = 0; seeks < 100000; ++seeks) {
      next_.bind(1, dataset_id).bind(2, from);
      if (!next_.step()) break;
      const std::string text = next_.text(0);
      next_.reset();
      const size_t separator = text.find_first_of(".:");
      if (separator == std::string::npos) {
        from = text + '\x01';  // not an address: step over it
        continue;
      }
      if ((text[separator] == '.') == v4) return it->second = true;
      // '/' and ';' follow '.' and ':': past every row with this lead and separator.
      from = text.substr(0, separator) + (text[separator] == '.' ? '/' : ';');
    }
    if (!next_.error().empty()) return Error{next_.error(), db_.path()};
    next_.reset();
    return false;
  }

 private:
  sql::Database& db_;
  sql::Statement next_;
  std::map<std::pair<int64_t, bool>, bool> known_;
};

// Fills PrefixHistory::gone: per series, the first table dated after the prefix's last
// sighting that holds its family and does not list (prefix, asn); `listed_by` holds
// the datasets that do list each prefix for the AS, `as_listed_in` those listing the
// AS at all. A RIB dump (format mrt) may hold only what concerned the graph when it
// was imported (the prefixes holding its IPs and every prefix of their origin ASes),
// so it counts only when it lists the AS or the prefix.
Status find_gone(Store& store, uint32_t asn, const std::map<std::string, std::set<int64_t>>& listed_by,
                 const std::set<int64_t>& as_listed_in, std::vector<PrefixHistory>& history) {
  auto datasets = list_datasets(store);
  if (!datasets) return datasets.error();
  std::vector<DatasetInfo> tables;
  for (DatasetInfo& d : *datasets)
    if (is_prefix_table_format(d.format)) tables.push_back(std::move(d));
  std::sort(tables.begin(), tables.end(), by_date_then_id);
  auto& db = store.database();
  FamilyCoverage coverage(db);
  auto origins = db.prepare("SELECT asn FROM dataset_prefix WHERE dataset_id = ?1 AND prefix = ?2 AND asn != ?3");
  static const std::set<int64_t> kNone;
  for (PrefixHistory& row : history) {
    const bool v4 = row.prefix.find(':') == std::string::npos;
    const auto listed = listed_by.find(row.prefix);
    const std::set<int64_t>& listing = listed == listed_by.end() ? kNone : listed->second;
    std::set<std::string> series_done;
    for (const DatasetInfo& table : tables) {
      if (table.date <= row.last || listing.count(table.id) || series_done.count(table.name)) continue;
      auto holds = coverage.holds(table.id, v4);
      if (!holds) return holds.error();
      if (!*holds) continue;
      PrefixHistory::Gone gone{table, {}};
      origins.bind(1, table.id).bind(2, row.prefix).bind(3, int64_t{asn});
      while (origins.step()) gone.origins.push_back(static_cast<uint32_t>(origins.int64(0)));
      if (!origins.error().empty()) return Error{origins.error(), db.path()};
      origins.reset();
      if (table.format == "mrt" && gone.origins.empty() && !as_listed_in.count(table.id)) continue;
      series_done.insert(table.name);
      row.gone.push_back(std::move(gone));
    }
  }
  return Ok{};
}

}  // namespace

Result<std::vector<PrefixHistory>> asn_prefix_history(Store& store, uint32_t asn) {
  auto& db = store.database();
  std::map<std::string, std::map<std::string, PrefixHistory::Source>> spans;  // prefix -> source -> span
  const auto add = [&](std::string prefix, const std::string& source, UnixTime first, UnixTime last) {
    auto parsed = IpPrefix::parse(prefix);
    if (!parsed) return;
    auto [it, inserted] = spans[parsed->to_string()].try_emplace(source, PrefixHistory::Source{source, first, last});
    if (!inserted) {
      it->second.first = std::min(it->second.first, first);
      it->second.last = std::max(it->second.last, last);
    }
  };

  // Observed edges: prefix -originated-by-> AS, and route -route-origin-> AS whose
  // key starts with the prefix ("114.113.195.0/24 AS133027 RADB").
  if (auto as_id = store.find_entity(EntityRef{EntityKind::asn, as_number_key(asn)})) {
    auto edges = db.prepare(
        "SELECT p.kind, p.key, o.source_kind, d.name, l.source, MIN(o.time), MAX(o.time)"
        " FROM edge e JOIN entity p ON p.id = e.src JOIN observation o ON o.edge_id = e.id"
        " LEFT JOIN dataset d ON o.source_kind = 'dataset' AND d.id = o.source_id"
        " LEFT JOIN lookup l ON o.source_kind = 'lookup' AND l.id = o.source_id"
        " WHERE e.dst = ?1 AND ((e.relation = ?2 AND p.kind = 'prefix') OR (e.relation = ?3 AND p.kind = 'route'))"
        " GROUP BY p.id, o.source_kind, d.name, l.source");
    edges.bind(1, *as_id).bind(2, kOriginatedBy.text()).bind(3, kRouteOrigin.text());
    while (edges.step()) {
      std::string key = edges.text(1);
      std::string source = !edges.is_null(3) ? "dataset " + edges.text(3)
                           : !edges.is_null(4) ? edges.text(4)
                                               : edges.text(2);
      if (edges.text_view(0) == "route") {
        const size_t space = key.find(' ');
        const size_t last_space = key.rfind(' ');
        source = "route object" + (last_space != space ? key.substr(last_space) : std::string());
        key = key.substr(0, space);
      }
      add(key, source, edges.int64(5), edges.int64(6));
    }
    if (!edges.error().empty()) return Error{edges.error(), db.path()};
  }

  // The tables' rows, remembered per dataset: a later table without the row is a change.
  std::map<std::string, std::set<int64_t>> listed_by;  // canonical prefix -> datasets listing it for the AS
  std::set<int64_t> as_listed_in;                        // datasets listing the AS at all
  auto rows = db.prepare(
      "SELECT p.prefix, d.name, d.date, d.id FROM dataset_prefix p JOIN dataset d ON d.id = p.dataset_id"
      " WHERE p.asn = ?1");
  rows.bind(1, int64_t{asn});
  while (rows.step()) {
    add(rows.text(0), "dataset " + rows.text(1), rows.int64(2), rows.int64(2));
    if (auto parsed = IpPrefix::parse(rows.text_view(0))) listed_by[parsed->to_string()].insert(rows.int64(3));
    as_listed_in.insert(rows.int64(3));
  }
  if (!rows.error().empty()) return Error{rows.error(), db.path()};

  auto updates = db.prepare(
      "SELECT u.prefix, d.name, MIN(u.time), MAX(u.time) FROM bgp_update u JOIN dataset d ON d.id = u.dataset_id"
      " WHERE u.origin_asn = ?1 AND u.kind = 'A' GROUP BY u.prefix, d.name");
  updates.bind(1, int64_t{asn});
  while (updates.step()) add(updates.text(0), "bgp updates " + updates.text(1), updates.int64(2), updates.int64(3));
  if (!updates.error().empty()) return Error{updates.error(), db.path()};

  std::vector<PrefixHistory> history;
  for (auto& [prefix, sources] : spans) {
    PrefixHistory row;
    row.prefix = prefix;
    row.first = INT64_MAX;
    row.last = INT64_MIN;
    for (auto& [name, span] : sources) {
      row.first = std::min(row.first, span.first);
      row.last = std::max(row.last, span.last);
      row.sources.push_back(std::move(span));
    }
    std::stable_sort(row.sources.begin(), row.sources.end(),
                     [](const PrefixHistory::Source& a, const PrefixHistory::Source& b) { return a.first < b.first; });
    history.push_back(std::move(row));
  }
  std::sort(history.begin(), history.end(), [](const PrefixHistory& a, const PrefixHistory& b) {
    return prefix_order(a.prefix) < prefix_order(b.prefix);
  });
  if (auto gone = find_gone(store, asn, listed_by, as_listed_in, history); !gone) return gone.error();
  return history;
}

Result<std::vector<ChainLink>> ip_chain(Store& store, const std::string& text) {
  auto ip = IpAddress::parse(text);
  if (!ip) return Error{"not an IP address", text};
  return network_chain(store, EntityRef{EntityKind::ip, ip->to_string()});
}

Result<std::vector<ChainLink>> network_chain(Store& store, const EntityRef& entity) {
  std::vector<ChainLink> chain;
  auto start = store.find_entity(entity);
  if (!start) return chain;

  auto& db = store.database();
  auto edges = db.prepare(
      "SELECT e.id, o.kind, o.key, e.first_seen, e.last_seen FROM edge e JOIN entity o ON o.id = e.dst"
      " WHERE e.src = ?1 AND e.relation = ?2 ORDER BY o.key");
  auto sources = db.prepare(
      "SELECT o.source_kind, d.name, d.date, l.source || ' ' || strftime('%Y-%m-%d', l.time, 'unixepoch')"
      " FROM observation o LEFT JOIN dataset d ON o.source_kind = 'dataset' AND d.id = o.source_id"
      " LEFT JOIN lookup l ON o.source_kind = 'lookup' AND l.id = o.source_id"
      " WHERE o.edge_id = ?1 ORDER BY o.time, d.name");
  // Which relations to follow from each kind of entity, in chain order: the routed
  // and the registered network, who holds and routes it, the route objects and
  // who maintains them, where abuse goes.
  const std::map<EntityKind, std::vector<Relation>> next = {
      {EntityKind::ip, {kInPrefix, kRegisteredIn, kCountry}},
      {EntityKind::prefix, {kOriginatedBy, kHolder, kCountry, kAbuseContact, kMaintainedBy, kRouteObject}},
      {EntityKind::route, {kRouteOrigin, kMaintainedBy}},
      {EntityKind::asn, {kHolder, kCountry, kAbuseContact, kMaintainedBy}},
  };
  struct Node {
    int64_t id;
    EntityRef entity;
    int depth;
  };
  std::vector<Node> queue{{*start, entity, 0}};
  std::set<int64_t> seen{*start};
  for (size_t i = 0; i < queue.size() && queue.size() < 10000; ++i) {
    const Node node = queue[i];
    auto relations = next.find(node.entity.kind);
    if (relations == next.end()) continue;
    for (const Relation relation : relations->second) {
      edges.bind(1, node.id).bind(2, relation.text());
      while (edges.step()) {
        ChainLink link;
        link.from = node.entity;
        link.relation = relation;
        auto kind = parse_entity_kind(edges.text_view(1));
        if (!kind) return Error{"unknown entity kind in the store", edges.text(1)};
        link.to = EntityRef{*kind, edges.text(2)};
        link.depth = node.depth + 1;
        link.first_seen = edges.int64(3);
        link.last_seen = edges.int64(4);
        sources.bind(1, edges.int64(0));
        while (sources.step()) {
          DatasetInfo dataset;
          dataset.name = sources.text(1);
          dataset.date = sources.int64(2);
          std::string label = !sources.is_null(1) ? dataset_label(dataset)
                              : !sources.is_null(3) ? sources.text(3)
                                                    : sources.text(0);
          if (std::find(link.datasets.begin(), link.datasets.end(), label) == link.datasets.end())
            link.datasets.push_back(std::move(label));
        }
        if (!sources.error().empty()) return Error{sources.error(), db.path()};
        sources.reset();
        if (auto id = store.find_entity(link.to); id && seen.insert(*id).second)
          queue.push_back(Node{*id, link.to, link.depth});
        chain.push_back(std::move(link));
      }
      if (!edges.error().empty()) return Error{edges.error(), db.path()};
      edges.reset();
    }
  }
  std::stable_sort(chain.begin(), chain.end(),
                   [](const ChainLink& a, const ChainLink& b) { return a.depth < b.depth; });
  return chain;
}

std::vector<std::string> route_registration_notes(const std::vector<ChainLink>& chain) {
  std::vector<std::string> notes;
  const auto targets = [&](const EntityRef& from, Relation relation) {
    std::vector<std::string> keys;
    for (const ChainLink& link : chain)
      if (link.from == from && link.relation == relation) keys.push_back(link.to.key);
    return keys;
  };
  std::set<std::string> seen;
  for (const ChainLink& link : chain) {
    if (link.to.kind != EntityKind::route || !seen.insert(link.to.key).second) continue;
    const std::vector<std::string> maintainers = targets(link.to, kMaintainedBy);
    for (const std::string& origin : targets(link.to, kRouteOrigin)) {
      const std::vector<std::string> own = targets(EntityRef{EntityKind::asn, origin}, kMaintainedBy);
      const std::string number = origin.substr(2);  // "AS133027" -> "133027"
      for (const std::string& maintainer : maintainers) {
        const bool names_origin = maintainer.find(number) != std::string::npos;
        if (names_origin || std::find(own.begin(), own.end(), maintainer) != own.end()) continue;
        notes.push_back("route object " + link.to.key + " is maintained by " + maintainer + ", not by " + origin +
                        (own.empty() ? "" : " (whose own maintainers are " + [&] {
                          std::string list;
                          for (const std::string& m : own) list += (list.empty() ? "" : ", ") + m;
                          return list;
                        }() + ")") +
                        ": registered on the origin's behalf, usually by an upstream provider (a proxy registration)");
      }
    }
  }
  return notes;
}

}  // namespace sg
