#include "enrich/registry/enrich_whois.h"

#include <chrono>
#include <set>

#include "core/ascii.h"
#include "enrich/net/whois_client.h"
#include "enrich/registry/fact_writer.h"
#include "enrich/registry/whois_facts.h"
#include "enrich/whois/referral.h"
#include "enrich/whois/rpsl.h"
#include "enrich/whois/servers.h"
#include "store/lookup_log.h"

namespace sg::registry {

namespace {

std::string_view source_text(WhoisSource source) { return source == WhoisSource::whois ? "whois" : "irr"; }

// What became of one query, as lookup.status says it.
std::string answer_status(const net::WhoisAnswer& answer) {
  if (!answer.ok()) return answer.truncated ? "TRUNCATED" : "ERROR";
  switch (whois::classify_answer(whois::parse_rpsl(answer.answer))) {
    case whois::AnswerKind::objects: return "OK";
    case whois::AnswerKind::no_entries: return "NO-ENTRIES";
    case whois::AnswerKind::refused: return "REFUSED";
    case whois::AnswerKind::empty: return "EMPTY";
  }
  return "EMPTY";
}

struct Asked {
  EntityRef entity;
  int hops = 0;
};

// Stores each answer and its facts; says which referral to follow.
class Run {
 public:
  Run(FactWriter& writer, const WhoisEnrichOptions& options, WhoisEnrichSummary& summary, UnixTime now)
      : writer_(writer), options_(options), summary_(summary), now_(now) {}

  // Stores one answer and derives it; returns the referral to follow, if any.
  std::optional<net::WhoisQuery> take(Store& store, const Asked& asked, net::WhoisAnswer&& answer) {
    if (!error_.empty()) return std::nullopt;
    auto entity_id = store.entity_id(asked.entity);
    if (!entity_id) return fail(entity_id.error());
    LookupRow row;
    row.source = std::string(source_text(options_.source));
    row.entity_id = *entity_id;
    row.query = answer.query;
    row.time = now_;
    row.status = answer_status(answer);
    row.server = answer.server + ":" + std::to_string(answer.port);
    row.answer = answer.answer;
    ++summary_.status[row.status];
    if (!answer.ok()) summary_.failed.push_back(FailedWhois{row.server, row.query, answer.error});
    auto id = writer_.store_lookup(row);
    if (!id) return fail(id.error());

    std::optional<net::WhoisQuery> next;
    Facts facts;
    if (answer.ok() || answer.truncated)
      facts = options_.source == WhoisSource::whois ? whois_facts(answer.answer, asked.entity, row.time)
                                                    : irr_facts(answer.answer, row.time);
    if (auto status = writer_.store_facts(facts, *id); !status) return fail(status.error());
    if (answer.ok() && options_.source == WhoisSource::whois && options_.server_override.empty() &&
        asked.hops < options_.max_referrals)
      if (auto referral = whois::find_referral(answer.server, asked.entity.key, answer.answer);
          referral && referral->followable())
        next = net::WhoisQuery{referral->next.server, referral->next.port, referral->next.query, 0};
    return next;
  }

  const std::string& error() const { return error_; }

 private:
  std::nullopt_t fail(const Error& error) {
    if (error_.empty()) error_ = error.to_string();
    return std::nullopt;
  }

  FactWriter& writer_;
  const WhoisEnrichOptions& options_;
  WhoisEnrichSummary& summary_;
  UnixTime now_;
  std::string error_;
};

}  // namespace

Result<std::pair<std::string, uint16_t>> parse_server(std::string_view text) {
  text = trim_blanks(text);
  std::string host(text);
  uint16_t port = 43;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return Error{"an IPv6 address needs its closing ']'", std::string(text)};
    host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return Error{"expected ':PORT' after ']'", std::string(text)};
      port_text = text.substr(close + 2);
    }
  } else if (const size_t colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (!port_text.empty() || (text.size() && text.back() == ':')) {
    uint32_t value = 0;
    if (port_text.empty() || port_text.size() > 5) return Error{"not a port number", std::string(text)};
    for (char c : port_text) {
      if (!is_ascii_digit(c)) return Error{"not a port number", std::string(text)};
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) return Error{"not a port number", std::string(text)};
    port = static_cast<uint16_t>(value);
  }
  if (host.empty()) return Error{"no host name", std::string(text)};
  return std::pair{host, port};
}

Result<WhoisEnrichSummary> enrich_whois(Store& store, const WhoisEnrichOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  WhoisEnrichSummary summary;
  const UnixTime now = options.now.value_or(clock_now());
  const std::string_view source = source_text(options.source);

  std::optional<std::pair<std::string, uint16_t>> fixed;
  if (!options.server_override.empty()) {
    auto server = parse_server(options.server_override);
    if (!server) return Error{server.error().message, "--whois-server " + server.error().where};
    fixed = *server;
  } else if (options.source == WhoisSource::irr) {
    auto server = parse_server(options.irr_server);
    if (!server) return Error{server.error().message, "--irr-server " + server.error().where};
    fixed = *server;
  }

  auto log = LookupLog::open(store);
  if (!log) return log.error();
  // An entity with an answer of this source newer than max_age is fresh.
  std::set<int64_t> fresh_ids;
  if (options.max_age > 0) {
    auto latest = log->latest(source, {"OK", "NO-ENTRIES", "EMPTY"}, now - options.max_age);
    if (!latest) return latest.error();
    for (const auto& [key, time] : *latest) fresh_ids.insert(key.first);
  }

  // The plan: which entities, asked of whom, with which line.
  struct Planned {
    int64_t id;
    EntityRef entity;
    net::WhoisQuery query;
  };
  std::vector<Planned> plan;
  const std::vector<EntityKind> kinds = options.source == WhoisSource::whois
                                            ? std::vector<EntityKind>{EntityKind::ip, EntityKind::asn}
                                            : std::vector<EntityKind>{EntityKind::prefix, EntityKind::asn};
  for (EntityKind kind : kinds) {
    auto rows = log->entities(kind);
    if (!rows) return rows.error();
    for (const EntityRow& row : *rows) {
      if (options.limit && static_cast<int64_t>(plan.size()) >= *options.limit) break;
      if (fresh_ids.count(row.id)) {
        ++summary.fresh;
        continue;
      }
      net::WhoisQuery query;
      if (options.source == WhoisSource::irr) {
        query.server = fixed->first;
        query.port = fixed->second;
        query.query = kind == EntityKind::prefix ? "-L " + row.entity.key : "-i origin " + row.entity.key;
      } else if (fixed) {
        query.server = fixed->first;
        query.port = fixed->second;
        query.query = row.entity.key;
      } else {
        auto chosen = whois::select_server(row.entity.key);
        if (!chosen) continue;  // private or special-use space nobody registers
        query.server = chosen->server;
        query.query = chosen->query;
      }
      plan.push_back(Planned{row.id, row.entity, std::move(query)});
    }
  }
  summary.planned = static_cast<int64_t>(plan.size());
  if (options.offline) {
    for (const Planned& p : plan)
      summary.would_query.push_back(
          PlannedWhois{p.entity, p.query.server + ":" + std::to_string(p.query.port), p.query.query});
    return summary;
  }

  net::HostPolicies local_policies;
  net::HostPolicies& policies = options.policies ? *options.policies : local_policies;
  net::WhoisOptions client_options;
  client_options.max_answer_bytes = options.max_answer_bytes;
  client_options.total_timeout = std::chrono::seconds(options.timeout_seconds);
  net::WhoisClient client(policies, client_options);
  std::vector<Asked> asked;
  for (Planned& p : plan) {
    p.query.id = asked.size();
    asked.push_back(Asked{p.entity, 0});
    client.submit(std::move(p.query));
  }
  FactWriter writer(store, *log, options.batch_answers);
  Run run(writer, options, summary, now);
  client.run([&](net::WhoisAnswer&& answer) {
    ++summary.sent;
    const Asked current = asked[answer.id];
    if (auto next = run.take(store, current, std::move(answer))) {
      next->id = asked.size();
      asked.push_back(Asked{current.entity, current.hops + 1});
      ++summary.referrals;
      client.submit(std::move(*next));
    }
  });
  if (auto status = writer.finish(run.error()); !status) return status.error();
  summary.written = writer.counts();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace sg::registry
