// report/markdown_report.h: the Markdown report read by two real Markdown
// processors: Python-Markdown with tables (the tables, row by row) and cmark with
// raw HTML allowed (no HTML, link or image may come from spam). SPAMGRAPH_KEEP_REPORTS
// keeps the Markdown for a person to read (tests/report_test_helpers.h).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "report/markdown_report.h"
#include "tests/helpers.h"
#include "tests/report_fixture.h"
#include "tests/report_test_helpers.h"

using namespace sg;
using namespace sg::report_test;
using nlohmann::json;

namespace {

// `markdown` turned into HTML by Python-Markdown with the tables extension.
std::string python_markdown(const TempDir& dir, const std::string& markdown) {
  require_program(kPython, "python3");
  const CommandResult check = run_command({kPython, "-c", "import markdown"});
  REQUIRE_MESSAGE(check.exit_code == 0, "Python-Markdown is missing: install the Debian package python3-markdown");
  write_text(dir.path("report.md"), markdown);
  keep(dir.path("report.md"));
  const CommandResult result = run_command({kPython, "-m", "markdown", "-x", "tables", dir.path("report.md")});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

// `markdown` turned into HTML by cmark, raw HTML passed through (--unsafe), so that
// any HTML escaping had missed would show.
std::string cmark_unsafe(const TempDir& dir, const std::string& markdown) {
  require_program("/usr/bin/cmark", "cmark");
  write_text(dir.path("report-cmark.md"), markdown);
  const CommandResult result = run_command({"/usr/bin/cmark", "--unsafe", dir.path("report-cmark.md")});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return result.out;
}

// No element or attribute in `probe` that spam text could have made.
void check_nothing_injected(const json& probe) {
  for (const char* tag : {"script", "img", "a", "iframe", "b", "strong", "del", "s", "code"})
    CHECK_MESSAGE(!probe["tags"].contains(tag), "element <" << std::string(tag) << "> in the rendered Markdown");
  CHECK(probe["tags"].value("em", 0) == 1);  // ours: the line saying when the report was made
  CHECK(probe["attributes"].empty());
}

}  // namespace

TEST_CASE("report markdown: tables, defanged indicators and literal spam text through Python-Markdown") {
  TempDir dir("report-md");
  const CampaignReport report = seed_report();
  const std::string markdown = render_markdown(report, ReportLanguage::en);
  REQUIRE(is_well_formed_utf8(markdown));
  CHECK(markdown.rfind("# Campaign report: i4HK fake complaint campaign\n", 0) == 0);
  CHECK(contains(markdown, "somach789\\[.\\]xyz and authoranz\\[.\\]xyz appeared"));
  CHECK(contains(markdown, "Between 2026-11-23 and 2026-12-06, this campaign sent 37 messages."));
  // No indicator is left fanged anywhere, and no line of spam breaks out.
  for (const char* fanged : {"103.244.54.137", "kldoqzn6x62p3.top", "somach789.xyz", "re27.leadw.link",
                             "114.113.195.11", "http://", "https://"})
    CHECK_MESSAGE(!contains(markdown, fanged), std::string(fanged));

  const std::string html = python_markdown(dir, markdown);
  write_text(dir.path("python-markdown.html"), html);
  const json probe = probe_html(dir.path("python-markdown.html"));
  check_nothing_injected(probe);
  const std::string text = probe["text"];
  CHECK(contains(text, "Since 2026-11-30, somach789[.]xyz and authoranz[.]xyz appeared."));
  CHECK(contains(text, "The senders are in AS58779 (i4HK Limited, HK, prefix 103[.]244[.]52[.]0/22)."));
  CHECK(contains(text, "The sender was recorded by our own trusted mail servers (a fact). Across the graph, 12 links are facts and 5 are claims."));
  REQUIRE(probe["tables"].size() == 6);  // senders, domains, relays, new, weeks, samples
  const std::vector<size_t> rows = {1, 4, 3, 2, 2, 3};
  const std::vector<size_t> columns = {12, 8, 9, 3, 3, 3};
  for (size_t i = 0; i < rows.size(); ++i) {
    const json& table = probe["tables"][i];
    INFO("table " << i);
    CHECK(table["headers"].size() == columns[i]);
    CHECK(table["rows"].size() == rows[i]);
    for (const auto& row : cells_of(table)) CHECK(row.size() == columns[i]);  // no cell split or lost
  }
  const auto senders = cells_of(probe["tables"][0]);
  CHECK(senders[0] == std::vector<std::string>{"103[.]244[.]54[.]137", "static-ip[.]137[.]54[.]244[.]103[.]rev[.]i4hk[.]com",
                                               "103[.]244[.]52[.]0/22", "AS58779", "i4HK Limited", "HK",
                                               "103[.]244[.]52[.]0/22 AS58779 APNIC", "MAINT-I4HK-AP", "2026-11-23",
                                               "2026-12-06", "37", "fact"});
  const auto domains = cells_of(probe["tables"][1]);
  CHECK(domains[0][0] == "kldoqzn6x62p3[.]top");
  CHECK(domains[0][1] == "HELO, envelope sender");
  CHECK(domains[0][3] == "2026-11-20");
  CHECK(domains[2][2] == "103[.]244[.]54[.]140");
  CHECK(domains[3][0] == "authoranz[.]xyz");
  const auto relays = cells_of(probe["tables"][2]);
  CHECK(relays[0][0] == "114[.]113[.]195[.]101");
  CHECK(relays[0][1] == "re27[.]leadw[.]link");
  CHECK(relays[2][1] == "mx|<b>bold</b>[x](javascript:alert(1))*em*[.]leadw[.]link");  // literal, one cell
  const auto fresh = cells_of(probe["tables"][3]);
  CHECK(fresh[0] == std::vector<std::string>{"domain", "somach789[.]xyz", "2026-12-01"});
  const auto samples = cells_of(probe["tables"][5]);
  CHECK(samples[0][1] == kHostileSubject);  // shown as text, exactly
  CHECK(samples[0][2] == "103[.]244[.]54[.]137");
  CHECK(samples[1][1] == kJapaneseSubject);
  CHECK(samples[2][1] == "caf\\xe9\\x0aline two | col ~~strike~~");
  CHECK(samples[2][2] == "\u2014");
  CHECK(contains(probe["text"].get<std::string>(), "What is a fact and what is claimed"));
}

TEST_CASE("report markdown: cmark with raw HTML allowed finds no HTML, link or image") {
  TempDir dir("report-cmark");
  for (const ReportLanguage language : {ReportLanguage::en, ReportLanguage::ja}) {
    const std::string html = cmark_unsafe(dir, render_markdown(seed_report(), language));
    CHECK_FALSE(contains(html, "<script"));
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "href="));
    CHECK_FALSE(contains(html, "<a "));
    CHECK(contains(html, "&lt;script&gt;document.title="));
    CHECK(contains(html, "[c](javascript:document.title="));  // literal text, no link
    write_text(dir.path("cmark.html"), html);
    check_nothing_injected(probe_html(dir.path("cmark.html")));
  }
}

TEST_CASE("report markdown: Japanese labels, dates and sentences") {
  TempDir dir("report-md-ja");
  const std::string markdown = render_markdown(seed_report(), ReportLanguage::ja);
  REQUIRE(is_well_formed_utf8(markdown));
  CHECK(markdown.rfind("# キャンペーン報告: i4HK fake complaint campaign\n", 0) == 0);
  CHECK(contains(markdown, "## 送信元インフラ"));
  CHECK(contains(markdown, "## 中継サーバー"));
  CHECK(contains(markdown, "2026年11月23日から2026年12月6日までに、このキャンペーンのメッセージを37通受信しました。"));
  CHECK(contains(markdown, "## 事実と主張の区別"));
  const json probe = [&] {
    write_text(dir.path("ja.html"), python_markdown(dir, markdown));
    return probe_html(dir.path("ja.html"));
  }();
  CHECK(contains(probe["text"].get<std::string>(), "2026年11月30日以降、somach789[.]xyz、authoranz[.]xyz が新たに現れました。"));
  CHECK(contains(probe["text"].get<std::string>(), "送信元はAS58779（i4HK Limited、HK、プレフィックス 103[.]244[.]52[.]0/22）にあります。"));
  CHECK(contains(probe["text"].get<std::string>(), "送信元は、自組織の信頼できるメールサーバーが記録した事実です。グラフ全体では、事実が12件、主張が5件です。"));
  REQUIRE(probe["tables"].size() == 6);
  CHECK(probe["tables"][0]["headers"][8] == "初観測");
  CHECK(probe["tables"][0]["headers"][9] == "最終観測");
  CHECK(probe["tables"][0]["headers"][10] == "通数");
  CHECK(probe["tables"][0]["headers"][11] == "事実/主張");
  const auto senders = cells_of(probe["tables"][0]);
  CHECK(senders[0][8] == "2026年11月23日");
  CHECK(senders[0][11] == "事実");
  CHECK(cells_of(probe["tables"][2])[2][8] == "主張");
  CHECK(cells_of(probe["tables"][5])[1][1] == kJapaneseSubject);
  check_nothing_injected(probe);
}

TEST_CASE("report markdown: an empty report still reads") {
  const std::string markdown = render_markdown(CampaignReport{}, ReportLanguage::en);
  CHECK(contains(markdown, "No messages of this campaign are stored yet."));
  CHECK(contains(markdown, "(none)"));
  CHECK_FALSE(contains(markdown, "New in this period"));
}
