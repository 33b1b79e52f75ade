// `spamgraph enrich dns`: options in, enrich_dns() (enrich/dns/enrich_dns.h), summary out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/dns/derive.h"
#include "enrich/dns/enrich_dns.h"
#include "store/store.h"

namespace sg {

namespace {

struct DnsFlags {
  std::vector<std::string> resolvers;
  int max_in_flight = 100;
  std::string timeout = "2s";
  int tries = 2;
  std::string max_age = "1d";
  bool offline = false;
  std::string only;
  int64_t limit = -1;
  std::string now;
  bool json = false;
};

constexpr size_t kListed = 20;  // failed lookups listed in the text output

// Names come from spam and answers from servers nobody vouches for: both are
// shown through escape_for_terminal() and put into JSON through json_text().
std::string shown(std::string_view text) { return escape_for_terminal(text); }

int fail(const Error& error) {
  std::cerr << "spamgraph: enrich dns: " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

// Failures that are news first: a name that answered NOERROR before and now does not.
std::vector<dns::FailedLookup> ordered_failures(std::vector<dns::FailedLookup> failed) {
  std::stable_sort(failed.begin(), failed.end(), [](const dns::FailedLookup& a, const dns::FailedLookup& b) {
    return (a.previous_status == "NOERROR") > (b.previous_status == "NOERROR");
  });
  return failed;
}

nlohmann::json summary_json(const dns::EnrichSummary& summary, bool offline) {
  nlohmann::json out = {{"offline", offline},
                        {"server", json_text(summary.server)},
                        {"planned_entities", summary.planned_entities},
                        {"planned_queries", summary.planned_queries},
                        {"fresh_skipped", summary.fresh},
                        {"queries", summary.queries},
                        {"status", json_counts(summary.status)},
                        {"lookups", summary.lookups_stored},
                        {"observations", summary.observations},
                        {"new_edges", summary.new_edges},
                        {"fcrdns_checked", summary.fcrdns_checked},
                        {"fcrdns_confirmed", summary.fcrdns_confirmed},
                        {"skipped_values", summary.skipped_values},
                        {"seconds", summary.seconds},
                        {"queries_per_second", summary.seconds > 0 ? summary.queries / summary.seconds : 0.0}};
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : ordered_failures(summary.failed))
    out["failed"].push_back({{"query", json_text(failed.query)},
                             {"status", json_text(failed.status)},
                             {"time", format_iso8601(failed.time)},
                             {"previous_status", json_text(failed.previous_status)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query)
      out["would_query"].push_back({{"entity", json_text(describe(planned.entity))},
                                    {"query", json_text(dns::query_text(planned.query))}});
  }
  return out;
}

void print_summary(const dns::EnrichSummary& summary, bool offline, std::ostream& out) {
  if (offline) {
    out << fmt::format("enrich dns (offline): would send {} queries for {} entities ({} fresh lookups skipped); "
                       "nothing sent\n",
                       summary.planned_queries, summary.planned_entities, summary.fresh);
    for (size_t i = 0; i < summary.would_query.size() && i < kListed; ++i)
      out << "  " << shown(dns::query_text(summary.would_query[i].query)) << "\n";
    if (summary.would_query.size() > kListed)
      out << fmt::format("  ... and {} more (--json lists all)\n", summary.would_query.size() - kListed);
    return;
  }
  const double rate = summary.seconds > 0 ? summary.queries / summary.seconds : 0.0;
  out << fmt::format("enrich dns: {} entities planned ({} fresh lookups skipped), {} queries to {} in {:.2f} s "
                     "({:.0f} queries/s)\n",
                     summary.planned_entities, summary.fresh, summary.queries, shown(summary.server), summary.seconds,
                     rate);
  std::string statuses;
  for (const auto& [status, count] : summary.status)
    statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", shown(status), count);
  out << "answers: " << (statuses.empty() ? "none" : statuses) << "\n";
  out << fmt::format("stored {} lookups, {} observations, {} new edges; FCrDNS: {} of {} PTR names confirmed\n",
                     summary.lookups_stored, summary.observations, summary.new_edges, summary.fcrdns_confirmed,
                     summary.fcrdns_checked);
  if (summary.failed.empty()) return;
  // One line per name and outcome: "NXDOMAIN  nx.example.shop  A AAAA MX NS TXT".
  struct Line {
    std::string status, name, previous, types;
    UnixTime time = 0;
  };
  std::vector<Line> lines;
  std::unordered_map<std::string, size_t> line_of;  // status, previous status and name -> index in lines
  for (const auto& failed : ordered_failures(summary.failed)) {
    const size_t space = failed.query.rfind(' ');
    const std::string name = failed.query.substr(0, space);
    const std::string type = space == std::string::npos ? "" : failed.query.substr(space + 1);
    const std::string key = failed.status + '\0' + failed.previous_status + '\0' + name;
    if (auto [it, added] = line_of.try_emplace(key, lines.size()); added)
      lines.push_back(Line{failed.status, name, failed.previous_status, type, failed.time});
    else
      lines[it->second].types += " " + type;
  }
  out << fmt::format("not NOERROR: {} lookups of {} names (a name that stopped resolving says what it was):\n",
                     summary.failed.size(), lines.size());
  for (size_t i = 0; i < lines.size() && i < kListed; ++i)
    out << fmt::format("  {:<11} {}  {} {}{}\n", shown(lines[i].status), format_iso8601(lines[i].time),
                       shown(lines[i].name), shown(lines[i].types),
                       lines[i].previous.empty() ? "" : " (was " + shown(lines[i].previous) + ")");
  if (lines.size() > kListed) out << fmt::format("  ... and {} more names (--json lists all)\n", lines.size() - kListed);
}

int run(const DnsFlags& flags, const CommandContext& context) {
  dns::EnrichOptions options;
  options.resolver.servers = flags.resolvers.empty() ? context.config.resolvers : flags.resolvers;
  options.resolver.max_in_flight = flags.max_in_flight;
  options.resolver.tries = flags.tries;
  auto timeout = dns::parse_duration_ms(flags.timeout, "--timeout");
  if (!timeout) return fail(timeout.error());
  if (*timeout < 1 || *timeout > 600'000) return fail(Error{"must be between 1ms and 10m", "--timeout " + flags.timeout});
  options.resolver.timeout_ms = static_cast<int>(*timeout);
  auto max_age = dns::parse_duration_ms(flags.max_age, "--max-age");
  if (!max_age) return fail(max_age.error());
  options.plan.max_age = *max_age / 1000;
  auto scope = dns::parse_scope(flags.only);
  if (!scope) return fail(scope.error());
  options.plan.scope = *scope;
  if (flags.limit >= 0) options.plan.limit = flags.limit;
  if (!flags.now.empty()) {
    auto now = parse_user_date(flags.now);
    if (!now) return fail(Error{"not a date", "--now " + flags.now});
    options.now = *now;
  }
  options.offline = flags.offline;
  if (isatty(STDERR_FILENO) != 0) {
    auto last = std::make_shared<double>(-1);
    options.on_progress = [last](const dns::Progress& progress) {
      if (progress.seconds - *last < 0.2 && progress.answered != progress.submitted) return;
      *last = progress.seconds;
      std::cerr << fmt::format("\r\x1b[Kdns: {}/{} answered, {:.0f} queries/s", progress.answered, progress.submitted,
                               progress.seconds > 0 ? progress.answered / progress.seconds : 0.0)
                << std::flush;
    };
  }

  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto summary = dns::enrich_dns(**store, options);
  if (options.on_progress) std::cerr << "\r\x1b[K" << std::flush;
  if (!summary) return fail(summary.error());
  if (flags.json)
    write_json(summary_json(*summary, flags.offline), std::cout);
  else
    print_summary(*summary, flags.offline, std::cout);
  // Lookups no server answered (TIMEOUT, CONNREFUSED, ...) are stored but say nothing
  // about the name; like unreadable input they make the exit code 1.
  const auto& answered = dns::answered_statuses();
  int64_t unanswered = 0;
  std::string detail;
  for (const auto& [status, count] : summary->status) {
    if (std::find(answered.begin(), answered.end(), status) != answered.end()) continue;
    unanswered += count;
    detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", shown(status), count);
  }
  if (unanswered == 0) return kExitOk;
  std::cerr << fmt::format("spamgraph: enrich dns: {} of {} lookups got no answer ({}) from {}; they are asked again "
                           "next run\n",
                           unanswered, summary->queries, detail, shown(summary->server));
  return kExitSomeUnreadable;
}

}  // namespace

RegisteredCommand add_enrich_dns_command(CLI::App& enrich) {
  auto flags = std::make_shared<DnsFlags>();
  auto* command = enrich.add_subcommand(
      "dns", "resolve the graph's IPs (PTR, FCrDNS) and domains (A, AAAA, MX, NS, TXT/SPF); every answer is stored");
  command->add_option("--resolver", flags->resolvers,
                      "DNS server HOST[:PORT] (repeatable; default: the config's resolver lines, else the system's)");
  command->add_option("--max-in-flight", flags->max_in_flight, "queries outstanding at once (default 100)")
      ->check(CLI::Range(1, 10000));
  command->add_option("--timeout", flags->timeout, "wait per try, e.g. 500ms, 2s (default 2s)");
  command->add_option("--tries", flags->tries, "tries per query and server (default 2)")->check(CLI::Range(1, 10));
  command->add_option("--max-age", flags->max_age,
                      "skip an entity's lookup type asked more recently than this: 30m, 12h, 1d (default 1d; 0 asks all)");
  command->add_flag("--offline", flags->offline, "send nothing: print what would be queried");
  command->add_option("--only", flags->only, "ip or domain")
      ->check(CLI::IsMember({std::string(to_text(EntityKind::ip)), std::string(to_text(EntityKind::domain))}));
  command->add_option("--limit", flags->limit, "at most N entities")->check(CLI::NonNegativeNumber);
  command->add_option("--now", flags->now, "the run's time (testing, replays): stamps the lookups, drives --max-age");
  command->add_flag("--json", flags->json, "JSON summary (every failed lookup, the plan with --offline)");
  return {command, [flags](const CommandContext& context) { return run(*flags, context); }};
}

}  // namespace sg
