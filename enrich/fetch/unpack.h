// Turning a downloaded archive into the file `data import` reads. Only the .mmdb
// datasets need this: the text importers read gzip and bzip2 themselves.
#pragma once
#include <string>

#include "core/result.h"

namespace sg::fetch {

/// Decompresses the gzip file `source` into `dest` (via `dest.part`, renamed when
/// complete). Errors name the file that failed.
Status gunzip_file(const std::string& source, const std::string& dest);

/// Extracts from the gzip-compressed tar `source` the first regular member whose
/// name ends with `suffix` (MaxMind ships GeoLite2-ASN_DATE/GeoLite2-ASN.mmdb)
/// into `dest`, via `dest.part`. Reads ustar/GNU headers; fails when no member matches.
Status extract_from_tar_gz(const std::string& source, const std::string& suffix, const std::string& dest);

}  // namespace sg::fetch
