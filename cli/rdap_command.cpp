// `spamgraph enrich rdap` (enrich/registry/enrich_rdap.h): options in, summary out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <climits>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/dns/plan.h"
#include "enrich/registry/enrich_rdap.h"
#include "store/store.h"

namespace sg {

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct RdapFlags {
  std::string bootstrap;
  std::string base;
  std::string contact;
  std::string max_age = "7d";
  bool offline = false;
  bool no_domains = false;
  int64_t limit = -1;
  std::string now;
  int64_t timeout = 60;
  bool json = false;
};

int fail(const Error& error) {
  std::cerr << "spamgraph: enrich rdap: " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

// data/rdap-bootstrap beside the binary's folder (build/spamgraph -> data/), the
// snapshot the repository ships.
std::string default_bootstrap_folder() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "data/rdap-bootstrap";
  std::string exe(path, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/../data/rdap-bootstrap";
}

nlohmann::json summary_json(const registry::RdapEnrichSummary& summary, bool offline) {
  nlohmann::json out = {{"offline", offline},
                        {"planned", summary.planned},
                        {"fresh", summary.fresh},
                        {"unknown", summary.unknown},
                        {"sent", summary.sent},
                        {"referrals", summary.referrals},
                        {"lookups_stored", summary.written.lookups_stored},
                        {"observations", summary.written.observations},
                        {"new_edges", summary.written.new_edges},
                        {"attributes", summary.written.attributes},
                        {"seconds", summary.seconds}};
  out["status"] = nlohmann::json::object();
  for (const auto& [status, count] : summary.status) out["status"][json_text(status)] = count;
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : summary.failed)
    out["failed"].push_back({{"url", json_text(failed.url)}, {"error", json_text(failed.error)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query)
      out["would_query"].push_back({{"kind", json_text(to_text(planned.entity.kind))},
                                    {"key", json_text(planned.entity.key)},
                                    {"url", json_text(planned.url)}});
  }
  return out;
}

int run(const RdapFlags& flags, const CommandContext& context) {
  registry::RdapEnrichOptions options;
  options.bootstrap_folder = flags.bootstrap.empty() ? default_bootstrap_folder() : flags.bootstrap;
  options.base_override = flags.base;
  options.contact = flags.contact;
  auto max_age = dns::parse_duration_ms(flags.max_age, "--max-age");
  if (!max_age) return fail(max_age.error());
  options.max_age = *max_age / 1000;
  if (flags.limit >= 0) options.limit = flags.limit;
  if (!flags.now.empty()) {
    auto now = parse_user_date(flags.now);
    if (!now) return fail(Error{"not a date", "--now " + flags.now});
    options.now = *now;
  }
  options.offline = flags.offline;
  options.domains = !flags.no_domains;
  options.timeout_seconds = flags.timeout;
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto summary = registry::enrich_rdap(**store, options);
  if (!summary) return fail(summary.error());
  if (flags.json) {
    write_json(summary_json(*summary, flags.offline), std::cout);
  } else if (flags.offline) {
    std::cout << fmt::format("enrich rdap: {} requests planned, {} entities fresh, {} with no known service (nothing sent)\n",
                             summary->planned, summary->fresh, summary->unknown);
    for (const auto& planned : summary->would_query)
      std::cout << fmt::format("  {} {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key),
                               shown(planned.url));
  } else {
    std::cout << fmt::format(
        "enrich rdap: {} planned, {} fresh, {} sent ({} referrals) in {:.1f} s; {} lookups stored, {} observations "
        "({} new edges), {} attributes\n",
        summary->planned, summary->fresh, summary->sent, summary->referrals, summary->seconds, summary->written.lookups_stored,
        summary->written.observations, summary->written.new_edges, summary->written.attributes);
    for (const auto& [status, count] : summary->status) std::cout << fmt::format("  {:<6} {}\n", shown(status), count);
    for (const auto& failed : summary->failed)
      std::cout << fmt::format("  failed: {}: {}\n", shown(failed.url), shown(failed.error));
  }
  return summary->failed.empty() ? kExitOk : kExitSomeUnreadable;
}

}  // namespace

RegisteredCommand add_enrich_rdap_command(CLI::App& enrich) {
  auto flags = std::make_shared<RdapFlags>();
  auto* command = enrich.add_subcommand(
      "rdap", "ask the registries' RDAP services who holds the graph's IPs, ASes and domains; every answer is stored");
  command->add_option("--rdap-bootstrap", flags->bootstrap,
                      "folder of IANA's bootstrap files (default: the data/rdap-bootstrap snapshot)");
  command->add_option("--rdap-base", flags->base, "send every request to this base URL instead (tests, mirrors)");
  command->add_option("--contact", flags->contact, "an e-mail or URL for the User-Agent, so registries can reach you");
  command->add_option("--max-age", flags->max_age, "skip an entity answered more recently than this (default 7d; 0 asks all)");
  command->add_flag("--offline", flags->offline, "send nothing: print what would be asked");
  command->add_flag("--no-domains", flags->no_domains, "only IPs and ASes");
  command->add_option("--limit", flags->limit, "at most N requests")->check(CLI::NonNegativeNumber);
  command->add_option("--now", flags->now, "the run's time (testing, replays): stamps the lookups, drives --max-age");
  command->add_option("--timeout", flags->timeout, "seconds per request, retries included (default 60)")
      ->check(CLI::Range(1, 3600));
  command->add_flag("--json", flags->json, "JSON summary (every failed request, the plan with --offline)");
  return {command, [flags](const CommandContext& context) { return run(*flags, context); }};
}

}  // namespace sg
