// Helpers the report/ tests share: writing files, requiring the external programs
// they check the output with, and reading an HTML page through report_html_probe.py.
#pragma once
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/helpers.h"

namespace sg::report_test {

/// The system Python, which has python3-markdown (a pyenv shim earlier in PATH may not).
inline const std::string kPython = "/usr/bin/python3";

inline void write_text(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

/// A copy of `path` in the folder the environment variable SPAMGRAPH_KEEP_REPORTS
/// names, for a person to look at; nothing when it is unset.
inline void keep(const std::string& path) {
  const char* folder = std::getenv("SPAMGRAPH_KEEP_REPORTS");
  if (folder == nullptr || *folder == '\0') return;
  std::error_code ignored;
  std::filesystem::create_directories(folder, ignored);
  std::filesystem::copy_file(path, std::filesystem::path(folder) / std::filesystem::path(path).filename(),
                             std::filesystem::copy_options::overwrite_existing, ignored);
}

/// Fails the test (never skips it) when `program` is missing, naming the package.
inline void require_program(const std::string& program, const std::string& package) {
  REQUIRE_MESSAGE(access(program.c_str(), X_OK) == 0,
                  program << " is missing: install the Debian package " << package << " (scripts/setup.sh does)");
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// How many times `part` occurs in `text`.
inline size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

/// The page at `path` read by tests/report_html_probe.py (tables, tags, attributes, text).
inline nlohmann::json probe_html(const std::string& path) {
  require_program(kPython, "python3");
  const CommandResult result = run_command({kPython, repo_path("tests/report_html_probe.py"), path});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

/// The table of a probe whose id is `id`, or the `index`-th table when ids are absent.
inline const nlohmann::json& table_of(const nlohmann::json& probe, const std::string& id) {
  for (const nlohmann::json& table : probe["tables"])
    if (table["id"] == id) return table;
  FAIL("no table " << id);
  static const nlohmann::json none;
  return none;
}

/// The cells of every row of `table`.
inline std::vector<std::vector<std::string>> cells_of(const nlohmann::json& table) {
  std::vector<std::vector<std::string>> rows;
  for (const nlohmann::json& row : table["rows"]) rows.push_back(row["cells"].get<std::vector<std::string>>());
  return rows;
}

}  // namespace sg::report_test
