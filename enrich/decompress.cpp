#include "enrich/decompress.h"

#include <bzlib.h>
#include <zlib.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace sg {
namespace {

constexpr size_t kChunk = 1 << 16;

// The encoded bytes: first the head the caller already read, then the source.
class Input {
 public:
  Input(std::string_view head, const ByteSource& source) : head_(head), source_(source), buffer_(kChunk) {}
  // The next piece of input; empty at the end.
  std::string_view next() {
    if (!head_.empty()) return std::exchange(head_, {});
    return std::string_view(buffer_.data(), source_(buffer_.data(), buffer_.size()));
  }

 private:
  std::string_view head_;
  const ByteSource& source_;
  std::vector<char> buffer_;
};

Status pass_through(Input& input, const ByteSink& sink) {
  for (std::string_view piece = input.next(); !piece.empty(); piece = input.next())
    if (!sink(piece.data(), piece.size())) break;
  return Ok{};
}

Status inflate_gzip(Input& input, const ByteSink& sink) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Error{"cannot initialise zlib", ""};
  std::vector<char> out(kChunk);
  bool stream_end = false;
  bool data_seen = false;
  for (std::string_view piece = input.next(); !piece.empty(); piece = input.next()) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(piece.data()));
    z.avail_in = static_cast<uInt>(piece.size());
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
        std::string message = std::string("corrupt gzip data: ") + (z.msg ? z.msg : "inflate failed");
        inflateEnd(&z);
        return Error{std::move(message), ""};
      }
      const size_t produced = out.size() - z.avail_out;
      if (produced > 0 && !sink(out.data(), produced)) {
        inflateEnd(&z);
        return Ok{};
      }
      if (rc == Z_STREAM_END) stream_end = true;
      if (rc == Z_BUF_ERROR && produced == 0) break;
    }
  }
  inflateEnd(&z);
  if (data_seen && !stream_end) return Error{"truncated gzip stream", ""};
  return Ok{};
}

Status inflate_bzip2(Input& input, const ByteSink& sink) {
  bz_stream bz{};
  if (BZ2_bzDecompressInit(&bz, 0, 0) != BZ_OK) return Error{"cannot initialise bzip2", ""};
  std::vector<char> out(kChunk);
  bool stream_end = false;
  for (std::string_view piece = input.next(); !piece.empty(); piece = input.next()) {
    bz.next_in = const_cast<char*>(piece.data());
    bz.avail_in = static_cast<unsigned>(piece.size());
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
        return Error{"corrupt bzip2 data (code " + std::to_string(rc) + ")", ""};
      }
      const size_t produced = out.size() - bz.avail_out;
      if (produced > 0 && !sink(out.data(), produced)) {
        BZ2_bzDecompressEnd(&bz);
        return Ok{};
      }
      if (rc == BZ_STREAM_END)
        stream_end = true;
      else if (produced == 0 && bz.avail_in == 0)
        break;
    }
  }
  // The decoder may still hold output after the last input byte.
  while (!stream_end) {
    bz.next_in = nullptr;
    bz.avail_in = 0;
    bz.next_out = out.data();
    bz.avail_out = static_cast<unsigned>(out.size());
    const int rc = BZ2_bzDecompress(&bz);
    const size_t produced = out.size() - bz.avail_out;
    if (produced > 0 && !sink(out.data(), produced)) {
      BZ2_bzDecompressEnd(&bz);
      return Ok{};
    }
    if (rc == BZ_STREAM_END) stream_end = true;
    if (rc != BZ_OK || produced == 0) break;
  }
  BZ2_bzDecompressEnd(&bz);
  if (!stream_end) return Error{"truncated bzip2 stream", ""};
  return Ok{};
}

}  // namespace

Compression detect_compression(std::string_view head) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(head[i]); };
  if (head.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) return Compression::gzip;
  if (head.size() >= 3 && head.substr(0, 3) == "BZh") return Compression::bzip2;
  return Compression::none;
}

Status decompress(Compression compression, std::string_view head, const ByteSource& source, const ByteSink& sink) {
  Input input(head, source);
  switch (compression) {
    case Compression::gzip: return inflate_gzip(input, sink);
    case Compression::bzip2: return inflate_bzip2(input, sink);
    case Compression::none: break;
  }
  return pass_through(input, sink);
}

}  // namespace sg
