#include "cli/query_output.h"

#include <fmt/format.h>

#include <map>

#include "cli/evidence_json.h"

namespace sg {

namespace {

std::string join(const std::vector<std::string>& items, const char* separator = ",") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string day(UnixTime time) { return format_iso8601(time).substr(0, 10); }

}  // namespace

nlohmann::json shares_to_json(const std::vector<SharedLink>& links, bool values_are_domains) {
  nlohmann::json out = nlohmann::json::array();
  for (const SharedLink& link : links)
    out.push_back({{values_are_domains ? "domain" : "ip", link.value},
                   {"roles", link.roles},
                   {"via", link.via},
                   {"first_seen", format_iso8601(link.first_seen)},
                   {"last_seen", format_iso8601(link.last_seen)},
                   {"messages", link.messages},
                   {"trusted", link.trusted}});
  return out;
}

void print_shares(const std::string& query, const std::vector<SharedLink>& links, bool values_are_domains,
                  std::ostream& out) {
  if (links.empty()) {
    out << "No " << (values_are_domains ? "domains" : "IP addresses") << " known for " << query << ".\n";
    return;
  }
  out << (values_are_domains ? "Domains" : "IP addresses") << " sharing " << query << " (" << links.size() << "):\n";
  size_t width = values_are_domains ? 6 : 2;
  for (const SharedLink& link : links) width = std::max(width, link.value.size());
  out << fmt::format("  {:<{}}  {:<10}  {:<10}  {:>4}  {:<5}  {}\n", values_are_domains ? "DOMAIN" : "IP", width,
                     "FIRST", "LAST", "MSGS", "TRUST", "ROLES (VIA)");
  for (const SharedLink& link : links)
    out << fmt::format("  {:<{}}  {:<10}  {:<10}  {:>4}  {:<5}  {} ({})\n", link.value, width, day(link.first_seen),
                       day(link.last_seen), link.messages, link.trusted ? "fact" : "claim", join(link.roles),
                       join(link.via));
}

nlohmann::json stats_to_json(const StoreStats& stats) {
  nlohmann::json out = {{"messages", stats.messages}, {"edges", stats.edges}, {"observations", stats.observations}};
  nlohmann::json entities = nlohmann::json::object();
  for (const auto& [kind, count] : stats.entities) entities[kind] = count;
  out["entities"] = entities;
  for (const auto& [kind, count] : stats.entities) out[kind] = count;
  out["first_message"] = stats.first_message ? nlohmann::json(format_iso8601(*stats.first_message)) : nlohmann::json();
  out["last_message"] = stats.last_message ? nlohmann::json(format_iso8601(*stats.last_message)) : nlohmann::json();
  return out;
}

void print_stats(const StoreStats& stats, std::ostream& out) {
  out << fmt::format("messages      {}\n", stats.messages);
  for (const auto& [kind, count] : stats.entities) out << fmt::format("{:<13} {}\n", kind, count);
  out << fmt::format("edges         {}\nobservations  {}\n", stats.edges, stats.observations);
  if (stats.first_message)
    out << fmt::format("time range    {} .. {}\n", format_iso8601(*stats.first_message),
                       format_iso8601(*stats.last_message));
}

nlohmann::json chain_to_json(const std::vector<ChainLink>& chain) {
  nlohmann::json out = nlohmann::json::array();
  for (const ChainLink& link : chain)
    out.push_back({{"depth", link.depth},
                   {"from", {{"kind", link.from.kind}, {"key", link.from.key}}},
                   {"relation", link.relation},
                   {"to", {{"kind", link.to.kind}, {"key", link.to.key}}},
                   {"first_seen", format_iso8601(link.first_seen)},
                   {"last_seen", format_iso8601(link.last_seen)},
                   {"datasets", link.datasets}});
  return out;
}

nlohmann::json report_to_json(const EntityReport& report, const Evidence* analysis,
                              const std::vector<ChainLink>* chain) {
  nlohmann::json out = {{"kind", report.entity.kind}, {"key", report.entity.key}};
  if (!report.parent.empty()) out["parent"] = report.parent;
  out["edges"] = nlohmann::json::array();
  for (const EdgeView& edge : report.edges) {
    nlohmann::json provenance = nlohmann::json::array();
    for (const Provenance& p : edge.provenance)
      provenance.push_back({{"kind", p.kind}, {"ref", p.ref}, {"time", format_iso8601(p.time)}, {"trusted", p.trusted}});
    out["edges"].push_back({{"direction", edge.outgoing ? "out" : "in"},
                            {"relation", edge.relation},
                            {"kind", edge.other.kind},
                            {"key", edge.other.key},
                            {"first_seen", format_iso8601(edge.first_seen)},
                            {"last_seen", format_iso8601(edge.last_seen)},
                            {"count", edge.count},
                            {"trusted", edge.trusted},
                            {"provenance", provenance}});
  }
  if (report.message) {
    const MessageRecord& m = *report.message;
    out["message"] = {{"header_hash", m.header_hash},
                      {"time", format_iso8601(m.time)},
                      {"time_source", m.time_source},
                      {"subject", m.subject},
                      {"source", {{"kind", m.source.kind}, {"path", m.source.path}, {"offset", m.source.offset}}},
                      {"ingested_at", format_iso8601(m.ingested_at)}};
    if (analysis) out["message"]["analysis"] = evidence_to_json(*analysis);
  }
  if (!report.lookups.empty()) {
    out["lookups"] = nlohmann::json::array();
    for (const LookupHistory& l : report.lookups) {
      nlohmann::json row = {{"source", l.source},
                            {"query", l.query},
                            {"count", l.count},
                            {"first_time", format_iso8601(l.first_time)},
                            {"last_time", format_iso8601(l.last_time)},
                            {"last_status", l.last_status}};
      if (l.previous_status) row["previous_status"] = *l.previous_status;
      if (l.previous_time) row["previous_time"] = format_iso8601(*l.previous_time);
      out["lookups"].push_back(std::move(row));
    }
  }
  if (chain) out["chain"] = chain_to_json(*chain);
  return out;
}

void print_report(const EntityReport& report, std::ostream& out, const Evidence* analysis,
                  const std::vector<ChainLink>* chain) {
  out << report.entity.kind << " " << report.entity.key;
  if (!report.parent.empty()) out << "  (under " << report.parent << ")";
  out << "\n";
  if (report.message) {
    const MessageRecord& m = *report.message;
    out << fmt::format("  time     {} ({})\n  subject  {}\n  source   {} {}", format_iso8601(m.time), m.time_source,
                       m.subject, m.source.kind, m.source.path);
    if (m.source.kind == "mbox") out << " @" << m.source.offset;
    out << "\n";
    if (analysis) {
      out << "  hops (top first):\n";
      for (size_t i = 0; i < analysis->hops.size(); ++i) {
        const Hop& hop = analysis->hops[i];
        out << fmt::format("    {} [{}] from {} {} {} by {}{}\n", i, hop.trusted ? "trusted" : "claim  ",
                           hop.from_ip ? hop.from_ip->to_string() : "-", hop.from_helo.empty() ? "-" : hop.from_helo,
                           hop.from_rdns.empty() ? "-" : hop.from_rdns, hop.by.empty() ? "-" : hop.by,
                           static_cast<int>(i) == analysis->origin_hop ? "   <- origin" : "");
      }
    }
  }
  out << "  edges:\n";
  for (const EdgeView& edge : report.edges) {
    out << fmt::format("    {} {:<18} {} {}  {}..{} x{} {}\n", edge.outgoing ? "->" : "<-", edge.relation,
                       edge.other.kind, edge.other.key, day(edge.first_seen), day(edge.last_seen), edge.count,
                       edge.trusted ? "fact" : "claim");
    for (const Provenance& p : edge.provenance)
      out << fmt::format("         from {} {} at {}{}\n", p.kind, p.ref, format_iso8601(p.time),
                         p.trusted ? " (trusted)" : "");
  }
  if (!report.lookups.empty()) {
    out << "  lookups:\n";
    for (const LookupHistory& l : report.lookups) {
      out << fmt::format("    {} {:<40} x{} {}..{} last {}", l.source, l.query, l.count, day(l.first_time),
                         day(l.last_time), l.last_status);
      if (l.previous_status && l.previous_time)
        out << fmt::format(" (was {} on {})", *l.previous_status, day(*l.previous_time));
      out << "\n";
    }
  }
  if (chain && !chain->empty()) {
    out << "  network:\n";
    for (const ChainLink& link : *chain)
      out << fmt::format("    {:>{}}{} -{}-> {} {}  [{}]\n", "", 2 * (link.depth - 1), link.from.key, link.relation,
                         link.to.kind, link.to.key, join(link.datasets, "; "));
  }
}

namespace {

nlohmann::json prefixes_json(const std::vector<AsnReport::Prefix>& prefixes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : prefixes)
    out.push_back({{"prefix", p.prefix},
                   {"country", p.country},
                   {"dataset", p.dataset.name},
                   {"date", day(p.dataset.date)},
                   {"format", p.dataset.format}});
  return out;
}

void print_prefixes(const std::vector<AsnReport::Prefix>& prefixes, std::ostream& out) {
  // Grouped by dataset: "what does each source say the AS originates".
  std::map<std::pair<int64_t, std::string>, std::vector<std::string>> by_dataset;
  for (const auto& p : prefixes)
    by_dataset[{p.dataset.id, dataset_label(p.dataset)}].push_back(p.country.empty() ? p.prefix
                                                                                      : p.prefix + " " + p.country);
  for (const auto& [dataset, list] : by_dataset) {
    out << fmt::format("    {} ({} prefixes)\n", dataset.second, list.size());
    for (const std::string& prefix : list) out << "      " << prefix << "\n";
  }
}

}  // namespace

nlohmann::json asn_report_to_json(const AsnReport& report) {
  nlohmann::json out = {{"asn", "AS" + std::to_string(report.asn)}};
  out["names"] = nlohmann::json::array();
  for (const auto& n : report.names)
    out["names"].push_back({{"name", n.name}, {"dataset", n.dataset.name}, {"date", day(n.dataset.date)}});
  out["prefixes"] = prefixes_json(report.prefixes);
  out["graph_prefixes"] = prefixes_json(report.graph_prefixes);
  out["ips"] = nlohmann::json::array();
  for (const auto& ip : report.ips)
    out["ips"].push_back({{"ip", ip.ip}, {"prefixes", ip.prefixes}, {"domains", ip.domains}});
  return out;
}

void print_asn_report(const AsnReport& report, std::ostream& out) {
  out << "AS" << report.asn << "\n";
  if (report.names.empty() && report.prefixes.empty() && report.graph_prefixes.empty()) {
    out << "  no dataset knows it\n";
    return;
  }
  out << "  names:\n";
  for (const auto& n : report.names) out << fmt::format("    {}  [{}]\n", n.name, dataset_label(n.dataset));
  out << "  prefixes:\n";
  print_prefixes(report.prefixes, out);
  if (!report.graph_prefixes.empty()) {
    out << "  prefixes seen in mmdb lookups:\n";
    print_prefixes(report.graph_prefixes, out);
  }
  out << fmt::format("  graph IPs inside ({}):\n", report.ips.size());
  for (const auto& ip : report.ips) {
    out << fmt::format("    {}  in {}\n", ip.ip, join(ip.prefixes, ", "));
    if (!ip.domains.empty()) out << "      domains: " << join(ip.domains, ", ") << "\n";
  }
}

}  // namespace sg
