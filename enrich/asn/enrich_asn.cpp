#include "enrich/asn/enrich_asn.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
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
// nothing, one fact, or one per origin AS of a multi-origin prefix.
struct Source {
  DatasetInfo info;
  std::function<Result<std::vector<AsnFact>>(const IpAddress&)> lookup;
};

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
  auto tables = load_asn_tables(store, options.dataset_name);
  if (!tables) return tables.error();
  report.prefixes = tables->rows;
  report.read_seconds = tables->read_seconds;
  report.build_seconds = tables->build_seconds;

  std::vector<Source> sources;
  for (const auto& loaded : tables->datasets) {
    const LoadedDataset* dataset = loaded.get();
    sources.push_back(Source{dataset->info, [dataset](const IpAddress& ip) -> Result<std::vector<AsnFact>> {
                               std::vector<AsnFact> facts;
                               auto match = dataset->table.lookup(ip);
                               if (!match) return facts;
                               const PrefixTable& t = dataset->table;
                               auto fact = [&](const AsnRecord& r) {
                                 return AsnFact{match->prefix, r.asn, t.text(r.name), t.text(r.country)};
                               };
                               facts.push_back(fact(match->record));
                               if (!dataset->more_origins.empty()) {
                                 auto more = dataset->more_origins.find(match->prefix.to_string());
                                 if (more != dataset->more_origins.end())
                                   for (const AsnRecord& r : more->second) facts.push_back(fact(r));
                               }
                               return facts;
                             }});
  }

  if (auto begun = store.begin(); !begun) return begun.error();
  auto fail = [&](Error error) -> Result<EnrichAsnReport> {
    store.rollback();
    return error;
  };

  // The mmdb files stay open for the run; their answers are copied into `strings`
  // because an AsnFact only holds views.
  std::vector<std::unique_ptr<MmdbReader>> readers;
  auto answer = std::make_shared<MmdbAnswer>();
  for (const std::string& path : options.mmdb_paths) {
    auto reader = MmdbReader::open(path);
    if (!reader) return fail(reader.error());
    auto info = register_mmdb(store, path, *reader);
    if (!info) return fail(info.error());
    if (!options.dataset_name.empty() && info->name != options.dataset_name) continue;
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
  std::vector<bool> matched(ips->size(), false);
  const auto lookup_start = Clock::now();
  for (const Source& source : sources) {
    auto observed = edges_observed_from_dataset(store, source.info.id);
    if (!observed) return fail(observed.error());
    EnrichAsnReport::PerDataset row{dataset_label(source.info), source.info.format, 0, 0};
    for (size_t i = 0; i < ips->size(); ++i) {
      auto facts = source.lookup((*ips)[i]);
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
  report.lookup_seconds = std::chrono::duration<double>(Clock::now() - lookup_start).count();
  return report;
}

}  // namespace sg::asn
