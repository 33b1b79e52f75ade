// `data fetch`: from a DatasetSource to files on disk that `data import` reads.
// Finds the files (CAIDA's creation log, this month's DB-IP name, the RIB dump
// nearest a date in an archive's listing: rib_archive.h), fetches the
// published checksum, downloads each file with download_file, and unpacks the
// .mmdb archives. Returns every file with its import FORMAT so a caller can chain
// the import. Every file is held to the source's max_size, downloaded and
// decompressed, and the whole fetch to one deadline.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "enrich/fetch/checksum.h"
#include "enrich/fetch/download.h"
#include "enrich/fetch/sources.h"
#include "enrich/fetch/unpack.h"

namespace sg::fetch {

/// Where and how to fetch.
struct FetchOptions {
  std::string dir;                   ///< download folder, created when missing (see default_dataset_dir)
  std::optional<Checksum> checksum;  ///< --sha256: expected digest; only for a source with one file
  DownloadOptions download;          ///< timeouts, progress, force (its `expected`, `max_size` and
                                     ///< `verify` are set per file); its `timeout` covers the whole fetch
  UnpackLimits unpack;               ///< bomb bounds for compressed downloads; `max_output` is replaced
                                     ///< by the source's max_size
  UnixTime now = 0;                  ///< the month for "{YYYY-MM}"; 0 = the current time
  std::optional<UnixTime> rib_time;  ///< --date: the RIB sources fetch the dump nearest it (required there)
  std::string collector;             ///< --collector / --rrc of the RIB sources; "" = the archive's default
};

/// One file ready for `data import`.
struct FetchedFile {
  std::string path;             ///< the file to import (the unpacked one for archives)
  std::string format;           ///< its `data import` FORMAT, or "mmdb" (used by `enrich asn --mmdb`)
  std::string url;              ///< the URL it was downloaded from (as asked, before redirects)
  std::string downloaded_path;  ///< the file as downloaded (== path unless unpacked)
  bool updated = false;         ///< false when the copy on disk was already current
  bool resumed = false;         ///< an interrupted download was continued
  bool verified = false;        ///< checked against a published or given checksum
  uint64_t size = 0;            ///< bytes of downloaded_path
  std::string sha256;           ///< digest of downloaded_path
  /// For people: how the file was chosen (the RIB sources: from which listing, or
  /// why the scheduled name was tried instead).
  std::vector<std::string> notes;
};

/// Fetches every file of `source` into options.dir. The RIB sources fetch one dump,
/// the one nearest options.rib_time (see choose_rib), into
/// options.dir/NAME/COLLECTOR/, and refuse a body that is not the compression its
/// name says (.bz2, .gz). Stops at the first failure;
/// files finished before it stay on disk (and are not downloaded again next time).
/// A new download that is compressed (by its magic bytes) is decompressed once
/// before it replaces the old copy: a corrupt, truncated or bomb-like file is
/// discarded and the old copy (and the .mmdb unpacked from it) stays.
Result<std::vector<FetchedFile>> fetch_dataset(const DatasetSource& source, const FetchOptions& options);

/// The newest entry of a CAIDA pfx2as-creation.log: lines "SEQ<ws>UNIXTIME<ws>PATH",
/// '#' comments. Returns PATH (relative to the log's folder) of the highest time,
/// the later line on ties. Errors when no line parses.
Result<std::string> newest_in_creation_log(std::string_view log);

/// `base` (a URL) with its last path segment replaced by `relative`.
std::string resolve_relative_url(const std::string& base, const std::string& relative);

/// The shell command that puts `file` to use: "spamgraph data import FORMAT PATH"
/// for the text formats, "spamgraph enrich asn --mmdb PATH" for format "mmdb"
/// (`data import` does not take .mmdb files; they are read in place), and
/// "spamgraph bgp import PATH" for the MRT dumps of format "mrt". PATH is
/// single-quoted when it holds shell metacharacters.
std::string import_command(const FetchedFile& file);

}  // namespace sg::fetch
