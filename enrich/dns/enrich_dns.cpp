#include "enrich/dns/enrich_dns.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <set>

#include "enrich/dns/derive.h"
#include "store/lookup_log.h"

namespace sg::dns {

namespace {

using Clock = std::chrono::steady_clock;

UnixTime to_unix(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::optional<int64_t> min_ttl(const std::vector<Record>& records) {
  std::optional<int64_t> ttl;
  for (const Record& record : records) ttl = std::min<int64_t>(ttl.value_or(std::numeric_limits<int64_t>::max()), record.ttl);
  return ttl;
}

// Writes answers as they arrive: the lookup row first, then what derive makes of
// it. One transaction stays open for up to batch_answers answers (or two seconds,
// so a slow tail of timeouts does not hold the write lock for long).
class Writer {
 public:
  Writer(Store& store, LookupLog& log, const EnrichOptions& options, EnrichSummary& summary)
      : store_(store), log_(log), options_(options), summary_(summary) {}

  // Stores one answer; returns the stored form, or nullopt after an error.
  std::optional<StoredLookup> write(const EntityRef& entity, const Answer& answer) {
    if (error_) return std::nullopt;
    if (auto status = ensure_batch(); !status) return fail(status.error());
    auto entity_id = store_.entity_id(entity);
    if (!entity_id) return fail(entity_id.error());

    LookupRow row;
    row.source = "dns";
    row.entity_id = *entity_id;
    row.query = query_text(answer.query);
    row.time = options_.now.value_or(to_unix(answer.time));
    row.status = std::string(to_string(answer.status));
    row.ttl = min_ttl(answer.records);
    row.server = summary_.server;
    row.answer = pack_hops(answer.raw);
    ++summary_.status[row.status];
    if (answer.status != Status::NoError) {
      auto previous = log_.last_status(row.entity_id, "dns", row.query);
      if (!previous) return fail(previous.error());
      summary_.failed.push_back(FailedLookup{row.query, row.status, row.time, previous->value_or("")});
    }
    auto id = log_.insert(row);
    if (!id) return fail(id.error());
    ++summary_.lookups_stored;

    StoredLookup stored{*id, answer.query, row.time, answer.raw};
    Derived derived = derive(stored);
    summary_.skipped_values += static_cast<int64_t>(derived.skipped.size());
    if (auto status = observe(derived.observations, *id); !status) return fail(status.error());
    if (++in_batch_ >= options_.batch_answers || Clock::now() - batch_start_ > std::chrono::seconds(2)) {
      if (auto status = commit(); !status) return fail(status.error());
    }
    return stored;
  }

  // Stores the FCrDNS outcome of a PTR name's forward lookup.
  void confirm(const StoredLookup& ptr, const StoredLookup& forward) {
    if (error_) return;
    ++summary_.fcrdns_checked;
    auto observations = derive_fcrdns(ptr, forward);
    if (observations.empty()) return;
    ++summary_.fcrdns_confirmed;
    if (auto status = ensure_batch(); !status) {
      fail(status.error());
      return;
    }
    if (auto status = observe(observations, forward.id); !status) fail(status.error());
  }

  sg::Status commit() {
    if (!open_) return Ok{};
    open_ = false;
    in_batch_ = 0;
    return store_.commit();
  }

  const std::optional<Error>& error() const { return error_; }

 private:
  sg::Status ensure_batch() {
    if (open_) return Ok{};
    if (auto status = store_.begin(); !status) return status;
    open_ = true;
    batch_start_ = Clock::now();
    return Ok{};
  }

  sg::Status observe(const std::vector<Observation>& observations, int64_t lookup_id) {
    for (const Observation& observation : observations) {
      auto inserted = store_.observe(observation, ProvenanceKind::lookup, lookup_id);
      if (!inserted) return inserted.error();
      ++summary_.observations;
      if (*inserted) ++summary_.new_edges;
    }
    return Ok{};
  }

  std::nullopt_t fail(Error error) {
    if (!error_) error_ = std::move(error);
    if (open_) store_.rollback();
    open_ = false;
    return std::nullopt;
  }

  Store& store_;
  LookupLog& log_;
  const EnrichOptions& options_;
  EnrichSummary& summary_;
  std::optional<Error> error_;
  bool open_ = false;
  int in_batch_ = 0;
  Clock::time_point batch_start_;
};

// A forward (A/AAAA) query of a PTR name: its stored answer once it ended, and
// the PTR lookups waiting for it until then.
struct ForwardSlot {
  std::optional<StoredLookup> done;
  std::vector<StoredLookup> waiting;
};

}  // namespace

std::string server_label(const ResolverOptions& options) {
  if (options.servers.empty()) return "system";
  std::string label;
  for (const std::string& text : options.servers) {
    if (!label.empty()) label += ',';
    auto server = parse_server(text);
    label += server ? server->to_string() : text;
  }
  return label;
}

Result<EnrichSummary> enrich_dns(Store& store, const EnrichOptions& options) {
  EnrichSummary summary;
  summary.server = server_label(options.resolver);
  auto log = LookupLog::open(store);
  if (!log) return log.error();
  PlanOptions plan_options = options.plan;
  plan_options.now = options.now.value_or(static_cast<UnixTime>(std::time(nullptr)));
  auto plan = plan_from_store(*log, plan_options);
  if (!plan) return plan.error();
  summary.planned_entities = plan->entities;
  summary.planned_queries = static_cast<int64_t>(plan->queries.size());
  summary.fresh = plan->fresh;
  if (options.offline) {
    summary.would_query = std::move(plan->queries);
    return summary;
  }
  if (options.batch_answers < 1) return Error{"must be at least 1", "batch_answers"};
  auto resolver = Resolver::create(options.resolver);
  if (!resolver) return resolver.error();

  Writer writer(store, *log, options, summary);
  std::map<std::string, ForwardSlot> forward;  // query text -> slot, for A/AAAA queries
  std::set<std::string> submitted;
  Progress progress;
  const auto start = Clock::now();

  // An A/AAAA answer may be the forward half of a PTR check: only those asked for a
  // PTR name have a slot, so memory grows with the PTR names, not with every domain.
  auto settle_forward = [&](const StoredLookup& stored) {
    auto it = forward.find(query_text(stored.query));
    if (it == forward.end()) return;
    ForwardSlot& slot = it->second;
    slot.done = stored;
    for (const StoredLookup& ptr : slot.waiting) writer.confirm(ptr, stored);
    slot.waiting.clear();
  };

  std::function<void(const EntityRef&, const Query&)> submit = [&](const EntityRef& entity, const Query& query) {
    if (!submitted.insert(query_text(query)).second) return;
    ++progress.submitted;
    (*resolver)->submit(query, [&, entity, query](Answer answer) {
      ++progress.answered;
      auto stored = writer.write(entity, answer);
      if (stored && (query.type == RecordType::A || query.type == RecordType::AAAA)) settle_forward(*stored);
      if (stored && query.type == RecordType::PTR) {
        auto address = IpAddress::parse(entity.key);
        const RecordType type = address && !address->is_v4() ? RecordType::AAAA : RecordType::A;
        for (const std::string& name : ptr_names(*stored)) {
          const Query forward_query{name, type};
          ForwardSlot& slot = forward[query_text(forward_query)];
          if (slot.done) {
            writer.confirm(*stored, *slot.done);
          } else {
            slot.waiting.push_back(*stored);
            submit(EntityRef{EntityKind::domain, name}, forward_query);
          }
        }
      }
      if (options.on_progress) {
        progress.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        options.on_progress(progress);
      }
    });
  };
  // Two rounds: the PTRs with their forward lookups first, so every forward slot is
  // settled before the domains' own A/AAAA queries (those already asked as forward
  // lookups are not asked twice).
  for (const PlannedQuery& planned : plan->queries)
    if (planned.query.type == RecordType::PTR) submit(planned.entity, planned.query);
  (*resolver)->run();
  forward.clear();
  for (const PlannedQuery& planned : plan->queries)
    if (planned.query.type != RecordType::PTR) submit(planned.entity, planned.query);
  (*resolver)->run();
  if (writer.error()) return *writer.error();
  if (auto status = writer.commit(); !status) return status.error();
  summary.queries = progress.submitted;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace sg::dns
