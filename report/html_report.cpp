#include "report/html_report.h"

#include "report/csp.h"
#include "report/escape.h"
#include "report/graph_svg.h"
#include "report/html_assets.h"
#include "report/labels.h"
#include "report/report_tables.h"
#include "report/summary_text.h"
#include "report/timeline_svg.h"

namespace sg {

namespace {

std::string_view cell_class(const ReportColumn& column) {
  switch (column.kind) {
    case ColumnKind::indicator: return "ind";
    case ColumnKind::count: return "num";
    case ColumnKind::date: return "date";
    case ColumnKind::text: break;
  }
  return column.label == LabelId::subject || column.label == LabelId::as_holder ? "text" : "";
}

void section_start(std::string& out, std::string_view id, std::string_view title) {
  out += "<section id=\"" + std::string(id) + "\">\n<h2>" + escape_html(title) + "</h2>\n";
}

void paragraphs(std::string& out, const std::vector<std::string>& texts, std::string_view css_class = "") {
  for (const std::string& text : texts) {
    out += css_class.empty() ? "<p>" : "<p class=\"" + std::string(css_class) + "\">";
    out += text + "</p>\n";
  }
}

void table(std::string& out, const ReportTable& table, ReportLanguage language) {
  section_start(out, table.id, label(language, table.title));
  if (table.rows.empty()) {
    out += language == ReportLanguage::ja ? "<p class=\"note\">（なし）</p>\n</section>\n" : "<p class=\"note\">(none)</p>\n</section>\n";
    return;
  }
  const std::string table_id = "t-" + table.id;
  const std::string filter = escape_html(label(language, LabelId::filter));
  out += "<input type=\"search\" class=\"filter\" data-table=\"" + table_id + "\" placeholder=\"" + filter +
         "\" aria-label=\"" + filter + "\">\n";
  out += "<div class=\"table-wrap\"><table id=\"" + table_id + "\" class=\"sortable\">\n<thead><tr>";
  const std::string hint = escape_html(label(language, LabelId::sort_hint));
  for (const ReportColumn& column : table.columns) {
    out += "<th scope=\"col\" title=\"" + hint + "\"";
    if (column.numeric()) out += " data-type=\"num\"";
    if (column.kind == ColumnKind::count) out += " class=\"num\"";
    out += ">" + escape_html(label(language, column.label)) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<ReportCell>& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size() && i < table.columns.size(); ++i) {
      const ReportColumn& column = table.columns[i];
      const ReportCell& cell = row[i];
      std::string_view css_class = cell_class(column);
      if (column.label == LabelId::basis)
        css_class = cell.text == label(language, LabelId::fact) ? "fact" : "claim";
      out += "<td";
      if (!css_class.empty()) out += " class=\"" + std::string(css_class) + "\"";
      // The script sorts by the cell's text where no data-sort is given.
      if (cell.sort_key != cell.text) out += " data-sort=\"" + escape_html(cell.sort_key) + "\"";
      out += ">" + escape_html(cell.text) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

Result<std::string> render_page(const CampaignReport& report, ReportLanguage language) {
  Result<std::string> graph = render_graph_svg(report, language);
  if (!graph) return graph.error();
  const std::string_view script = report_script();
  const bool ja = language == ReportLanguage::ja;

  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  out += ja ? "ja" : "en";
  out += "\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + report_csp(script) + "\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<title>" + report_title(report, language, escape_html) + "</title>\n";
  out += "<style>" + std::string(report_css()) + "</style>\n</head>\n<body>\n<main>\n";
  out += "<h1>" + report_title(report, language, escape_html) + "</h1>\n";
  out += "<p class=\"meta\">" + escape_html(generated_line(report, language)) + "</p>\n";

  section_start(out, "summary", label(language, LabelId::summary));
  paragraphs(out, summary_paragraphs(report, language, escape_html));
  out += "</section>\n";

  section_start(out, "graph", label(language, LabelId::graph));
  out += "<div class=\"figure graph\">" + graph.value() + "</div>\n";
  std::vector<std::string> graph_notes = {
      ja ? "実線は事実、破線は主張を表します。" : "Solid lines are facts, dashed lines are claims."};
  if (const size_t left_out = graph_nodes_left_out(report); left_out > 0)
    graph_notes.push_back(escape_html(nodes_left_out_text(left_out, language)) +
                          (ja ? "（最大" : " (at most ") + std::to_string(kMaxGraphNodes) +
                          (ja ? "個まで描画）。" : " are drawn)."));
  paragraphs(out, graph_notes, "note");
  out += "</section>\n";

  section_start(out, "timeline", label(language, LabelId::timeline));
  out += "<div class=\"figure\">" + render_timeline_svg(report, language) + "</div>\n</section>\n";

  table(out, sender_table(report, language), language);
  table(out, domain_table(report, language), language);
  table(out, relay_table(report, language), language);
  if (report.since || !report.new_in_period.empty()) table(out, new_indicator_table(report, language), language);
  table(out, sample_table(report, language), language);

  section_start(out, "facts", label(language, LabelId::facts_and_claims));
  std::vector<std::string> facts;
  for (const std::string& text : fact_claim_paragraphs(language)) facts.push_back(escape_html(text));
  paragraphs(out, facts);
  out += "</section>\n</main>\n<script>" + std::string(script) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace

Result<std::string> render_html(const CampaignReport& report, ReportLanguage language) {
  try {
    return render_page(report, language);
  } catch (const std::exception& error) {
    return Error{std::string("writing the HTML report failed: ") + error.what(), "report"};
  }
}

}  // namespace sg
