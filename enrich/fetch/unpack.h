// Turning a downloaded archive into the file `data import` reads, and checking
// the compressed files the text importers read themselves. A downloaded archive
// is untrusted: a few hundred kilobytes can inflate to gigabytes, and a cut
// download still inflates to a plausible prefix, so both are refused.
#pragma once
#include <cstdint>
#include <string>

#include "core/result.h"

namespace sg::fetch {

/// Bounds on decompressing one file. Every byte inflated counts, tar headers and
/// skipped members included.
struct UnpackLimits {
  uint64_t max_output = uint64_t{1} << 30;  ///< never more than this many bytes
  uint64_t max_ratio = 100;                 ///< more than this many times the compressed size...
  uint64_t ratio_floor = uint64_t{16} << 20;  ///< ...once past this many bytes is a bomb (0: no ratio check)
};

/// Decompresses the gzip file `source` into `dest` (via `dest.part`, renamed when
/// complete). A file that is not gzip, is corrupt, ends before the stream's end
/// marker or passes `limits` leaves `dest` untouched and no `dest.part`. Errors
/// name the file that failed.
Status gunzip_file(const std::string& source, const std::string& dest, const UnpackLimits& limits = {});

/// Extracts from the gzip-compressed tar `source` the first regular member whose
/// name ends with `suffix` (MaxMind ships GeoLite2-ASN_DATE/GeoLite2-ASN.mmdb)
/// into `dest`, via `dest.part`. Reads ustar/GNU headers; fails when no member
/// matches, and like gunzip_file when the gzip stream is bad or over `limits`
/// (the stream is read to its end, so a cut archive is caught after the member too).
Status extract_from_tar_gz(const std::string& source, const std::string& suffix, const std::string& dest,
                           const UnpackLimits& limits = {});

/// Decompresses `path` without keeping the output when it starts with a gzip or
/// bzip2 magic (as the importers detect it): corrupt, truncated or over `limits`
/// is an error naming the file. Other files pass unread.
Status check_compressed(const std::string& path, const UnpackLimits& limits = {});

}  // namespace sg::fetch
