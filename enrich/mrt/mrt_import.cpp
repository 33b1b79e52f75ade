#include "enrich/mrt/mrt_import.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <cstring>
#include <unordered_set>

#include "enrich/asn/dataset_import.h"
#include "enrich/asn/ip_key.h"
#include "enrich/mrt/bgpdump_format.h"
#include "enrich/mrt/mrt_elements.h"
#include "store/bgp_archive.h"

namespace sg::mrt {

namespace {

using Clock = std::chrono::steady_clock;

/// A prefix as a sortable value: IPv4 before IPv6, then network, then length.
struct PrefixKey {
  asn::IpKey network = 0;
  uint8_t length = 0;
  bool v6 = false;

  friend bool operator==(const PrefixKey&, const PrefixKey&) = default;
  friend bool operator<(const PrefixKey& a, const PrefixKey& b) {
    if (a.v6 != b.v6) return !a.v6;
    if (a.network != b.network) return a.network < b.network;
    return a.length < b.length;
  }
};

PrefixKey key_of(const NlriPrefix& prefix) {
  PrefixKey key;
  key.v6 = prefix.v6;
  key.length = prefix.length;
  const int bytes = prefix.v6 ? 16 : 4;
  for (int i = 0; i < bytes; ++i) key.network = key.network << 8 | prefix.bytes[static_cast<size_t>(i)];
  return key;
}

asn::IpKey last_of(const PrefixKey& key) {
  const int width = key.v6 ? 128 : 32;
  if (key.length >= width) return key.network;
  const asn::IpKey all_ones = key.v6 ? ~asn::IpKey{0} : asn::IpKey{0xFFFFFFFFu};
  if (key.length == 0) return all_ones;  // a shift by 128 would be undefined
  const asn::IpKey host_bits = (asn::IpKey{1} << (width - key.length)) - 1;
  return key.network | host_bits;
}

std::string prefix_text(const PrefixKey& key) { return asn::prefix_from_key(key.network, key.length, !key.v6).to_string(); }

/// One (prefix, origin) of a RIB with the peers that carried it.
struct OriginRow {
  PrefixKey key;
  uint32_t origin = 0;
  uint32_t peers = 0;
};

/// The graph's addresses, sorted per family, to ask which prefixes hold one.
class GraphAddresses {
 public:
  explicit GraphAddresses(const std::vector<IpAddress>& ips) {
    for (const IpAddress& ip : ips) (ip.is_v4() ? v4_ : v6_).push_back(asn::ip_key(ip));
    std::sort(v4_.begin(), v4_.end());
    std::sort(v6_.begin(), v6_.end());
  }
  /// How many of the addresses `key` holds. A default route or a prefix shorter
  /// than /8 (IPv6 /16) holds none: it says nothing about who runs an address.
  size_t held_by(const PrefixKey& key) const {
    if (key.length < (key.v6 ? 16 : 8)) return 0;
    const auto& keys = key.v6 ? v6_ : v4_;
    const auto first = std::lower_bound(keys.begin(), keys.end(), key.network);
    const auto end = std::upper_bound(first, keys.end(), last_of(key));
    return static_cast<size_t>(end - first);
  }
  /// Marks the addresses `key` holds in `seen` (indexed v4 then v6).
  void mark(const PrefixKey& key, std::vector<bool>& seen) const {
    const auto& keys = key.v6 ? v6_ : v4_;
    const size_t base = key.v6 ? v4_.size() : 0;
    auto at = std::lower_bound(keys.begin(), keys.end(), key.network);
    for (; at != keys.end() && *at <= last_of(key); ++at) seen[base + static_cast<size_t>(at - keys.begin())] = true;
  }
  size_t size() const { return v4_.size() + v6_.size(); }

 private:
  std::vector<asn::IpKey> v4_;
  std::vector<asn::IpKey> v6_;
};

/// Collects a RIB's routes into (prefix, origin, peers) rows with memory bounded by
/// the number of distinct rows, not of routes: the routes of one record (one
/// prefix) are counted together, then folded into a row each.
class RibAggregator {
 public:
  void add(const MrtElement& element) {
    const PrefixKey key = key_of(element.prefix);
    if (element.record_offset != record_ || !(key == key_)) flush();
    record_ = element.record_offset;
    key_ = key;
    const uint64_t peer = peer_id(element);
    for (const uint32_t origin : element.origins) pending_.emplace_back(origin, peer);
  }

  /// The rows, one per (prefix, origin), sorted; peers summed over records.
  std::vector<OriginRow> finish() {
    flush();
    std::sort(rows_.begin(), rows_.end(), [](const OriginRow& a, const OriginRow& b) {
      return a.key < b.key || (a.key == b.key && a.origin < b.origin);
    });
    std::vector<OriginRow> merged;
    for (const OriginRow& row : rows_) {
      if (!merged.empty() && merged.back().key == row.key && merged.back().origin == row.origin) {
        merged.back().peers += row.peers;
      } else {
        merged.push_back(row);
      }
    }
    rows_.clear();
    rows_.shrink_to_fit();
    return merged;
  }

 private:
  static uint64_t peer_id(const MrtElement& element) {
    uint64_t hash = 1469598103934665603ull ^ element.peer_as;
    for (size_t i = 0; i < (element.peer_ip.v6 ? 16u : 4u); ++i) hash = (hash ^ element.peer_ip.bytes[i]) * 1099511628211ull;
    return hash;
  }

  void flush() {
    if (pending_.empty()) return;
    std::sort(pending_.begin(), pending_.end());
    pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());  // ADD-PATH: a peer once
    for (size_t i = 0; i < pending_.size();) {
      size_t j = i;
      while (j < pending_.size() && pending_[j].first == pending_[i].first) ++j;
      rows_.push_back(OriginRow{key_, pending_[i].first, static_cast<uint32_t>(j - i)});
      i = j;
    }
    pending_.clear();
  }

  uint64_t record_ = UINT64_MAX;
  PrefixKey key_;
  std::vector<std::pair<uint32_t, uint64_t>> pending_;
  std::vector<OriginRow> rows_;
};

/// An update kept for storing.
struct PendingUpdate {
  UnixTime time = 0;
  char kind = 'A';
  PrefixKey key;
  std::string peer_ip;
  uint32_t peer_asn = 0;
  uint32_t origin = 0;
  std::string as_path;
};

std::string file_name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) parts.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

bool is_rrc(const std::string& part) {
  return part.size() == 5 && part.rfind("rrc", 0) == 0 && std::isdigit(static_cast<unsigned char>(part[3])) &&
         std::isdigit(static_cast<unsigned char>(part[4]));
}

}  // namespace

std::string default_mrt_name(const std::string& path) {
  const auto parts = path_parts(path);
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    // data fetch's folders: routeviews-rib/COLLECTOR/..., ris-rib/RRC/...
    if (parts[i] == "routeviews-rib" && i + 2 < parts.size()) return "routeviews-" + parts[i + 1];
    if (parts[i] == "ris-rib" && i + 2 < parts.size()) return "ris-" + parts[i + 1];
    // The archives' own layouts: [COLLECTOR/]bgpdata/YYYY.MM/..., RRC/YYYY.MM/...
    if (parts[i] == "bgpdata") {
      return "routeviews-" + (i > 0 && parts[i - 1].rfind("route-views", 0) == 0 ? parts[i - 1] : std::string("route-views2"));
    }
    if (is_rrc(parts[i])) return "ris-" + parts[i];
  }
  std::string stem = file_name_of(path);
  // The name up to its date (a run of 8 digits) or its first extension.
  size_t cut = stem.size();
  for (size_t i = 0; i < stem.size(); ++i) {
    size_t digits = 0;
    while (i + digits < stem.size() && std::isdigit(static_cast<unsigned char>(stem[i + digits]))) ++digits;
    if (digits >= 8) {
      cut = i;
      break;
    }
    if (stem[i] == '.' && (stem.compare(i, 3, ".gz") == 0 || stem.compare(i, 4, ".bz2") == 0 || stem.compare(i, 4, ".mrt") == 0)) {
      cut = i;
      break;
    }
  }
  stem.resize(cut);
  while (!stem.empty() && (stem.back() == '.' || stem.back() == '_' || stem.back() == '-')) stem.pop_back();
  if (stem.empty()) stem = "dump";
  return "mrt-" + stem;
}

Result<MrtImportResult> import_mrt(Store& store, const MrtImportRequest& request) {
  const auto start = Clock::now();
  MrtImportResult result;
  auto sha = asn::file_sha256(request.path);
  if (!sha) return sha.error();
  // The same file again adds what the graph now needs (or --all) to its dataset.
  std::optional<DatasetInfo> earlier;
  for (const char* format : {"mrt", "mrt-updates"}) {
    auto existing = find_dataset_by_hash(store, *sha, format);
    if (!existing) return existing.error();
    if (*existing) earlier = **existing;
  }

  // Read everything first: the write transaction is short, and other processes
  // using the store wait for it only while the rows are written.
  RibAggregator rib;
  std::vector<PendingUpdate> updates;
  std::optional<UnixTime> dump_time;
  uint64_t rib_elements = 0;
  uint64_t update_elements = 0;
  ElementFilter filter;
  filter.types = {ElementType::rib, ElementType::announce, ElementType::withdraw};
  ElementDecoder decoder(filter);
  auto note = [&](MrtProblem problem) {
    ++result.problem_count;
    if (result.problems.size() < request.keep_problems) result.problems.push_back(std::move(problem));
  };
  auto ips = graph_ips(store);
  if (!ips) return ips.error();
  const GraphAddresses graph(*ips);
  std::string path_text;
  std::string peer_text;
  auto read = read_mrt_file(
      request.path,
      [&](const MrtRecord& record) {
        if (!dump_time) dump_time = record.timestamp;
        ++result.records;
        const std::string problem = decoder.decode(
            record,
            [&](const MrtElement& e) {
              if (e.type == ElementType::rib) {
                ++rib_elements;
                rib.add(e);
                return true;
              }
              ++update_elements;
              const PrefixKey key = key_of(e.prefix);
              if (!request.all && graph.held_by(key) == 0) return true;
              PendingUpdate update;
              update.time = e.timestamp;
              update.kind = e.type == ElementType::announce ? 'A' : 'W';
              update.key = key;
              peer_text.clear();
              append_address(e.peer_ip, peer_text);
              update.peer_ip = peer_text;
              update.peer_asn = e.peer_as;
              if (e.type == ElementType::announce) {
                update.origin = e.origins.size() == 1 ? e.origins[0] : 0;
                path_text.clear();
                append_as_path(e.as_path, e.attributes == nullptr || e.attributes->as_path.well_formed(), path_text);
                update.as_path = path_text;
              }
              updates.push_back(std::move(update));
              return true;
            },
            result.elements);
        if (!problem.empty()) note(MrtProblem{record.offset, record_type_name(record.type, record.subtype) + ": " + problem, false});
        return true;
      },
      note);
  if (!read) return read.error();
  if (rib_elements == 0 && update_elements == 0) {
    return Error{"no routes in the file (" + std::to_string(result.records) + " records read)", request.path};
  }
  result.rib = rib_elements >= update_elements;

  DatasetInfo dataset;
  dataset.name = request.name.empty() ? default_mrt_name(request.path) : request.name;
  dataset.format = result.rib ? "mrt" : "mrt-updates";
  dataset.path = request.path;
  dataset.date = dump_time.value_or(0);
  dataset.imported_at = static_cast<UnixTime>(std::time(nullptr));
  dataset.sha256 = *sha;
  if (earlier) {
    dataset = *earlier;
    result.already_imported = true;
  }

  std::vector<OriginRow> rows;
  std::vector<bool> kept;
  if (result.rib) {
    rows = rib.finish();
    result.rows_seen = rows.size();
    kept.assign(rows.size(), request.all);
    for (size_t i = 0; i < rows.size();) {
      size_t j = i;
      while (j < rows.size() && rows[j].key == rows[i].key) ++j;
      ++result.prefixes;
      if (j - i > 1) ++result.multi_origin;
      i = j;
    }
    if (!request.all) {
      // The prefixes holding graph IPs, then every prefix of the ASes originating them.
      std::unordered_set<uint32_t> asns;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (graph.held_by(rows[i].key) == 0) continue;
        kept[i] = true;
        asns.insert(rows[i].origin);
      }
      for (size_t i = 0; i < rows.size(); ++i)
        if (asns.count(rows[i].origin)) kept[i] = true;
      result.graph_asns = asns.size();
    }
    std::vector<bool> seen(graph.size(), false);
    for (size_t i = 0; i < rows.size(); ++i)
      if (kept[i]) graph.mark(rows[i].key, seen);
    result.graph_ips = static_cast<uint64_t>(std::count(seen.begin(), seen.end(), true));
  } else {
    result.rows_seen = update_elements;
    std::vector<bool> seen(graph.size(), false);
    for (const PendingUpdate& update : updates) graph.mark(update.key, seen);
    result.graph_ips = static_cast<uint64_t>(std::count(seen.begin(), seen.end(), true));
  }

  if (auto begun = store.begin(); !begun) return begun.error();
  auto fail = [&](Error error) -> Result<MrtImportResult> {
    store.rollback();
    return error;
  };
  if (!earlier) {
    auto id = add_dataset(store, dataset);
    if (!id) return fail(id.error());
    dataset.id = *id;
  }
  const int64_t rows_before = dataset.rows;
  if (result.rib) {
    // Rows already stored are kept once (the writer skips repeats): a second run adds.
    auto writer = DatasetWriter::create(store, dataset.id);
    if (!writer) return fail(writer.error());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!kept[i]) continue;
      if (auto added = writer->add_prefix(prefix_text(rows[i].key), rows[i].origin, "", rows[i].peers); !added) {
        return fail(added.error());
      }
    }
    auto count = store.database().prepare("UPDATE dataset SET rows = rows + ?1 WHERE id = ?2");
    count.bind(1, writer->rows()).bind(2, dataset.id);
    if (!count.run()) return fail(Error{"counting dataset rows: " + count.error(), request.path});
    dataset.rows = rows_before + writer->rows();
  } else {
    // Events have no identity of their own: a second run replaces the dataset's
    // events with the (larger) set it kept, in the same transaction.
    auto clear = store.database().prepare("DELETE FROM bgp_update WHERE dataset_id = ?1");
    clear.bind(1, dataset.id);
    if (!clear.run()) return fail(Error{"replacing BGP updates: " + clear.error(), request.path});
    auto writer = BgpUpdateWriter::create(store, dataset.id);
    if (!writer) return fail(writer.error());
    for (const PendingUpdate& u : updates) {
      if (auto added = writer->add(u.time, u.kind, prefix_text(u.key), u.peer_ip, u.peer_asn, u.origin, u.as_path); !added) {
        return fail(added.error());
      }
    }
    dataset.rows = writer->rows();
    auto count = store.database().prepare("UPDATE dataset SET rows = ?1 WHERE id = ?2");
    count.bind(1, dataset.rows).bind(2, dataset.id);
    if (!count.run()) return fail(Error{"counting dataset rows: " + count.error(), request.path});
  }
  if (auto committed = store.commit(); !committed) return fail(committed.error());
  result.rows_kept = static_cast<uint64_t>(dataset.rows);
  result.rows_added = static_cast<uint64_t>(std::max<int64_t>(0, dataset.rows - rows_before));
  result.dataset = dataset;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace sg::mrt
