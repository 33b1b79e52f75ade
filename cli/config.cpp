#include "cli/config.h"

#include "core/ascii.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace sg {

namespace {


std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

std::string* registry_setting(RegistrySettings& settings, std::string_view key) {
  if (key == "contact") return &settings.contact;
  if (key == "whois-server") return &settings.whois_server;
  if (key == "irr-server") return &settings.irr_server;
  if (key == "rdap-bootstrap") return &settings.rdap_bootstrap;
  if (key == "rdap-base") return &settings.rdap_base;
  if (key == "ripestat-url") return &settings.ripestat_url;
  if (key == "sourceapp") return &settings.sourceapp;
  if (key == "cymru-resolver") return &settings.cymru_resolver;
  if (key == "cymru-server") return &settings.cymru_server;
  return nullptr;
}

std::string default_config_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (std::string path = env("SPAMGRAPH_CONFIG"); !path.empty()) return path;
  std::string base = env("XDG_CONFIG_HOME");
  if (base.empty() && !env("HOME").empty()) base = env("HOME") + "/.config";
  if (base.empty()) return {};
  std::string candidate = base + "/spamgraph/config";
  std::error_code ignored;
  return std::filesystem::is_regular_file(candidate, ignored) ? candidate : std::string();
}

Result<Config> load_config(const std::string& path) {
  Config config;
  if (path.empty()) return config;
  std::ifstream in(path);
  if (!in) return Error{"cannot read config file", path};
  config.path = path;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number);
    std::string content(trim_blanks(line.substr(0, line.find('#'))));
    if (content.empty()) continue;
    const auto equals = content.find('=');
    if (equals == std::string::npos) return Error{"expected `key = value`", where};
    const std::string key(trim_blanks(content.substr(0, equals)));
    const std::string value(trim_blanks(content.substr(equals + 1)));
    if (key.starts_with("mail-password.") && key.size() > 14) {
      // A password may hold '#': take the line's whole value.
      const std::string raw(trim_blanks(std::string_view(line).substr(line.find('=') + 1)));
      config.mail_passwords[key.substr(14)] = raw;
      continue;
    }
    if (key == "db") {
      config.db = value;
    } else if (key == "trusted") {
      if (!config.trusted.empty()) config.trusted += ",";
      config.trusted += value;
    } else if (key == "resolver") {
      config.resolvers.push_back(value);
    } else if (key == "mmdb") {
      // A relative path means "next to this config file", not wherever spamgraph runs.
      const std::filesystem::path mmdb(value);
      config.mmdb.push_back(mmdb.is_absolute() ? value
                                               : (std::filesystem::path(path).parent_path() / mmdb).string());
    } else if (key.starts_with("source.") && key.size() > 7) {
      config.sources[key.substr(7)] = value;
    } else if (key.starts_with("rate.") && key.size() > 5) {
      config.registry.rates[key.substr(5)] = value;
    } else if (std::string* setting = registry_setting(config.registry, key)) {
      *setting = value;
    } else {
      return Error{"unknown key `" + key +
                       "` (known: db, trusted, resolver, mmdb, source.NAME, contact, rate.HOST, whois-server, "
                       "irr-server, rdap-bootstrap, rdap-base, ripestat-url, sourceapp, cymru-resolver, cymru-server, "
                       "mail-password.USER@HOST)",
                   where};
    }
  }
  if (!config.mail_passwords.empty()) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0)
      return Error{"holds a mail password but others may read it: chmod 600 " + path, path};
  }
  return config;
}

std::string resolve_db_path(const std::string& flag, const Config& config) {
  if (!flag.empty()) return flag;
  if (!config.db.empty()) return config.db;
  if (std::string path = env("SPAMGRAPH_DB"); !path.empty()) return path;
  return "spamgraph.db";
}

}  // namespace sg
