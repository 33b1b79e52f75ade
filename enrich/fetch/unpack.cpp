#include "enrich/fetch/unpack.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace sg::fetch {
namespace {

struct GzClose {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
struct FileClose {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using GzPtr = std::unique_ptr<gzFile_s, GzClose>;
using FilePtr = std::unique_ptr<std::FILE, FileClose>;

Result<GzPtr> open_gz(const std::string& path) {
  GzPtr gz(gzopen(path.c_str(), "rb"));
  if (!gz) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  gzbuffer(gz.get(), 128 * 1024);
  return gz;
}

/// Reads exactly `size` bytes unless the stream ends; returns the count, or -1 on a
/// corrupt stream (then `error` says why).
int64_t read_full(gzFile_s* gz, char* out, size_t size, std::string& error) {
  size_t done = 0;
  while (done < size) {
    const int n = gzread(gz, out + done, static_cast<unsigned>(size - done));
    if (n < 0) {
      int code = 0;
      error = gzerror(gz, &code);
      return -1;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<int64_t>(done);
}

Status rename_into_place(const std::string& part, const std::string& dest) {
  std::error_code error;
  std::filesystem::rename(part, dest, error);
  if (error) return Error{"cannot rename to " + dest + ": " + error.message(), part};
  return Ok{};
}

/// Copies up to `size` bytes (all when size < 0) of `gz` to `out`.
Status copy_stream(gzFile_s* gz, std::FILE* out, int64_t size, const std::string& source, const std::string& part) {
  std::vector<char> buffer(128 * 1024);
  int64_t left = size;
  while (size < 0 || left > 0) {
    const size_t want = size < 0 ? buffer.size() : static_cast<size_t>(std::min<int64_t>(left, buffer.size()));
    std::string error;
    const int64_t n = read_full(gz, buffer.data(), want, error);
    if (n < 0) return Error{"corrupt gzip: " + error, source};
    if (n == 0) {
      if (size < 0) break;
      return Error{"archive ends inside a member", source};
    }
    if (std::fwrite(buffer.data(), 1, static_cast<size_t>(n), out) != static_cast<size_t>(n))
      return Error{std::string("cannot write: ") + std::strerror(errno), part};
    left -= n;
  }
  return Ok{};
}

/// A tar header's octal number field (GNU base-256 for huge sizes included).
int64_t tar_number(const char* field, size_t width) {
  if (static_cast<unsigned char>(field[0]) & 0x80) {
    int64_t value = 0;
    for (size_t i = 1; i < width; ++i) value = (value << 8) | static_cast<unsigned char>(field[i]);
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

}  // namespace

Status gunzip_file(const std::string& source, const std::string& dest) {
  auto gz = open_gz(source);
  if (!gz) return gz.error();
  const std::string part = dest + ".part";
  {
    FilePtr out(std::fopen(part.c_str(), "wb"));
    if (!out) return Error{std::string("cannot create: ") + std::strerror(errno), part};
    if (auto copied = copy_stream(gz->get(), out.get(), -1, source, part); !copied) {
      out.reset();
      std::remove(part.c_str());
      return copied.error();
    }
    if (std::fflush(out.get()) != 0) return Error{std::string("cannot write: ") + std::strerror(errno), part};
  }
  return rename_into_place(part, dest);
}

Status extract_from_tar_gz(const std::string& source, const std::string& suffix, const std::string& dest) {
  auto gz = open_gz(source);
  if (!gz) return gz.error();
  const std::string part = dest + ".part";
  char header[512];
  std::string long_name;  // from a GNU 'L' record, applies to the next member
  for (;;) {
    std::string error;
    const int64_t n = read_full(gz->get(), header, sizeof header, error);
    if (n < 0) return Error{"corrupt gzip: " + error, source};
    if (n < static_cast<int64_t>(sizeof header) || header[0] == '\0') break;  // end of archive
    const int64_t size = tar_number(header + 124, 12);
    if (size < 0) return Error{"not a tar archive (bad member size)", source};
    const char type = header[156];
    std::string name = tar_string(header, 100);
    if (std::memcmp(header + 257, "ustar", 5) == 0) {
      const std::string prefix = tar_string(header + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    const int64_t padded = (size + 511) / 512 * 512;
    if (type == 'L') {
      std::string buffer(static_cast<size_t>(padded), '\0');
      if (read_full(gz->get(), buffer.data(), buffer.size(), error) != padded)
        return Error{"archive ends inside a member", source};
      long_name = tar_string(buffer.data(), static_cast<size_t>(size));
      continue;
    }
    if ((type == '0' || type == '\0') && name.ends_with(suffix)) {
      FilePtr out(std::fopen(part.c_str(), "wb"));
      if (!out) return Error{std::string("cannot create: ") + std::strerror(errno), part};
      if (auto copied = copy_stream(gz->get(), out.get(), size, source, part); !copied) {
        out.reset();
        std::remove(part.c_str());
        return copied.error();
      }
      if (std::fflush(out.get()) != 0) return Error{std::string("cannot write: ") + std::strerror(errno), part};
      out.reset();
      return rename_into_place(part, dest);
    }
    // Skip the member's data.
    std::vector<char> skip(64 * 1024);
    int64_t left = padded;
    while (left > 0) {
      const int64_t got = read_full(gz->get(), skip.data(), static_cast<size_t>(std::min<int64_t>(left, skip.size())), error);
      if (got <= 0) return Error{"archive ends inside a member", source};
      left -= got;
    }
  }
  return Error{"no member ending in \"" + suffix + "\"", source};
}

}  // namespace sg::fetch
