#include "cli/commands.h"

namespace sg {

Result<IngestReport> run_ingest(Store&, const IngestOptions&, std::ostream&) { return Error{"not yet wired", ""}; }
void print_ingest_report(const IngestReport&, std::ostream&) {}
Result<Evidence> analyze_path(const std::string& path, const std::string&, const AnalysisOptions&) {
  return Error{"not yet wired", path};
}

}  // namespace sg
