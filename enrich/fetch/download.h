// Downloading one URL to one file with libcurl, the way `data fetch` needs it:
// through `FILE.part`, resumable with a Range request, verified against an
// expected checksum before it is renamed into place, and not downloaded again
// while the server says it has not changed.
//
// Next to FILE the downloader keeps FILE.meta ("key: value" lines: url, etag,
// last-modified, sha256, size) for conditional re-fetching, and while a download
// is incomplete FILE.part with FILE.part.meta (url and the validators the part was
// started with, sent back as If-Range so a changed file is not spliced).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "enrich/fetch/checksum.h"

namespace sg::fetch {

/// Called as bytes arrive: `done` is the size of the file so far (a resumed part
/// included), `total` its expected size, or 0 while unknown.
using ProgressCallback = std::function<void(uint64_t done, uint64_t total)>;

/// How to download. The defaults suit large datasets on slow links; no download
/// is unbounded, since a hostile server can send an endless body or drip it slowly.
struct DownloadOptions {
  std::optional<Checksum> expected;  ///< verified before the rename; a mismatch keeps nothing
  bool force = false;                ///< ignore FILE.meta and any FILE.part: download from scratch
  uint64_t max_size = uint64_t{1} << 30;  ///< the largest file accepted, a resumed part included;
                                          ///< a larger one is refused and its .part deleted
  std::chrono::milliseconds timeout = std::chrono::minutes(30);  ///< the whole call, every attempt;
                                                                 ///< when it passes the .part is kept
  /// When set, replaces "now + timeout": one deadline shared by several calls
  /// (`timeout` is then only what errors call the limit).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// Checks the finished FILE.part before it replaces FILE (after `expected`);
  /// an error discards the part, so a bad file is neither kept nor resumed.
  std::function<Status(const std::string& part)> verify;
  long connect_timeout_seconds = 30;  ///< per connection attempt
  long low_speed_bytes = 100;         ///< abort when slower than this many bytes per second...
  long low_speed_seconds = 60;        ///< ...for this long (a stalled server); the .part is kept
  long max_redirects = 10;            ///< Location hops followed before giving up
  ProgressCallback progress;          ///< may be empty
};

/// What a download did.
struct DownloadResult {
  std::string path;             ///< the final file
  std::string url;              ///< the URL asked for
  std::string effective_url;    ///< where the body came from after redirects ("" when not modified)
  bool not_modified = false;    ///< the existing file is current (304, or its checksum matched): nothing read
  bool resumed = false;         ///< an earlier FILE.part was continued (HTTP 206)
  uint64_t bytes_received = 0;  ///< body bytes transferred by this run
  uint64_t size = 0;            ///< size of the final file
  std::string sha256;           ///< lowercase hex digest of the final file
};

/// `url` safe to print: user:password@ and license_key=... values replaced by "***"
/// (MaxMind URLs carry the user's licence key). Every error of this file uses it.
std::string redact_url(const std::string& url);

/// FILE.part: where an unfinished download of `dest` accumulates.
std::string part_path(const std::string& dest);
/// FILE.meta: the validators and digest of the finished `dest`.
std::string meta_path(const std::string& dest);

/// Downloads `url` (http or https) to `dest`, whose folder must exist. Resumes a
/// FILE.part left by an interrupted run of the same URL (206 appends; a 200 that
/// ignored the Range starts over; 416 means the part is already whole). Sends
/// If-None-Match / If-Modified-Since from FILE.meta unless `force`. Errors name
/// the URL and say the HTTP status, the curl failure, or both checksums.
/// An interrupted or timed-out transfer keeps FILE.part and says so; a file over
/// `max_size` (declared by Content-Length or counted as it arrives) keeps nothing.
Result<DownloadResult> download_file(const std::string& url, const std::string& dest, const DownloadOptions& options);

/// The body of a small resource (a checksum file, an index) in memory; fails on
/// any non-2xx status or when the body exceeds `max_bytes`. Only the timeouts and
/// redirect limit of `options` apply (not its max_size).
Result<std::string> download_text(const std::string& url, const DownloadOptions& options,
                                  size_t max_bytes = size_t{1} << 24);

}  // namespace sg::fetch
