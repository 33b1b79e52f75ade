// The infrastructure graph of a campaign drawn as SVG by Graphviz (libgvc, the
// "dot" layout), ready to be placed inside an HTML page.
#pragma once
#include <cstddef>
#include <string>

#include "analysis/report_model.h"
#include "core/result.h"

namespace sg {

/// At most this many nodes are drawn; dot lays out 150 nodes in well under a second.
inline constexpr size_t kMaxGraphNodes = 150;
/// At most this many edges between drawn nodes are drawn (the report's first), so
/// that a dense graph cannot make the layout slow.
inline constexpr size_t kMaxGraphEdges = 4 * kMaxGraphNodes;

/// How many of the report's distinct nodes (by GraphNode::id) render_graph_svg
/// leaves out because of kMaxGraphNodes; 0 when all are drawn.
size_t graph_nodes_left_out(const CampaignReport& report);

/// The graph as one <svg> element (no XML prolog or DOCTYPE, so it can be inlined
/// in HTML). Nodes are drawn by kind (shape and colour), edges solid for facts and
/// dashed for claims and labelled with their relation in `language`. Labels of
/// indicators are defanged; every label is handed to Graphviz as a plain string
/// (never an HTML-like label), with control characters and ill-formed UTF-8 made
/// visible, backslashes doubled (Graphviz reads "\N", "\l", ... in labels) and '&'
/// drawn as U+FF06 (Graphviz reads character references in plain labels), so that
/// Graphviz's own XML escaping of the text is all the SVG needs. Labels longer than
/// 60 characters are shortened with an ellipsis. When there are more than
/// kMaxGraphNodes distinct nodes, the best connected ones are kept (the report's
/// order breaks ties), edges to dropped nodes are not drawn, and the graph's
/// caption says how many nodes were left out; so it does for edges past
/// kMaxGraphEdges. Edges naming an unknown node are skipped; two edges between
/// the same nodes are both drawn. An empty graph is still an <svg>.
///
/// Graphviz keeps global state (its error handler, the layout and text plugins'
/// statics) and is not safe to use from several threads, nor, in 2.43, with a
/// fresh context per graph (its pango plugin keeps a pointer into the previous
/// context's font table): the process has one context, made on first use and
/// freed at exit, and every call is serialised by a mutex inside this function.
/// Errors (a layout or rendering failure, with Graphviz's message) come back as
/// values.
Result<std::string> render_graph_svg(const CampaignReport& report, ReportLanguage language);

}  // namespace sg
