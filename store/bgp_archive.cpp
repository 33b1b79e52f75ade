#include "store/bgp_archive.h"

#include "store/datasets.h"

namespace sg {

Result<BgpUpdateWriter> BgpUpdateWriter::create(Store& store, int64_t dataset_id) {
  BgpUpdateWriter writer;
  writer.dataset_id_ = dataset_id;
  writer.insert_ = store.database().prepare(
      "INSERT INTO bgp_update(dataset_id, time, kind, prefix, peer_ip, peer_asn, origin_asn, as_path)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!writer.insert_.ok()) return Error{"preparing the update statement: " + writer.insert_.error(), store.database().path()};
  return writer;
}

Status BgpUpdateWriter::add(UnixTime time, char kind, std::string_view prefix, std::string_view peer_ip,
                            uint32_t peer_asn, uint32_t origin_asn, std::string_view as_path) {
  // An empty view may have a null data pointer, which SQLite binds as NULL: bind a real "".
  if (as_path.empty()) as_path = std::string_view("", 0);
  insert_.bind(1, dataset_id_)
      .bind(2, time)
      .bind(3, std::string_view(&kind, 1))
      .bind(4, prefix)
      .bind(5, peer_ip)
      .bind(6, int64_t{peer_asn})
      .bind(7, int64_t{origin_asn})
      .bind(8, as_path);
  if (!insert_.run()) return Error{"storing a BGP update: " + insert_.error(), std::string(prefix)};
  ++rows_;
  return Ok{};
}

Result<std::vector<BgpUpdateEvent>> bgp_updates_of_prefix(Store& store, const std::string& prefix, size_t limit) {
  auto query = store.database().prepare(
      "SELECT u.time, u.kind, u.prefix, u.peer_ip, u.peer_asn, u.origin_asn, u.as_path, d.name, d.date"
      " FROM bgp_update u JOIN dataset d ON d.id = u.dataset_id WHERE u.prefix = ?1 ORDER BY u.time, u.rowid LIMIT ?2");
  query.bind(1, prefix).bind(2, static_cast<int64_t>(limit));
  std::vector<BgpUpdateEvent> events;
  while (query.step()) {
    BgpUpdateEvent event;
    event.time = query.int64(0);
    const std::string_view kind = query.text_view(1);
    event.kind = kind.empty() ? '?' : kind[0];
    event.prefix = query.text(2);
    event.peer_ip = query.text(3);
    event.peer_asn = static_cast<uint32_t>(query.int64(4));
    event.origin_asn = static_cast<uint32_t>(query.int64(5));
    event.as_path = query.text(6);
    DatasetInfo dataset;
    dataset.name = query.text(7);
    dataset.date = query.int64(8);
    event.dataset = dataset_label(dataset);
    events.push_back(std::move(event));
  }
  if (!query.error().empty()) return Error{"reading BGP updates: " + query.error(), prefix};
  return events;
}

}  // namespace sg
