#include "enrich/asn/enrich_asn.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/as_number.h"
#include "enrich/asn/asn_tables.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/asn/special_ranges.h"

namespace sg::asn {
namespace {

using Clock = std::chrono::steady_clock;

// One source of facts for the run: a stored table or an open mmdb. A lookup gives
// nothing, one fact, or one per origin AS of a multi-origin prefix. A table's lookup
// is set when the table is loaded, for the IPs asked of it only.
struct Source {
  DatasetInfo info;
  std::function<Result<std::vector<AsnFact>>(const IpAddress&)> lookup;
};

// Which IPs each source is asked for (indexes into the run's IPs, ascending), the
// largest gap of its answers, and how many sources share its name.
struct Plan {
  std::vector<std::vector<size_t>> ips;
  std::vector<std::optional<int64_t>> largest_gap;
  std::vector<size_t> series_size;
};

void widen(std::optional<int64_t>& largest, int64_t gap) {
  if (!largest || (gap < 0 ? -gap : gap) > (*largest < 0 ? -*largest : *largest)) largest = gap;
}

// Plan step: within each series (the sources of one name), an IP is asked of the
// table chosen for `as_of`, else of the table chosen for each time it was seen in
// mail, else (in no message) of the latest table.
Plan plan_lookups(const std::vector<Source>& sources, const std::vector<IpAddress>& ips,
                  const std::map<IpAddress, std::vector<UnixTime>>& times, std::optional<UnixTime> as_of) {
  Plan plan;
  plan.ips.resize(sources.size());
  plan.largest_gap.resize(sources.size());
  plan.series_size.resize(sources.size());
  std::map<std::string, std::vector<size_t>> by_name;
  for (size_t i = 0; i < sources.size(); ++i) by_name[sources[i].info.name].push_back(i);
  for (auto& named : by_name) {
    // Not a structured binding: the lambdas below capture it (clang 14 refuses that).
    std::vector<size_t>& members = named.second;
    std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
      const DatasetInfo &x = sources[a].info, &y = sources[b].info;
      return x.date != y.date ? x.date < y.date : x.id < y.id;
    });
    std::vector<DatasetInfo> series;
    for (size_t member : members) {
      series.push_back(sources[member].info);
      plan.series_size[member] = members.size();
    }
    const auto ask = [&](size_t ip, const DatasetInfo* chosen, std::optional<UnixTime> when) {
      const size_t source = members[static_cast<size_t>(chosen - series.data())];
      if (plan.ips[source].empty() || plan.ips[source].back() != ip) plan.ips[source].push_back(ip);
      if (when) widen(plan.largest_gap[source], chosen->date - *when);
    };
    for (size_t ip = 0; ip < ips.size(); ++ip) {
      if (as_of) {
        ask(ip, choose_dataset_for(series, *as_of), as_of);
        continue;
      }
      const auto seen = times.find(ips[ip]);
      if (seen == times.end()) {
        ask(ip, &series.back(), std::nullopt);
        continue;
      }
      for (UnixTime when : seen->second) ask(ip, choose_dataset_for(series, when), when);
    }
  }
  return plan;
}

// The lookup of a loaded table: its longest match, with every origin of a
// multi-origin prefix.
Result<std::vector<AsnFact>> table_lookup(const LoadedDataset& dataset, const IpAddress& ip) {
  std::vector<AsnFact> facts;
  auto match = dataset.table.lookup(ip);
  if (!match) return facts;
  const PrefixTable& t = dataset.table;
  auto fact = [&](const AsnRecord& r) { return AsnFact{match->prefix, r.asn, t.text(r.name), t.text(r.country)}; };
  facts.push_back(fact(match->record));
  if (!dataset.more_origins.empty()) {
    auto more = dataset.more_origins.find(match->prefix.to_string());
    if (more != dataset.more_origins.end())
      for (const AsnRecord& r : more->second) facts.push_back(fact(r));
  }
  return facts;
}

}  // namespace

std::vector<Observation> asn_observations(const IpAddress& ip, const AsnFact& fact, UnixTime time) {
  std::vector<Observation> out;
  const EntityRef prefix{EntityKind::prefix, fact.prefix.to_string()};
  out.push_back(Observation{EntityRef{EntityKind::ip, ip.to_string()}, kInPrefix, prefix, time, true});
  if (fact.asn != 0) {
    const EntityRef as{EntityKind::asn, as_number_key(fact.asn)};
    out.push_back(Observation{prefix, kOriginatedBy, as, time, true});
    if (!fact.name.empty())
      out.push_back(Observation{as, kHolder, EntityRef{EntityKind::org, std::string(fact.name)}, time, true});
  }
  if (!fact.country.empty())
    out.push_back(Observation{prefix, kCountry, EntityRef{EntityKind::country, std::string(fact.country)}, time, true});
  return out;
}

Result<DatasetInfo> register_mmdb(Store& store, const std::string& path, const MmdbReader& reader) {
  auto sha = file_sha256(path);
  if (!sha) return sha.error();
  auto existing = find_dataset_by_hash(store, *sha, "mmdb");
  if (!existing) return existing.error();
  if (*existing) return **existing;
  DatasetInfo info;
  info.name = std::filesystem::path(path).stem().string();
  info.format = "mmdb";
  info.path = path;
  info.date = reader.build_epoch();
  info.imported_at = static_cast<UnixTime>(std::time(nullptr));
  info.sha256 = *sha;
  auto id = add_dataset(store, info);
  if (!id) return id.error();
  info.id = *id;
  return info;
}

Result<EnrichAsnReport> enrich_asn(Store& store, const EnrichAsnOptions& options) {
  EnrichAsnReport report;
  if (auto begun = store.begin(); !begun) return begun.error();
  auto fail = [&](Error error) -> Result<EnrichAsnReport> {
    store.rollback();
    return error;
  };

  // The stored tables (loaded later, only those asked for some IP) and the mmdb files,
  // which stay open for the run; an mmdb answer is copied into `answer` because an
  // AsnFact only holds views.
  std::vector<Source> sources;
  auto datasets = list_datasets(store, options.dataset_name);
  if (!datasets) return fail(datasets.error());
  for (DatasetInfo& info : *datasets)
    if (is_prefix_table_format(info.format)) sources.push_back(Source{std::move(info), nullptr});
  std::vector<std::unique_ptr<MmdbReader>> readers;
  auto answer = std::make_shared<MmdbAnswer>();
  for (const std::string& path : options.mmdb_paths) {
    auto reader = MmdbReader::open(path);
    if (!reader) return fail(reader.error());
    auto info = register_mmdb(store, path, *reader);
    if (!info) return fail(info.error());
    if (!options.dataset_name.empty() && info->name != options.dataset_name) continue;
    const bool repeated = std::any_of(sources.begin(), sources.end(), [&](const Source& s) { return s.info.id == info->id; });
    if (repeated) continue;
    readers.push_back(std::make_unique<MmdbReader>(std::move(*reader)));
    const MmdbReader* open = readers.back().get();
    sources.push_back(Source{*info, [open, answer, path](const IpAddress& ip) -> Result<std::vector<AsnFact>> {
                               std::vector<AsnFact> facts;
                               auto found = open->lookup(ip);
                               if (!found) return Error{found.error().message, path + ": " + found.error().where};
                               if (!*found) return facts;
                               *answer = std::move(**found);
                               // An IPv4 address answered by an IPv6 network (below ::/96) has no v4 prefix.
                               if (answer->network.network.family() != ip.family()) return facts;
                               facts.push_back(AsnFact{answer->network, answer->asn, answer->as_name, answer->country});
                               return facts;
                             }});
  }
  if (sources.empty()) {
    store.rollback();
    if (!options.dataset_name.empty()) return Error{"no dataset of that name", options.dataset_name};
    return Error{"no IP-to-ASN data: run `data import` or give --mmdb", "enrich asn"};
  }

  auto ips = graph_ips(store);
  if (!ips) return fail(ips.error());
  std::sort(ips->begin(), ips->end());
  report.ips = ips->size();
  std::map<IpAddress, std::vector<UnixTime>> times;  // unused under --as-of
  if (!options.as_of) {
    auto read = ip_message_times(store);
    if (!read) return fail(read.error());
    times = std::move(*read);
  }
  const Plan plan = plan_lookups(sources, *ips, times, options.as_of);

  std::vector<bool> matched(ips->size(), false);
  const auto lookup_start = Clock::now();
  double load_seconds = 0;
  for (size_t s = 0; s < sources.size(); ++s) {
    const Source& source = sources[s];
    const std::vector<size_t>& asked = plan.ips[s];
    if (asked.empty() && plan.series_size[s] > 1) continue;  // another table of its series answers
    EnrichAsnReport::PerDataset row{dataset_label(source.info), source.info.format, plan.series_size[s], asked.size(),
                                    0, 0, plan.largest_gap[s]};
    auto lookup = source.lookup;
    std::unique_ptr<LoadedDataset> table;  // a stored table, loaded for this source only
    if (!lookup && !asked.empty()) {
      const auto load_start = Clock::now();
      table = std::make_unique<LoadedDataset>();
      table->info = source.info;
      size_t rows = 0;
      if (auto loaded = load_dataset_table(store, *table, &rows); !loaded) return fail(loaded.error());
      report.prefixes += rows;
      ++report.tables;
      load_seconds += std::chrono::duration<double>(Clock::now() - load_start).count();
      const LoadedDataset* loaded = table.get();
      lookup = [loaded](const IpAddress& ip) { return table_lookup(*loaded, ip); };
    }
    auto observed = edges_observed_from_dataset(store, source.info.id);
    if (!observed) return fail(observed.error());
    for (size_t i : asked) {
      auto facts = lookup((*ips)[i]);
      if (!facts) return fail(facts.error());
      if (facts->empty()) continue;
      matched[i] = true;
      ++row.matched;
      for (const AsnFact& fact : *facts)
        for (const Observation& observation : asn_observations((*ips)[i], fact, source.info.date)) {
          // One observation per edge and dataset: the same prefix reached from another
          // IP, or a re-run, adds nothing.
          if (!observed->insert(observed_edge_key(observation)).second) continue;
          auto stored = store.observe(observation, ProvenanceKind::dataset, source.info.id);
          if (!stored) return fail(stored.error());
          ++row.observations;
        }
    }
    report.datasets.push_back(std::move(row));
  }
  for (size_t i = 0; i < ips->size(); ++i) {
    if (matched[i]) continue;
    const std::string_view special = special_range((*ips)[i]);
    report.unmatched.push_back(
        {(*ips)[i].to_string(), special.empty() ? "no dataset has it" : std::string(special)});
  }
  if (auto committed = store.commit(); !committed) return fail(committed.error());
  report.load_seconds = load_seconds;
  report.lookup_seconds = std::chrono::duration<double>(Clock::now() - lookup_start).count() - load_seconds;
  return report;
}

}  // namespace sg::asn
