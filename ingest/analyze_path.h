// One message read from a path and analysed, for `parse`: no store involved.
#pragma once
#include <string>

#include "collectors/analyze.h"
#include "core/result.h"

namespace sg {

/// Analyses the first message of `path` ("-" = standard input) read as `format`
/// (auto, eml, mbox, paste) without storing it. Fails when the format is unknown,
/// the path cannot be read, or it holds no message.
Result<Evidence> analyze_path(const std::string& path, const std::string& format, const AnalysisOptions& options);

}  // namespace sg
