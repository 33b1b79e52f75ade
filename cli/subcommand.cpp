#include "cli/subcommand.h"

#include <iostream>

#include "cli/commands.h"
#include "core/utf8.h"

namespace sg {

int fail_with(const Error& error) {
  std::cerr << "spamgraph: " << escape_for_terminal(error.to_string()) << "\n";
  return kExitFatal;
}

Result<AnalysisOptions> analysis_with_trusted(const CommandContext& context, const std::string& trusted_flag) {
  AnalysisOptions analysis = context.analysis;
  if (auto status = analysis.trust.add(trusted_flag); !status) return Error{status.error().to_string(), "--trusted"};
  return analysis;
}

}  // namespace sg
