#include "report/graph_svg.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>
#include <string_view>
#include <vector>

#include "report/defang.h"
#include "report/escape.h"
#include "report/labels.h"
#include "report/report_tables.h"
#include "report/summary_text.h"

namespace sg {

namespace {

constexpr size_t kMaxLabelCodePoints = 60;

// Serialises every use of Graphviz (see graph_svg.h).
std::mutex g_graphviz_mutex;
// The last error Graphviz reported during the current call; guarded by g_graphviz_mutex.
std::string g_graphviz_error;

int keep_graphviz_error(char* message) {
  g_graphviz_error = message == nullptr ? "" : message;
  while (!g_graphviz_error.empty() && (g_graphviz_error.back() == '\n' || g_graphviz_error.back() == ' '))
    g_graphviz_error.pop_back();
  return 0;
}

// `text` cut to kMaxLabelCodePoints code points of valid UTF-8, with "…" when cut.
std::string shorten(const std::string& text) {
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (code_points == kMaxLabelCodePoints) return text.substr(0, i) + "\u2026";
    ++code_points;
  }
  return text;
}

// A label as Graphviz must receive it to draw exactly this text (see graph_svg.h).
std::string graphviz_label(std::string_view text) {
  const std::string visible = shorten(visible_text(text));
  std::string out;
  out.reserve(visible.size() + 8);
  for (const char c : visible) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '&')
      out += "\uFF06";
    else
      out += c;
  }
  return out;
}

struct NodeStyle {
  const char* shape;
  const char* fill;
};

NodeStyle style_of(std::string_view kind) {
  if (kind == "ip") return {"box", "#dbeafe"};
  if (kind == "domain") return {"ellipse", "#dcfce7"};
  if (kind == "prefix") return {"box", "#fef3c7"};
  if (kind == "asn") return {"hexagon", "#fee2e2"};
  if (kind == "org") return {"note", "#ede9fe"};
  if (kind == "route") return {"component", "#fae8ff"};
  return {"box", "#f3f4f6"};
}

// The indices of the distinct nodes that are drawn, in the report's order.
std::vector<size_t> drawn_nodes(const CampaignReport& report, size_t& distinct) {
  std::map<std::string_view, size_t> first_index;
  std::vector<size_t> unique;
  for (size_t i = 0; i < report.nodes.size(); ++i)
    if (first_index.emplace(report.nodes[i].id, i).second) unique.push_back(i);
  distinct = unique.size();
  if (unique.size() <= kMaxGraphNodes) return unique;
  std::map<std::string_view, size_t> degree;
  for (const GraphEdge& edge : report.edges) {
    ++degree[edge.from];
    ++degree[edge.to];
  }
  std::stable_sort(unique.begin(), unique.end(), [&](size_t a, size_t b) {
    return degree[report.nodes[a].id] > degree[report.nodes[b].id];
  });
  unique.resize(kMaxGraphNodes);
  std::sort(unique.begin(), unique.end());
  return unique;
}

// The one Graphviz context of the process, made on first use and freed at exit.
// A context per call is not safe with Graphviz 2.43: its pango plugin remembers
// the last font name in a static pointer into the context's font table, which
// gvFreeContext frees, and the next context's first layout reads it
// (AddressSanitizer: heap-use-after-free in textspan_size). Used only under
// g_graphviz_mutex.
class GraphvizContext {
 public:
  GraphvizContext() : context_(gvContext()) {}
  ~GraphvizContext() {
    if (context_ != nullptr) gvFreeContext(context_);
  }
  GraphvizContext(const GraphvizContext&) = delete;
  GraphvizContext& operator=(const GraphvizContext&) = delete;
  GVC_t* get() const { return context_; }

 private:
  GVC_t* context_;
};

GVC_t* graphviz_context() {
  static GraphvizContext context;
  return context.get();
}

// Owns one graph and its layout for the duration of a rendering.
class GraphvizRun {
 public:
  GraphvizRun() : context_(graphviz_context()) {}
  ~GraphvizRun() {
    if (context_ != nullptr && graph_ != nullptr && laid_out_) gvFreeLayout(context_, graph_);
    if (graph_ != nullptr) agclose(graph_);
  }
  GraphvizRun(const GraphvizRun&) = delete;
  GraphvizRun& operator=(const GraphvizRun&) = delete;

  GVC_t* context() const { return context_; }
  Agraph_t* graph() const { return graph_; }
  void set_graph(Agraph_t* graph) { graph_ = graph; }
  void set_laid_out() { laid_out_ = true; }

 private:
  GVC_t* context_ = nullptr;
  Agraph_t* graph_ = nullptr;
  bool laid_out_ = false;
};

// agsafeset and friends take char*; they copy what they are given.
void set(void* object, const char* name, const std::string& value) {
  std::string name_copy(name), value_copy(value), empty;
  agsafeset(object, name_copy.data(), value_copy.data(), empty.data());
}

Result<std::string> render_locked(const CampaignReport& report, ReportLanguage language) {
  g_graphviz_error.clear();
  GraphvizRun run;
  if (run.context() == nullptr) return Error{"Graphviz could not create a context", "graph"};
  std::string graph_name = "campaign";
  run.set_graph(agopen(graph_name.data(), Agdirected, nullptr));
  Agraph_t* graph = run.graph();
  if (graph == nullptr) return Error{"Graphviz could not create a graph: " + g_graphviz_error, "graph"};

  set(graph, "rankdir", "LR");
  set(graph, "bgcolor", "transparent");
  set(graph, "fontname", "sans-serif");
  set(graph, "fontsize", "12");
  set(graph, "nodesep", "0.25");
  set(graph, "ranksep", "0.6");

  size_t distinct = 0;
  const std::vector<size_t> drawn = drawn_nodes(report, distinct);
  std::map<std::string_view, Agnode_t*> nodes;
  for (size_t index : drawn) {
    const GraphNode& node = report.nodes[index];
    // Graphviz's names are ours ("n0", ...); what spam wrote only reaches labels.
    std::string name = "n" + std::to_string(nodes.size());
    Agnode_t* created = agnode(graph, name.data(), 1);
    if (created == nullptr) return Error{"Graphviz could not add a node: " + g_graphviz_error, "graph"};
    const std::string text = is_defanged_kind(node.kind) ? defang(node.label) : node.label;
    const NodeStyle style = style_of(node.kind);
    set(created, "label", graphviz_label(text));
    set(created, "shape", style.shape);
    set(created, "style", "filled");
    set(created, "fillcolor", style.fill);
    set(created, "color", "#475569");
    set(created, "fontname", "sans-serif");
    set(created, "fontsize", "11");
    nodes.emplace(node.id, created);
  }
  size_t edges_drawn = 0, edges_left_out = 0;
  for (const GraphEdge& edge : report.edges) {
    const auto from = nodes.find(edge.from);
    const auto to = nodes.find(edge.to);
    if (from == nodes.end() || to == nodes.end()) continue;
    if (edges_drawn == kMaxGraphEdges) {
      ++edges_left_out;
      continue;
    }
    // No name: each call adds an edge, so two relations between one pair both show.
    Agedge_t* created = agedge(graph, from->second, to->second, nullptr, 1);
    ++edges_drawn;
    if (created == nullptr) return Error{"Graphviz could not add an edge: " + g_graphviz_error, "graph"};
    set(created, "label", graphviz_label(relation_label(language, edge.relation)));
    set(created, "style", edge.fact ? "solid" : "dashed");
    set(created, "color", edge.fact ? "#1e293b" : "#94a3b8");
    set(created, "fontname", "sans-serif");
    set(created, "fontsize", "9");
    set(created, "fontcolor", "#475569");
  }
  std::string caption;
  if (distinct > drawn.size()) caption = nodes_left_out_text(distinct - drawn.size(), language);
  if (edges_left_out > 0) {
    if (!caption.empty()) caption += language == ReportLanguage::ja ? "。" : "; ";
    caption += edges_left_out_text(edges_left_out, language);
  }
  if (!caption.empty()) {
    set(graph, "label", graphviz_label(caption));
    set(graph, "labelloc", "b");
  }

  if (gvLayout(run.context(), graph, "dot") != 0)
    return Error{"Graphviz could not lay out the graph: " + g_graphviz_error, "graph"};
  run.set_laid_out();
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(run.context(), graph, "svg", &data, &length) != 0 || data == nullptr) {
    if (data != nullptr) gvFreeRenderData(data);
    return Error{"Graphviz could not render SVG: " + g_graphviz_error, "graph"};
  }
  std::string svg(data, length);
  gvFreeRenderData(data);
  // Drop the XML declaration, DOCTYPE and leading comments: HTML takes the element.
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) return Error{"Graphviz returned no <svg> element", "graph"};
  svg.erase(0, start);
  while (!svg.empty() && (svg.back() == '\n' || svg.back() == ' ')) svg.pop_back();
  return svg;
}

}  // namespace

size_t graph_nodes_left_out(const CampaignReport& report) {
  size_t distinct = 0;
  const size_t drawn = drawn_nodes(report, distinct).size();
  return distinct - drawn;
}

Result<std::string> render_graph_svg(const CampaignReport& report, ReportLanguage language) {
  std::lock_guard<std::mutex> lock(g_graphviz_mutex);
  const agusererrf previous_handler = agseterrf(keep_graphviz_error);
  const agerrlevel_t previous_level = agseterr(AGERR);  // warnings are not errors of ours
  Result<std::string> result = Error{"", ""};
  try {
    result = render_locked(report, language);
  } catch (const std::exception& error) {
    result = Error{std::string("drawing the graph failed: ") + error.what(), "graph"};
  } catch (...) {
    result = Error{"drawing the graph failed", "graph"};
  }
  agseterr(previous_level);
  agseterrf(previous_handler);
  return result;
}

}  // namespace sg
