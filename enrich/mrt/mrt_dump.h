// `spamgraph bgp dump`: an MRT file as text, one line per route. The default is
// the exact text of `bgpdump -m`; JSON gives one object per element (mrt_elements.h).
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/mrt/mrt_elements.h"
#include "enrich/mrt/mrt_stream.h"
#include "enrich/mrt/route_filter.h"

namespace sg::mrt {

/// How each route is written.
enum class DumpFormat { bgpdump, json };

/// What to dump.
struct DumpOptions {
  DumpFormat format = DumpFormat::bgpdump;
  ElementFilter filter;
  size_t keep_problems = 100;  ///< problems kept for the report (all are counted)
};

/// What a dump did.
struct DumpReport {
  MrtReadStats read;
  uint64_t lines = 0;            ///< lines written
  uint64_t beyond_bgpdump = 0;   ///< of them, lines bgpdump 1.6 would not print (bgpdump format)
  uint64_t damaged_records = 0;
  std::vector<MrtProblem> problems;
  uint64_t problem_count = 0;
};

/// Appends one element as a JSON object and a newline. Every value is a number, a
/// fixed word or an address: no text from the file reaches the output.
void append_element_json(const MrtElement& element, std::string& out);

/// Writes `path`'s routes to `out`. The Error names the file (unreadable) or says
/// the output could not be written; damage inside the file is in the report.
Result<DumpReport> dump_mrt(const std::string& path, const DumpOptions& options, std::FILE* out);

}  // namespace sg::mrt
