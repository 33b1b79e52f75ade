// Writes registry answers to the store the way every registry source does: the
// raw answer as a `lookup` row first, then the facts derived from it with that
// row as provenance, in transactions of a bounded number of answers.
#pragma once
#include <cstdint>

#include "core/result.h"
#include "enrich/net/http_client.h"
#include "enrich/registry/facts.h"
#include "store/lookup_log.h"
#include "store/store.h"

namespace sg::registry {

/// The wall clock in seconds: a run's time when the caller gives none.
UnixTime clock_now();

/// The `lookup` row of an HTTP answer (entity_id left 0): the HTTP status, or
/// "ERROR" when no usable answer came; the host that answered; the body.
LookupRow http_lookup_row(std::string source, std::string query, UnixTime time, const net::HttpAnswer& answer);

/// An HTTP request that did not end in an answer its parser could read.
struct FailedRequest {
  std::string url;
  std::string error;
};

/// What a FactWriter wrote.
struct WriteCounts {
  int64_t lookups_stored = 0;
  int64_t observations = 0;
  int64_t new_edges = 0;     ///< observations that made an edge which did not exist before
  int64_t attributes = 0;
};

/// One writer per run. The store and log must outlive it; commit() before it goes.
class FactWriter {
 public:
  FactWriter(Store& store, LookupLog& log, int batch_answers) : store_(store), log_(log), batch_(batch_answers) {}

  /// Stores `row` (a transaction is opened when none is) and returns its id.
  Result<int64_t> store_lookup(const LookupRow& row);
  /// The same for a row about `entity`, whose id is looked up (or made) first.
  Result<int64_t> store_lookup(const EntityRef& entity, LookupRow row);
  /// Stores the facts of the lookup `lookup_id`; ends the transaction after every
  /// batch_answers lookups.
  Status store_facts(const Facts& facts, int64_t lookup_id);
  /// Commits what is open.
  Status commit();
  /// Undoes what is open (after an error).
  void rollback();
  /// Ends a run: with an `error` ("" when none) rolls back what is open and returns
  /// it; else commits and returns what was written.
  Result<WriteCounts> finish(const std::string& error);
  const WriteCounts& counts() const { return counts_; }

 private:
  Store& store_;
  LookupLog& log_;
  int batch_;
  int in_batch_ = 0;
  bool open_ = false;
  WriteCounts counts_;
};

}  // namespace sg::registry
