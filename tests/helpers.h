// Shared test helpers: temporary folders and running the spamgraph binary.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

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

/// Runs argv[0] with the arguments (no shell), feeding `input` to stdin.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "");

/// The whole file as bytes; fails the current test when it cannot be read.
std::string read_file(const std::string& path);

/// Path of a file of ../shared/corpus.
std::string corpus_path(const std::string& relative);

/// Path of a file of ../shared (the corpus, fixtures, seed) relative to the repository.
std::string shared_path(const std::string& relative);

/// Path of a file inside the repository.
std::string repo_path(const std::string& relative);

/// Ends a test server: SIGTERM to `pid` (when > 0), waits for it, removes its `dir`.
void stop_server(pid_t pid, const std::string& dir);

}  // namespace sg
