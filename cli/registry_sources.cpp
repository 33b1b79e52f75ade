#include "cli/registry_sources.h"

#include <iostream>

#include "cli/json_output.h"
#include "cli/commands.h"

namespace sg {

int print_outcome(const SourceOutcome& outcome, bool json) {
  if (json)
    write_json(outcome.json, std::cout);
  else
    std::cout << outcome.text;
  return outcome.complete ? kExitOk : kExitSomeUnreadable;
}

}  // namespace sg
