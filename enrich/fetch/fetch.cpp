#include "enrich/fetch/fetch.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "enrich/decompress.h"
#include "enrich/fetch/rib_archive.h"
#include "enrich/fetch/unpack.h"

namespace sg::fetch {
namespace {

namespace fs = std::filesystem;

/// The last path segment of `url`, without query or fragment.
std::string url_file_name(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = path.find("://");
  const size_t host_end = scheme == std::string::npos ? 0 : path.find('/', scheme + 3);
  if (host_end == std::string::npos) return "";
  const size_t slash = path.rfind('/');
  return slash == std::string::npos || slash < host_end ? "" : path.substr(slash + 1);
}

/// A local name for `url`: its last segment when it looks like a file name.
Result<std::string> local_name(const DatasetSource& source, const std::string& url) {
  std::string name = url_file_name(url);
  if (name.find('.') == std::string::npos || name == "." || name == "..") name = source.fallback_file_name;
  if (name.empty()) return Error{"cannot name a file after this URL; use a URL ending in the file name", redact_url(url)};
  return name;
}

/// The name the unpacked .mmdb gets, or "" when `name` needs no unpacking.
std::string unpacked_name(const std::string& name) {
  if (name.ends_with(".tar.gz")) return name.substr(0, name.size() - 7) + ".mmdb";
  if (name.ends_with(".tgz")) return name.substr(0, name.size() - 4) + ".mmdb";
  if (name.ends_with(".gz")) return name.substr(0, name.size() - 3);
  return "";
}

bool is_http_404(const Error& error) { return error.message.starts_with("HTTP 404"); }

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

/// The whole file at `path`, refused when it holds more than `max_bytes`.
Result<std::string> read_small_file(const std::string& path, uint64_t max_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!in) return Error{"cannot read", path};
  std::string text;
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, in.get())) > 0;) {
    if (text.size() + n > max_bytes) return Error{"larger than " + std::to_string(max_bytes) + " bytes", path};
    text.append(buffer, n);
  }
  return text;
}

/// The archive whose dumps `discovery` fetches, or nullopt for the other sources.
std::optional<RibArchive> rib_archive_of(Discovery discovery) {
  if (discovery == Discovery::routeviews_rib) return RibArchive::routeviews;
  if (discovery == Discovery::ris_rib) return RibArchive::ris;
  return std::nullopt;
}

/// Refuses a file named `name` (.bz2 or .gz) whose bytes do not start with that
/// compression's magic: an error page served with 200, or another format.
Status check_named_compression(const std::string& path, const std::string& name) {
  const Compression wanted = name.ends_with(".bz2")  ? Compression::bzip2
                             : name.ends_with(".gz") ? Compression::gzip
                                                     : Compression::none;
  if (wanted == Compression::none) return Ok{};
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!in) return Error{"cannot read", path};
  char head[3];
  const size_t got = std::fread(head, 1, sizeof head, in.get());
  if (detect_compression(std::string_view(head, got)) != wanted)
    return Error{std::string("not ") + (wanted == Compression::bzip2 ? "bzip2" : "gzip") + " data, as " + name +
                     " must be",
                 path};
  return Ok{};
}

/// Decompresses `archive` into the .mmdb at `dest` (a tar member or the whole gzip).
Status unpack_mmdb(const std::string& archive, bool tar, const std::string& dest, const UnpackLimits& limits) {
  return tar ? extract_from_tar_gz(archive, ".mmdb", dest, limits) : gunzip_file(archive, dest, limits);
}

/// Downloads one file (with its published checksum) and unpacks it when needed.
Result<FetchedFile> fetch_one(const DatasetSource& source, const std::string& url, const FetchOptions& options,
                              const std::optional<Checksum>& given) {
  auto name = local_name(source, url);
  if (!name) return name.error();
  DownloadOptions download = options.download;
  download.expected = given;
  download.max_size = source.max_size;
  if (!given && source.checksum == ChecksumPublication::sidecar_sha256) {
    const std::string sidecar = url + ".sha256";
    auto body = download_text(sidecar, download, 64 * 1024);
    if (!body) return Error{"cannot read the published checksum: " + body.error().to_string(), redact_url(url)};
    auto checksum = parse_checksum_file(*body, HashKind::sha256);
    if (!checksum) return Error{"published checksum unreadable: " + checksum.error().to_string(), redact_url(sidecar)};
    download.expected = *checksum;
  }
  const std::string dest = (fs::path(options.dir) / *name).string();
  const std::string unpacked = source.unpack_mmdb ? unpacked_name(*name) : "";
  const std::string unpacked_path = unpacked.empty() ? "" : (fs::path(options.dir) / unpacked).string();
  const bool tar = name->ends_with(".tar.gz") || name->ends_with(".tgz");
  const bool rib = rib_archive_of(source.discovery).has_value();
  UnpackLimits limits = options.unpack;
  limits.max_output = source.max_size;
  // MRT dumps are kept compressed and inflate several times.
  if (rib) limits.max_output = std::min(source.max_size, UINT64_MAX / kRibInflateFactor) * kRibInflateFactor;
  // A new download is decompressed before it replaces the copy on disk, so a bad
  // one leaves the old file (and the .mmdb made from it) as they were.
  if (unpacked.empty())
    download.verify = [limits, rib, local = *name](const std::string& part) -> Status {
      if (rib) {
        if (auto named = check_named_compression(part, local); !named) return named;
      }
      return check_compressed(part, limits);
    };
  else
    download.verify = [&](const std::string& part) { return unpack_mmdb(part, tar, unpacked_path, limits); };
  auto done = download_file(url, dest, download);
  if (!done) return done.error();
  FetchedFile file;
  file.url = url;
  file.format = source.format;
  file.downloaded_path = dest;
  file.path = dest;
  file.updated = !done->not_modified;
  file.resumed = done->resumed;
  file.verified = download.expected.has_value();
  file.size = done->size;
  file.sha256 = done->sha256;
  if (!unpacked.empty()) {
    file.path = unpacked_path;
    // The archive is current but its .mmdb was deleted (or never made by an older version).
    if (!fs::exists(file.path)) {
      if (auto status = unpack_mmdb(dest, tar, file.path, limits); !status) {
        // Unusable, so fetched afresh next time rather than judged current.
        remove_quietly(dest);
        remove_quietly(meta_path(dest));
        return Error{status.error().to_string() + " (download discarded)", redact_url(url)};
      }
    }
  }
  return file;
}

/// A RIB source: the dump nearest options.rib_time, into DIR/NAME/COLLECTOR/.
Result<std::vector<FetchedFile>> fetch_rib(const DatasetSource& source, RibArchive archive, const FetchOptions& options) {
  if (!options.rib_time)
    return Error{"needs --date YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC): the dump nearest it is fetched", source.name};
  if (source.urls.size() != 1)
    return Error{"takes one URL, the archive's base (the folder above the collectors), not " +
                     std::to_string(source.urls.size()),
                 source.name};
  const std::string collector =
      options.collector.empty() ? std::string(default_rib_collector(archive)) : options.collector;
  DownloadOptions listing = options.download;
  listing.expected.reset();
  listing.progress = nullptr;
  auto choice = choose_rib(archive, source.urls[0], collector, *options.rib_time,
                           [&](const std::string& url) { return download_text(url, listing, kRibListingMaxSize); });
  if (!choice) return choice.error();
  // check_rib_collector (in choose_rib) keeps the collector one plain folder name.
  FetchOptions into = options;
  into.dir = (fs::path(options.dir) / source.name / collector).string();
  std::error_code error;
  fs::create_directories(into.dir, error);
  if (error) return Error{"cannot create: " + error.message(), into.dir};
  auto file = fetch_one(source, choice->url, into, options.checksum);
  if (!file) {
    if (choice->from_listing) return file.error();
    return Error{file.error().message + " (" + choice->notes.back() + ")", file.error().where};
  }
  file->notes = std::move(choice->notes);
  return std::vector<FetchedFile>{std::move(*file)};
}

}  // namespace

Result<std::string> newest_in_creation_log(std::string_view log) {
  std::string best;
  long long best_time = -1;
  while (!log.empty()) {
    const size_t end = log.find('\n');
    const std::string line(log.substr(0, end));
    log = end == std::string_view::npos ? std::string_view{} : log.substr(end + 1);
    if (line.empty() || line[0] == '#') continue;
    char path[1024];
    long long seq = 0, time = 0;
    if (std::sscanf(line.c_str(), "%lld %lld %1023s", &seq, &time, path) != 3) continue;
    if (time >= best_time) {
      best_time = time;
      best = path;
    }
  }
  if (best.empty()) return Error{"no \"SEQ TIME PATH\" line in the creation log", ""};
  return best;
}

std::string resolve_relative_url(const std::string& base, const std::string& relative) {
  const std::string path = base.substr(0, base.find_first_of("?#"));
  const size_t slash = path.rfind('/');
  std::string rel = relative;
  while (rel.starts_with("./")) rel.erase(0, 2);
  return path.substr(0, slash + 1) + rel;
}

std::string import_command(const FetchedFile& file) {
  bool plain = !file.path.empty();
  for (char c : file.path) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '/' || c == '.' || c == '_' || c == '-' || c == '+' || c == ':' || c == '@' || c == '%';
    if (!safe) plain = false;
  }
  // `data import` takes the text formats; an .mmdb is read in place by `enrich asn`,
  // an MRT dump by `bgp import`.
  std::string command = "spamgraph enrich asn --mmdb ";
  if (file.format == "mrt") {
    command = "spamgraph bgp import ";
  } else if (file.format != "mmdb") {
    command = "spamgraph data import ";
    command.append(file.format).push_back(' ');
  }
  if (plain) return command.append(file.path);
  command.push_back('\'');
  for (char c : file.path) {
    if (c == '\'')
      command.append("'\\''");
    else
      command.push_back(c);
  }
  command.push_back('\'');
  return command;
}

Result<std::vector<FetchedFile>> fetch_dataset(const DatasetSource& source, const FetchOptions& options) {
  if (options.dir.empty()) return Error{"no download folder", source.name};
  std::error_code error;
  fs::create_directories(options.dir, error);
  if (error) return Error{"cannot create: " + error.message(), options.dir};
  const UnixTime now = options.now != 0 ? options.now : static_cast<UnixTime>(std::time(nullptr));
  // One deadline for the whole fetch: the index, checksums and every file.
  FetchOptions run = options;
  if (!run.download.deadline) run.download.deadline = std::chrono::steady_clock::now() + run.download.timeout;
  if (const auto archive = rib_archive_of(source.discovery)) return fetch_rib(source, *archive, run);

  std::vector<std::string> urls;
  if (source.discovery == Discovery::caida_log) {
    // The log is small and kept with its validators, so asking again is cheap.
    for (const std::string& log_url : source.urls) {
      auto log_name = local_name(source, log_url);
      if (!log_name) return log_name.error();
      const std::string log_path = (fs::path(options.dir) / (source.name + "-" + *log_name)).string();
      DownloadOptions log_options = run.download;
      log_options.expected.reset();
      log_options.progress = nullptr;
      log_options.max_size = kCreationLogMaxSize;
      auto log = download_file(log_url, log_path, log_options);
      if (!log) return log.error();
      // A copy kept from an older version was never held to the cap.
      auto text = read_small_file(log_path, kCreationLogMaxSize);
      if (!text) return text.error();
      auto newest = newest_in_creation_log(*text);
      if (!newest) return Error{newest.error().message, redact_url(log_url)};
      urls.push_back(resolve_relative_url(log_url, *newest));
    }
  } else {
    urls = source.urls;
  }
  if (options.checksum && urls.size() != 1)
    return Error{"--sha256 checks one file, and this source has " + std::to_string(urls.size()), source.name};

  std::vector<FetchedFile> files;
  for (const std::string& pattern : urls) {
    const std::string url = expand_month(pattern, now);
    auto file = fetch_one(source, url, run, options.checksum);
    // This month's file appears some days into the month.
    if (!file && source.month_fallback && url != pattern && is_http_404(file.error()))
      file = fetch_one(source, expand_month(pattern, now, 1), run, options.checksum);
    if (!file) return file.error();
    files.push_back(std::move(*file));
  }
  return files;
}

}  // namespace sg::fetch
