// Exceptions turned into Error values, where none may escape.
#pragma once
#include <functional>

#include "core/result.h"

namespace sg {

/// Runs `work`; an exception escaping it comes back as Error "internal error: WHAT".
/// For the top of main() and of every thread, where an exception would otherwise
/// end the process through std::terminate without a word.
Status run_catching(const std::function<void()>& work);

}  // namespace sg
