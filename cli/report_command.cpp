// `spamgraph report CAMPAIGN --format md|html`: the campaign's report for a blog
// post or an abuse desk (analysis/report_builder.h gathers, report/ writes).
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "analysis/report_builder.h"
#include "cli/commands.h"
#include "cli/report_masks.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "store/campaigns.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

struct ReportFlags {
  std::string campaign;
  std::string format = "md";
  std::string lang = "en";
  std::string since;
  std::string output;
};

int run_report(const CommandContext& context, const ReportFlags& flags) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  // One read transaction: the question sees one state of the store however long it
  // takes, and its many small reads skip a lock round each.
  ReadSnapshot snapshot(**store);
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  auto campaign = find_campaign(**store, flags.campaign);
  if (!campaign) return fail_with(campaign.error());
  ReportOptions options;
  options.now = static_cast<UnixTime>(std::time(nullptr));
  if (!flags.since.empty()) {
    auto since = parse_user_date(flags.since);
    if (!since) return fail_with(Error{"not a date (try 2024-01-31)", "--since " + flags.since});
    options.since = *since;
  }
  auto ids = campaign_message_ids(**store, campaign->id);
  if (!ids) return fail_with(ids.error());
  auto masks = report_masks(**store, *ids, context.analysis);
  if (!masks) return fail_with(masks.error());
  auto report = build_campaign_report(**store, campaign->id, options, *masks);
  if (!report) return fail_with(report.error());
  const ReportLanguage language = flags.lang == "ja" ? ReportLanguage::ja : ReportLanguage::en;
  std::string text;
  if (flags.format == "html") {
    auto html = render_html(*report, language);
    if (!html) return fail_with(html.error());
    text = std::move(*html);
  } else {
    text = render_markdown(*report, language);
  }
  if (flags.output.empty() || flags.output == "-") {
    std::cout << text;
    if (auto status = flush_standard_output(); !status) return fail_with(status.error());
    return kExitOk;
  }
  std::ofstream out(flags.output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return fail_with(Error{"cannot write the report", flags.output});
  std::cerr << "wrote " << flags.output << " (" << text.size() << " bytes)\n";
  return kExitOk;
}

}  // namespace

RegisteredCommand add_report_command(CLI::App& app) {
  auto flags = std::make_shared<ReportFlags>();
  auto* report = app.add_subcommand(
      "report", "a campaign's report for people: Markdown for a blog, or one self-contained HTML file");
  report->add_option("CAMPAIGN", flags->campaign, "id or name (`campaign show` lists them)")->required();
  report->add_option("--format", flags->format, "md or html (default md)")->check(CLI::IsMember({"md", "html"}));
  report->add_option("--lang", flags->lang, "en or ja: labels, dates and numbers (default en)")
      ->check(CLI::IsMember({"en", "ja"}));
  report->add_option("--since", flags->since, "what is new from this date on is named as such");
  report->add_option("-o,--output", flags->output, "write to FILE instead of standard output");
  return {report, [flags](const CommandContext& context) { return run_report(context, *flags); }};
}

}  // namespace sg
