// report/: the pieces the Markdown and HTML reports are made of: defanging,
// escaping, labels, the CSP hash, the graph and the timeline.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/utf8.h"
#include "report/csp.h"
#include "report/defang.h"
#include "report/escape.h"
#include "report/graph_svg.h"
#include "report/labels.h"
#include "report/report_tables.h"
#include "report/timeline_svg.h"
#include "tests/report_fixture.h"
#include "tests/report_test_helpers.h"

using namespace sg;
using namespace sg::report_test;

TEST_CASE("report defang: addresses, names, URLs and mail addresses") {
  CHECK(defang("103.244.54.137") == "103[.]244[.]54[.]137");
  CHECK(defang("example.com") == "example[.]com");
  CHECK(defang("103.244.52.0/22") == "103[.]244[.]52[.]0/22");
  CHECK(defang("http://example.com/a.php?x=1") == "hxxp://example[.]com/a[.]php?x=1");
  CHECK(defang("HTTPS://Example.com") == "hxxps://Example[.]com");
  CHECK(defang("ftp://files.example.org") == "fxp://files[.]example[.]org");
  CHECK(defang("see https://a.b and http://c.d") == "see hxxps://a[.]b and hxxp://c[.]d");
  CHECK(defang("user@example.com") == "user[@]example[.]com");
  CHECK(defang("2001:db8::1") == "2001:db8::1");              // IPv6 is left readable
  CHECK(defang("::ffff:192.0.2.1") == "::ffff:192[.]0[.]2[.]1");
  CHECK(defang("xhttp://a.b") == "xhttp://a[.]b");            // no scheme in mid-word
  CHECK(defang("") == "");
  // Defanging twice changes nothing.
  for (const char* text : {"103.244.54.137", "https://a.example/x.y", "u@x.example"})
    CHECK(defang(defang(text)) == defang(text));
}

TEST_CASE("report escape: HTML, Markdown and visible controls") {
  CHECK(escape_html("<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  CHECK(escape_html("a\nb\x1b") == "a\\x0ab\\x1b");
  CHECK(escape_html("caf\xe9") == "caf\\xe9");
  CHECK(escape_html("偽告訴詐欺") == "偽告訴詐欺");
  CHECK(escape_markdown("[c](javascript:x)") == "\\[c\\]\\(javascript:x\\)");
  CHECK(escape_markdown("<b>|*_`~") == "&lt;b&gt;\\|\\*\\_\\`&#126;");
  CHECK(escape_markdown("a\\b") == "a\\\\b");
  CHECK(escape_markdown("line\nbreak") == "line\\\\x0abreak");
  for (const std::string& text : {kHostileSubject, kBrokenSubject, kHostileLabel}) {
    CHECK(is_well_formed_utf8(escape_html(text)));
    CHECK(is_well_formed_utf8(escape_markdown(text)));
    CHECK_FALSE(contains(escape_html(text), "<"));
    CHECK_FALSE(contains(escape_markdown(text), "<"));
  }
}

TEST_CASE("report labels: dates, counts and words in English and Japanese") {
  const UnixTime time = make_utc(2026, 12, 7, 7, 28, 0);
  CHECK(format_date(time, ReportLanguage::en) == "2026-12-07");
  CHECK(format_date(time, ReportLanguage::ja) == "2026年12月7日");
  CHECK(format_date_time(time, ReportLanguage::en) == "2026-12-07 07:28 UTC");
  CHECK(format_date_time(time, ReportLanguage::ja) == "2026年12月7日 7:28 (UTC)");
  CHECK(format_month_day(time, ReportLanguage::en) == "12-07");
  CHECK(format_month_day(time, ReportLanguage::ja) == "12/7");
  CHECK(format_date(make_utc(2024, 2, 29, 23, 59, 59), ReportLanguage::ja) == "2024年2月29日");
  CHECK(format_date(-1, ReportLanguage::en) == "1969-12-31");
  CHECK(format_count(0, ReportLanguage::en) == "0");
  CHECK(format_count(999, ReportLanguage::en) == "999");
  CHECK(format_count(1000, ReportLanguage::en) == "1,000");
  CHECK(format_count(1234567, ReportLanguage::ja) == "1,234,567");
  CHECK(format_count(-1234, ReportLanguage::en) == "-1,234");
  CHECK(format_count(INT64_MIN, ReportLanguage::en) == "-9,223,372,036,854,775,808");
  CHECK(label(ReportLanguage::ja, LabelId::sender_infrastructure) == "送信元インフラ");
  CHECK(label(ReportLanguage::ja, LabelId::relays) == "中継サーバー");
  CHECK(label(ReportLanguage::ja, LabelId::first_seen) == "初観測");
  CHECK(label(ReportLanguage::ja, LabelId::last_seen) == "最終観測");
  CHECK(label(ReportLanguage::ja, LabelId::messages) == "通数");
  CHECK(label(ReportLanguage::ja, LabelId::basis) == "事実/主張");
  CHECK(label(ReportLanguage::en, LabelId::domains) == "Domains");
  CHECK(role_label(ReportLanguage::ja, "envelope-from") == "エンベロープ送信者");
  CHECK(role_label(ReportLanguage::en, "helo") == "HELO");
  CHECK(role_label(ReportLanguage::ja, "no-such-role") == "no-such-role");
  CHECK(kind_label(ReportLanguage::ja, "domain") == "ドメイン");
  // Every label exists in both languages, and no label holds markup.
  for (int id = 0; id <= static_cast<int>(LabelId::html_has_figures); ++id)
    for (const ReportLanguage language : {ReportLanguage::en, ReportLanguage::ja}) {
      const std::string_view text = label(language, static_cast<LabelId>(id));
      CHECK_FALSE(text.empty());
      CHECK(std::string(text).find_first_of("<>&[]*_`|\\") == std::string::npos);
    }
}

TEST_CASE("report tables: sort keys for addresses and numbers") {
  CHECK(address_sort_key("103.244.52.0/22") == "103.244.052.000/22");
  CHECK(address_sort_key("9.1.1.1") < address_sort_key("10.0.0.1"));
  CHECK(address_sort_key("example.com") == "example.com");
  CHECK(address_sort_key("1.2.3.4.5") == "1.2.3.4.5");
  const ReportTable senders = sender_table(seed_report(), ReportLanguage::en);
  REQUIRE(senders.rows.size() == 1);
  CHECK(senders.rows[0][0].text == "103[.]244[.]54[.]137");
  CHECK(senders.rows[0][0].sort_key == "103[.]244[.]054[.]137");
  CHECK(senders.rows[0][10].sort_key == "37");
  const ReportTable domains = domain_table(seed_report(), ReportLanguage::ja);
  CHECK(domains.rows[1][3].text == "\u2014");  // no registration date
  CHECK(domains.rows[0][1].text == "HELO名、エンベロープ送信者");
}

TEST_CASE("report csp: the script hash is base64 of SHA-256") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
  // printf 'abc' | openssl dgst -sha256 -binary | base64
  CHECK(csp_script_hash("abc") == "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

TEST_CASE("report graph_svg: an inline SVG with every node, labels defanged and escaped") {
  const CampaignReport report = seed_report();
  const Result<std::string> svg = render_graph_svg(report, ReportLanguage::en);
  REQUIRE_MESSAGE(svg.has_value(), (svg.has_value() ? "" : svg.error().to_string()));
  const std::string& text = svg.value();
  CHECK(text.rfind("<svg", 0) == 0);  // no XML prolog or DOCTYPE
  CHECK_FALSE(contains(text, "<?xml"));
  CHECK_FALSE(contains(text, "<!DOCTYPE"));
  CHECK(text.size() > 7);
  CHECK(text.substr(text.size() - 6) == "</svg>");
  CHECK(count_of(text, "class=\"node\"") == report.nodes.size());
  CHECK(count_of(text, "class=\"edge\"") == report.edges.size() - 1);  // one names no node
  CHECK(contains(text, "103[.]244[.]54[.]137"));
  CHECK(contains(text, "kldoqzn6x62p3[.]top"));
  CHECK_FALSE(contains(text, "103.244.54.137"));
  CHECK_FALSE(contains(text, "<script"));
  CHECK(contains(text, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK(contains(text, "\\N"));         // the backslash is drawn, not read as the node name
  CHECK(contains(text, "\\x1b[31m"));   // the escape byte is shown
  CHECK_FALSE(contains(text, "\x1b"));
  CHECK(contains(text, "\uFF06amp;"));  // '&' is drawn as U+FF06, never read as an entity
  CHECK(is_well_formed_utf8(text));
  const Result<std::string> ja = render_graph_svg(report, ReportLanguage::ja);
  REQUIRE(ja.has_value());
  CHECK(contains(ja.value(), "名前解決"));  // resolves-to
}

TEST_CASE("report graph_svg: at most kMaxGraphNodes nodes, the rest counted") {
  CampaignReport report;
  for (int i = 0; i < 200; ++i) {
    report.nodes.push_back({"ip:" + std::to_string(i), "ip", "192.0.2." + std::to_string(i)});
    if (i > 0) report.edges.push_back({"ip:0", "ip:" + std::to_string(i), "helo", i % 2 == 0});
  }
  report.nodes.push_back({"ip:0", "ip", "duplicate id"});
  CHECK(graph_nodes_left_out(report) == 50);
  const Result<std::string> svg = render_graph_svg(report, ReportLanguage::en);
  REQUIRE(svg.has_value());
  CHECK(count_of(svg.value(), "class=\"node\"") == kMaxGraphNodes);
  CHECK(contains(svg.value(), "50 more nodes are not drawn"));
  // A dense graph: edges past kMaxGraphEdges are counted, not drawn.
  CampaignReport dense;
  for (int i = 0; i < 40; ++i) dense.nodes.push_back({"n" + std::to_string(i), "domain", "d" + std::to_string(i)});
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 40; ++j)
      if (i != j) dense.edges.push_back({"n" + std::to_string(i), "n" + std::to_string(j), "resolves-to", true});
  const Result<std::string> dense_svg = render_graph_svg(dense, ReportLanguage::en);
  REQUIRE(dense_svg.has_value());
  CHECK(count_of(dense_svg.value(), "class=\"edge\"") == kMaxGraphEdges);
  CHECK(contains(dense_svg.value(), format_count(40 * 39 - static_cast<int64_t>(kMaxGraphEdges), ReportLanguage::en) +
                                        " more edges are not drawn"));
  // Two relations between the same pair are two edges.
  CampaignReport pair;
  pair.nodes = {{"a", "ip", "192.0.2.1"}, {"b", "domain", "example.com"}};
  pair.edges = {{"a", "b", "helo", false}, {"a", "b", "ptr", true}};
  const Result<std::string> pair_svg = render_graph_svg(pair, ReportLanguage::en);
  REQUIRE(pair_svg.has_value());
  CHECK(count_of(pair_svg.value(), "class=\"edge\"") == 2);
  const Result<std::string> empty = render_graph_svg(CampaignReport{}, ReportLanguage::ja);
  REQUIRE(empty.has_value());
  CHECK(empty.value().rfind("<svg", 0) == 0);
  CHECK(graph_nodes_left_out(CampaignReport{}) == 0);
}

TEST_CASE("report graph_svg: calls from several threads are serialised") {
  const CampaignReport report = seed_report();
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      const Result<std::string> svg = render_graph_svg(report, ReportLanguage::en);
      ok[static_cast<size_t>(t)] = svg.has_value() && contains(svg.value(), "</svg>");
    });
  for (std::thread& thread : threads) thread.join();
  CHECK(ok == std::vector<int>(4, 1));
}

TEST_CASE("report timeline_svg: a bar per week, markers for new indicators, escaped labels") {
  const CampaignReport report = seed_report();
  const std::string en = render_timeline_svg(report, ReportLanguage::en);
  CHECK(en.rfind("<svg", 0) == 0);
  CHECK(count_of(en, "<rect") == 1 + report.weeks.size());  // the legend's square and a bar per week
  CHECK(count_of(en, "<circle") == 1 + 2);                  // the legend's marker and two weeks with new ones
  CHECK(contains(en, ">11-23<"));
  CHECK(contains(en, "Week 2026-11-23: 20 messages, 9 new indicators"));
  const std::string ja = render_timeline_svg(report, ReportLanguage::ja);
  CHECK(contains(ja, ">週<"));
  CHECK(contains(ja, ">通数<"));
  CHECK(contains(ja, "2026年11月30日の週: 17通"));
  const std::string empty = render_timeline_svg(CampaignReport{}, ReportLanguage::en);
  CHECK(count_of(empty, "<rect") == 1);
  CHECK(is_well_formed_utf8(ja));
}

TEST_CASE("report timeline_svg: two years of weeks keep about a dozen date labels") {
  CampaignReport report;
  for (int i = 0; i < 104; ++i)
    report.weeks.push_back({make_utc(2025, 1, 6, 0, 0, 0) + i * 7 * 86400, i * 3, i % 10 == 0 ? 2 : 0});
  const std::string svg = render_timeline_svg(report, ReportLanguage::en);
  CHECK(count_of(svg, "<rect") == 1 + 104);
  CHECK(count_of(svg, "<circle") == 1 + 11);
  // Date labels on the x axis: every ninth week of 104.
  CHECK(count_of(svg, "text-anchor=\"middle\">") - 1 == 12);  // less the x axis title (the y one is rotated)
  CHECK(contains(svg, ">500<"));  // the y axis rounds the peak of 309 up to 500
  CHECK(contains(svg, ">250<"));
}
