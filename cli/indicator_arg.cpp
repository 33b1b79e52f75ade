#include "cli/indicator_arg.h"

#include "collectors/indicator_list.h"

namespace sg {

Result<EntityRef> indicator_arg(std::string_view text, std::string_view field) {
  std::string problem;
  auto indicator = parse_indicator(text, problem);
  if (!indicator) return Error{problem, std::string(field)};
  return EntityRef{indicator->kind, indicator->value};
}

}  // namespace sg
