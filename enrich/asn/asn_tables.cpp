#include "enrich/asn/asn_tables.h"

#include <chrono>
#include <optional>
#include <unordered_map>

namespace sg::asn {
namespace {

using Clock = std::chrono::steady_clock;

// "a.b.c.d/n" as the store writes it (canonical, host bits zero), without the
// general parser; nullopt for anything else, which then takes IpPrefix::parse.
std::optional<IpPrefix> parse_canonical_v4(std::string_view text) {
  uint32_t value = 0;
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    uint32_t part = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 3) part = part * 10 + (text[i++] - '0'), ++digits;
    if (digits == 0 || part > 255) return std::nullopt;
    value = value << 8 | part;
    if (i >= text.size() || text[i++] != (octet == 3 ? '/' : '.')) return std::nullopt;
  }
  uint32_t length = 0;
  size_t digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 2) length = length * 10 + (text[i++] - '0'), ++digits;
  if (digits == 0 || i != text.size() || length > 32) return std::nullopt;
  if (length < 32 && (value & (~uint32_t{0} >> length)) != 0) return std::nullopt;  // not canonical
  return IpPrefix{IpAddress::v4(value), static_cast<int>(length)};
}

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Reads the rows into `dataset.table` without building it.
Status read_rows(Store& store, LoadedDataset& dataset, size_t& rows) {
  PrefixTable& table = dataset.table;
  std::unordered_map<uint32_t, uint32_t> names;  // asn -> interned name
  auto named = for_each_dataset_name(store, dataset.info.id,
                                     [&](uint32_t asn, std::string_view name) { names[asn] = table.intern(name); });
  if (!named) return named.error();
  // Countries repeat row after row: remember the last one instead of hashing each.
  std::string last_country;
  uint32_t last_country_id = 0;
  std::optional<Error> bad;
  std::string previous;  // rows come ordered by (prefix, asn): a repeat is another origin
  auto read = for_each_dataset_prefix(
      store, dataset.info.id, [&](std::string_view text, uint32_t asn, std::string_view country) {
        if (country != last_country) {
          last_country = country;
          last_country_id = table.intern(country);
        }
        auto name = names.find(asn);
        const AsnRecord record{asn, name == names.end() ? 0 : name->second, last_country_id, 0};
        ++rows;
        if (text == previous) {
          dataset.more_origins[previous].push_back(record);
          return true;
        }
        previous.assign(text);
        auto prefix = parse_canonical_v4(text);
        if (!prefix) prefix = IpPrefix::parse(text);
        if (!prefix) {
          bad = Error{"stored prefix is not CIDR: " + std::string(text), "dataset " + dataset.info.name};
          return false;
        }
        table.add(*prefix, record);
        return true;
      });
  if (!read) return read.error();
  if (bad) return *bad;
  return Ok{};
}

}  // namespace

Status load_dataset_table(Store& store, LoadedDataset& dataset, size_t* rows) {
  size_t count = 0;
  if (auto read = read_rows(store, dataset, count); !read) return read.error();
  dataset.table.build();
  if (rows) *rows = count;
  return Ok{};
}

Result<AsnTables> load_asn_tables(Store& store, const std::string& name) {
  AsnTables tables;
  auto datasets = list_datasets(store, name);
  if (!datasets) return datasets.error();
  for (DatasetInfo& info : *datasets) {
    // mmdb files are read in place; update dumps hold events, not a table.
    if (!is_prefix_table_format(info.format)) continue;
    auto loaded = std::make_unique<LoadedDataset>();
    loaded->info = std::move(info);
    const auto read_start = Clock::now();
    if (auto read = read_rows(store, *loaded, tables.rows); !read) return read.error();
    tables.read_seconds += since(read_start);
    const auto build_start = Clock::now();
    loaded->table.build();
    tables.build_seconds += since(build_start);
    tables.datasets.push_back(std::move(loaded));
  }
  return tables;
}

}  // namespace sg::asn
