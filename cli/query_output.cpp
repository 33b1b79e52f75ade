#include "cli/query_output.h"

#include <fmt/format.h>

#include <map>

#include "cli/evidence_json.h"
#include "cli/json_output.h"
#include "core/as_number.h"
#include "core/utf8.h"

namespace sg {

namespace {

// Store values came from spam or from downloaded datasets: tables show them
// through escape_for_terminal(), JSON through json_text().

std::string shown(std::string_view text) { return escape_for_terminal(text); }

std::string shown_or_dash(std::string_view text) { return text.empty() ? "-" : shown(text); }

std::string join_shown(const std::vector<std::string>& items, const char* separator = ",") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += shown(item);
  }
  return out;
}

nlohmann::json entity_json(const EntityRef& entity) {
  return {{"kind", json_text(to_text(entity.kind))}, {"key", json_text(entity.key)}};
}

std::string day(UnixTime time) { return format_iso8601(time).substr(0, 10); }

}  // namespace

nlohmann::json shares_to_json(const std::vector<SharedLink>& links, bool values_are_domains) {
  nlohmann::json out = nlohmann::json::array();
  for (const SharedLink& link : links) {
    nlohmann::json row = {{values_are_domains ? "domain" : "ip", json_text(link.value)},
                          {"roles", json_texts(link.roles)},
                          {"via", json_texts(link.via)},
                          {"first_seen", format_iso8601(link.first_seen)},
                          {"last_seen", format_iso8601(link.last_seen)},
                          {"messages", link.messages},
                          {"trusted", link.trusted}};
    if (values_are_domains) row["names"] = link.names;
    out.push_back(std::move(row));
  }
  return out;
}

void print_shares(const std::string& query, const std::vector<SharedLink>& links, bool values_are_domains,
                  ShareGrouping grouping, std::ostream& out) {
  if (links.empty()) {
    out << "No " << (values_are_domains ? "domains" : "IP addresses") << " known for " << shown(query) << ".\n";
    return;
  }
  const bool families = values_are_domains && grouping == ShareGrouping::family;
  if (families) {
    int64_t names = 0;
    for (const SharedLink& link : links) names += link.names;
    out << "Registrable domains sharing " << shown(query) << " (" << links.size() << ", standing for " << names
        << (names == 1 ? " name" : " names") << "; --names lists each):\n";
  } else {
    out << (values_are_domains ? "Domains" : "IP addresses") << " sharing " << shown(query) << " (" << links.size()
        << "):\n";
  }
  size_t width = values_are_domains ? 6 : 2;
  std::vector<std::string> values;
  for (const SharedLink& link : links) values.push_back(shown(link.value));
  for (const std::string& value : values) width = std::max(width, value.size());
  const std::string names_header = families ? fmt::format("  {:>5}", "NAMES") : "";
  out << fmt::format("  {:<{}}{}  {:<10}  {:<10}  {:>4}  {:<5}  {}\n", values_are_domains ? "DOMAIN" : "IP", width,
                     names_header, "FIRST", "LAST", "MSGS", "TRUST", "ROLES (VIA)");
  for (size_t i = 0; i < links.size(); ++i) {
    const SharedLink& link = links[i];
    const std::string names = families ? fmt::format("  {:>5}", link.names) : "";
    out << fmt::format("  {:<{}}{}  {:<10}  {:<10}  {:>4}  {:<5}  {} ({})\n", values[i], width, names,
                       day(link.first_seen), day(link.last_seen), link.messages, link.trusted ? "fact" : "claim",
                       join_shown(link.roles), join_shown(link.via));
  }
}

nlohmann::json stats_to_json(const StoreStats& stats) {
  nlohmann::json out = {{"messages", stats.messages}, {"edges", stats.edges}, {"observations", stats.observations}};
  out["entities"] = json_counts(stats.entities);
  for (const auto& [kind, count] : stats.entities) out[to_valid_utf8(kind)] = count;
  out["first_message"] = stats.first_message ? nlohmann::json(format_iso8601(*stats.first_message)) : nlohmann::json();
  out["last_message"] = stats.last_message ? nlohmann::json(format_iso8601(*stats.last_message)) : nlohmann::json();
  return out;
}

void print_stats(const StoreStats& stats, std::ostream& out) {
  out << fmt::format("messages      {}\n", stats.messages);
  for (const auto& [kind, count] : stats.entities) out << fmt::format("{:<13} {}\n", shown(kind), count);
  out << fmt::format("edges         {}\nobservations  {}\n", stats.edges, stats.observations);
  if (stats.first_message)
    out << fmt::format("time range    {} .. {}\n", format_iso8601(*stats.first_message),
                       format_iso8601(*stats.last_message));
}

nlohmann::json chain_to_json(const std::vector<ChainLink>& chain) {
  nlohmann::json out = nlohmann::json::array();
  for (const ChainLink& link : chain)
    out.push_back({{"depth", link.depth},
                   {"from", entity_json(link.from)},
                   {"relation", json_text(link.relation.text())},
                   {"to", entity_json(link.to)},
                   {"first_seen", format_iso8601(link.first_seen)},
                   {"last_seen", format_iso8601(link.last_seen)},
                   {"datasets", json_texts(link.datasets)}});
  return out;
}

nlohmann::json routing_to_json(const std::vector<RoutingAsOf>& routing) {
  nlohmann::json out = nlohmann::json::array();
  for (const RoutingAsOf& row : routing)
    out.push_back({{"series", json_text(row.series)},
                   {"dataset", json_text(dataset_label(row.dataset))},
                   {"date", format_iso8601(row.dataset.date)},
                   {"format", json_text(row.dataset.format)},
                   {"message_time", row.message_time ? nlohmann::json(format_iso8601(*row.message_time)) : nlohmann::json()},
                   {"gap_seconds", row.gap_seconds},
                   {"gap_days", row.gap_days},
                   {"prefix", json_text(row.prefix)},
                   {"origins", json_texts(row.origins)}});
  return out;
}

std::string routing_sentence(const RoutingAsOf& row) {
  std::string text = "routing as of " + dataset_label(row.dataset);
  if (!row.message_time) return text + " (the latest table: the IP is in no message)";
  const int64_t days = row.gap_days < 0 ? -row.gap_days : row.gap_days;
  text += " for the message of " + day(*row.message_time);
  if (days == 0) return text + " (same day)";
  return text + fmt::format(" ({} day{} {} it)", days, days == 1 ? "" : "s", row.gap_days < 0 ? "before" : "after");
}

nlohmann::json report_to_json(const EntityReport& report, const Evidence* analysis,
                              const std::vector<ChainLink>* chain, const std::vector<RoutingAsOf>* routing) {
  nlohmann::json out = entity_json(report.entity);
  if (!report.parent.empty()) out["parent"] = json_text(report.parent);
  if (!report.attributes.empty()) {
    out["attributes"] = nlohmann::json::array();
    for (const AttributeView& a : report.attributes)
      out["attributes"].push_back({{"name", json_text(a.name)},
                                   {"value", json_text(a.value)},
                                   {"time", format_iso8601(a.time)},
                                   {"source", json_text(to_text(a.provenance.kind))},
                                   {"ref", json_text(a.provenance.ref)}});
  }
  out["edges"] = nlohmann::json::array();
  for (const EdgeView& edge : report.edges) {
    nlohmann::json provenance = nlohmann::json::array();
    for (const Provenance& p : edge.provenance)
      provenance.push_back({{"kind", json_text(to_text(p.kind))},
                            {"ref", json_text(p.ref)},
                            {"time", format_iso8601(p.time)},
                            {"trusted", p.trusted}});
    out["edges"].push_back({{"direction", edge.outgoing ? "out" : "in"},
                            {"relation", json_text(edge.relation)},
                            {"kind", json_text(to_text(edge.other.kind))},
                            {"key", json_text(edge.other.key)},
                            {"first_seen", format_iso8601(edge.first_seen)},
                            {"last_seen", format_iso8601(edge.last_seen)},
                            {"count", edge.count},
                            {"trusted", edge.trusted},
                            {"provenance", provenance}});
  }
  if (report.message) {
    const MessageRecord& m = *report.message;
    out["message"] = {{"header_hash", json_text(m.header_hash)},
                      {"time", format_iso8601(m.time)},
                      {"time_source", json_text(m.time_source)},
                      {"subject", json_text(m.subject)},
                      {"source",
                       {{"kind", json_text(to_text(m.source.kind))},
                        {"path", json_text(m.source.path)},
                        {"offset", m.source.offset}}},
                      {"ingested_at", format_iso8601(m.ingested_at)}};
    if (analysis) out["message"]["analysis"] = evidence_to_json(*analysis);
  }
  if (!report.lookups.empty()) {
    out["lookups"] = nlohmann::json::array();
    for (const LookupHistory& l : report.lookups) {
      nlohmann::json row = {{"source", json_text(l.source)},
                            {"query", json_text(l.query)},
                            {"count", l.count},
                            {"first_time", format_iso8601(l.first_time)},
                            {"last_time", format_iso8601(l.last_time)},
                            {"last_status", json_text(l.last_status)}};
      if (l.previous_status) row["previous_status"] = json_text(*l.previous_status);
      if (l.previous_time) row["previous_time"] = format_iso8601(*l.previous_time);
      out["lookups"].push_back(std::move(row));
    }
  }
  if (chain) {
    out["chain"] = chain_to_json(*chain);
    out["notes"] = json_texts(route_registration_notes(*chain));
  }
  if (routing) out["routing"] = routing_to_json(*routing);
  return out;
}

void print_report(const EntityReport& report, std::ostream& out, const Evidence* analysis,
                  const std::vector<ChainLink>* chain, const std::vector<RoutingAsOf>* routing) {
  out << shown(to_text(report.entity.kind)) << " " << shown(report.entity.key);
  if (!report.parent.empty()) out << "  (under " << shown(report.parent) << ")";
  out << "\n";
  if (report.message) {
    const MessageRecord& m = *report.message;
    out << fmt::format("  time     {} ({})\n  subject  {}\n  source   {} {}", format_iso8601(m.time),
                       shown(m.time_source), shown(m.subject), shown(to_text(m.source.kind)), shown(m.source.path));
    if (m.source.kind == SourceKind::mbox) out << " @" << m.source.offset;
    out << "\n";
    if (analysis) {
      out << "  hops (top first):\n";
      for (size_t i = 0; i < analysis->hops.size(); ++i) {
        const Hop& hop = analysis->hops[i];
        out << fmt::format("    {} [{}] from {} {} {} by {}{}\n", i, hop.trusted ? "trusted" : "claim  ",
                           hop.from_ip ? hop.from_ip->to_string() : "-", shown_or_dash(hop.from_helo),
                           shown_or_dash(hop.from_rdns), shown_or_dash(hop.by),
                           static_cast<int>(i) == analysis->origin_hop ? "   <- origin" : "");
      }
    }
  }
  if (!report.attributes.empty()) {
    out << "  attributes:\n";
    for (const AttributeView& a : report.attributes)
      out << fmt::format("    {:<18} {}  ({} {}, {})\n", shown(a.name), shown(a.value), shown(to_text(a.provenance.kind)),
                         shown(a.provenance.ref), day(a.time));
  }
  out << "  edges:\n";
  for (const EdgeView& edge : report.edges) {
    out << fmt::format("    {} {:<18} {} {}  {}..{} x{} {}\n", edge.outgoing ? "->" : "<-", shown(edge.relation),
                       to_text(edge.other.kind), shown(edge.other.key), day(edge.first_seen), day(edge.last_seen),
                       edge.count, edge.trusted ? "fact" : "claim");
    for (const Provenance& p : edge.provenance)
      out << fmt::format("         from {} {} at {}{}\n", shown(to_text(p.kind)), shown(p.ref), format_iso8601(p.time),
                         p.trusted ? " (trusted)" : "");
  }
  if (!report.lookups.empty()) {
    out << "  lookups:\n";
    for (const LookupHistory& l : report.lookups) {
      out << fmt::format("    {} {:<40} x{} {}..{} last {}", shown(l.source), shown(l.query), l.count,
                         day(l.first_time), day(l.last_time), shown(l.last_status));
      if (l.previous_status && l.previous_time)
        out << fmt::format(" (was {} on {})", shown(*l.previous_status), day(*l.previous_time));
      out << "\n";
    }
  }
  if (chain && !chain->empty()) {
    out << "  network:\n";
    for (const ChainLink& link : *chain)
      out << fmt::format("    {:>{}}{} -{}-> {} {}  [{}]\n", "", 2 * (link.depth - 1), shown(link.from.key),
                         shown(link.relation.text()), shown(to_text(link.to.kind)), shown(link.to.key),
                         join_shown(link.datasets, "; "));
    for (const std::string& note : route_registration_notes(*chain)) out << "  note: " << shown(note) << "\n";
  }
  if (routing && !routing->empty()) {
    out << "  routing by message day:\n";
    for (const RoutingAsOf& row : *routing) {
      out << "    " << shown(routing_sentence(row)) << ": ";
      if (row.prefix.empty())
        out << "no prefix recorded";
      else
        out << shown(row.prefix) << (row.origins.empty() ? "" : " ") << join_shown(row.origins, ", ");
      out << "\n";
    }
  }
}

namespace {

nlohmann::json prefixes_json(const std::vector<AsnReport::Prefix>& prefixes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : prefixes)
    out.push_back({{"prefix", json_text(p.prefix)},
                   {"country", json_text(p.country)},
                   {"dataset", json_text(p.dataset.name)},
                   {"date", day(p.dataset.date)},
                   {"format", json_text(p.dataset.format)}});
  return out;
}

void print_prefixes(const std::vector<AsnReport::Prefix>& prefixes, std::ostream& out) {
  // Grouped by dataset: "what does each source say the AS originates".
  std::map<std::pair<int64_t, std::string>, std::vector<std::string>> by_dataset;
  for (const auto& p : prefixes)
    by_dataset[{p.dataset.id, shown(dataset_label(p.dataset))}].push_back(
        shown(p.country.empty() ? p.prefix : p.prefix + " " + p.country));
  for (const auto& [dataset, list] : by_dataset) {
    out << fmt::format("    {} ({} prefixes)\n", dataset.second, list.size());
    for (const std::string& prefix : list) out << "      " << prefix << "\n";
  }
}

}  // namespace

nlohmann::json asn_report_to_json(const AsnReport& report) {
  nlohmann::json out = {{"asn", as_number_key(report.asn)}};
  out["names"] = nlohmann::json::array();
  for (const auto& n : report.names)
    out["names"].push_back(
        {{"name", json_text(n.name)}, {"dataset", json_text(n.dataset.name)}, {"date", day(n.dataset.date)}});
  out["prefixes"] = prefixes_json(report.prefixes);
  out["graph_prefixes"] = prefixes_json(report.graph_prefixes);
  out["ips"] = nlohmann::json::array();
  for (const auto& ip : report.ips)
    out["ips"].push_back(
        {{"ip", json_text(ip.ip)}, {"prefixes", json_texts(ip.prefixes)}, {"domains", json_texts(ip.domains)}});
  return out;
}

void print_asn_report(const AsnReport& report, std::ostream& out) {
  out << "AS" << report.asn << "\n";
  if (report.names.empty() && report.prefixes.empty() && report.graph_prefixes.empty()) {
    out << "  no dataset knows it\n";
    return;
  }
  out << "  names:\n";
  for (const auto& n : report.names)
    out << fmt::format("    {}  [{}]\n", shown(n.name), shown(dataset_label(n.dataset)));
  out << "  prefixes:\n";
  print_prefixes(report.prefixes, out);
  if (!report.graph_prefixes.empty()) {
    out << "  prefixes seen in mmdb lookups:\n";
    print_prefixes(report.graph_prefixes, out);
  }
  out << fmt::format("  graph IPs inside ({}):\n", report.ips.size());
  for (const auto& ip : report.ips) {
    out << fmt::format("    {}  in {}\n", shown(ip.ip), join_shown(ip.prefixes, ", "));
    if (!ip.domains.empty()) out << "      domains: " << join_shown(ip.domains, ", ") << "\n";
  }
}

nlohmann::json prefix_history_to_json(uint32_t asn, const std::vector<PrefixHistory>& history) {
  nlohmann::json rows = nlohmann::json::array();
  for (const PrefixHistory& row : history) {
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& source : row.sources)
      sources.push_back({{"source", json_text(source.source)},
                         {"first", format_iso8601(source.first)},
                         {"last", format_iso8601(source.last)}});
    nlohmann::json gone = nlohmann::json::array();
    for (const auto& table : row.gone) {
      nlohmann::json origins = nlohmann::json::array();
      for (uint32_t origin : table.origins) origins.push_back(as_number_key(origin));
      gone.push_back({{"dataset", json_text(table.dataset.name)},
                      {"date", format_iso8601(table.dataset.date)},
                      {"format", json_text(table.dataset.format)},
                      {"origins", origins}});
    }
    rows.push_back({{"prefix", json_text(row.prefix)},
                    {"first", format_iso8601(row.first)},
                    {"last", format_iso8601(row.last)},
                    {"sources", sources},
                    {"gone", gone}});
  }
  return {{"asn", as_number_key(asn)}, {"history", rows}};
}

void print_prefix_history(uint32_t asn, const std::vector<PrefixHistory>& history, std::ostream& out) {
  if (history.empty()) {
    out << "No prefixes known for " << as_number_key(asn)
        << " (try `enrich bgp`, `enrich irr` or a dataset import).\n";
    return;
  }
  out << fmt::format("{}: {} prefixes, first and last seen, from every source\n", as_number_key(asn), history.size());
  const auto day = [](UnixTime time) { return format_iso8601(time).substr(0, 10); };
  for (const PrefixHistory& row : history) {
    std::string gone;
    for (const auto& table : row.gone) {
      gone += gone.empty() ? "  gone by " : ", ";
      gone += shown(dataset_label(table.dataset));
      std::string now;
      for (uint32_t origin : table.origins) now += (now.empty() ? " (now " : ", ") + as_number_key(origin);
      if (!now.empty()) gone += now + ")";
    }
    out << fmt::format("  {:<20} {} .. {}{}\n", shown(row.prefix), day(row.first), day(row.last), gone);
    for (const auto& source : row.sources)
      out << fmt::format("      {:<28} {} .. {}\n", shown(source.source), day(source.first), day(source.last));
  }
}

}  // namespace sg
