// The prose of a report, shared by the Markdown and the HTML writer: the title,
// the summary paragraphs and the note on facts and claims, in the reader's
// language. Our own words hold no markup characters; every value that came from
// spam or a registry goes through the writer's escape function (indicators are
// defanged first).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "analysis/report_model.h"

namespace sg {

/// Escapes one value for the writer's format (escape_markdown, escape_html).
using EscapeText = std::string (*)(std::string_view);

/// "Campaign report: NAME" / "キャンペーン報告: NAME", escaped with `escape`
/// ("Campaign report #ID" when the name is empty).
std::string report_title(const CampaignReport& report, ReportLanguage language, EscapeText escape);

/// "Generated: 2026-12-07 07:28 UTC · Period: since 2026-11-23" (or all time): one
/// line of our own text only, so it needs no escaping.
std::string generated_line(const CampaignReport& report, ReportLanguage language);

/// The summary as paragraphs of plain text: how many messages between which
/// dates, how many senders, domains and relays; the AS, holder, country and
/// prefixes behind the senders; how many senders are facts and how many claims;
/// what appeared new in the period. Values escaped with `escape`.
std::vector<std::string> summary_paragraphs(const CampaignReport& report, ReportLanguage language,
                                            EscapeText escape);

/// What a fact is and what a claim is, as paragraphs of our own text.
std::vector<std::string> fact_claim_paragraphs(ReportLanguage language);

/// "12 more nodes are not drawn" / "12個のノードは描画を省略しました".
std::string nodes_left_out_text(size_t count, ReportLanguage language);

/// "12 more edges are not drawn" / "12本のエッジは描画を省略しました".
std::string edges_left_out_text(size_t count, ReportLanguage language);

}  // namespace sg
