// spamgraph: the binary users run. It answers the store's questions itself (shares,
// stats, show, campaign, pivot, timeline, diff, asn) and hands every other command,
// and the help that lists them all, to spamgraph-full beside it, as it was given.
//
// Why two binaries: libcurl's 25 shared libraries, Graphviz's and libcrypto take
// about 14 ms to load and relocate at every start, more than most questions take to
// answer; only ingesting, downloading, enriching and drawing need them.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/subcommand.h"

namespace {

using namespace sg;

constexpr std::string_view kQuestions[] = {"shares", "stats", "show", "campaign", "pivot", "timeline", "diff", "asn"};

// Whether the command given is one this binary answers: the first argument that
// is no global option (--db X, --config X, --db=X, --config=X) names it.
bool is_question(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db" || arg == "--config") {
      ++i;
      continue;
    }
    if (arg.rfind("--db=", 0) == 0 || arg.rfind("--config=", 0) == 0) continue;
    for (std::string_view question : kQuestions)
      if (arg == question) return true;
    return false;
  }
  return false;
}

// spamgraph-full in the folder of this binary; the error names what was tried.
int hand_over(char** argv) {
  char self[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) return fail_with(Error{std::strerror(errno), "/proc/self/exe"});
  std::string path(self, static_cast<size_t>(length));
  path = path.substr(0, path.rfind('/') + 1) + "spamgraph-full";
  execv(path.c_str(), argv);
  return fail_with(Error{std::string("cannot run it: ") + std::strerror(errno), path});
}

int run(int argc, char** argv) {
  CommandLine line;
  CLI::App& app = line.app;
  std::vector<RegisteredCommand> commands;
  append(commands, add_query_commands(app));
  append(commands, add_campaign_commands(app));
  append(commands, add_findings_commands(app));
  commands.push_back(add_asn_query_command(app));
  return run_command_line(line, commands, argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  if (!is_question(argc, argv)) return hand_over(argv);
  return exit_code_of([&] { return run(argc, argv); });
}
