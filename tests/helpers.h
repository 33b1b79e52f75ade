// Shared test helpers: temporary folders and running the spamgraph binary.
#pragma once
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence.h"

namespace sg {

/// A temporary folder removed when the object goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& root() const { return root_; }
  std::string path(const std::string& name) const { return root_ + "/" + name; }

 private:
  std::string root_;
};

/// What a child process printed and how it ended.
struct CommandResult {
  int exit_code = -1;  ///< exit status, or -1 when killed by a signal
  std::string out;
  std::string err;
};

/// ip-location-db's ASN data as scripts/setup.sh pins and fetches it (CI runs setup first).
inline const std::string kIpLocationDir = "data/downloads/ip-location-db-asn-2.3.2026061719";

/// Runs argv[0] with the arguments (no shell), feeding `input` to stdin.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "");

/// `bytes` as one gzip member, compressed in memory.
std::string gzip_bytes(std::string_view bytes);

/// The whole file as bytes; fails the current test when it cannot be read.
std::string read_file(const std::string& path);

/// Whether the analysis named `value` in `role` ("origin-ip", "header-from"), and,
/// when `trusted` is given, with that trust.
bool has_indicator(const Evidence& evidence, std::string_view role, std::string_view value,
                   std::optional<bool> trusted = std::nullopt);

/// Path of a file of the repository's test data, tests/data/<relative>; where each
/// file comes from is in tests/data/SOURCES.md.
std::string test_data(const std::string& relative);

/// Path of a message of the corpus in the repository, tests/data/corpus/<relative>.
std::string corpus_path(const std::string& relative);

/// Mail we may not redistribute, so not in the repository: the folder named by
/// SPAMGRAPH_EXTRA_CORPUS, a corpus folder holding phishing_pot/ and
/// linux-erofs-list-archive/ (tests/data/SOURCES.md says where they come from). When the variable is unset
/// or empty, returns nothing and the current test, if it passes, prints
/// "SKIPPED: needs SPAMGRAPH_EXTRA_CORPUS", which CTest reports as skipped. When it
/// is set, the folder must exist.
std::optional<std::string> extra_corpus();

/// The same for the folder named by SPAMGRAPH_EXTRA_SEED, which holds the blog post
/// the bundled seed case was taken from (blog-ja-cks-part2.txt).
std::optional<std::string> extra_seed();

/// Path of a file inside the repository.
std::string repo_path(const std::string& relative);

/// Ends a test server: SIGTERM to `pid` (when > 0), waits for it, removes its `dir`.
void stop_server(pid_t pid, const std::string& dir);

}  // namespace sg
