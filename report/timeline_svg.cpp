#include "report/timeline_svg.h"

#include <algorithm>
#include <cstdio>

#include "report/escape.h"
#include "report/labels.h"

namespace sg {

namespace {

constexpr double kWidth = 720, kHeight = 280;
constexpr double kLeft = 64, kRight = 16, kTop = 54, kBottom = 50;
constexpr double kPlotWidth = kWidth - kLeft - kRight;
constexpr double kPlotHeight = kHeight - kTop - kBottom;
constexpr const char* kBarColour = "#3b82f6";
constexpr const char* kMarkerColour = "#f97316";

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// The smallest 1, 2 or 5 times a power of ten that is at least `value` (>= 1).
int64_t round_up(int64_t value) {
  if (value <= 1) return 1;
  int64_t scale = 1;
  while (true) {
    for (const int64_t step : {1, 2, 5})
      if (step * scale >= value) return step * scale;
    if (scale > INT64_MAX / 100) return value;
    scale *= 10;
  }
}

void text(std::string& svg, double x, double y, std::string_view anchor, std::string_view content,
          std::string_view extra = "") {
  svg += "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" text-anchor=\"" + std::string(anchor) + "\"";
  if (!extra.empty()) svg += " " + std::string(extra);
  svg += ">" + escape_html(content) + "</text>\n";
}

std::string bar_title(const TimelineWeek& week, ReportLanguage language) {
  if (language == ReportLanguage::ja)
    return format_date(week.week_start, language) + "の週: " + format_count(week.messages, language) + "通、" +
           std::string(label(language, LabelId::new_indicators)) + " " + format_count(week.new_indicators, language);
  return std::string(label(language, LabelId::week)) + " " + format_date(week.week_start, language) + ": " +
         format_count(week.messages, language) + " " + (week.messages == 1 ? "message" : "messages") + ", " +
         format_count(week.new_indicators, language) + " " +
         (week.new_indicators == 1 ? "new indicator" : "new indicators");
}

}  // namespace

std::string render_timeline_svg(const CampaignReport& report, ReportLanguage language) {
  const std::vector<TimelineWeek>& weeks = report.weeks;
  int64_t peak = 0;
  for (const TimelineWeek& week : weeks) peak = std::max(peak, week.messages);
  const int64_t top = round_up(peak);
  const double baseline = kTop + kPlotHeight;
  const auto y_of = [&](int64_t value) {
    return baseline - kPlotHeight * static_cast<double>(std::max<int64_t>(value, 0)) / static_cast<double>(top);
  };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 " + number(kWidth) +
                    " " + number(kHeight) + "\" width=\"" + number(kWidth) + "\" height=\"" + number(kHeight) +
                    "\" role=\"img\" aria-label=\"" + escape_html(label(language, LabelId::timeline)) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";

  // Legend.
  svg += "<rect x=\"" + number(kLeft) + "\" y=\"10\" width=\"12\" height=\"12\" fill=\"" + kBarColour + "\"/>\n";
  text(svg, kLeft + 18, 20, "start", label(language, LabelId::messages));
  svg += "<circle cx=\"" + number(kLeft + 166) + "\" cy=\"16\" r=\"6\" fill=\"" + kMarkerColour + "\"/>\n";
  text(svg, kLeft + 178, 20, "start", label(language, LabelId::new_indicators));

  // Y axis: gridlines at 0, half and the top.
  for (const int64_t value : {int64_t{0}, top / 2, top}) {
    if (value == top / 2 && (top < 2 || top % 2 != 0)) continue;
    const double y = y_of(value);
    svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(y) + "\" x2=\"" + number(kLeft + kPlotWidth) +
           "\" y2=\"" + number(y) + "\" stroke=\"#cbd5e1\" stroke-width=\"1\"/>\n";
    text(svg, kLeft - 6, y + 4, "end", format_count(value, language));
  }
  text(svg, 16, kTop + kPlotHeight / 2, "middle", label(language, LabelId::messages),
       "transform=\"rotate(-90 16 " + number(kTop + kPlotHeight / 2) + ")\"");
  text(svg, kLeft + kPlotWidth / 2, kHeight - 8, "middle", label(language, LabelId::week));

  if (!weeks.empty()) {
    const double slot = kPlotWidth / static_cast<double>(weeks.size());
    const double bar = std::max(1.0, slot * 0.7);
    const size_t every = (weeks.size() + 11) / 12;
    for (size_t i = 0; i < weeks.size(); ++i) {
      const TimelineWeek& week = weeks[i];
      const double x = kLeft + slot * static_cast<double>(i) + (slot - bar) / 2;
      const double y = y_of(week.messages);
      svg += "<g><title>" + escape_html(bar_title(week, language)) + "</title>";
      svg += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"" + number(bar) + "\" height=\"" +
             number(baseline - y) + "\" fill=\"" + kBarColour + "\"/>";
      if (week.new_indicators > 0) {
        const double cx = x + bar / 2;
        const double cy = std::max(kTop - 8, y - 10);
        svg += "<circle cx=\"" + number(cx) + "\" cy=\"" + number(cy) + "\" r=\"" +
               number(std::clamp(bar / 2, 3.0, 7.0)) + "\" fill=\"" + kMarkerColour + "\"/>";
        if (slot >= 18) {
          svg += "\n";
          text(svg, cx, cy - 10, "middle", format_count(week.new_indicators, language), "fill=\"#9a3412\"");
        }
      }
      svg += "</g>\n";
      if (i % every == 0) text(svg, x + bar / 2, baseline + 16, "middle", format_month_day(week.week_start, language));
    }
  }
  svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(baseline) + "\" x2=\"" + number(kLeft + kPlotWidth) +
         "\" y2=\"" + number(baseline) + "\" stroke=\"#334155\" stroke-width=\"1\"/>\n";
  svg += "</svg>";
  return svg;
}

}  // namespace sg
