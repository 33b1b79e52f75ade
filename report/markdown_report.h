// A campaign report as Markdown: a post a researcher could publish.
#pragma once
#include <string>

#include "analysis/report_model.h"

namespace sg {

/// The report as GitHub-flavoured Markdown (GFM tables, which Python-Markdown's
/// "tables" extension reads too): the title, when it was generated and for which
/// period, a summary, then a section per table (sender infrastructure, domains,
/// relays, new in the period when the report has a period or new indicators,
/// messages per week, sample messages) and what a fact and a claim are. Every
/// indicator is defanged and every value escaped with escape_markdown, so no
/// spam-derived text can become a link, an image, raw HTML or a cell boundary;
/// the output is valid UTF-8. The graph and the timeline are drawn only in the
/// HTML report (a note says so).
std::string render_markdown(const CampaignReport& report, ReportLanguage language);

}  // namespace sg
