// The tables of a campaign report as plain cells, shared by the Markdown and the
// HTML writer: labels in the reader's language, dates and counts formatted,
// indicators defanged, nothing escaped yet (each writer escapes for its format).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "analysis/report_model.h"
#include "report/labels.h"

namespace sg {

/// One cell: what it shows and how it sorts.
struct ReportCell {
  std::string text;      ///< shown text: defanged, not escaped; may hold spam-derived bytes
  /// What a table sorts by: a decimal number when the column is numeric, else text
  /// (defanged like the cell; the shown text itself for free text).
  std::string sort_key;
};

/// What a column holds, for alignment, wrapping and sorting.
enum class ColumnKind {
  text,       ///< free text (a subject, a holder's name): wraps
  indicator,  ///< addresses, names, AS numbers, maintainers: one line, monospace
  count,      ///< counts: right-aligned, sort keys are decimal numbers
  date,       ///< dates: one line, sort keys are Unix times
};

/// One column's header.
struct ReportColumn {
  LabelId label;
  ColumnKind kind = ColumnKind::text;
  /// Whether the sort keys are decimal numbers (counts, Unix times).
  bool numeric() const { return kind == ColumnKind::count || kind == ColumnKind::date; }
};

/// One table of the report.
struct ReportTable {
  std::string id;  ///< stable ASCII name ("senders", "domains", ...), for HTML ids and tests
  LabelId title;   ///< the section it belongs to
  std::vector<ReportColumn> columns;
  std::vector<std::vector<ReportCell>> rows;  ///< each row has columns.size() cells
};

/// Sender infrastructure: IP, rDNS, prefix, AS, holder, country, route object,
/// maintainer, first seen, last seen, messages, fact/claim.
ReportTable sender_table(const CampaignReport& report, ReportLanguage language);

/// Domains: domain, roles, IPs, registered, first seen, last seen, messages, fact/claim.
ReportTable domain_table(const CampaignReport& report, ReportLanguage language);

/// Relays: IP, HELO name, rDNS, prefix, AS, first seen, last seen, messages, fact/claim.
ReportTable relay_table(const CampaignReport& report, ReportLanguage language);

/// Indicators new in the period: kind, indicator, first seen.
ReportTable new_indicator_table(const CampaignReport& report, ReportLanguage language);

/// Sample messages: date, subject, origin IP.
ReportTable sample_table(const CampaignReport& report, ReportLanguage language);

/// Messages per week: week, messages, new indicators.
ReportTable week_table(const CampaignReport& report, ReportLanguage language);

/// Whether an indicator of `kind` ("ip", "domain", "asn", ...) is defanged when
/// shown: addresses, names, prefixes, URLs and e-mail addresses are; AS numbers,
/// organisations, countries and maintainers are not.
bool is_defanged_kind(std::string_view kind);

/// A key that sorts IPv4 addresses and prefixes numerically as text
/// ("103.244.52.0/22" -> "103.244.052.000/22"); other text is returned as given.
/// Not defanged: the tables defang it.
std::string address_sort_key(std::string_view address);

}  // namespace sg
