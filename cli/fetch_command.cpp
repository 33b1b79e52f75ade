// `data fetch NAME`: argument handling and output only; the work is in enrich/fetch/.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/registry_sources.h"
#include "cli/subcommand.h"
#include "core/utf8.h"
#include "enrich/fetch/bootstrap_fetch.h"
#include "enrich/fetch/fetch.h"
#include "enrich/fetch/fetch_import.h"
#include "enrich/fetch/rib_archive.h"

namespace sg {
namespace {

struct FetchFlags {
  std::string name;
  std::string url;
  std::string dir;
  std::string sha256;
  std::string max_size;
  std::string timeout;
  std::string rdap_bootstrap;
  std::string date;
  std::string collector;
  std::string rrc;
  bool force = false;
  bool list = false;
  bool import = false;
};

// Servers choose reason phrases, redirect URLs and file names: what quotes them is
// shown escaped, like spam.
std::string shown(std::string_view text) { return escape_for_terminal(text); }

int fail(const Error& error) {
  std::cerr << "spamgraph: data fetch: " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

void print_sources(const Config& config, std::ostream& out) {
  for (const fetch::DatasetSource& known : fetch::known_sources()) {
    auto source = fetch::resolve_source(known.name, config.sources, "");
    out << known.name << " (" << known.format << "): " << known.description << "\n";
    if (!source) {
      out << "    (no URL configured)\n";
      continue;
    }
    for (const std::string& url : source->urls)
      out << "    " << shown(fetch::redact_url(url)) << (source->overridden ? "  [from config]" : "") << "\n";
  }
}

std::string megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

/// A progress line redrawn on stderr at most five times a second.
fetch::ProgressCallback progress_line(const std::string& name) {
  struct Shown {
    std::chrono::steady_clock::time_point at;
    uint64_t done = 0;
  };
  auto shown = std::make_shared<Shown>();
  return [name, shown](uint64_t done, uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    const bool finished = done == total && shown->done != done;  // the last update is always drawn
    if (!finished && (now - shown->at < std::chrono::milliseconds(200) || done == shown->done)) return;
    shown->at = now;
    shown->done = done;
    std::cerr << "\r" << escape_for_terminal(name) << ": " << megabytes(done);
    if (total > 0) std::cerr << " of " << megabytes(total) << " (" << done * 100 / total << "%)";
    std::cerr << "\033[K" << std::flush;
  };
}

/// rdap-bootstrap: IANA's files into the folder `enrich rdap` reads, nothing to import.
int run_bootstrap_fetch(const FetchFlags& flags, const CommandContext& context, const fetch::DatasetSource& source,
                        const fetch::FetchOptions& options, bool tty) {
  if (options.checksum) return fail(Error{"--sha256 checks one file, and this source has 4", source.name});
  std::string folder = flags.rdap_bootstrap;
  if (folder.empty()) folder = context.config.registry.rdap_bootstrap;
  if (folder.empty()) folder = default_rdap_bootstrap_folder();
  auto files = fetch::fetch_rdap_bootstrap(source, options, folder);
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!files) return fail(files.error());
  for (const fetch::BootstrapFile& file : *files) {
    std::cout << (file.downloaded ? "downloaded " : "up to date ") << shown(fetch::redact_url(file.url)) << "\n";
    std::cout << "  " << (file.replaced ? "replaced " : "unchanged ") << shown(file.path) << " (" << file.size
              << " bytes, sha256 " << shown(file.sha256) << ")\n";
  }
  // Nothing to import: `enrich rdap` reads the folder (the config's or the default
  // one by itself, another only when named).
  std::cout << "next:\n  spamgraph enrich rdap"
            << (flags.rdap_bootstrap.empty() ? "   (reads " + shown(folder) + ")"
                                             : " --rdap-bootstrap " + shown(folder))
            << "\n";
  return kExitOk;
}

/// --date, --collector and --rrc into `options`: only the RIB sources take them, each
/// its own collector flag. Errors name the flag.
Status take_rib_flags(const FetchFlags& flags, const fetch::DatasetSource& source, fetch::FetchOptions& options) {
  const bool routeviews = source.discovery == fetch::Discovery::routeviews_rib;
  const bool ris = source.discovery == fetch::Discovery::ris_rib;
  if (!routeviews && !ris) {
    for (const auto& [flag, value] :
         {std::pair{"--date", &flags.date}, std::pair{"--collector", &flags.collector}, std::pair{"--rrc", &flags.rrc}})
      if (!value->empty()) return Error{"only routeviews-rib and ris-rib take it", flag};
    return Ok{};
  }
  if (flags.import)
    return Error{source.name + " fetches an MRT dump, which `spamgraph bgp import FILE` loads, not `data import`",
                 "--import"};
  if (routeviews && !flags.rrc.empty()) return Error{"routeviews-rib names its collector with --collector", "--rrc"};
  if (ris && !flags.collector.empty()) return Error{"ris-rib names its collector with --rrc", "--collector"};
  options.collector = routeviews ? flags.collector : flags.rrc;
  // Without --date, fetch_dataset says what it needs.
  if (!flags.date.empty()) {
    options.rib_time = fetch::parse_rib_date(flags.date);
    if (!options.rib_time) return Error{"not YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)", "--date " + flags.date};
  }
  return Ok{};
}

int run_fetch(const FetchFlags& flags, const CommandContext& context) {
  if (flags.list) {
    print_sources(context.config, std::cout);
    return kExitOk;
  }
  if (flags.name.empty())
    return fail(Error{"name a dataset (known: " + fetch::known_source_names() + "), or --list", ""});
  auto source = fetch::resolve_source(flags.name, context.config.sources, flags.url);
  if (!source) return fail(source.error());
  if (!flags.max_size.empty()) {
    auto size = fetch::parse_byte_size(flags.max_size);
    if (!size) return fail(Error{size.error().message, "--max-size " + flags.max_size});
    source->max_size = *size;
  }
  fetch::FetchOptions options;
  if (!flags.timeout.empty()) {
    auto timeout = fetch::parse_duration(flags.timeout);
    if (!timeout) return fail(Error{timeout.error().message, "--timeout " + flags.timeout});
    options.download.timeout = *timeout;
  }
  if (auto taken = take_rib_flags(flags, *source, options); !taken) return fail(taken.error());
  options.dir = flags.dir.empty() ? fetch::default_dataset_dir() : flags.dir;
  options.download.force = flags.force;
  if (!flags.sha256.empty()) {
    auto checksum = fetch::parse_checksum(flags.sha256, fetch::HashKind::sha256);
    if (!checksum) return fail(Error{checksum.error().message, "--sha256"});
    options.checksum = *checksum;
  }
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) options.download.progress = progress_line(flags.name);
  if (source->format == "rdap-bootstrap") return run_bootstrap_fetch(flags, context, *source, options, tty);
  auto files = fetch::fetch_dataset(*source, options);
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!files) return fail(files.error());
  for (const fetch::FetchedFile& file : *files) {
    for (const std::string& note : file.notes) std::cout << shown(note) << "\n";
    if (file.updated)
      std::cout << (file.resumed ? "resumed " : "downloaded ") << shown(fetch::redact_url(file.url)) << "\n";
    else
      std::cout << "up to date " << shown(fetch::redact_url(file.url)) << "\n";
    std::cout << "  " << shown(file.downloaded_path) << " (" << file.size << " bytes, sha256 " << shown(file.sha256)
              << (file.verified ? ", checksum verified" : "") << ")\n";
    if (file.path != file.downloaded_path) std::cout << "  unpacked to " << shown(file.path) << "\n";
  }
  if (!flags.import) {
    std::cout << "next:\n";
    for (const fetch::FetchedFile& file : *files) std::cout << "  " << shown(fetch::import_command(file)) << "\n";
    return kExitOk;
  }
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto imports = fetch::import_fetched(**store, *files);
  if (!imports) return fail(imports.error());
  for (const fetch::FetchedImport& entry : *imports) {
    if (!entry.result) {
      std::cout << "read in place, not imported: " << shown(fetch::import_command(entry.file)) << "\n";
      continue;
    }
    const DatasetInfo& dataset = entry.result->dataset;
    std::cout << (entry.result->already_imported ? "already imported as " : "imported ")
              << shown(dataset_label(dataset))
              << " (dataset " << dataset.id << ", " << dataset.rows << " prefix rows";
    if (entry.result->stats.bad_lines > 0) std::cout << ", " << entry.result->stats.bad_lines << " bad lines";
    std::cout << ")\n";
  }
  return kExitOk;
}

}  // namespace

RegisteredCommand add_data_fetch_command(CLI::App& data) {
  auto flags = std::make_shared<FetchFlags>();
  auto* command = data.add_subcommand("fetch", "download an offline dataset (needs internet access); "
                                               "prints the command to run next (`data import`, ...)");
  command->add_option("NAME", flags->name, "the dataset (see --list)");
  command->add_option("--url", flags->url, "download from URL instead (overrides `source.NAME = URL` in the config)");
  command->add_option("--dir", flags->dir, "download folder (default $XDG_DATA_HOME/spamgraph/datasets)");
  command->add_option("--sha256", flags->sha256, "expected SHA-256 of the file; a mismatch keeps nothing");
  command->add_option("--max-size", flags->max_size,
                      "refuse any file larger than SIZE, downloaded or unpacked (e.g. 500M; default per dataset, "
                      "128M to 1G; an MRT dump may inflate to 16 times SIZE; config: source.NAME.max_size = SIZE)")
      ->type_name("SIZE");
  command->add_option("--timeout", flags->timeout,
                      "give up when the whole fetch takes longer (e.g. 90s, 45m; default 30m); "
                      "an unfinished download is kept to resume")
      ->type_name("DURATION");
  command->add_option("--rdap-bootstrap", flags->rdap_bootstrap,
                      "rdap-bootstrap: the folder to replace (default: config `rdap-bootstrap`, else the "
                      "data/rdap-bootstrap snapshot `enrich rdap` reads)")
      ->type_name("DIR");
  command->add_option("--date", flags->date,
                      "routeviews-rib, ris-rib: fetch the dump nearest this UTC time (YYYY-MM-DD or "
                      "YYYY-MM-DDTHH:MM); required")
      ->type_name("DATE");
  command->add_option("--collector", flags->collector,
                      "routeviews-rib: the RouteViews collector (default route-views2; route-views3, "
                      "route-views.linx, ...)")
      ->type_name("NAME");
  command->add_option("--rrc", flags->rrc, "ris-rib: the RIPE RIS collector (default rrc00; rrc01, ...)")
      ->type_name("NAME");
  command->add_flag("--force", flags->force, "download again even when the copy on disk is current");
  command->add_flag("--list", flags->list, "list the known datasets and their URLs");
  command->add_flag("--import", flags->import, "import what was fetched into the store (like `data import`)");
  return {command, [flags](const CommandContext& context) { return run_fetch(*flags, context); }};
}

}  // namespace sg
