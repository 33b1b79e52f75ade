// Writes registry answers to the store the way every registry source does: the
// raw answer as a `lookup` row first, then the facts derived from it with that
// row as provenance, in transactions of a bounded number of answers.
#pragma once
#include <cstdint>

#include "core/result.h"
#include "enrich/registry/facts.h"
#include "store/lookup_log.h"
#include "store/store.h"

namespace sg::registry {

/// The wall clock in seconds: a run's time when the caller gives none.
UnixTime clock_now();

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
  /// Stores the facts of the lookup `lookup_id`; ends the transaction after every
  /// batch_answers lookups.
  Status store_facts(const Facts& facts, int64_t lookup_id);
  /// Commits what is open.
  Status commit();
  /// Undoes what is open (after an error).
  void rollback();
  /// Ends a run: after an error (`error` not empty) undoes what is open and
  /// returns it; else commits what is open.
  Status finish(const std::string& error);
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
