// The user's configuration file: `key = value` lines, '#' comments.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace sg {

/// Settings read from the config file; command-line flags override them.
struct Config {
  std::string db;       ///< `db = PATH`
  std::string trusted;  ///< `trusted = LIST` (repeatable; lists are joined)
  std::vector<std::string> resolvers;  ///< `resolver = HOST[:PORT]` (repeatable): DNS servers for `enrich dns`
  std::vector<std::string> mmdb;       ///< `mmdb = PATH` (repeatable; relative to the config file): .mmdb files for `enrich asn`
  std::map<std::string, std::string> sources;  ///< `source.NAME = URL`: where `data fetch NAME` downloads from
  std::string path;     ///< the file they came from ("" when none)
};

/// The config file to use: `explicit_path` if given, else $SPAMGRAPH_CONFIG, else
/// $XDG_CONFIG_HOME/spamgraph/config or ~/.config/spamgraph/config when it exists.
std::string default_config_path(const std::string& explicit_path);

/// Reads `path` ("" = no file: empty Config). Errors name the file and line.
Result<Config> load_config(const std::string& path);

/// The database to use: `flag` if given, else the config's, else $SPAMGRAPH_DB, else ./spamgraph.db.
std::string resolve_db_path(const std::string& flag, const Config& config);

}  // namespace sg
