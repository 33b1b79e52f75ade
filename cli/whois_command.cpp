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
#include "cli/registry_sources.h"
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
  RegistryFlags shared;
};

int fail(std::string_view command, const Error& error) {
  std::cerr << "spamgraph: " << command << ": " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

nlohmann::json summary_json(const registry::WhoisEnrichSummary& summary, bool offline) {
  nlohmann::json out = summary_counts_json(offline, summary.planned, summary.fresh, summary.sent, summary.written,
                                           summary.seconds, summary.status);
  out["referrals"] = summary.referrals;
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : summary.failed)
    out["failed"].push_back(
        {{"server", json_text(failed.server)}, {"query", json_text(failed.line)}, {"error", json_text(failed.error)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query) {
      nlohmann::json entry = planned_entity_json(planned.entity);
      entry["server"] = json_text(planned.server);
      entry["query"] = json_text(planned.line);
      out["would_query"].push_back(std::move(entry));
    }
  }
  return out;
}

std::string summary_text(const registry::WhoisEnrichSummary& summary, std::string_view name, bool offline) {
  std::string out;
  if (offline) {
    out += fmt::format("{}: {} queries planned, {} entities fresh (nothing sent)\n", name, summary.planned, summary.fresh);
    for (const auto& planned : summary.would_query)
      out += fmt::format("  {} {}  ask {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key),
                         shown(planned.server), shown(planned.line));
    return out;
  }
  out += fmt::format("{}: {} planned, {} fresh, {} sent ({} referrals) in {:.1f} s; ", name, summary.planned,
                     summary.fresh, summary.sent, summary.referrals, summary.seconds);
  out += written_text(summary.written, summary.status);
  for (const auto& failed : summary.failed)
    out += fmt::format("  failed: {} {}: {}\n", shown(failed.server), shown(failed.line), shown(failed.error));
  return out;
}

std::string command_name(registry::WhoisSource source) {
  return source == registry::WhoisSource::whois ? "enrich whois" : "enrich irr";
}

int run_enrich(const EnrichWhoisFlags& flags, const CommandContext& context) {
  return run_source_command(command_name(flags.source), flags.shared, context, [&](Store& store, RegistryRun& run) {
    return run_whois_source(store, run, flags.source);
  });
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

Result<SourceOutcome> run_whois_source(Store& store, RegistryRun& run, registry::WhoisSource source) {
  registry::WhoisEnrichOptions options;
  options.source = source;
  if (source == registry::WhoisSource::whois) options.server_override = run.settings.whois_server;
  if (!run.settings.irr_server.empty()) options.irr_server = run.settings.irr_server;
  apply_registry_run(options, run);
  auto summary = registry::enrich_whois(store, options);
  if (!summary) return summary.error();
  return SourceOutcome{summary_json(*summary, run.offline), summary_text(*summary, command_name(source), run.offline),
                       summary->failed.empty()};
}

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
    add_registry_flags(command, flags->shared, "queries", {is_whois ? "whois-server" : "irr-server"});
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
