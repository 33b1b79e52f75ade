#include "cli/findings_output.h"

#include <fmt/format.h>

#include "cli/json_output.h"
#include "core/time.h"
#include "core/utf8.h"

namespace sg {

namespace {

std::string day(UnixTime time) { return format_iso8601(time).substr(0, 10); }
std::string shown(std::string_view text) { return escape_for_terminal(text); }

std::string joined(const std::set<std::string>& items) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += ',';
    text += shown(item);
  }
  return text.empty() ? "-" : text;
}

std::string indicator_text(EntityKind kind, const std::string& value) {
  return std::string(to_text(kind)) + " " + shown(value);
}

nlohmann::json texts(const std::set<std::string>& items) {
  return json_texts(std::vector<std::string>(items.begin(), items.end()));
}

void print_indicator_rows(const std::vector<IndicatorStats>& rows, std::ostream& out, bool with_ips) {
  size_t width = 10;
  for (const IndicatorStats& row : rows) width = std::max(width, indicator_text(row.kind, row.value).size());
  width = std::min<size_t>(width, 60);
  for (const IndicatorStats& row : rows) {
    out << fmt::format("  {:<{}}  {}  {}  {:>6}  {:<5}  {}", indicator_text(row.kind, row.value), width,
                       day(row.first_seen), day(row.last_seen), row.messages, row.fact ? "fact" : "claim",
                       joined(row.roles));
    if (with_ips && !row.ips.empty()) out << "  on " << joined(row.ips);
    out << '\n';
  }
}

}  // namespace

nlohmann::json indicator_to_json(const IndicatorStats& stats) {
  nlohmann::json json = {{"kind", to_text(stats.kind)},
                         {"value", json_text(stats.value)},
                         {"roles", texts(stats.roles)},
                         {"first_seen", format_iso8601(stats.first_seen)},
                         {"last_seen", format_iso8601(stats.last_seen)},
                         {"messages", stats.messages},
                         {"trust", stats.fact ? "fact" : "claim"},
                         {"ips", texts(stats.ips)}};
  // Only when the list is cut short: how many there are in all.
  if (stats.ips_total > static_cast<int64_t>(stats.ips.size())) json["ips_total"] = stats.ips_total;
  return json;
}

void print_campaign_list(const std::vector<CampaignSummary>& campaigns, std::ostream& out) {
  if (campaigns.empty()) {
    out << "no campaigns (run `spamgraph campaign auto`)\n";
    return;
  }
  out << fmt::format("  {:>5}  {:>8}  {:<10}  {:<10}  {}\n", "id", "messages", "first", "last", "name");
  for (const CampaignSummary& c : campaigns)
    out << fmt::format("  {:>5}  {:>8}  {:<10}  {:<10}  {}{}\n", c.id, c.messages,
                       c.messages ? day(c.first_seen) : "-", c.messages ? day(c.last_seen) : "-", shown(c.name),
                       c.pinned ? "  (by hand)" : "");
}

nlohmann::json campaign_list_to_json(const std::vector<CampaignSummary>& campaigns) {
  nlohmann::json list = nlohmann::json::array();
  for (const CampaignSummary& c : campaigns)
    list.push_back({{"id", c.id},
                    {"name", json_text(c.name)},
                    {"messages", c.messages},
                    {"first_seen", c.messages ? nlohmann::json(format_iso8601(c.first_seen)) : nlohmann::json()},
                    {"last_seen", c.messages ? nlohmann::json(format_iso8601(c.last_seen)) : nlohmann::json()},
                    {"pinned", c.pinned}});
  return list;
}

void print_campaign(const CampaignSummary& c, const std::vector<IndicatorStats>& members, std::ostream& out) {
  out << "campaign " << c.id << ": " << shown(c.name) << (c.pinned ? " (changed by hand)" : "") << '\n';
  out << "  messages " << c.messages;
  if (c.messages) out << ", " << day(c.first_seen) << " to " << day(c.last_seen);
  out << '\n';
  for (EntityKind kind : kIndicatorKinds) {
    std::vector<IndicatorStats> rows;
    for (const IndicatorStats& member : members)
      if (member.kind == kind) rows.push_back(member);
    if (rows.empty()) continue;
    out << to_text(kind) << " (" << rows.size() << "):\n";
    print_indicator_rows(rows, out, kind == EntityKind::domain);
  }
}

nlohmann::json campaign_to_json(const CampaignSummary& c, const std::vector<IndicatorStats>& members) {
  nlohmann::json json = campaign_list_to_json({c}).at(0);
  nlohmann::json list = nlohmann::json::array();
  for (const IndicatorStats& member : members) list.push_back(indicator_to_json(member));
  json["members"] = std::move(list);
  return json;
}

void print_campaign_auto(const CampaignAutoSummary& s, std::ostream& out) {
  out << fmt::format("{} messages, {} features: {} campaigns ({} continued, {} new, {} gone), {} messages in them\n",
                     s.messages, s.features, s.campaigns, s.continued, s.created, s.removed, s.clustered);
  if (s.hubs.empty()) return;
  out << "suppressed hubs (" << s.hubs.size() << "), linking nothing:\n";
  for (const CampaignHub& hub : s.hubs)
    out << fmt::format("  {:<40}  {:>6} messages/links  {}\n", shown(hub.key), hub.degree, shown(hub.reason));
}

nlohmann::json campaign_auto_to_json(const CampaignAutoSummary& s) {
  nlohmann::json hubs = nlohmann::json::array();
  for (const CampaignHub& hub : s.hubs)
    hubs.push_back({{"key", json_text(hub.key)}, {"reason", json_text(hub.reason)}, {"degree", hub.degree}});
  return {{"messages", s.messages}, {"features", s.features},   {"campaigns", s.campaigns},
          {"continued", s.continued}, {"created", s.created}, {"removed", s.removed},
          {"clustered", s.clustered}, {"hubs", std::move(hubs)}};
}

namespace {

void print_pivot_node(const PivotNode& node, int level, std::ostream& out) {
  for (const PivotNode& child : node.children) {
    std::string how = child.direction == "in"        ? "<-" + child.relation + "-"
                      : child.direction == "message" ? "[" + child.via_relation + " -> " + child.relation + "]"
                                                     : "-" + child.relation + "->";
    out << std::string(static_cast<size_t>(level) * 2, ' ') << how << ' ' << indicator_text(child.entity.kind, child.entity.key)
        << fmt::format("  {} {} x{} {}", day(child.first_seen), day(child.last_seen), child.count,
                       child.fact ? "fact" : "claim")
        << '\n';
    print_pivot_node(child, level + 1, out);
  }
  if (node.more) out << std::string(static_cast<size_t>(level) * 2, ' ') << "... " << node.more << " more\n";
  if (node.messages_truncated)
    out << std::string(static_cast<size_t>(level) * 2, ' ') << "(shared messages: its newest only)\n";
  if (node.already_shown && level == 1)
    out << std::string(static_cast<size_t>(level) * 2, ' ') << "(" << node.already_shown << " links to entities shown above left out)\n";
}

nlohmann::json pivot_node_to_json(const PivotNode& node) {
  nlohmann::json children = nlohmann::json::array();
  for (const PivotNode& child : node.children) children.push_back(pivot_node_to_json(child));
  nlohmann::json json = {{"kind", to_text(node.entity.kind)}, {"value", json_text(node.entity.key)}};
  if (!node.relation.empty()) {
    json["relation"] = json_text(node.relation);
    json["direction"] = node.direction;
    if (!node.via_relation.empty()) json["via"] = json_text(node.via_relation);
    json["trust"] = node.fact ? "fact" : "claim";
  }
  if (node.first_seen) {
    json["first_seen"] = format_iso8601(node.first_seen);
    json["last_seen"] = format_iso8601(node.last_seen);
  }
  json["count"] = node.count;
  json["more"] = node.more;
  json["already_shown"] = node.already_shown;
  json["messages_truncated"] = node.messages_truncated;
  json["children"] = std::move(children);
  return json;
}

}  // namespace

void print_pivot(const PivotNode& tree, std::ostream& out) {
  out << indicator_text(tree.entity.kind, tree.entity.key);
  if (tree.first_seen) out << "  in mail " << day(tree.first_seen) << " to " << day(tree.last_seen) << ", " << tree.count << " messages";
  out << '\n';
  print_pivot_node(tree, 1, out);
}

nlohmann::json pivot_to_json(const PivotNode& tree) { return pivot_node_to_json(tree); }

void print_timeline(const Timeline& t, std::ostream& out) {
  out << "timeline of " << shown(t.subject) << ": " << t.messages << " messages";
  if (t.messages) out << ", " << day(t.first_seen) << " to " << day(t.last_seen);
  out << "\n\nindicators, by first sighting:\n";
  print_indicator_rows(t.indicators, out, false);
  const int64_t unlisted = t.indicators_total - static_cast<int64_t>(t.indicators.size());
  if (unlisted > 0) out << "  ... and " << unlisted << " more (--limit 0 lists all)\n";
  out << "\nweeks" << (t.weeks_truncated ? " (the newest only)" : "") << ":\n";
  for (const TimelineWeekRow& week : t.weeks) {
    out << fmt::format("  {}  {:>6} messages", day(week.week_start), week.messages);
    if (week.new_count) {
      out << "  new:";
      for (const std::string& item : week.new_indicators) out << ' ' << shown(item) << ';';
      const int64_t unnamed = week.new_count - static_cast<int64_t>(week.new_indicators.size());
      if (unnamed > 0) out << " and " << unnamed << " more";
    }
    out << '\n';
  }
}

nlohmann::json timeline_to_json(const Timeline& t) {
  nlohmann::json indicators = nlohmann::json::array();
  for (const IndicatorStats& stats : t.indicators) indicators.push_back(indicator_to_json(stats));
  nlohmann::json weeks = nlohmann::json::array();
  for (const TimelineWeekRow& week : t.weeks)
    weeks.push_back({{"week", day(week.week_start)},
                     {"messages", week.messages},
                     {"new_count", week.new_count},
                     {"new", json_texts(week.new_indicators)}});
  return {{"subject", json_text(t.subject)},
          {"messages", t.messages},
          {"first_seen", t.messages ? nlohmann::json(format_iso8601(t.first_seen)) : nlohmann::json()},
          {"last_seen", t.messages ? nlohmann::json(format_iso8601(t.last_seen)) : nlohmann::json()},
          {"indicators_total", t.indicators_total},
          {"indicators", std::move(indicators)},
          {"weeks", std::move(weeks)},
          {"weeks_truncated", t.weeks_truncated}};
}

namespace {

int64_t total(const std::map<EntityKind, int64_t>& by_kind) {
  int64_t sum = 0;
  for (const auto& [kind, count] : by_kind) sum += count;
  return sum;
}

// "12: 3 domain, 9 ip", or "0".
std::string counted(const std::map<EntityKind, int64_t>& by_kind) {
  std::string text = std::to_string(total(by_kind));
  const char* separator = ": ";
  for (EntityKind kind : kIndicatorKinds)
    if (auto count = by_kind.find(kind); count != by_kind.end()) {
      text += separator + std::to_string(count->second) + " " + std::string(to_text(kind));
      separator = ", ";
    }
  return text;
}

void print_unlisted(const std::vector<IndicatorStats>& listed, const std::map<EntityKind, int64_t>& by_kind,
                    std::ostream& out) {
  const int64_t unlisted = total(by_kind) - static_cast<int64_t>(listed.size());
  if (unlisted > 0) out << "  ... and " << unlisted << " more (--limit 0 lists all)\n";
}

nlohmann::json kind_counts(const std::map<EntityKind, int64_t>& by_kind) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [kind, count] : by_kind) counts[std::string(to_text(kind))] = count;
  return counts;
}

}  // namespace

void print_diff(const DiffResult& diff, std::ostream& out) {
  out << "period " << format_iso8601(diff.since) << " to " << format_iso8601(diff.until) << " (previous from "
      << format_iso8601(diff.previous_since) << ")\n";
  out << "\nappeared (" << counted(diff.appeared_by_kind) << "):\n";
  print_indicator_rows(diff.appeared, out, true);
  print_unlisted(diff.appeared, diff.appeared_by_kind, out);
  out << "\nvanished (" << counted(diff.vanished_by_kind) << "): seen in the previous period, not in this one\n";
  print_indicator_rows(diff.vanished, out, false);
  print_unlisted(diff.vanished, diff.vanished_by_kind, out);
}

nlohmann::json diff_to_json(const DiffResult& diff) {
  nlohmann::json appeared = nlohmann::json::array();
  for (const IndicatorStats& stats : diff.appeared) appeared.push_back(indicator_to_json(stats));
  nlohmann::json vanished = nlohmann::json::array();
  for (const IndicatorStats& stats : diff.vanished) vanished.push_back(indicator_to_json(stats));
  return {{"since", format_iso8601(diff.since)},
          {"until", format_iso8601(diff.until)},
          {"previous_since", format_iso8601(diff.previous_since)},
          {"appeared_total", total(diff.appeared_by_kind)},
          {"appeared_by_kind", kind_counts(diff.appeared_by_kind)},
          {"appeared", std::move(appeared)},
          {"vanished_total", total(diff.vanished_by_kind)},
          {"vanished_by_kind", kind_counts(diff.vanished_by_kind)},
          {"vanished", std::move(vanished)}};
}

}  // namespace sg
