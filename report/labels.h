// The words, dates and numbers of a report in the reader's language (English or
// Japanese). Every label is our own text: it holds no Markdown or HTML markup, so
// a writer may still escape it like any other text without changing it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/report_model.h"
#include "core/time.h"

namespace sg {

/// Every label a report shows: section titles, column headers, words.
enum class LabelId {
  report_title,         ///< "Campaign report" (the name follows)
  generated,            ///< "Generated"
  period,               ///< "Period"
  all_time,             ///< "all time"
  since,                ///< "since" (a date follows)
  summary,              ///< section: summary
  sender_infrastructure,///< section and table: origin IPs with their networks
  domains,              ///< section and table: registrable domains
  relays,               ///< section and table: relaying servers
  new_in_period,        ///< section and table: indicators first seen in the period
  nothing_new,          ///< "Nothing new appeared in this period."
  timeline,             ///< section: messages per week
  graph,                ///< section: infrastructure graph
  samples,              ///< section and table: sample messages
  facts_and_claims,     ///< section: what is a fact and what is claimed
  ip,                   ///< column: IP address
  rdns,                 ///< column: reverse DNS name
  prefix,               ///< column: routed prefix
  asn,                  ///< column: AS number
  as_holder,            ///< column: AS holder
  country,              ///< column: country
  route,                ///< column: IRR route object
  maintainer,           ///< column: route object's maintainer
  first_seen,           ///< column: first seen
  last_seen,            ///< column: last seen
  messages,             ///< column: number of messages
  basis,                ///< column: fact or claim
  fact,                 ///< "fact": stated by a trusted hop
  claim,                ///< "claim": only claimed by a server the sender may control
  domain,               ///< column: domain
  roles,                ///< column: roles a domain played
  ips,                  ///< column: IP addresses
  registered,           ///< column: registration date
  helo,                 ///< column: HELO name
  kind,                 ///< column: kind of indicator
  indicator,            ///< column: the indicator itself
  date,                 ///< column: date and time
  subject,              ///< column: subject
  origin_ip,            ///< column: origin IP of a message
  week,                 ///< column and axis: week (starting Monday)
  new_indicators,       ///< column and legend: indicators first seen that week
  filter,               ///< placeholder of a table's filter box
  sort_hint,            ///< tooltip of a sortable column header
  unknown,              ///< what an empty cell shows
  nodes_left_out,       ///< "more nodes are not drawn" (a count precedes it)
  edges_left_out,       ///< "more edges are not drawn" (a count precedes it)
  html_has_figures,     ///< Markdown's note that the HTML version draws the graph and timeline
};

/// The text of `id` in `language`; static, never empty.
std::string_view label(ReportLanguage language, LabelId id);

/// A role of an indicator ("helo", "envelope-from", ... as core/vocabulary.h writes
/// them) for a reader; a role this version does not know comes back as given.
std::string_view role_label(ReportLanguage language, std::string_view role);

/// A relation of the graph ("helo", "resolves-to", "in-prefix", ...) for a reader;
/// an unknown one comes back as given.
std::string_view relation_label(ReportLanguage language, std::string_view relation);

/// A kind of entity ("ip", "domain", "prefix", "asn", ...) for a reader; an unknown
/// one comes back as given.
std::string_view kind_label(ReportLanguage language, std::string_view kind);

/// A UTC date: en "2026-12-07" (ISO 8601, unambiguous for every reader),
/// ja "2026年12月7日".
std::string format_date(UnixTime time, ReportLanguage language);

/// A UTC date and minute: en "2026-12-07 07:28 UTC", ja "2026年12月7日 7:28 (UTC)".
std::string format_date_time(UnixTime time, ReportLanguage language);

/// A short UTC date for chart axes: en "12-07", ja "12/7".
std::string format_month_day(UnixTime time, ReportLanguage language);

/// A count with thousand separators: "1,234,567" (Japanese writes them the same).
std::string format_count(int64_t count, ReportLanguage language);

/// The civil UTC date of `time`, for callers that lay out dates themselves.
struct CivilDate {
  int64_t year = 1970;
  int month = 1;  ///< 1..12
  int day = 1;    ///< 1..31
  int hour = 0;
  int minute = 0;
};
CivilDate civil_date(UnixTime time);

}  // namespace sg
