// `spamgraph enrich whois|irr` (enrich/registry/enrich_whois.h) and `spamgraph
// whois QUERY` (one question, the way the whois client asks it): options in,
// summaries and answers out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
#include "enrich/net/whois_client.h"
#include "enrich/registry/enrich_whois.h"
#include "enrich/whois/referral.h"
#include "enrich/whois/rpsl.h"
#include "enrich/whois/servers.h"
#include "store/store.h"

namespace sg {

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct EnrichWhoisFlags {
  registry::WhoisSource source = registry::WhoisSource::whois;
  std::string server;
  std::string irr_server;
  std::string max_age = "7d";
  bool offline = false;
  int64_t limit = -1;
  std::string now;
  int64_t timeout = 60;
  bool json = false;
};

int fail(std::string_view command, const Error& error) {
  std::cerr << "spamgraph: " << command << ": " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

nlohmann::json summary_json(const registry::WhoisEnrichSummary& summary, bool offline) {
  nlohmann::json out = {{"offline", offline},          {"planned", summary.planned},
                        {"fresh", summary.fresh},      {"sent", summary.sent},
                        {"referrals", summary.referrals}, {"lookups_stored", summary.written.lookups_stored},
                        {"observations", summary.written.observations}, {"new_edges", summary.written.new_edges},
                        {"attributes", summary.written.attributes}, {"seconds", summary.seconds}};
  out["status"] = nlohmann::json::object();
  for (const auto& [status, count] : summary.status) out["status"][json_text(status)] = count;
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : summary.failed)
    out["failed"].push_back(
        {{"server", json_text(failed.server)}, {"query", json_text(failed.line)}, {"error", json_text(failed.error)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query)
      out["would_query"].push_back({{"kind", json_text(to_text(planned.entity.kind))},
                                    {"key", json_text(planned.entity.key)},
                                    {"server", json_text(planned.server)},
                                    {"query", json_text(planned.line)}});
  }
  return out;
}

int run_enrich(const EnrichWhoisFlags& flags, const CommandContext& context) {
  const std::string name = flags.source == registry::WhoisSource::whois ? "enrich whois" : "enrich irr";
  registry::WhoisEnrichOptions options;
  options.source = flags.source;
  options.server_override = flags.server;
  if (!flags.irr_server.empty()) options.irr_server = flags.irr_server;
  auto max_age = dns::parse_duration_ms(flags.max_age, "--max-age");
  if (!max_age) return fail(name, max_age.error());
  options.max_age = *max_age / 1000;
  if (flags.limit >= 0) options.limit = flags.limit;
  if (!flags.now.empty()) {
    auto now = parse_user_date(flags.now);
    if (!now) return fail(name, Error{"not a date", "--now " + flags.now});
    options.now = *now;
  }
  options.offline = flags.offline;
  options.timeout_seconds = flags.timeout;
  auto store = Store::open(context.db_path);
  if (!store) return fail(name, store.error());
  auto summary = registry::enrich_whois(**store, options);
  if (!summary) return fail(name, summary.error());
  if (flags.json) {
    write_json(summary_json(*summary, flags.offline), std::cout);
  } else if (flags.offline) {
    std::cout << fmt::format("{}: {} queries planned, {} entities fresh (nothing sent)\n", name, summary->planned,
                             summary->fresh);
    for (const auto& planned : summary->would_query)
      std::cout << fmt::format("  {} {}  ask {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key),
                               shown(planned.server), shown(planned.line));
  } else {
    std::cout << fmt::format(
        "{}: {} planned, {} fresh, {} sent ({} referrals) in {:.1f} s; {} lookups stored, {} observations ({} new "
        "edges), {} attributes\n",
        name, summary->planned, summary->fresh, summary->sent, summary->referrals, summary->seconds,
        summary->written.lookups_stored, summary->written.observations, summary->written.new_edges, summary->written.attributes);
    for (const auto& [status, count] : summary->status) std::cout << fmt::format("  {:<11} {}\n", shown(status), count);
    for (const auto& failed : summary->failed)
      std::cout << fmt::format("  failed: {} {}: {}\n", shown(failed.server), shown(failed.line), shown(failed.error));
  }
  return summary->failed.empty() ? kExitOk : kExitSomeUnreadable;
}

struct WhoisFlags {
  std::string query;
  std::string host;
  int port = 0;
  bool json = false;
  bool no_referral = false;
  int64_t timeout = 30;
};

nlohmann::json rpsl_json(const whois::RpslAnswer& answer) {
  nlohmann::json objects = nlohmann::json::array();
  for (const whois::RpslObject& object : answer.objects) {
    nlohmann::json attributes = nlohmann::json::array();
    for (const whois::RpslAttribute& attribute : object.attributes)
      attributes.push_back({{"key", json_text(attribute.key)}, {"value", json_text(attribute.value)}});
    objects.push_back({{"class", json_text(object.object_class())}, {"attributes", attributes}});
  }
  nlohmann::json comments = nlohmann::json::array();
  for (const std::string& comment : answer.comments) comments.push_back(json_text(comment));
  return {{"objects", objects}, {"comments", comments}};
}

int run_whois(const WhoisFlags& flags) {
  whois::WhoisQuery first;
  if (!flags.host.empty()) {
    auto server = registry::parse_server(flags.host);
    if (!server) return fail("whois", Error{server.error().message, "-h " + server.error().where});
    first.server = server->first;
    first.port = flags.port > 0 ? static_cast<uint16_t>(flags.port) : server->second;
    first.query = flags.query;
  } else {
    auto chosen = whois::select_server(flags.query);
    if (!chosen) return fail("whois", chosen.error());
    first = *chosen;
    if (flags.port > 0) first.port = static_cast<uint16_t>(flags.port);
  }
  net::HostPolicies policies;
  net::WhoisOptions options;
  options.total_timeout = std::chrono::seconds(flags.timeout);
  net::WhoisClient client(policies, options);
  nlohmann::json hops = nlohmann::json::array();
  whois::WhoisQuery next = first;
  const bool follow = flags.host.empty() && !flags.no_referral;
  for (int hop = 0; hop < 4; ++hop) {
    auto answers = client.query_all({net::WhoisQuery{next.server, next.port, next.query, 0}});
    const net::WhoisAnswer& answer = answers.front();
    const whois::RpslAnswer parsed = whois::parse_rpsl(answer.answer);
    if (flags.json) {
      nlohmann::json entry = {{"server", json_text(answer.server)}, {"port", answer.port},
                              {"query", json_text(answer.query)},   {"seconds", answer.seconds},
                              {"truncated", answer.truncated},      {"answer", json_text(answer.answer)}};
      if (!answer.ok()) entry["error"] = json_text(answer.error);
      entry["parsed"] = rpsl_json(parsed);
      hops.push_back(std::move(entry));
    } else {
      std::cout << fmt::format("% spamgraph: asked {}:{} \"{}\"\n", shown(answer.server), answer.port,
                               shown(answer.query));
      // Line by line, so that line breaks stay and every other control byte is shown escaped.
      std::string_view rest = answer.answer;
      while (!rest.empty()) {
        const size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::cout << shown(line) << "\n";
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      }
    }
    if (!answer.ok()) {
      if (flags.json) write_json(nlohmann::json{{"query", json_text(flags.query)}, {"hops", hops}}, std::cout);
      return fail("whois", Error{answer.error, ""});
    }
    if (!follow) break;
    auto referral = whois::find_referral(answer.server, flags.query, parsed);
    if (!referral || !referral->followable()) break;
    next = referral->next;
  }
  if (flags.json) write_json(nlohmann::json{{"query", json_text(flags.query)}, {"hops", hops}}, std::cout);
  return kExitOk;
}

}  // namespace

std::vector<RegisteredCommand> add_whois_commands(CLI::App& app, CLI::App& enrich) {
  std::vector<RegisteredCommand> commands;
  for (registry::WhoisSource source : {registry::WhoisSource::whois, registry::WhoisSource::irr}) {
    auto flags = std::make_shared<EnrichWhoisFlags>();
    flags->source = source;
    const bool is_whois = source == registry::WhoisSource::whois;
    auto* command = enrich.add_subcommand(
        is_whois ? "whois" : "irr",
        is_whois ? "ask the registries (port 43) who holds the graph's IPs and ASes; every answer is stored"
                 : "ask an IRR (RADB by default) for the route objects of the graph's prefixes and ASes");
    if (is_whois)
      command->add_option("--whois-server", flags->server,
                          "ask HOST[:PORT] instead of each registry (tests, mirrors); referrals are then not followed");
    else
      command->add_option("--irr-server", flags->irr_server, "the IRR as HOST[:PORT] (default whois.radb.net)");
    command->add_option("--max-age", flags->max_age, "skip an entity answered more recently than this (default 7d; 0 asks all)");
    command->add_flag("--offline", flags->offline, "send nothing: print what would be asked");
    command->add_option("--limit", flags->limit, "at most N queries")->check(CLI::NonNegativeNumber);
    command->add_option("--now", flags->now, "the run's time (testing, replays): stamps the lookups, drives --max-age");
    command->add_option("--timeout", flags->timeout, "seconds per query, connect to close (default 60)")
        ->check(CLI::Range(1, 3600));
    command->add_flag("--json", flags->json, "JSON summary (every failed query, the plan with --offline)");
    commands.push_back({command, [flags](const CommandContext& context) { return run_enrich(*flags, context); }});
  }

  auto flags = std::make_shared<WhoisFlags>();
  auto* whois = app.add_subcommand("whois", "ask a WHOIS server (port 43) as the whois client does, following referrals");
  whois->set_help_flag("--help", "print this help and exit");  // -h names the server, as in the whois client
  whois->add_option("QUERY", flags->query, "an IP address, prefix or AS number (or any text with -h)")->required();
  whois->add_option("-h,--host", flags->host, "ask this server (HOST[:PORT]) instead of the registry's");
  whois->add_option("-p,--port", flags->port, "the server's port (default 43)")->check(CLI::Range(1, 65535));
  whois->add_flag("--no-referral", flags->no_referral, "do not follow referrals to other registries");
  whois->add_option("--timeout", flags->timeout, "seconds per server (default 30)")->check(CLI::Range(1, 3600));
  whois->add_flag("--json", flags->json, "the answers and their parsed RPSL objects as JSON");
  commands.push_back({whois, [flags](const CommandContext&) { return run_whois(*flags); }});
  return commands;
}

}  // namespace sg
