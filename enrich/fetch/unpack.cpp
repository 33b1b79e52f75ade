#include "enrich/fetch/unpack.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "enrich/decompress.h"

namespace sg::fetch {
namespace {

constexpr size_t kBlock = 128 * 1024;
/// GNU long names are paths; anything longer is not a real archive.
constexpr int64_t kMaxLongName = 64 * 1024;

struct GzClose {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using GzPtr = std::unique_ptr<gzFile_s, GzClose>;
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

uint64_t size_or_zero(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<uint64_t>(size);
}

/// Counts the bytes inflated from one compressed file against its limits.
class Budget {
 public:
  Budget(const UnpackLimits& limits, const std::string& source)
      : limits_(limits), input_(std::max<uint64_t>(size_or_zero(source), 1)), source_(source) {}

  /// Accounts for `bytes` more output; an error naming the file once a bound is passed.
  Status take(uint64_t bytes) {
    output_ += bytes;
    if (limits_.max_output > 0 && output_ > limits_.max_output)
      return Error{"decompresses to more than the size cap of " + std::to_string(limits_.max_output) + " bytes",
                   source_};
    // Real datasets shrink 2 to 10 times; a thousandfold one is a decompression bomb.
    if (limits_.ratio_floor > 0 && limits_.max_ratio > 0 && output_ > limits_.ratio_floor &&
        static_cast<double>(output_) > static_cast<double>(input_) * static_cast<double>(limits_.max_ratio))
      return Error{"decompresses to more than " + std::to_string(limits_.max_ratio) + " times its " +
                       std::to_string(input_) + " bytes (a decompression bomb)",
                   source_};
    return Ok{};
  }

 private:
  UnpackLimits limits_;
  uint64_t input_;
  uint64_t output_ = 0;
  std::string source_;
};

/// Opens a gzip file; a file zlib would pass through unchanged is refused, since
/// an archive that is not one is a broken download.
Result<GzPtr> open_gz(const std::string& path) {
  GzPtr gz(gzopen(path.c_str(), "rb"));
  if (!gz) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  gzbuffer(gz.get(), kBlock);
  if (gzdirect(gz.get())) return Error{"not a gzip file", path};
  return gz;
}

/// Reads exactly `size` bytes unless the stream ends; returns the count, or -1 on a
/// corrupt or truncated stream (then `error` says which).
int64_t read_full(gzFile_s* gz, char* out, size_t size, std::string& error) {
  size_t done = 0;
  while (done < size) {
    const int n = gzread(gz, out + done, static_cast<unsigned>(size - done));
    int code = Z_OK;
    if (n < 0) {
      error = std::string("corrupt gzip: ") + gzerror(gz, &code);
      return -1;
    }
    if (n == 0) {
      // zlib reports a stream cut before its end marker only through gzerror.
      gzerror(gz, &code);
      if (code == Z_BUF_ERROR) {
        error = "truncated gzip: the file ends before the compressed stream does";
        return -1;
      }
      break;
    }
    done += static_cast<size_t>(n);
  }
  return static_cast<int64_t>(done);
}

/// Inflates up to `size` bytes (all when size < 0) of `gz` into `out`, or only
/// counts them when `out` is null.
Status copy_stream(gzFile_s* gz, std::FILE* out, int64_t size, Budget& budget, const std::string& source,
                   const std::string& part) {
  std::vector<char> buffer(kBlock);
  int64_t left = size;
  while (size < 0 || left > 0) {
    const size_t want = size < 0 ? buffer.size() : static_cast<size_t>(std::min<int64_t>(left, buffer.size()));
    std::string error;
    const int64_t n = read_full(gz, buffer.data(), want, error);
    if (n < 0) return Error{error, source};
    if (n == 0) {
      if (size < 0) break;
      return Error{"archive ends inside a member", source};
    }
    if (auto within = budget.take(static_cast<uint64_t>(n)); !within) return within;
    if (out && std::fwrite(buffer.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n))
      return Error{std::string("cannot write: ") + std::strerror(errno), part};
    left -= n;
  }
  return Ok{};
}

/// Writes `dest` through `dest.part` with `fill`; on any failure the part is
/// removed and `dest` (a good copy from an earlier run, say) is left as it was.
Status write_via_part(const std::string& dest, const std::function<Status(std::FILE*, const std::string&)>& fill) {
  const std::string part = dest + ".part";
  FilePtr out(std::fopen(part.c_str(), "wb"));
  if (!out) return Error{std::string("cannot create: ") + std::strerror(errno), part};
  Status status = fill(out.get(), part);
  if (status && std::fflush(out.get()) != 0) status = Error{std::string("cannot write: ") + std::strerror(errno), part};
  out.reset();
  if (!status) {
    std::remove(part.c_str());
    return status;
  }
  std::error_code error;
  std::filesystem::rename(part, dest, error);
  if (error) {
    std::remove(part.c_str());
    return Error{"cannot rename to " + dest + ": " + error.message(), part};
  }
  return Ok{};
}

/// A tar header's octal number field (GNU base-256 for huge sizes included).
int64_t tar_number(const char* field, size_t width) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    int64_t value = 0;
    for (size_t i = 1; i < width; ++i) {
      if (value > (INT64_MAX >> 8)) return -1;
      value = (value << 8) | static_cast<unsigned char>(field[i]);
    }
    return value;
  }
  int64_t value = 0;
  for (size_t i = 0; i < width && field[i] != '\0'; ++i) {
    if (field[i] == ' ') continue;
    if (field[i] < '0' || field[i] > '7') return -1;
    value = value * 8 + (field[i] - '0');
  }
  return value;
}

std::string tar_string(const char* field, size_t width) { return std::string(field, strnlen(field, width)); }

/// A member's full name from its header (ustar prefix included).
std::string tar_member_name(const char* header) {
  std::string name = tar_string(header, 100);
  if (std::memcmp(header + 257, "ustar", 5) == 0) {
    const std::string prefix = tar_string(header + 345, 155);
    if (!prefix.empty()) name = prefix + "/" + name;
  }
  return name;
}

/// Reads the data of a GNU 'L' record: the name of the next member.
Result<std::string> read_long_name(gzFile_s* gz, int64_t size, Budget& budget, const std::string& source) {
  if (size > kMaxLongName) return Error{"not a tar archive (a " + std::to_string(size) + "-byte member name)", source};
  const int64_t padded = (size + 511) / 512 * 512;
  std::string buffer(static_cast<size_t>(padded), '\0');
  std::string error;
  const int64_t n = read_full(gz, buffer.data(), buffer.size(), error);
  if (n < 0) return Error{error, source};
  if (n != padded) return Error{"archive ends inside a member", source};
  if (auto within = budget.take(static_cast<uint64_t>(n)); !within) return within.error();
  return tar_string(buffer.data(), static_cast<size_t>(size));
}

}  // namespace

Status gunzip_file(const std::string& source, const std::string& dest, const UnpackLimits& limits) {
  auto gz = open_gz(source);
  if (!gz) return gz.error();
  Budget budget(limits, source);
  return write_via_part(dest, [&](std::FILE* out, const std::string& part) {
    return copy_stream(gz->get(), out, -1, budget, source, part);
  });
}

Status extract_from_tar_gz(const std::string& source, const std::string& suffix, const std::string& dest,
                           const UnpackLimits& limits) {
  auto gz = open_gz(source);
  if (!gz) return gz.error();
  Budget budget(limits, source);
  char header[512];
  std::string long_name;  // from a GNU 'L' record, applies to the next member
  for (;;) {
    std::string error;
    const int64_t n = read_full(gz->get(), header, sizeof header, error);
    if (n < 0) return Error{error, source};
    if (n < static_cast<int64_t>(sizeof header) || header[0] == '\0') break;  // end of archive
    if (auto within = budget.take(sizeof header); !within) return within;
    const int64_t size = tar_number(header + 124, 12);
    if (size < 0 || size > INT64_MAX / 2) return Error{"not a tar archive (bad member size)", source};
    const char type = header[156];
    std::string name = long_name.empty() ? tar_member_name(header) : long_name;
    long_name.clear();
    if (type == 'L') {
      auto read = read_long_name(gz->get(), size, budget, source);
      if (!read) return read.error();
      long_name = *read;
      continue;
    }
    if ((type == '0' || type == '\0') && name.ends_with(suffix)) {
      // The rest of the stream is read too: only its end marker shows the archive is whole.
      return write_via_part(dest, [&](std::FILE* out, const std::string& part) -> Status {
        if (auto copied = copy_stream(gz->get(), out, size, budget, source, part); !copied) return copied;
        return copy_stream(gz->get(), nullptr, -1, budget, source, part);
      });
    }
    const int64_t padded = size + (512 - size % 512) % 512;
    if (auto skipped = copy_stream(gz->get(), nullptr, padded, budget, source, ""); !skipped) return skipped;
  }
  return Error{"no member ending in \"" + suffix + "\"", source};
}

Status check_compressed(const std::string& path, const UnpackLimits& limits) {
  FilePtr in(std::fopen(path.c_str(), "rb"));
  if (!in) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  char head[3];
  const std::string_view head_bytes(head, std::fread(head, 1, sizeof head, in.get()));
  const Compression compression = detect_compression(head_bytes);
  if (compression == Compression::none) return Ok{};
  Budget budget(limits, path);
  Status within = Ok{};
  const Status decoded = decompress(
      compression, head_bytes, [&](char* out, size_t capacity) { return std::fread(out, 1, capacity, in.get()); },
      [&](const char*, size_t size) {
        within = budget.take(size);
        return static_cast<bool>(within);
      });
  if (!within) return within;
  if (std::ferror(in.get())) return Error{std::string("cannot read: ") + std::strerror(errno), path};
  if (!decoded) return Error{decoded.error().message, path};
  return Ok{};
}

}  // namespace sg::fetch
