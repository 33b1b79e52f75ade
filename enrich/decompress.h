// Streaming gzip and bzip2 decoding for the files enrichment reads: datasets to
// import and downloads to check. Data moves through fixed buffers, so memory stays
// bounded whatever the file inflates to; the sink decides when enough is enough.
#pragma once
#include <cstddef>
#include <functional>
#include <string_view>

#include "core/result.h"

namespace sg {

/// How bytes are encoded, as their first bytes (the magic) tell.
enum class Compression { none, gzip, bzip2 };

/// The compression whose magic `head` starts with: 1f 8b for gzip, "BZh" for bzip2.
Compression detect_compression(std::string_view head);

/// Where encoded bytes come from: fills `out` with up to `capacity` bytes; 0 at the end.
using ByteSource = std::function<size_t(char* out, size_t capacity)>;
/// Where decoded bytes go; returning false stops the decoding, which is not an error.
using ByteSink = std::function<bool(const char* data, size_t size)>;

/// Decodes `head` (bytes already read from the source, e.g. to detect the magic) and
/// then everything `source` yields, as `compression` (none: passes the bytes on), into
/// `sink`. Concatenated gzip members and bzip2 streams (pigz, pbzip2) are decoded as
/// one. The errors leave `where` empty for the caller to name the file or line:
/// "corrupt gzip data: ...", "truncated gzip stream", "corrupt bzip2 data (code N)",
/// "truncated bzip2 stream". A read error of the source is the caller's to check.
Status decompress(Compression compression, std::string_view head, const ByteSource& source, const ByteSink& sink);

}  // namespace sg
