// The fixed style sheet and script of the HTML report, inlined into every page.
#pragma once
#include <string_view>

namespace sg {

/// The report's CSS: a readable column, responsive type, tables that scroll
/// sideways in their own wrapper on narrow screens, figures that shrink to fit
/// (the graph keeps its size on a phone and scrolls, its labels stay legible),
/// sort arrows on sorted headers.
std::string_view report_css();

/// The report's one script (vanilla JS, no network): a click (or Enter/Space) on a
/// header of a table with class "sortable" sorts its body rows by that column,
/// ascending then descending, using each cell's data-sort value (numbers when the
/// header has data-type="num"); an <input class="filter" data-table="ID"> hides the
/// rows of table ID that do not contain its text (case-insensitive; "." matches a
/// defanged "[.]", "@" a "[@]" and "http" a "hxxp"). It adds no content from the
/// page to the DOM as markup. Its SHA-256 goes into the page's CSP.
std::string_view report_script();

}  // namespace sg
