#include "ingest/analyze_path.h"

#include <optional>
#include <vector>

#include "collectors/mail_source.h"

namespace sg {

Result<Evidence> analyze_path(const std::string& path, const std::string& format_name,
                              const AnalysisOptions& options) {
  auto format = parse_mail_format(format_name);
  if (!format) return Error{"unknown format (auto, eml, mbox, paste)", "--format " + format_name};
  std::optional<RawMessage> first;
  std::vector<Error> problems;
  auto status = read_messages(
      path, *format,
      [&](RawMessage&& raw) {
        first = std::move(raw);
        return false;  // the first message is all `parse` wants
      },
      problems);
  if (!status) return status.error();
  if (!first) return problems.empty() ? Error{"no message found", path} : problems.front();
  Analyzer analyzer(options);
  return analyzer.analyze(first->bytes, first->source);
}

}  // namespace sg
