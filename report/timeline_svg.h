// The campaign's weeks as a small bar chart, written as SVG by hand (a chart
// needs no graph layout).
#pragma once
#include <string>

#include "analysis/report_model.h"

namespace sg {

/// One <svg> element (no XML prolog, for inlining in HTML): a bar per week of
/// `report.weeks` (height: messages), an orange marker with the count above each
/// week that brought new indicators, a y axis with gridlines at round numbers, week
/// dates on the x axis (thinned out to about a dozen), axis titles and a legend in
/// `language`, and a <title> per bar for pointers and screen readers. It scales to
/// its container (viewBox). All text is escaped; an empty report gives empty axes.
std::string render_timeline_svg(const CampaignReport& report, ReportLanguage language);

}  // namespace sg
