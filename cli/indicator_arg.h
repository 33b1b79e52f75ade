// Reading an indicator from the command line: defanged forms are accepted
// everywhere ("103[.]244[.]54[.]137", "hxxp://", "example[.]com").
#pragma once
#include <string_view>

#include "core/observation.h"
#include "core/result.h"

namespace sg {

/// The entity an argument names (IP, prefix, AS, domain, e-mail address or URL),
/// normalised; an error naming `field` when it is none of them.
Result<EntityRef> indicator_arg(std::string_view text, std::string_view field);

}  // namespace sg
