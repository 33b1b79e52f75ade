// Reads text lines from a file or from memory, gunzipping or bunzipping on the fly
// when the bytes start with a gzip or bzip2 magic. Memory stays bounded: data moves
// through fixed buffers and lines longer than a limit are reported, not kept.
#pragma once
#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::asn {

/// Callbacks for the line readers. Lines come without "\n" or "\r\n", numbered from 1.
struct LineHandlers {
  std::function<bool(size_t number, std::string_view line)> on_line;  ///< one line; false stops
  std::function<void(size_t number)> too_long;                         ///< a line over max_line
};

/// Streams lines from the file at `path` (compression detected by magic bytes). Returns
/// the number of lines read, or an Error for an unreadable file or corrupt / truncated
/// compressed data (lines before that point were already delivered).
Result<size_t> read_lines_from_file(const std::string& path, const LineHandlers& handlers,
                                    size_t max_line = 65536);
/// Streams lines from `bytes` in memory (compression detected by magic bytes).
Result<size_t> read_lines_from_bytes(std::string_view bytes, const LineHandlers& handlers,
                                     size_t max_line = 65536);

}  // namespace sg::asn
