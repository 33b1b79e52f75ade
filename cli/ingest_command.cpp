// `spamgraph ingest`: options in, run_ingest() (ingest/ingest.h), summary out.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "ingest/analysis_pipeline.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace sg {

namespace {

struct IngestFlags {
  std::vector<std::string> paths;
  std::string format = "auto";
  std::string source_label;
  std::string trusted;
  std::string assume_time;
  bool no_body = false;
  unsigned jobs = std::min(4u, default_analysis_jobs());
};

int run_ingest_command(const CommandContext& context, const IngestFlags& flags) {
  auto analysis = analysis_with_trusted(context, flags.trusted);
  if (!analysis) return fail_with(analysis.error());
  auto store = Store::open(context.db_path, StoreAccess::write);
  if (!store) return fail_with(store.error());
  IngestOptions options;
  options.paths = flags.paths;
  options.format = flags.format;
  options.analysis = *analysis;
  options.analysis.body_urls = !flags.no_body;
  options.jobs = flags.jobs;
  if (!flags.assume_time.empty()) {
    auto time = parse_user_date(flags.assume_time);
    if (!time) return fail_with(Error{"not a date", "--assume-time " + flags.assume_time});
    options.analysis.fallback_time = *time;
    options.import_time = *time;
  }
  options.source_label = flags.source_label;
  options.progress = isatty(STDERR_FILENO) != 0;
  auto report = run_ingest(**store, options, std::cerr);
  if (!report) return fail_with(report.error());
  print_ingest_report(*report, std::cout);
  return report->unreadable > 0 ? kExitSomeUnreadable : kExitOk;
}

}  // namespace

RegisteredCommand add_ingest_command(CLI::App& app) {
  auto flags = std::make_shared<IngestFlags>();
  auto* ingest = app.add_subcommand("ingest", "analyse and store messages");
  ingest->add_option("PATH", flags->paths, "files, folders (Maildir or .eml trees), mbox; - for stdin")->required();
  ingest->add_option("--format", flags->format, "auto, eml, dir, maildir, mbox, paste, indicators");
  ingest->add_option("--source", flags->source_label, "with --format indicators: who listed them (default: file name)");
  ingest->add_option("--trusted", flags->trusted, "your own servers: host names, *.suffix, CIDR prefixes");
  ingest->add_option("--assume-time", flags->assume_time, "time for messages that carry no date at all (default: now)");
  ingest->add_flag("--no-body", flags->no_body, "skip body URLs");
  ingest->add_option("--jobs", flags->jobs, "analysis threads (default: cores - 1, at most 4)")
      ->check(CLI::Range(1u, 256u))
      ->default_val(flags->jobs);
  return {ingest, [flags](const CommandContext& context) { return run_ingest_command(context, *flags); }};
}

}  // namespace sg
