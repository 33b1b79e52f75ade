#include "cli/query_output.h"

#include <fmt/format.h>

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

nlohmann::json report_to_json(const EntityReport& report, const Evidence* analysis) {
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
  return out;
}

void print_report(const EntityReport& report, std::ostream& out, const Evidence* analysis) {
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
}

}  // namespace sg
