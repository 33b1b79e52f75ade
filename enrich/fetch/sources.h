// The datasets `spamgraph data fetch NAME` knows: where each is published, which
// `data import` FORMAT reads it, and how its checksum is published. Users with a
// mirror, a licence key or a specific file override the URLs with the config line
// `source.NAME = URL [URL...]` or `--url URL`, and the size cap with
// `source.NAME.max_size = SIZE` or `--max-size SIZE`.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace sg::fetch {

/// How the files of a source are found from its URLs.
enum class Discovery {
  direct,          ///< each URL is one file to download
  caida_log,       ///< the URL is CAIDA's pfx2as-creation.log; the newest file it lists is downloaded
  routeviews_rib,  ///< the URL is RouteViews' archive; the RIB nearest FetchOptions::rib_time is downloaded
  ris_rib,         ///< the URL is RIPE RIS' archive; the bview nearest FetchOptions::rib_time is downloaded
};

/// How a source publishes the digest of its files.
enum class ChecksumPublication {
  none,            ///< not published: the file is only checked against --sha256 when given
  sidecar_sha256,  ///< at URL + ".sha256" (appended to the whole URL, query included, as
                   ///< MaxMind does); the first field of that file is the hex digest
};

/// One downloadable dataset.
struct DatasetSource {
  std::string name;                ///< what `data fetch NAME` takes
  std::string format;              ///< the FORMAT of `spamgraph data import FORMAT FILE`, "mmdb" for
                                   ///< files `enrich asn --mmdb FILE` reads in place, "rdap-bootstrap"
                                   ///< for IANA's files (fetch_rdap_bootstrap installs them), or "mrt"
                                   ///< for the BGP dumps `spamgraph bgp import FILE` reads
  std::string description;         ///< one line for --list
  std::vector<std::string> urls;   ///< the files (or the index, see discovery); "{YYYY-MM}" is the UTC month.
                                   ///< Empty when the user must configure one (licence keys)
  Discovery discovery = Discovery::direct;
  ChecksumPublication checksum = ChecksumPublication::none;
  bool month_fallback = false;     ///< a 404 for this month's URL retries last month's (early in a month)
  bool unpack_mmdb = false;        ///< .mmdb.gz is gunzipped and .tar.gz has its .mmdb extracted
  std::string fallback_file_name;  ///< local name when the URL's last path segment has no '.'
  bool overridden = false;         ///< urls came from --url or the config, not the defaults
  uint64_t max_size = uint64_t{128} << 20;  ///< the largest file accepted, downloaded or decompressed:
                                            ///< today's size with ten times headroom or more
};

/// The cap on a CAIDA creation log (a few hundred kB: a line a day since 2005).
inline constexpr uint64_t kCreationLogMaxSize = uint64_t{16} << 20;

/// Every known source, in --list order.
const std::vector<DatasetSource>& known_sources();

/// "a, b, c": the known names, for error messages.
std::string known_source_names();

/// The source called `name` with its URLs taken from `url_flag` when not empty, else
/// from the config's `source.NAME` (whitespace-separated URLs), else the defaults,
/// and its max_size from the config's `source.NAME.max_size` (see parse_byte_size)
/// when set. An override of a caida_log source that does not end in ".log" is a
/// direct file. Errors: an unknown name (listing the known ones), no URL at all,
/// or a max_size that does not parse. For the RIB sources the URL is the archive's
/// base (the folder above the collectors), default or overridden alike.
Result<DatasetSource> resolve_source(const std::string& name, const std::map<std::string, std::string>& config_sources,
                                     const std::string& url_flag);

/// A size as users write it: bytes, or a number with K, M or G (powers of 1024,
/// as curl --max-filesize), optionally followed by "B" or "iB": "300M", "2GiB".
/// Zero, and sizes past 2^63, are errors.
Result<uint64_t> parse_byte_size(std::string_view text);

/// A duration as users write it: seconds, or a number with "ms", "s", "m" or "h":
/// "90", "1500ms", "30m". Zero is an error: every download has a deadline.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// `url` with "{YYYY-MM}" replaced by the UTC month of `now`, `months_back` months earlier.
std::string expand_month(const std::string& url, UnixTime now, int months_back = 0);

/// Where datasets go by default: $XDG_DATA_HOME/spamgraph/datasets, else
/// $HOME/.local/share/spamgraph/datasets, else ./datasets.
std::string default_dataset_dir();

}  // namespace sg::fetch
