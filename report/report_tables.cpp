#include "report/report_tables.h"

#include <cstdio>

#include "report/defang.h"

namespace sg {

namespace {

std::string or_unknown(std::string text, ReportLanguage language) {
  if (text.empty()) return std::string(label(language, LabelId::unknown));
  return text;
}

// A defanged indicator, or the empty-cell mark.
ReportCell indicator_cell(std::string_view value, ReportLanguage language) {
  if (value.empty()) return {std::string(label(language, LabelId::unknown)), ""};
  return {defang(value), defang(address_sort_key(value))};
}

ReportCell text_cell(std::string_view value, ReportLanguage language) {
  std::string text = or_unknown(std::string(value), language);
  return {text, value.empty() ? "" : text};
}

ReportCell date_cell(UnixTime time, ReportLanguage language) {
  return {format_date(time, language), std::to_string(time)};
}

ReportCell count_cell(int64_t count, ReportLanguage language) {
  return {format_count(count, language), std::to_string(count)};
}

ReportCell basis_cell(bool fact, ReportLanguage language) {
  const std::string_view text = label(language, fact ? LabelId::fact : LabelId::claim);
  return {std::string(text), std::string(text)};
}

ReportColumn text_column(LabelId id) { return {id, ColumnKind::text}; }
ReportColumn indicator_column(LabelId id) { return {id, ColumnKind::indicator}; }
ReportColumn count_column(LabelId id) { return {id, ColumnKind::count}; }
ReportColumn date_column(LabelId id) { return {id, ColumnKind::date}; }

}  // namespace

bool is_defanged_kind(std::string_view kind) {
  return kind == "ip" || kind == "domain" || kind == "prefix" || kind == "url" || kind == "email" ||
         kind == "route";
}

std::string address_sort_key(std::string_view address) {
  // Only a dotted quad, optionally with "/len"; anything else sorts as text.
  unsigned octets[4] = {0, 0, 0, 0};
  size_t at = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (at >= address.size() || address[at] != '.') return std::string(address);
      ++at;
    }
    size_t digits = 0;
    unsigned value = 0;
    while (at < address.size() && address[at] >= '0' && address[at] <= '9' && digits < 3) {
      value = value * 10 + static_cast<unsigned>(address[at] - '0');
      ++at, ++digits;
    }
    if (digits == 0 || value > 255) return std::string(address);
    octets[part] = value;
  }
  if (at != address.size() && address[at] != '/') return std::string(address);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%03u.%03u.%03u.%03u", octets[0], octets[1], octets[2], octets[3]);
  return std::string(buffer) + std::string(address.substr(at));
}

ReportTable sender_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"senders", LabelId::sender_infrastructure, {}, {}};
  table.columns = {indicator_column(LabelId::ip),         indicator_column(LabelId::rdns),
                   indicator_column(LabelId::prefix),     indicator_column(LabelId::asn),
                   text_column(LabelId::as_holder),  text_column(LabelId::country),
                   indicator_column(LabelId::route),      indicator_column(LabelId::maintainer),
                   date_column(LabelId::first_seen), date_column(LabelId::last_seen),
                   count_column(LabelId::messages), text_column(LabelId::basis)};
  for (const SenderRow& row : report.senders)
    table.rows.push_back({indicator_cell(row.ip, language), indicator_cell(row.rdns, language),
                          indicator_cell(row.prefix, language), text_cell(row.asn, language),
                          text_cell(row.as_holder, language), text_cell(row.country, language),
                          indicator_cell(row.route, language), text_cell(row.route_maintainer, language),
                          date_cell(row.first_seen, language), date_cell(row.last_seen, language),
                          count_cell(row.messages, language), basis_cell(row.fact, language)});
  return table;
}

ReportTable domain_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"domains", LabelId::domains, {}, {}};
  table.columns = {indicator_column(LabelId::domain),       text_column(LabelId::roles),
                   indicator_column(LabelId::ips),          date_column(LabelId::registered),
                   date_column(LabelId::first_seen), date_column(LabelId::last_seen),
                   count_column(LabelId::messages),   text_column(LabelId::basis)};
  for (const DomainRow& row : report.domains) {
    std::string roles, ips;
    for (const std::string& role : row.roles) {
      if (!roles.empty()) roles += language == ReportLanguage::ja ? "、" : ", ";
      roles += role_label(language, role);
    }
    for (const std::string& ip : row.ips) {
      if (!ips.empty()) ips += ", ";
      ips += defang(ip);
    }
    ReportCell registered = row.registered ? date_cell(*row.registered, language)
                                           : ReportCell{std::string(label(language, LabelId::unknown)), ""};
    table.rows.push_back({indicator_cell(row.domain, language), {or_unknown(roles, language), roles},
                          {or_unknown(ips, language), row.ips.empty() ? "" : defang(address_sort_key(row.ips.front()))},
                          std::move(registered), date_cell(row.first_seen, language),
                          date_cell(row.last_seen, language), count_cell(row.messages, language),
                          basis_cell(row.fact, language)});
  }
  return table;
}

ReportTable relay_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"relays", LabelId::relays, {}, {}};
  table.columns = {indicator_column(LabelId::ip),           indicator_column(LabelId::helo),
                   indicator_column(LabelId::rdns),         indicator_column(LabelId::prefix),
                   indicator_column(LabelId::asn),          date_column(LabelId::first_seen),
                   date_column(LabelId::last_seen),  count_column(LabelId::messages),
                   text_column(LabelId::basis)};
  for (const RelayRow& row : report.relays)
    table.rows.push_back({indicator_cell(row.ip, language), indicator_cell(row.helo, language),
                          indicator_cell(row.rdns, language), indicator_cell(row.prefix, language),
                          text_cell(row.asn, language), date_cell(row.first_seen, language),
                          date_cell(row.last_seen, language), count_cell(row.messages, language),
                          basis_cell(row.fact, language)});
  return table;
}

ReportTable new_indicator_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"new", LabelId::new_in_period, {}, {}};
  table.columns = {text_column(LabelId::kind), indicator_column(LabelId::indicator), date_column(LabelId::first_seen)};
  for (const NewIndicator& row : report.new_in_period) {
    const std::string kind(kind_label(language, row.kind));
    table.rows.push_back({{kind, kind},
                          is_defanged_kind(row.kind) ? indicator_cell(row.value, language)
                                                     : text_cell(row.value, language),
                          date_cell(row.first_seen, language)});
  }
  return table;
}

ReportTable sample_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"samples", LabelId::samples, {}, {}};
  table.columns = {date_column(LabelId::date), text_column(LabelId::subject), indicator_column(LabelId::origin_ip)};
  for (const MessageRow& row : report.samples)
    table.rows.push_back({{format_date_time(row.time, language), std::to_string(row.time)},
                          text_cell(row.subject, language), indicator_cell(row.origin_ip, language)});
  return table;
}

ReportTable week_table(const CampaignReport& report, ReportLanguage language) {
  ReportTable table{"weeks", LabelId::timeline, {}, {}};
  table.columns = {date_column(LabelId::week), count_column(LabelId::messages),
                   count_column(LabelId::new_indicators)};
  for (const TimelineWeek& week : report.weeks)
    table.rows.push_back({date_cell(week.week_start, language), count_cell(week.messages, language),
                          count_cell(week.new_indicators, language)});
  return table;
}

}  // namespace sg
