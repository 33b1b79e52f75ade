// `spamgraph parse`: one message analysed (analyze_path(), ingest/analyze_path.h), shown as a table or JSON.
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/evidence_json.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "ingest/analyze_path.h"

namespace sg {

namespace {

struct ParseFlags {
  std::string path;
  std::string format = "auto";
  std::string trusted;
  bool json = false;
  bool no_body = false;
};

int run_parse(const CommandContext& context, const ParseFlags& flags) {
  auto analysis = analysis_with_trusted(context, flags.trusted);
  if (!analysis) return fail_with(analysis.error());
  analysis->body_urls = !flags.no_body;
  auto evidence = analyze_path(flags.path, flags.format, *analysis);
  if (!evidence) return fail_with(evidence.error());
  if (flags.json)
    write_json(evidence_to_json(*evidence), std::cout);
  else
    print_evidence_table(*evidence, std::cout);
  return kExitOk;
}

}  // namespace

RegisteredCommand add_parse_command(CLI::App& app) {
  auto flags = std::make_shared<ParseFlags>();
  auto* parse = app.add_subcommand("parse", "analyse one message without storing it");
  parse->add_option("FILE", flags->path, "message, paste or mbox (first message); - for stdin")->required();
  parse->add_option("--format", flags->format, "auto, eml, mbox, paste");
  parse->add_option("--trusted", flags->trusted, "your own servers: host names, *.suffix, CIDR prefixes");
  parse->add_flag("--json", flags->json, "JSON output");
  parse->add_flag("--no-body", flags->no_body, "skip body URLs");
  return {parse, [flags](const CommandContext& context) { return run_parse(context, *flags); }};
}

}  // namespace sg
