#include "enrich/fetch/bootstrap_fetch.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "enrich/rdap/bootstrap.h"

namespace sg::fetch {
namespace {

namespace fs = std::filesystem;

constexpr rdap::BootstrapRegistry kRegistries[] = {rdap::BootstrapRegistry::asn, rdap::BootstrapRegistry::ipv4,
                                                   rdap::BootstrapRegistry::ipv6, rdap::BootstrapRegistry::dns};

/// The last path segment of `url` (query and fragment cut off).
std::string last_segment(const std::string& url) {
  const std::string path = url.substr(0, url.find_first_of("?#"));
  return path.substr(path.rfind('/') + 1);
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

/// `bytes` into `path`, flushed to the disk, so that the rename that follows never
/// exposes a file that a crash could leave empty.
Status write_synced(const std::string& path, const std::string& bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!out) return Error{"cannot create", path};
  if (std::fwrite(bytes.data(), 1, bytes.size(), out.get()) != bytes.size() || std::fflush(out.get()) != 0 ||
      ::fsync(fileno(out.get())) != 0)
    return Error{"cannot write", path};
  if (std::fclose(out.release()) != 0) return Error{"cannot write", path};
  return Ok{};
}

}  // namespace

Result<std::vector<std::string>> bootstrap_urls(const std::vector<std::string>& urls) {
  std::vector<std::string> chosen(std::size(kRegistries));
  for (const std::string& url : urls) {
    const std::string name = last_segment(url);
    bool known = false;
    for (size_t i = 0; i < chosen.size(); ++i) {
      const std::string file(rdap::bootstrap_file_name(kRegistries[i]));
      if (!name.empty() && name != file) continue;
      known = true;
      if (!chosen[i].empty())
        return Error{"a second URL for " + file + " (the first: " + redact_url(chosen[i]) + ")", redact_url(url)};
      chosen[i] = name.empty() ? url + file : url;
    }
    if (!known)
      return Error{"names none of asn.json, ipv4.json, ipv6.json, dns.json (or a folder, ending in '/')",
                   redact_url(url)};
  }
  for (size_t i = 0; i < chosen.size(); ++i)
    if (chosen[i].empty())
      return Error{"no URL for " + std::string(rdap::bootstrap_file_name(kRegistries[i])), "rdap-bootstrap"};
  return chosen;
}

Result<std::vector<BootstrapFile>> fetch_rdap_bootstrap(const DatasetSource& source, const FetchOptions& options,
                                                       const std::string& folder) {
  auto urls = bootstrap_urls(source.urls);
  if (!urls) return urls.error();
  if (options.dir.empty()) return Error{"no download folder", source.name};
  if (folder.empty()) return Error{"no bootstrap folder", source.name};
  const std::string cache = (fs::path(options.dir) / "rdap-bootstrap").string();
  std::error_code error;
  fs::create_directories(cache, error);
  if (error) return Error{"cannot create: " + error.message(), cache};

  // One deadline for the four files.
  DownloadOptions download = options.download;
  if (!download.deadline) download.deadline = std::chrono::steady_clock::now() + download.timeout;
  download.max_size = source.max_size;
  download.expected.reset();

  std::vector<BootstrapFile> files;
  for (size_t i = 0; i < urls->size(); ++i) {
    const rdap::BootstrapRegistry registry = kRegistries[i];
    BootstrapFile file;
    file.name = rdap::bootstrap_file_name(registry);
    file.url = (*urls)[i];
    file.path = (fs::path(folder) / file.name).string();
    file.downloaded_path = (fs::path(cache) / file.name).string();
    // A body that is not this kind of bootstrap file is discarded before it
    // replaces the kept copy, and so never reaches the folder.
    download.verify = [registry, &file](const std::string& part) -> Status {
      auto bytes = rdap::read_bootstrap_file(part);
      if (!bytes) return bytes.error();
      rdap::Bootstrap check;
      return check.add_file(registry, *bytes, file.name);
    };
    auto done = download_file(file.url, file.downloaded_path, download);
    if (!done) return done.error();
    file.downloaded = !done->not_modified;
    file.size = done->size;
    file.sha256 = done->sha256;
    files.push_back(std::move(file));
  }

  // The kept copies as one snapshot (a copy judged current may date from before
  // this check existed, or have been edited since).
  if (auto whole = rdap::load_bootstrap(cache); !whole)
    return Error{"the downloaded snapshot does not load: " + whole.error().to_string(), cache};

  fs::create_directories(folder, error);
  if (error) return Error{"cannot create: " + error.message(), folder};
  // Every changed file is written beside its target first; only when all are
  // written are they renamed over the old ones.
  std::vector<std::string> temporaries(files.size());
  const auto discard = [&] {
    for (const std::string& temporary : temporaries)
      if (!temporary.empty()) remove_quietly(temporary);
  };
  for (size_t i = 0; i < files.size(); ++i) {
    auto fresh = rdap::read_bootstrap_file(files[i].downloaded_path);
    if (!fresh) {
      discard();
      return fresh.error();
    }
    if (fs::exists(files[i].path)) {
      auto current = rdap::read_bootstrap_file(files[i].path);
      if (current && *current == *fresh) continue;
    }
    temporaries[i] = files[i].path + ".tmp-" + std::to_string(::getpid());
    if (auto written = write_synced(temporaries[i], *fresh); !written) {
      discard();
      return written.error();
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (temporaries[i].empty()) continue;
    fs::rename(temporaries[i], files[i].path, error);
    if (error) {
      const Error failed{"cannot rename " + temporaries[i] + " to it: " + error.message(), files[i].path};
      discard();
      return failed;
    }
    temporaries[i].clear();
    files[i].replaced = true;
  }
  return files;
}

}  // namespace sg::fetch
