#include "enrich/registry/fact_writer.h"

#include <chrono>

namespace sg::registry {

UnixTime clock_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<int64_t> FactWriter::store_lookup(const LookupRow& row) {
  if (!open_) {
    if (auto status = store_.begin(); !status) return status.error();
    open_ = true;
  }
  auto id = log_.insert(row);
  if (!id) return id.error();
  ++counts_.lookups_stored;
  return *id;
}

Status FactWriter::store_facts(const Facts& facts, int64_t lookup_id) {
  for (const Observation& observation : facts.observations) {
    auto inserted = store_.observe(observation, ProvenanceKind::lookup, lookup_id);
    if (!inserted) return inserted.error();
    ++counts_.observations;
    if (*inserted) ++counts_.new_edges;
  }
  for (const Attribute& attribute : facts.attributes) {
    if (auto status = store_.record_attribute(attribute, ProvenanceKind::lookup, lookup_id); !status) return status;
    ++counts_.attributes;
  }
  if (++in_batch_ >= batch_) return commit();
  return Ok{};
}

Status FactWriter::commit() {
  in_batch_ = 0;
  if (!open_) return Ok{};
  open_ = false;
  return store_.commit();
}

void FactWriter::rollback() {
  if (open_) store_.rollback();
  open_ = false;
  in_batch_ = 0;
}

Status FactWriter::finish(const std::string& error) {
  if (error.empty()) return commit();
  rollback();
  return Error{error, ""};
}

}  // namespace sg::registry
