// `data fetch rdap-bootstrap`: IANA's four RDAP bootstrap files (asn.json,
// ipv4.json, ipv6.json, dns.json) downloaded, each checked by the parser `enrich
// rdap` uses, and only when all four read installed into the bootstrap folder, so
// the folder always holds one whole snapshot that loads.
//
// The downloads go to FetchOptions::dir/rdap-bootstrap/ with download_file's
// FILE.meta (ETag, Last-Modified), so the next fetch is conditional and the
// bootstrap folder (a tracked folder of the repository, by default) gets only the
// four JSON files.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/fetch/fetch.h"
#include "enrich/fetch/sources.h"

namespace sg::fetch {

/// One bootstrap file of a fetch.
struct BootstrapFile {
  std::string name;         ///< "asn.json", ...
  std::string url;          ///< where it was asked for
  std::string path;         ///< where it is installed: FOLDER/NAME
  std::string downloaded_path;  ///< the copy kept for conditional requests
  bool downloaded = false;  ///< a new copy came (false: the server said ours is current)
  bool replaced = false;    ///< the folder's file changed (false: it already had these bytes)
  uint64_t size = 0;        ///< bytes of the file
  std::string sha256;       ///< its digest
};

/// The URL of each bootstrap file in `urls`, in the order asn, ipv4, ipv6, dns: each
/// URL whose last path segment is one of the four names gives that file, and a URL
/// ending in '/' (a mirror's folder) gives all four. Errors name a URL that is
/// neither, a file named twice, or a file no URL gives.
Result<std::vector<std::string>> bootstrap_urls(const std::vector<std::string>& urls);

/// Downloads the four files of `source` (see bootstrap_urls; each held to
/// source.max_size and the whole fetch to options.download's deadline), refuses one
/// that rdap::Bootstrap cannot read (discarded; the error names the URL and the
/// field), and then replaces each file of `folder` (created when missing) whose
/// bytes differ: all are written beside their targets first, then renamed over
/// them. An error before the renames (any download, parse or write) leaves the
/// folder as it was.
Result<std::vector<BootstrapFile>> fetch_rdap_bootstrap(const DatasetSource& source, const FetchOptions& options,
                                                       const std::string& folder);

}  // namespace sg::fetch
