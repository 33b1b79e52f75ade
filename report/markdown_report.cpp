#include "report/markdown_report.h"

#include "report/escape.h"
#include "report/labels.h"
#include "report/report_tables.h"
#include "report/summary_text.h"

namespace sg {

namespace {

void heading(std::string& out, std::string_view level, std::string_view text) {
  out += std::string(level) + " " + escape_markdown(text) + "\n\n";
}

void paragraphs(std::string& out, const std::vector<std::string>& texts) {
  for (const std::string& text : texts) out += text + "\n\n";
}

// A GFM table; an empty one is written as a sentence instead (a header alone
// reads like a mistake).
void table(std::string& out, const ReportTable& table, ReportLanguage language) {
  heading(out, "##", label(language, table.title));
  if (table.rows.empty()) {
    out += language == ReportLanguage::ja ? "（なし）\n\n" : "(none)\n\n";
    return;
  }
  std::string header = "|", rule = "|";
  for (const ReportColumn& column : table.columns) {
    header += " " + escape_markdown(label(language, column.label)) + " |";
    rule += column.numeric() ? " ---: |" : " --- |";
  }
  out += header + "\n" + rule + "\n";
  for (const std::vector<ReportCell>& row : table.rows) {
    out += "|";
    for (const ReportCell& cell : row) out += " " + escape_markdown(cell.text) + " |";
    out += "\n";
  }
  out += "\n";
}

}  // namespace

std::string render_markdown(const CampaignReport& report, ReportLanguage language) {
  std::string out = "# " + report_title(report, language, escape_markdown) + "\n\n";
  out += "*" + generated_line(report, language) + "*\n\n";
  heading(out, "##", label(language, LabelId::summary));
  paragraphs(out, summary_paragraphs(report, language, escape_markdown));
  out += label(language, LabelId::html_has_figures);
  out += "\n\n";
  table(out, sender_table(report, language), language);
  table(out, domain_table(report, language), language);
  table(out, relay_table(report, language), language);
  if (report.since || !report.new_in_period.empty()) table(out, new_indicator_table(report, language), language);
  table(out, week_table(report, language), language);
  table(out, sample_table(report, language), language);
  heading(out, "##", label(language, LabelId::facts_and_claims));
  paragraphs(out, fact_claim_paragraphs(language));
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace sg
