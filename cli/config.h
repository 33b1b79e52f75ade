// The user's configuration file: `key = value` lines, '#' comments.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sg {

/// Where the online registry sources are and how politely they are asked; each
/// key is also a flag of the `enrich` command that uses it, which wins.
struct RegistrySettings {
  std::string contact;          ///< `contact = E-MAIL|URL`: named in the User-Agent (and RIPEstat's sourceapp)
  std::map<std::string, std::string> rates;  ///< `rate.HOST = RATE[,IN_FLIGHT]` (net::set_rate)
  std::string whois_server;     ///< `whois-server = HOST[:PORT]`
  std::string irr_server;       ///< `irr-server = HOST[:PORT]`
  std::string rdap_bootstrap;   ///< `rdap-bootstrap = FOLDER`
  std::string rdap_base;        ///< `rdap-base = URL`
  std::string ripestat_url;     ///< `ripestat-url = URL`
  std::string sourceapp;        ///< `sourceapp = NAME`: RIPEstat's sourceapp parameter
  std::string cymru_resolver;   ///< `cymru-resolver = HOST[:PORT]`: the DNS server for Team Cymru's TXT names
  std::string cymru_server;     ///< `cymru-server = HOST[:PORT]`: Team Cymru's bulk WHOIS
};

/// The field a registry key names ("whois-server", "contact", ...; not rate.HOST),
/// or null for any other key.
std::string* registry_setting(RegistrySettings& settings, std::string_view key);

/// Settings read from the config file; command-line flags override them.
struct Config {
  std::string db;       ///< `db = PATH`
  std::string trusted;  ///< `trusted = LIST` (repeatable; lists are joined)
  std::vector<std::string> resolvers;  ///< `resolver = HOST[:PORT]` (repeatable): DNS servers for `enrich dns`
  std::vector<std::string> mmdb;       ///< `mmdb = PATH` (repeatable; relative to the config file): .mmdb files for `enrich asn`
  std::map<std::string, std::string> sources;  ///< `source.NAME = URL`: where `data fetch NAME` downloads from
  RegistrySettings registry;  ///< the registry sources' keys
  /// `mail-password.USER@HOST = SECRET`: the password `pull` logs in with (the value
  /// runs to the end of the line, '#' included). A file holding one must be readable
  /// by its owner only, or it is refused.
  std::map<std::string, std::string> mail_passwords;
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
