#include "enrich/registry/enrich_cymru.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "core/as_number.h"
#include "core/ascii.h"
#include "enrich/cymru/cymru.h"
#include "enrich/dns/enrich_dns.h"
#include "enrich/dns/resolver.h"
#include "enrich/net/whois_client.h"
#include "enrich/registry/cymru_facts.h"
#include "enrich/registry/enrich_whois.h"
#include "store/lookup_log.h"

namespace sg::registry {

namespace {

// Statuses of an answer that says what there is to know (unrouted addresses and
// unknown ASes included): such a lookup is fresh within max_age. The others
// (TIMEOUT, SERVFAIL, MISSING, UNREADABLE, ...) are asked again next run.
const std::vector<std::string> kAnswered = {"OK", "NXDOMAIN", "NODATA", "UNROUTED"};

// Error lines of one bulk answer kept for the IPs it has no row for.
constexpr size_t kMaxErrorLines = 100;

struct Planned {
  int64_t id = 0;  ///< entity.id
  EntityRef entity;
  std::string query;  ///< lookup.query
  std::string name;   ///< the TXT name ("" for bulk)
};

// Stores each answer, then its facts, and keeps the summary's counts.
class Run {
 public:
  Run(FactWriter& writer, CymruEnrichSummary& summary, UnixTime now) : writer_(writer), summary_(summary), now_(now) {}

  void take(const Planned& asked, const std::string& status, const std::string& server, std::string answer,
            const Facts& facts) {
    if (!error_.empty()) return;
    LookupRow row;
    row.source = "cymru";
    row.entity_id = asked.id;
    row.query = asked.query;
    row.time = now_;
    row.status = status;
    row.server = server;
    row.answer = std::move(answer);
    ++summary_.status[row.status];
    auto id = writer_.store_lookup(row);
    if (!id) return fail(id.error());
    if (auto stored = writer_.store_facts(facts, *id); !stored) fail(stored.error());
  }

  void fail(const Error& error) {
    if (error_.empty()) error_ = error.to_string();
  }
  const std::string& error() const { return error_; }

 private:
  FactWriter& writer_;
  CymruEnrichSummary& summary_;
  UnixTime now_;
  std::string error_;
};

bool answered(const std::string& status) { return std::find(kAnswered.begin(), kAnswered.end(), status) != kAnswered.end(); }

// The status of a TXT answer and the facts derived from it.
std::string txt_status(const dns::Answer& answer, const std::string& text, const Facts& facts) {
  if (answer.status != dns::Status::NoError) return std::string(dns::to_string(answer.status));
  if (text.empty()) return "NODATA";
  return facts.observations.empty() && facts.attributes.empty() ? "UNREADABLE" : "OK";
}

// Why a lookup of this status is a failure, for the summary.
std::string failure_reason(const std::string& status, const std::string& error, const Facts& facts) {
  if (!error.empty()) return error;
  if (!facts.skipped.empty()) return status + ": " + facts.skipped.front();
  return status;
}

// One bulk answer cut into what each address of the batch is told: the header
// line, each address's row lines as received, the Error lines.
struct BulkLines {
  std::string header;                          ///< "" when the answer has none: no bulk answer
  std::map<IpAddress, std::vector<std::string_view>> rows;
  std::vector<std::string_view> errors;        ///< at most kMaxErrorLines
};

BulkLines split_bulk(std::string_view text) {
  BulkLines out;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (trim_blanks(line).empty()) continue;
    if (out.header.empty()) {
      if (!trim_blanks(line).starts_with("Bulk mode;")) return out;
      out.header = std::string(line);
      continue;
    }
    // The parser reads the line in the company of the header: a row, a problem, or the titles.
    auto parsed = cymru::parse_cymru_bulk(out.header + "\n" + std::string(line));
    if (!parsed) return out;
    if (!parsed->rows.empty())
      out.rows[parsed->rows.front().address].push_back(line);
    else if (!parsed->problems.empty() && out.errors.size() < kMaxErrorLines)
      out.errors.push_back(line);
  }
  return out;
}

std::string joined_lines(const std::string& header, const std::vector<std::string_view>& lines) {
  std::string text = header + "\n";
  for (std::string_view line : lines) text += std::string(line) + "\n";
  return text;
}

}  // namespace

Result<CymruEnrichSummary> enrich_cymru(Store& store, const CymruEnrichOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  CymruEnrichSummary summary;
  const UnixTime now = options.now.value_or(clock_now());
  if (options.bulk_batch < 1) return Error{"must be at least 1", "bulk_batch"};

  auto log = LookupLog::open(store);
  if (!log) return log.error();
  std::set<int64_t> fresh_ids;
  if (options.max_age > 0) {
    auto latest = log->latest("cymru", kAnswered, now - options.max_age);
    if (!latest) return latest.error();
    for (const auto& [key, time] : *latest) fresh_ids.insert(key.first);
  }
  const auto room = [&](size_t planned) { return !options.limit || static_cast<int64_t>(planned) < *options.limit; };

  // The public IPs not answered within max_age.
  std::vector<Planned> ips;
  std::vector<IpAddress> addresses;
  auto rows = log->entities(EntityKind::ip);
  if (!rows) return rows.error();
  for (const EntityRow& row : *rows) {
    if (!room(ips.size())) break;
    auto address = IpAddress::parse(row.entity.key);
    if (!address || address->is_private()) continue;
    if (fresh_ids.count(row.id)) {
      ++summary.fresh;
      continue;
    }
    ips.push_back(Planned{row.id, row.entity, "", cymru::cymru_origin_name(*address)});
    addresses.push_back(*address);
  }
  summary.bulk = options.bulk || static_cast<int64_t>(ips.size()) > options.auto_bulk_above;
  for (Planned& planned : ips) {
    planned.query = std::string(summary.bulk ? "bulk " : "origin ") + planned.entity.key;
    if (summary.bulk) planned.name.clear();
  }

  // The ASes of the graph not answered within max_age (by DNS only: bulk rows name their AS).
  const auto plan_ases = [&]() -> Result<std::vector<Planned>> {
    std::vector<Planned> ases;
    if (summary.bulk) return ases;
    auto as_rows = log->entities(EntityKind::asn);
    if (!as_rows) return as_rows.error();
    for (const EntityRow& row : *as_rows) {
      if (!room(ips.size() + ases.size())) break;
      auto number = parse_as_number(row.entity.key);
      if (!number) continue;
      if (fresh_ids.count(row.id)) {
        ++summary.fresh;
        continue;
      }
      ases.push_back(Planned{row.id, row.entity, "as " + row.entity.key, cymru::cymru_as_name(*number)});
    }
    return ases;
  };

  dns::ResolverOptions resolver_options;
  if (!options.resolver.empty()) resolver_options.servers = {options.resolver};
  std::optional<std::pair<std::string, uint16_t>> bulk_server;
  if (summary.bulk) {
    auto server = parse_server(options.bulk_server);
    if (!server) return Error{server.error().message, "--cymru-server " + server.error().where};
    bulk_server = *server;
    summary.server = server->first + ":" + std::to_string(server->second);
  } else {
    if (!options.resolver.empty())
      if (auto server = dns::parse_server(options.resolver); !server)
        return Error{server.error().message, "--cymru-resolver " + server.error().where};
    summary.server = dns::server_label(resolver_options);
  }

  if (options.offline) {
    auto ases = plan_ases();
    if (!ases) return ases.error();
    ips.insert(ips.end(), ases->begin(), ases->end());
    summary.planned = static_cast<int64_t>(ips.size());
    for (const Planned& p : ips) summary.would_query.push_back(PlannedCymru{p.entity, p.query, p.name});
    return summary;
  }

  FactWriter writer(store, *log, options.batch_answers);
  Run run(writer, summary, now);
  summary.planned = static_cast<int64_t>(ips.size());

  if (summary.bulk) {
    net::HostPolicies local_policies;
    net::WhoisOptions client_options;
    client_options.max_answer_bytes = options.max_answer_bytes;
    client_options.total_timeout = std::chrono::seconds(options.timeout_seconds);
    net::WhoisClient client(options.policies ? *options.policies : local_policies, client_options);
    for (size_t first = 0, batch = 0; first < ips.size(); first += options.bulk_batch, ++batch) {
      const size_t end = std::min(ips.size(), first + options.bulk_batch);
      const std::vector<IpAddress> part(addresses.begin() + static_cast<ptrdiff_t>(first),
                                        addresses.begin() + static_cast<ptrdiff_t>(end));
      client.submit(net::WhoisQuery{bulk_server->first, bulk_server->second, cymru::cymru_bulk_request(part), first, true});
    }
    client.run([&](net::WhoisAnswer&& answer) {
      ++summary.sent;
      const size_t first = answer.id;
      const size_t end = std::min(ips.size(), first + options.bulk_batch);
      // A cut answer's last line may be cut too: only complete lines are read.
      std::string_view text = answer.answer;
      if (answer.truncated) text = text.substr(0, text.rfind('\n') + 1);
      const BulkLines lines = split_bulk(text);
      const std::string batch = "bulk " + std::to_string(end - first) + " IPs from " + ips[first].entity.key;
      if (!answer.ok()) summary.failed.push_back(FailedCymru{batch, answer.error});
      else if (lines.header.empty())
        summary.failed.push_back(FailedCymru{batch, "not a bulk answer: no 'Bulk mode;' header line"});
      for (size_t i = first; i < end; ++i) {
        const Planned& asked = ips[i];
        auto found = lines.header.empty() ? lines.rows.end() : lines.rows.find(addresses[i]);
        if (found != lines.rows.end()) {
          std::string stored = joined_lines(lines.header, found->second);
          const Facts facts = cymru_bulk_facts(stored, asked.entity, now);
          const auto parsed = cymru::parse_cymru_bulk(stored);
          const bool routed = parsed && std::any_of(parsed->rows.begin(), parsed->rows.end(),
                                                    [](const cymru::CymruBulkRow& row) { return row.asn.has_value(); });
          const std::string status = !facts.observations.empty() ? "OK" : routed ? "UNREADABLE" : "UNROUTED";
          if (!answered(status)) summary.failed.push_back(FailedCymru{asked.query, failure_reason(status, "", facts)});
          run.take(asked, status, summary.server, std::move(stored), facts);
        } else if (!lines.header.empty() && answer.ok()) {
          summary.failed.push_back(FailedCymru{asked.query, "the answer has no row for it"});
          run.take(asked, "MISSING", summary.server, joined_lines(lines.header, lines.errors), Facts{});
        } else {
          // The batch failed: its bytes (if any) are kept once, with its first IP.
          const std::string status = answer.truncated ? "TRUNCATED" : !answer.ok() ? "ERROR" : "UNREADABLE";
          run.take(asked, status, summary.server, i == first ? answer.answer : std::string(), Facts{});
        }
      }
    });
  } else {
    auto resolver = dns::Resolver::create(resolver_options);
    if (!resolver) return Error{resolver.error().message, "--cymru-resolver " + resolver.error().where};
    const auto ask = [&](const Planned& asked) {
      (*resolver)->submit(dns::Query{asked.name, dns::RecordType::TXT}, [&, asked](dns::Answer answer) {
        ++summary.sent;
        std::string text;
        for (const std::string& value : answer.values()) text += value + "\n";
        const Facts facts = asked.entity.kind == EntityKind::ip ? cymru_origin_facts(text, asked.entity, now)
                                                                : cymru_as_facts(text, asked.entity, now);
        const std::string status = txt_status(answer, text, facts);
        if (!answered(status)) summary.failed.push_back(FailedCymru{asked.query, failure_reason(status, answer.error, facts)});
        run.take(asked, status, summary.server, std::move(text), facts);
      });
    };
    // The origins first: their answers bring the ASes asked next.
    for (const Planned& asked : ips) ask(asked);
    (*resolver)->run();
    if (run.error().empty())
      if (auto status = writer.commit(); !status) run.fail(status.error());
    if (run.error().empty()) {
      auto ases = plan_ases();
      if (!ases) return ases.error();
      summary.planned += static_cast<int64_t>(ases->size());
      for (const Planned& asked : *ases) ask(asked);
      (*resolver)->run();
    }
  }
  auto written = writer.finish(run.error());
  if (!written) return written.error();
  summary.written = *written;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace sg::registry
