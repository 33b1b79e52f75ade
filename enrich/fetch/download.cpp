#include "enrich/fetch/download.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "core/ascii.h"
#include "enrich/net/curl_setup.h"
#include "enrich/net/url.h"

namespace sg::fetch {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

using Meta = std::map<std::string, std::string>;

/// Reads "key: value" lines; a missing or unreadable file is an empty map (the
/// download then simply is not conditional).
Meta read_meta(const std::string& path) {
  Meta meta;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(": ");
    if (colon != std::string::npos) meta[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return meta;
}

Status write_meta(const std::string& path, const Meta& meta) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [key, value] : meta)
      if (!value.empty()) out << key << ": " << value << "\n";
    if (!out.flush()) return Error{"cannot write", tmp};
  }
  std::error_code error;
  fs::rename(tmp, path, error);
  if (error) return Error{"cannot rename to " + path + ": " + error.message(), tmp};
  return Ok{};
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}


struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

/// The headers of the latest response (a redirect's are replaced by the next).
struct ResponseHeaders {
  long status = 0;
  std::string reason;
  std::string etag;
  std::string last_modified;
  std::string content_range;
  int64_t content_length = -1;  ///< -1 when absent; INT64_MAX when too large to parse
};

/// A Content-Length value; a number past int64 saturates, since it is compared
/// with a size cap and must not wrap into something small.
int64_t parse_length(const std::string& value) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) return -1;
  errno = 0;
  const unsigned long long parsed = std::strtoull(value.c_str(), nullptr, 10);
  if (errno == ERANGE || parsed > static_cast<unsigned long long>(INT64_MAX)) return INT64_MAX;
  return static_cast<int64_t>(parsed);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<ResponseHeaders*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    *headers = ResponseHeaders{};
    const size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      headers->status = std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
      if (line.size() > space + 5) headers->reason = std::string(trim_blanks(line.substr(space + 5)));
    }
    return line.size();
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  const std::string_view name = line.substr(0, colon);
  const std::string value(trim_blanks(line.substr(colon + 1)));
  auto is = [&](std::string_view wanted) { return name.size() == wanted.size() && starts_with_nocase(name, wanted); };
  if (is("etag"))
    headers->etag = value;
  else if (is("last-modified"))
    headers->last_modified = value;
  else if (is("content-range"))
    headers->content_range = value;
  else if (is("content-length"))
    headers->content_length = parse_length(value);
  return line.size();
}

/// Parses "bytes START-END/TOTAL" or "bytes */TOTAL" (START = -1 then); TOTAL -1 when "*".
bool parse_content_range(const std::string& value, int64_t& start, int64_t& total) {
  if (!value.starts_with("bytes ")) return false;
  const std::string rest = value.substr(6);
  const size_t slash = rest.find('/');
  if (slash == std::string::npos) return false;
  const std::string range = rest.substr(0, slash);
  const std::string length = rest.substr(slash + 1);
  total = length == "*" ? -1 : std::strtoll(length.c_str(), nullptr, 10);
  start = range == "*" ? -1 : std::strtoll(range.c_str(), nullptr, 10);
  return true;
}

/// One attempt at moving the body into FILE.part. The file is opened only when the
/// first body byte arrives, so a 304 or 404 leaves no trace.
struct Transfer {
  std::string part;
  uint64_t offset = 0;  ///< bytes already in the part that were asked to be skipped
  bool ranged = false;  ///< a Range header was sent
  ResponseHeaders headers;
  std::unique_ptr<std::FILE, FileClose> file;
  bool opened = false;
  bool resumed = false;
  uint64_t received = 0;
  uint64_t max_size = 0;  ///< the cap on offset + received
  std::string failure;  ///< why the write callback stopped the transfer
  bool restart = false; ///< the server sent a different version of the file for the range
  bool too_big = false;  ///< the file passed max_size: the part is worthless
  std::string part_etag;  ///< the ETag the part was started with ("" when unknown)
  std::string url;        ///< recorded in FILE.part.meta
  const ProgressCallback* progress = nullptr;
};

/// Decides, on the first body byte, whether it continues the part or replaces it.
bool open_part(Transfer& t) {
  t.opened = true;
  const long status = t.headers.status;
  if (status == 206) {
    int64_t start = 0, total = 0;
    if (!t.ranged || !parse_content_range(t.headers.content_range, start, total) ||
        start != static_cast<int64_t>(t.offset)) {
      t.failure = "206 with Content-Range \"" + t.headers.content_range + "\" does not continue the " +
                  std::to_string(t.offset) + " bytes of " + t.part;
      return false;
    }
    // A server that ignored If-Range would splice two versions of the file.
    if (!t.part_etag.empty() && !t.headers.etag.empty() && t.part_etag != t.headers.etag) {
      t.restart = true;
      return false;
    }
    // curl compares Content-Length alone with the cap; the part counts too.
    const int64_t declared = t.headers.content_length;
    if (declared >= 0 && static_cast<uint64_t>(declared) > t.max_size - t.offset) {
      t.too_big = true;
      t.failure = "the server declares " + std::to_string(declared) + " more bytes (Content-Length) after the " +
                  std::to_string(t.offset) + " in " + t.part + ", over the size cap of " +
                  std::to_string(t.max_size) + " bytes; the part is removed";
      return false;
    }
    t.file.reset(std::fopen(t.part.c_str(), "ab"));
    t.resumed = true;
  } else {
    // A 200 to a ranged request is the whole file: the server ignored the range
    // (or If-Range said the file changed), so the part is started over.
    t.offset = 0;
    t.file.reset(std::fopen(t.part.c_str(), "wb"));
    // Recorded before the first byte, so even a killed run can be resumed.
    const Meta part_meta{{"url", t.url}, {"etag", t.headers.etag}, {"last-modified", t.headers.last_modified}};
    if (auto written = write_meta(t.part + ".meta", part_meta); !written) {
      t.failure = written.error().to_string();
      return false;
    }
  }
  if (!t.file) {
    t.failure = std::string("cannot open: ") + std::strerror(errno) + ": " + t.part;
    return false;
  }
  return true;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  // Only a 2xx body is the file; an error page is read and dropped.
  if (t->headers.status < 200 || t->headers.status > 299) return bytes;
  if (!t->opened && !open_part(*t)) return 0;
  if (!t->file) return 0;
  // Content-Length may be absent (chunked) or false, so the bytes are counted.
  const uint64_t before = t->offset + t->received;
  if (bytes > t->max_size || before > t->max_size - bytes) {
    t->too_big = true;
    t->failure = "larger than the size cap of " + std::to_string(t->max_size) + " bytes (stopped at " +
                 std::to_string(before) + "); nothing kept";
    return 0;
  }
  if (std::fwrite(data, 1, bytes, t->file.get()) != bytes) {
    t->failure = std::string("cannot write: ") + std::strerror(errno) + ": " + t->part;
    return 0;
  }
  t->received += bytes;
  return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->progress && *t->progress && t->headers.status >= 200 && t->headers.status <= 299) {
    const uint64_t base = t->resumed ? t->offset : 0;
    (*t->progress)(base + static_cast<uint64_t>(now), total > 0 ? base + static_cast<uint64_t>(total) : 0);
  }
  return 0;
}

/// A handle with the shared configuration of enrich/net/curl_setup.h and this
/// download's timeouts and redirect limit.
Result<std::unique_ptr<CURL, CurlFree>> new_handle(const std::string& url, const DownloadOptions& options,
                                                   char* error_buffer) {
  if (auto init = net::init_curl_once(); !init) return Error{init.error().message, redact_url(url)};
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Error{"curl_easy_init failed", redact_url(url)};
  net::EasySettings settings;
  settings.user_agent = net::user_agent("");
  settings.connect_timeout = std::chrono::seconds(options.connect_timeout_seconds);
  settings.low_speed_bytes = options.low_speed_bytes;
  settings.low_speed_seconds = options.low_speed_seconds;
  settings.follow_redirects = true;
  settings.max_redirects = options.max_redirects;
  net::configure_easy(curl.get(), url, settings, error_buffer);
  return curl;
}

using net::curl_failure;

std::string http_failure(const ResponseHeaders& headers) {
  std::string text = "HTTP " + std::to_string(headers.status);
  if (!headers.reason.empty()) text += " " + headers.reason;
  return text;
}

/// "2 s", "1.5 s": a time limit as errors show it.
std::string seconds_text(std::chrono::milliseconds limit) {
  char text[32];
  if (limit.count() % 1000 == 0)
    std::snprintf(text, sizeof text, "%lld s", static_cast<long long>(limit.count() / 1000));
  else
    std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(limit.count()) / 1000.0);
  return text;
}

/// The error for a body whose declared length is over `cap` (curl refused it
/// before the first byte).
std::string declared_too_big(const ResponseHeaders& headers, uint64_t cap) {
  const std::string declared = headers.content_length < 0 || headers.content_length == INT64_MAX
                                   ? "more than " + std::to_string(INT64_MAX)
                                   : std::to_string(headers.content_length);
  return "the server declares " + declared + " bytes (Content-Length), over the size cap of " +
         std::to_string(cap) + " bytes; nothing was written";
}

/// libcurl takes a signed size; a cap past its range is no cap at all.
curl_off_t curl_size(uint64_t size) {
  return static_cast<curl_off_t>(std::min<uint64_t>(size, static_cast<uint64_t>(INT64_MAX)));
}

/// Milliseconds left before `deadline`, as libcurl's CURLOPT_TIMEOUT_MS takes them.
long millis_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<long>(std::max<int64_t>(left, 0));
}

/// Whether a timeout of libcurl was the deadline's. Both round to whole
/// milliseconds, so curl may stop a millisecond or two before `deadline`.
bool deadline_reached(Clock::time_point deadline) {
  return Clock::now() + std::chrono::milliseconds(20) >= deadline;
}

uint64_t file_size_or_zero(const std::string& path) {
  std::error_code error;
  const auto size = fs::file_size(path, error);
  return error ? 0 : static_cast<uint64_t>(size);
}

/// Outcome of one request, before the part is verified.
enum class Attempt { done, not_modified, restart };

/// Verifies FILE.part and renames it into place with its FILE.meta.
Status finish(const std::string& url, const std::string& dest, const DownloadOptions& options,
              const Meta& validators, DownloadResult& result) {
  const std::string part = part_path(dest);
  auto sha256 = file_digest_hex(part, HashKind::sha256);
  if (!sha256) return sha256.error();
  if (options.expected) {
    std::string actual = *sha256;
    if (options.expected->kind != HashKind::sha256) {
      auto other = file_digest_hex(part, options.expected->kind);
      if (!other) return other.error();
      actual = *other;
    }
    if (actual != options.expected->hex) {
      remove_quietly(part);
      remove_quietly(part + ".meta");
      return Error{"checksum mismatch: expected " + options.expected->to_string() + ", got " +
                       hash_kind_name(options.expected->kind) + " " + actual + " (download discarded)",
                   redact_url(url)};
    }
  }
  if (options.verify) {
    if (auto verified = options.verify(part); !verified) {
      remove_quietly(part);
      remove_quietly(part + ".meta");
      return Error{verified.error().to_string() + " (download discarded)", redact_url(url)};
    }
  }
  std::error_code error;
  fs::rename(part, dest, error);
  if (error) return Error{"cannot rename " + part + " to " + dest + ": " + error.message(), redact_url(url)};
  result.sha256 = *sha256;
  result.size = file_size_or_zero(dest);
  Meta meta = validators;
  meta["url"] = url;
  meta["sha256"] = result.sha256;
  meta["size"] = std::to_string(result.size);
  remove_quietly(part + ".meta");
  if (auto written = write_meta(meta_path(dest), meta); !written) return written.error();
  return Ok{};
}

}  // namespace

std::string redact_url(const std::string& url) { return net::redact_url(url); }

std::string part_path(const std::string& dest) { return dest + ".part"; }
std::string meta_path(const std::string& dest) { return dest + ".meta"; }

Result<DownloadResult> download_file(const std::string& url, const std::string& dest, const DownloadOptions& options) {
  DownloadResult result;
  result.path = dest;
  result.url = url;
  const std::string part = part_path(dest);
  const std::string part_meta_path = part + ".meta";
  const Meta meta = read_meta(meta_path(dest));
  const bool have_dest = fs::exists(dest);
  const Clock::time_point deadline = options.deadline.value_or(Clock::now() + options.timeout);
  auto kept_note = [&] {
    const uint64_t kept = file_size_or_zero(part);
    return kept > 0 ? "; " + std::to_string(kept) + " bytes kept in " + part + ", run again to resume" : "";
  };
  auto discard_part = [&] {
    remove_quietly(part);
    remove_quietly(part_meta_path);
  };

  // A checksum published by the source settles freshness without a request.
  bool known_stale = false;
  if (options.expected && have_dest && !options.force) {
    auto digest = file_digest_hex(dest, options.expected->kind);
    if (digest && *digest == options.expected->hex) {
      result.not_modified = true;
      result.size = file_size_or_zero(dest);
      auto sha = options.expected->kind == HashKind::sha256 ? digest : file_digest_hex(dest, HashKind::sha256);
      if (sha) result.sha256 = *sha;
      return result;
    }
    known_stale = true;
  }
  if (options.force) discard_part();

  for (int attempt = 0; attempt < 3; ++attempt) {
    Meta part_meta = read_meta(part_meta_path);
    Transfer t;
    t.part = part;
    t.url = url;
    t.part_etag = part_meta["etag"];
    t.progress = &options.progress;
    t.max_size = options.max_size;
    const uint64_t part_size = file_size_or_zero(part);
    // Only a part known to come from this URL is continued, and one already over
    // the cap (it was lowered since) could never finish.
    if (part_size > 0 && (part_meta["url"] != url || part_size > options.max_size)) {
      discard_part();
    } else if (part_size > 0) {
      t.offset = part_size;
      t.ranged = true;
    }

    const long millis = millis_left(deadline);
    if (millis == 0)
      return Error{"not finished within the time limit of " + seconds_text(options.timeout) + kept_note(),
                   redact_url(url)};
    char error_buffer[CURL_ERROR_SIZE] = {0};
    auto handle = new_handle(url, options, error_buffer);
    if (!handle) return handle.error();
    CURL* c = handle->get();
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, millis);
    // Refused from the headers when Content-Length says so; on_body counts the rest.
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_size(options.max_size));
    std::unique_ptr<curl_slist, SlistFree> headers;
    auto add_header = [&](const std::string& line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
    std::string range;
    if (t.ranged) {
      range = std::to_string(t.offset) + "-";
      curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
      if (!part_meta["etag"].empty())
        add_header("If-Range: " + part_meta["etag"]);
      else if (!part_meta["last-modified"].empty())
        add_header("If-Range: " + part_meta["last-modified"]);
    } else if (have_dest && !options.force && !known_stale && meta.count("url") && meta.at("url") == url) {
      if (meta.count("etag")) add_header("If-None-Match: " + meta.at("etag"));
      if (meta.count("last-modified")) add_header("If-Modified-Since: " + meta.at("last-modified"));
    }
    if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t.headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, options.progress ? 0L : 1L);

    const CURLcode code = curl_easy_perform(c);
    bool flushed = true;
    if (t.file) flushed = std::fflush(t.file.get()) == 0;
    t.file.reset();
    result.bytes_received += t.received;
    if (t.restart) {
      discard_part();
      continue;
    }
    // A file over the cap would be refused again on every resume.
    if (t.too_big || code == CURLE_FILESIZE_EXCEEDED) discard_part();
    if (!t.failure.empty()) return Error{t.failure, redact_url(url)};
    if (!flushed) return Error{"cannot write " + part, redact_url(url)};
    if (code == CURLE_FILESIZE_EXCEEDED) return Error{declared_too_big(t.headers, options.max_size), redact_url(url)};
    if (code == CURLE_OPERATION_TIMEDOUT && deadline_reached(deadline))
      return Error{"not finished within the time limit of " + seconds_text(options.timeout) + kept_note(),
                   redact_url(url)};
    if (code != CURLE_OK) return Error{curl_failure(code, error_buffer) + kept_note(), redact_url(url)};
    char* effective = nullptr;
    curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &effective);
    if (effective) result.effective_url = effective;
    const long status = t.headers.status;

    if (status == 304) {
      if (!have_dest) return Error{"HTTP 304 to a request that was not conditional", redact_url(url)};
      result.not_modified = true;
      result.effective_url.clear();
      result.size = file_size_or_zero(dest);
      result.sha256 = meta.count("sha256") ? meta.at("sha256") : "";
      if (result.sha256.empty()) {
        auto sha = file_digest_hex(dest, HashKind::sha256);
        if (!sha) return sha.error();
        result.sha256 = *sha;
      }
      return result;
    }
    if (status == 416 && t.ranged) {
      // The requested start is at or past the end: either the part is whole
      // (an earlier run died before the rename) or the file shrank.
      int64_t start = 0, total = -1;
      parse_content_range(t.headers.content_range, start, total);
      if (total >= 0 && static_cast<uint64_t>(total) == t.offset) {
        if (auto done = finish(url, dest, options, part_meta, result); !done) return done.error();
        result.resumed = true;
        return result;
      }
      discard_part();
      continue;
    }
    if (status < 200 || status > 299) return Error{http_failure(t.headers), redact_url(url)};
    if (!t.opened) {
      // A 2xx with an empty body: the file is empty (or, for 206, already whole).
      if (status == 206 && !t.ranged) return Error{"HTTP 206 to a request without Range", redact_url(url)};
      if (status != 206) {
        std::FILE* empty = std::fopen(part.c_str(), "wb");
        if (!empty) return Error{std::string("cannot create: ") + std::strerror(errno), part};
        std::fclose(empty);
      }
    }
    result.resumed = t.resumed;
    Meta validators{{"etag", t.headers.etag}, {"last-modified", t.headers.last_modified}};
    if (t.resumed) {
      if (validators["etag"].empty()) validators["etag"] = part_meta["etag"];
      if (validators["last-modified"].empty()) validators["last-modified"] = part_meta["last-modified"];
    }
    if (auto done = finish(url, dest, options, validators, result); !done) return done.error();
    return result;
  }
  return Error{"the server kept refusing the range of " + part, redact_url(url)};
}

Result<std::string> download_text(const std::string& url, const DownloadOptions& options, size_t max_bytes) {
  char error_buffer[CURL_ERROR_SIZE] = {0};
  auto handle = new_handle(url, options, error_buffer);
  if (!handle) return handle.error();
  struct Sink {
    ResponseHeaders headers;
    std::string body;
    size_t max = 0;
    bool too_big = false;
  } sink;
  sink.max = max_bytes;
  CURL* c = handle->get();
  // 0 would mean "no limit" to libcurl.
  const long millis = millis_left(options.deadline.value_or(Clock::now() + options.timeout));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, std::max(millis, 1L));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_size(max_bytes));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink.headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t count, void* user) -> size_t {
    auto* s = static_cast<Sink*>(user);
    const size_t bytes = size * count;
    if (s->body.size() + bytes > s->max) {
      s->too_big = true;
      return 0;
    }
    s->body.append(data, bytes);
    return bytes;
  });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  const CURLcode code = curl_easy_perform(c);
  if (sink.too_big) return Error{"larger than " + std::to_string(max_bytes) + " bytes", redact_url(url)};
  if (code == CURLE_FILESIZE_EXCEEDED) return Error{declared_too_big(sink.headers, max_bytes), redact_url(url)};
  if (code != CURLE_OK) return Error{curl_failure(code, error_buffer), redact_url(url)};
  if (sink.headers.status < 200 || sink.headers.status > 299) return Error{http_failure(sink.headers), redact_url(url)};
  return std::move(sink.body);
}

}  // namespace sg::fetch
