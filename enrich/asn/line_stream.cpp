#include "enrich/asn/line_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "enrich/decompress.h"

namespace sg::asn {
namespace {

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

// Reads the magic bytes, then every line of the decoded stream.
Result<size_t> read_lines(RawSource& src, const LineHandlers& handlers, size_t max_line) {
  char head[3];
  size_t have = 0;
  while (have < sizeof head) {
    const size_t n = src.read(head + have, sizeof head - have);
    if (n == 0) break;
    have += n;
  }
  const std::string_view head_bytes(head, have);
  LineSplitter lines(handlers, max_line);
  bool stopped = false;
  const Status decoded = decompress(
      detect_compression(head_bytes), head_bytes, [&](char* out, size_t capacity) { return src.read(out, capacity); },
      [&](const char* data, size_t size) {
        stopped = !lines.feed(data, size);
        return !stopped;
      });
  if (stopped) return lines.lines();
  if (src.failed()) return Error{"read error", ""};
  lines.finish();
  if (!decoded) return Error{decoded.error().message, "line " + std::to_string(lines.lines())};
  return lines.lines();
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
