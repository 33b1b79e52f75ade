// report/html_report.h: the HTML report as a browser runs it. Headless Chromium
// (file:// only, every host name unresolvable, a fresh profile, at most a minute)
// dumps the DOM after the script ran and takes screenshots: the title is ours,
// the tables and figures are there, nothing from spam became an element, the
// page has ink where it should and does not overflow a phone's width. A copy of
// the page with a test script added (and allowed by its CSP) clicks headers and
// types into a filter box to check sorting and filtering. When the environment
// variable SPAMGRAPH_KEEP_REPORTS names a folder, the pages and screenshots are
// copied there for a person to look at.
#include <doctest/doctest.h>


#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/utf8.h"
#include "report/csp.h"
#include "report/html_assets.h"
#include "report/html_report.h"
#include "tests/helpers.h"
#include "tests/report_fixture.h"
#include "tests/report_test_helpers.h"

using namespace sg;
using namespace sg::report_test;
using nlohmann::json;

namespace {

const std::string kChromium = "/usr/bin/chromium";

std::string render(ReportLanguage language) {
  const Result<std::string> html = render_html(seed_report(), language);
  REQUIRE_MESSAGE(html.has_value(), (html.has_value() ? "" : html.error().to_string()));
  return html.value();
}

// Headless Chromium on `file` with `mode` (--dump-dom, --screenshot=...), killed
// after 60 s; nothing can leave the machine (every name maps to NOTFOUND, no proxy).
CommandResult chromium(const TempDir& dir, const std::string& window, const std::vector<std::string>& mode,
                       const std::string& file) {
  require_program(kChromium, "chromium");
  require_program("/usr/bin/timeout", "coreutils");
  std::vector<std::string> argv = {"/usr/bin/timeout", "-k", "5", "60", kChromium, "--headless=new",
                                   "--no-sandbox",  // the tests may run as root
                                   "--disable-gpu", "--user-data-dir=" + dir.path("profile"),
                                   "--host-resolver-rules=MAP * ~NOTFOUND", "--no-proxy-server", "--no-first-run",
                                   "--no-default-browser-check", "--disable-extensions",
                                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                   "--hide-scrollbars", "--window-size=" + window, "--virtual-time-budget=5000"};
  argv.insert(argv.end(), mode.begin(), mode.end());
  argv.push_back("file://" + file);
  CommandResult result = run_command(argv);
  INFO(result.err.substr(0, 4000));
  REQUIRE_MESSAGE(result.exit_code == 0, "chromium failed or timed out (exit " << result.exit_code << ")");
  return result;
}

// The DOM of `file` after its scripts ran, read by report_html_probe.py.
json dom_after_scripts(const TempDir& dir, const std::string& file, const std::string& window = "1280,2000") {
  const CommandResult result = chromium(dir, window, {"--dump-dom"}, file);
  REQUIRE(result.out.find("<html") != std::string::npos);
  write_text(file + ".dom.html", result.out);
  return probe_html(file + ".dom.html");
}

// A screenshot of `file` read by report_png_probe.py, with the ink inside the box.
json screenshot(const TempDir& dir, const std::string& file, const std::string& window, int x0, int y0, int x1,
                int y1) {
  const std::string png = file + "." + window.substr(0, window.find(',')) + ".png";
  chromium(dir, window, {"--screenshot=" + png}, file);
  keep(file);
  keep(png);
  const CommandResult result = run_command({kPython, repo_path("tests/report_png_probe.py"), png,
                                            std::to_string(x0), std::to_string(y0), std::to_string(x1),
                                            std::to_string(y1)});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return json::parse(result.out);
}

// The page's one script, as the browser hashes it.
std::string inline_script(const std::string& html) {
  const size_t start = html.find("<script>");
  const size_t end = html.find("</script>");
  REQUIRE(start != std::string::npos);
  REQUIRE(end != std::string::npos);
  return html.substr(start + 8, end - start - 8);
}

// A test script appended to a copy of the page and allowed by the copy's CSP: it
// sorts three tables by clicking, filters one, and paints a 40 px square at the
// top left: green when the page is no wider than the window, magenta otherwise.
const std::string kTestScript = R"js(
(function () {
  function click(table, column, times) {
    var th = document.getElementById(table).tHead.rows[0].cells[column];
    for (var i = 0; i < times; ++i) th.click();
  }
  click("t-relays", 7, 1);
  click("t-domains", 4, 2);
  click("t-samples", 0, 1);
  var input = document.querySelector('input[data-table="t-new"]');
  input.value = "SOMACH789.xyz";
  input.dispatchEvent(new Event("input"));
  var root = document.documentElement;
  var fits = root.scrollWidth <= root.clientWidth;
  root.setAttribute("data-test-fits", fits ? "yes" : "no");
  var mark = document.createElement("div");
  mark.style.cssText = "position:fixed;left:0;top:0;width:40px;height:40px;z-index:9;background:" +
                       (fits ? "#00ff00" : "#ff00ff");
  document.body.appendChild(mark);
})();
)js";

std::string with_test_script(const std::string& html) {
  std::string copy = html;
  const std::string ours = csp_script_hash(inline_script(html));
  const size_t at = copy.find(ours);
  REQUIRE(at != std::string::npos);
  copy.insert(at + ours.size(), " " + csp_script_hash(kTestScript));
  const size_t body_end = copy.rfind("</body>");
  REQUIRE(body_end != std::string::npos);
  copy.insert(body_end, "<script>" + kTestScript + "</script>\n");
  return copy;
}

std::vector<std::string> column(const json& table, size_t index) {
  std::vector<std::string> values;
  for (const auto& row : cells_of(table)) values.push_back(row.at(index));
  return values;
}

}  // namespace

TEST_CASE("report html: one self-contained page with a strict CSP and everything escaped") {
  for (const ReportLanguage language : {ReportLanguage::en, ReportLanguage::ja}) {
    const std::string html = render(language);
    REQUIRE(is_well_formed_utf8(html));
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"", 0) == 0);
    CHECK(contains(html, language == ReportLanguage::ja ? "<html lang=\"ja\">" : "<html lang=\"en\">"));
    CHECK(contains(html, "<meta charset=\"utf-8\">"));
    CHECK(contains(html, "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"));
    // The one script, allowed by its hash and by nothing else.
    CHECK(count_of(html, "<script") == 1);
    CHECK(inline_script(html) == report_script());
    CHECK(contains(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                         "style-src 'unsafe-inline'; script-src " +
                             csp_script_hash(report_script()) + "; img-src data:"));
    CHECK_FALSE(contains(html, "unsafe-eval"));
    // No URL but the SVG namespaces (names, never fetched).
    for (size_t at = html.find("://"); at != std::string::npos; at = html.find("://", at + 3))
      CHECK_MESSAGE(html.compare(at, 14, "://www.w3.org/") == 0, html.substr(at > 20 ? at - 20 : 0, 60));
    CHECK_FALSE(contains(html, "@import"));
    CHECK_FALSE(contains(html, "url("));
    // Spam is text.
    CHECK_FALSE(contains(html, "<img"));
    CHECK_FALSE(contains(html, "<b>"));
    CHECK_FALSE(contains(html, "103.244.54.137"));
    CHECK(contains(html, "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    CHECK(contains(html, "caf\\xe9\\x0aline two | col ~~strike~~"));
    CHECK(count_of(html, "<svg") == 2);
  }
  CHECK(contains(render(ReportLanguage::ja), "<th scope=\"col\" title=\"クリックで並べ替え\" data-type=\"num\">初観測</th>"));
}

TEST_CASE("report html: Chromium runs the page: our title, the tables and figures, nothing injected") {
  TempDir dir("report-html-dom");
  const std::string file = dir.path("report-en.html");
  write_text(file, render(ReportLanguage::en));
  const json dom = dom_after_scripts(dir, file);
  CHECK(dom["title"] == "Campaign report: i4HK fake complaint campaign");
  CHECK(dom["tags"].value("svg", 0) == 2);
  CHECK(dom["tags"].value("script", 0) == 1);
  for (const char* tag : {"img", "iframe", "a", "b", "object", "embed", "link"})
    CHECK_MESSAGE(!dom["tags"].contains(tag), "element <" << std::string(tag) << "> in the DOM");
  CHECK_MESSAGE(dom["attributes"].empty(), dom["attributes"].dump());  // no on* handler, href, src, javascript:
  CHECK(table_of(dom, "t-senders")["rows"].size() == 1);
  CHECK(table_of(dom, "t-domains")["rows"].size() == 4);
  CHECK(table_of(dom, "t-relays")["rows"].size() == 3);
  CHECK(table_of(dom, "t-new")["rows"].size() == 2);
  CHECK(table_of(dom, "t-samples")["rows"].size() == 3);
  CHECK(table_of(dom, "t-senders")["headers"].size() == 12);
  const auto senders = cells_of(table_of(dom, "t-senders"));
  CHECK(senders[0][0] == "103[.]244[.]54[.]137");
  CHECK(senders[0][1] == "static-ip[.]137[.]54[.]244[.]103[.]rev[.]i4hk[.]com");
  CHECK(senders[0][6] == "103[.]244[.]52[.]0/22 AS58779 APNIC");
  const auto samples = cells_of(table_of(dom, "t-samples"));
  CHECK(samples[0][1] == kHostileSubject);
  CHECK(samples[1][1] == kJapaneseSubject);
  CHECK(cells_of(table_of(dom, "t-relays"))[2][1] == "mx|<b>bold</b>[x](javascript:alert(1))*em*[.]leadw[.]link");
  const std::string text = dom["text"];
  CHECK(contains(text, "Since 2026-11-30, somach789[.]xyz and authoranz[.]xyz appeared."));
  CHECK(contains(text, "Solid lines are facts, dashed lines are claims."));
  CHECK(contains(text, "kldoqzn6x62p3[.]top"));  // a graph label
}

TEST_CASE("report html: the tables sort by clicking a header and filter by typing") {
  TempDir dir("report-html-sort");
  const std::string file = dir.path("report-sort.html");
  write_text(file, with_test_script(render(ReportLanguage::en)));
  const json dom = dom_after_scripts(dir, file);
  // Messages ascending (2, 10, 25): numbers, not text.
  CHECK(column(table_of(dom, "t-relays"), 0) ==
        std::vector<std::string>{"198[.]51[.]100[.]9", "114[.]113[.]195[.]11", "114[.]113[.]195[.]101"});
  // First seen, clicked twice: newest first, by date.
  CHECK(column(table_of(dom, "t-domains"), 0) ==
        std::vector<std::string>{"authoranz[.]xyz", "somach789[.]xyz", "g0zs8omwfqere[.]link", "kldoqzn6x62p3[.]top"});
  // Date ascending: oldest sample first.
  const auto samples = cells_of(table_of(dom, "t-samples"));
  CHECK(samples[0][1] == "caf\\xe9\\x0aline two | col ~~strike~~");
  CHECK(samples[2][1] == kHostileSubject);
  // "SOMACH789.xyz" finds the defanged somach789[.]xyz and hides authoranz[.]xyz.
  const json& fresh = table_of(dom, "t-new");
  REQUIRE(fresh["rows"].size() == 2);
  CHECK(fresh["rows"][0]["cells"][1] == "somach789[.]xyz");
  CHECK(fresh["rows"][0]["hidden"] == false);
  CHECK(fresh["rows"][1]["hidden"] == true);
}

TEST_CASE("report html: screenshots have ink on a desktop and fit a phone, in English and Japanese") {
  TempDir dir("report-html-shot");
  for (const ReportLanguage language : {ReportLanguage::en, ReportLanguage::ja}) {
    const std::string name = language == ReportLanguage::ja ? "report-ja.html" : "report-en.html";
    const std::string file = dir.path(name);
    const std::string html = render(language);
    write_text(file, html);
    // Desktop: the page is 1280 x 2000 and not blank; the upper part (title, summary,
    // graph) and the lower part (timeline, tables) both hold drawing.
    const json desktop = screenshot(dir, file, "1280,2000", 0, 1000, 1280, 2000);
    INFO(name << " desktop: " << desktop.dump());
    CHECK(desktop["width"] == 1280);
    CHECK(desktop["height"] == 2000);
    CHECK(desktop["nonwhite"].get<double>() > 0.03);
    CHECK(desktop["region_nonwhite"].get<double>() > 0.02);
    // Phone width: the page is no wider than the window (the marker is green) and its
    // right edge is mostly background.
    const std::string variant = dir.path("phone-" + name);
    write_text(variant, with_test_script(html));
    const json phone = screenshot(dir, variant, "390,844", 0, 0, 390, 844);
    INFO(name << " phone: " << phone.dump());
    CHECK(phone["width"] == 390);
    CHECK(phone["corner"] == json::array({0, 255, 0}));
    CHECK(phone["right_edge_background"].get<double>() > 0.8);
    CHECK(phone["nonwhite"].get<double>() > 0.02);
  }
}

TEST_CASE("report html: a report without anything still renders") {
  const Result<std::string> html = render_html(CampaignReport{}, ReportLanguage::ja);
  REQUIRE(html.has_value());
  CHECK(contains(html.value(), "（なし）"));
  CHECK(count_of(html.value(), "<svg") == 2);
}
