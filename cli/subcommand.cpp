#include "cli/subcommand.h"

#include <ctime>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "core/run_catching.h"
#include "core/utf8.h"

namespace sg {

namespace {

Result<TrustConfig> trust_from(const Config& config) {
  TrustConfig trust;
  if (auto status = trust.add(config.trusted); !status)
    return Error{"trusted: " + status.error().to_string(), config.path};
  return trust;
}

}  // namespace

CommandLine::CommandLine() : app("spamgraph: spam headers in, campaign graph out") {
  app.require_subcommand(1);
  app.add_option("--db", db_flag, "SQLite store (default: $SPAMGRAPH_DB, else ./spamgraph.db)");
  app.add_option("--config", config_flag, "config file (default: $SPAMGRAPH_CONFIG or ~/.config/spamgraph/config)");
}

void append(std::vector<RegisteredCommand>& commands, std::vector<RegisteredCommand> more) {
  commands.insert(commands.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

int run_command_line(CommandLine& line, const std::vector<RegisteredCommand>& commands, int argc, char** argv) {
  try {
    line.app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = line.app.exit(error);
    return code == 0 ? kExitOk : kExitFatal;
  }

  auto config = load_config(default_config_path(line.config_flag));
  if (!config) return fail_with(config.error());
  auto trust = trust_from(*config);
  if (!trust) return fail_with(trust.error());
  CommandContext context;
  context.db_path = resolve_db_path(line.db_flag, *config);
  context.config = std::move(*config);
  context.analysis.trust = std::move(*trust);
  context.analysis.fallback_time = static_cast<UnixTime>(std::time(nullptr));

  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run(context);
  }
  return kExitFatal;
}

int exit_code_of(const std::function<int()>& body) {
  int exit_code = kExitFatal;
  if (auto status = run_catching([&] { exit_code = body(); }); !status) exit_code = fail_with(status.error());
  // An answer that did not reach its file must not look like success.
  if (auto status = flush_standard_output(); !status) exit_code = fail_with(status.error());
  return exit_code;
}

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
