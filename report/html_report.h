// A campaign report as one self-contained HTML page.
#pragma once
#include <string>

#include "analysis/report_model.h"
#include "core/result.h"

namespace sg {

/// The report as one HTML5 file that needs nothing else: inline CSS, the one
/// inline script (report/html_assets.h: sortable, filterable tables) and the two
/// SVG figures (render_graph_svg, render_timeline_svg) inline; no external URL,
/// no web font. <html lang> is the language, the page is responsive (viewport
/// meta, tables scrolling inside their own wrapper), and a Content-Security-Policy
/// <meta> (report/csp.h) lets only that one script run, by its SHA-256, and
/// nothing load, so that text which escaping had missed still could not run or
/// fetch anything. Same sections as render_markdown plus the graph and the
/// timeline. Every spam-derived value is escaped with escape_html and every
/// indicator defanged; the output is valid UTF-8. Fails only when Graphviz
/// cannot draw the graph (its error is passed on).
Result<std::string> render_html(const CampaignReport& report, ReportLanguage language);

}  // namespace sg
