#include "core/run_catching.h"

#include <exception>
#include <string>

namespace sg {

Status run_catching(const std::function<void()>& work) {
  try {
    work();
  } catch (const std::exception& error) {
    return Error{std::string("internal error: ") + error.what(), ""};
  } catch (...) {
    return Error{"internal error: an unknown exception", ""};
  }
  return Ok{};
}

}  // namespace sg
