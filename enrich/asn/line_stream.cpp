#include "enrich/asn/line_stream.h"

#include <bzlib.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace sg::asn {
namespace {

constexpr size_t kChunk = 1 << 16;

// Pulls raw bytes from a file or a memory block.
class RawSource {
 public:
  explicit RawSource(std::FILE* file) : file_(file) {}
  explicit RawSource(std::string_view bytes) : bytes_(bytes) {}
  // Fills `out` with up to `cap` bytes; 0 at end of input.
  size_t read(char* out, size_t cap) {
    if (file_) return std::fread(out, 1, cap, file_);
    const size_t n = std::min(cap, bytes_.size());
    std::memcpy(out, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  bool failed() const { return file_ && std::ferror(file_); }

 private:
  std::FILE* file_ = nullptr;
  std::string_view bytes_;
};

// Splits decoded bytes into lines, enforcing the length limit.
class LineSplitter {
 public:
  LineSplitter(const LineHandlers& handlers, size_t max_line)
      : handlers_(handlers), max_line_(max_line) {}

  // Returns false when the consumer asked to stop.
  bool feed(const char* data, size_t size) {
    while (size > 0) {
      const char* nl = static_cast<const char*>(std::memchr(data, '\n', size));
      const size_t take = nl ? static_cast<size_t>(nl - data) : size;
      if (!overlong_) {
        if (pending_.size() + take > max_line_) {
          overlong_ = true;
          pending_.clear();
        } else {
          pending_.append(data, take);
        }
      }
      if (!nl) return true;
      if (!finish_line()) return false;
      data += take + 1;
      size -= take + 1;
    }
    return true;
  }
  // Delivers a last line without a newline; false when the consumer stopped.
  bool finish() { return (pending_.empty() && !overlong_) ? true : finish_line(); }
  size_t lines() const { return number_; }

 private:
  bool finish_line() {
    ++number_;
    bool keep_going = true;
    if (overlong_) {
      if (handlers_.too_long) handlers_.too_long(number_);
    } else {
      std::string_view line(pending_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (handlers_.on_line) keep_going = handlers_.on_line(number_, line);
    }
    pending_.clear();
    overlong_ = false;
    return keep_going;
  }

  const LineHandlers& handlers_;
  size_t max_line_;
  std::string pending_;
  bool overlong_ = false;
  size_t number_ = 0;
};

Compression detect(const unsigned char* head, size_t size) {
  if (size >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::gzip;
  if (size >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') return Compression::bzip2;
  return Compression::none;
}

Result<size_t> pump_plain(RawSource& src, std::vector<char>& in, size_t have, LineSplitter& lines) {
  for (;;) {
    if (have > 0 && !lines.feed(in.data(), have)) return lines.lines();
    have = src.read(in.data(), in.size());
    if (have == 0) break;
  }
  if (src.failed()) return Error{"read error", ""};
  lines.finish();
  return lines.lines();
}

Result<size_t> pump_gzip(RawSource& src, std::vector<char>& in, size_t have, LineSplitter& lines) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Error{"cannot initialise zlib", ""};
  std::vector<char> out(kChunk);
  bool stream_end = false;
  bool data_seen = false;  // bytes after a finished member (concatenated gzip)
  Result<size_t> result = size_t{0};
  for (;;) {
    if (have == 0) {
      have = src.read(in.data(), in.size());
      if (have == 0) break;
    }
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(have);
    while (z.avail_in > 0) {
      if (stream_end) {  // another gzip member follows
        inflateReset(&z);
        stream_end = false;
      }
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z, Z_NO_FLUSH);
      data_seen = true;
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        inflateEnd(&z);
        lines.finish();
        return Error{std::string("corrupt gzip data: ") + (z.msg ? z.msg : "inflate failed"),
                     "line " + std::to_string(lines.lines())};
      }
      const size_t produced = out.size() - z.avail_out;
      if (produced > 0 && !lines.feed(out.data(), produced)) {
        inflateEnd(&z);
        return lines.lines();
      }
      if (rc == Z_STREAM_END) stream_end = true;
      if (rc == Z_BUF_ERROR && produced == 0) break;
    }
    have = 0;
  }
  inflateEnd(&z);
  if (src.failed()) return Error{"read error", ""};
  lines.finish();
  if (data_seen && !stream_end)
    return Error{"truncated gzip stream", "line " + std::to_string(lines.lines())};
  return lines.lines();
}

Result<size_t> pump_bzip2(RawSource& src, std::vector<char>& in, size_t have, LineSplitter& lines) {
  bz_stream bz{};
  if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) return Error{"cannot initialise bzip2", ""};
  std::vector<char> out(kChunk);
  bool stream_end = false;
  for (;;) {
    if (have == 0) {
      have = src.read(in.data(), in.size());
      if (have == 0) break;
    }
    bz.next_in = in.data();
    bz.avail_in = static_cast<unsigned>(have);
    while (bz.avail_in > 0) {
      if (stream_end) {  // concatenated bzip2 streams (pbzip2 output)
        BZ2_bzDecompressEnd(&bz);
        char* next = bz.next_in;
        const unsigned avail = bz.avail_in;
        bz = bz_stream{};
        if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) return Error{"cannot initialise bzip2", ""};
        bz.next_in = next;
        bz.avail_in = avail;
        stream_end = false;
      }
      bz.next_out = out.data();
      bz.avail_out = static_cast<unsigned>(out.size());
      const int rc = BZ2_bzDecompress(&bz);
      if (rc != BZ_OK && rc != BZ_STREAM_END) {
        BZ2_bzDecompressEnd(&bz);
        lines.finish();
        return Error{"corrupt bzip2 data (code " + std::to_string(rc) + ")",
                     "line " + std::to_string(lines.lines())};
      }
      const size_t produced = out.size() - bz.avail_out;
      if (produced > 0 && !lines.feed(out.data(), produced)) {
        BZ2_bzDecompressEnd(&bz);
        return lines.lines();
      }
      if (rc == BZ_STREAM_END) stream_end = true;
      else if (produced == 0 && bz.avail_in == 0) break;
    }
    have = 0;
  }
  // Drain output still buffered inside the decoder.
  while (!stream_end) {
    bz.next_in = nullptr;
    bz.avail_in = 0;
    bz.next_out = out.data();
    bz.avail_out = static_cast<unsigned>(out.size());
    const int rc = BZ2_bzDecompress(&bz);
    const size_t produced = out.size() - bz.avail_out;
    if (produced > 0 && !lines.feed(out.data(), produced)) break;
    if (rc == BZ_STREAM_END) stream_end = true;
    if (rc != BZ_OK || produced == 0) break;
  }
  BZ2_bzDecompressEnd(&bz);
  if (src.failed()) return Error{"read error", ""};
  lines.finish();
  if (!stream_end) return Error{"truncated bzip2 stream", "line " + std::to_string(lines.lines())};
  return lines.lines();
}

Result<size_t> read_lines(RawSource& src, const LineHandlers& handlers, size_t max_line) {
  std::vector<char> in(kChunk);
  size_t have = 0;
  while (have < 3) {  // enough for the magic bytes
    const size_t n = src.read(in.data() + have, 3 - have);
    if (n == 0) break;
    have += n;
  }
  LineSplitter lines(handlers, max_line);
  switch (detect(reinterpret_cast<const unsigned char*>(in.data()), have)) {
    case Compression::gzip:
      return pump_gzip(src, in, have, lines);
    case Compression::bzip2:
      return pump_bzip2(src, in, have, lines);
    case Compression::none:
      break;
  }
  return pump_plain(src, in, have, lines);
}

}  // namespace

Result<size_t> read_lines_from_file(const std::string& path, const LineHandlers& handlers,
                                    size_t max_line) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  RawSource src(file.get());
  auto result = read_lines(src, handlers, max_line);
  if (!result) return Error{result.error().message, path + (result.error().where.empty() ? "" : ": " + result.error().where)};
  return result;
}

Result<size_t> read_lines_from_bytes(std::string_view bytes, const LineHandlers& handlers,
                                     size_t max_line) {
  RawSource src(bytes);
  return read_lines(src, handlers, max_line);
}

}  // namespace sg::asn
