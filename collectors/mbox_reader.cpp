// Reading an mbox as a stream: separators found with one line of lookahead,
// the lines between them appended in bulk, memory bounded whatever the file size.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "collectors/header_block.h"
#include "collectors/message_sources.h"
#include "core/byte_scan.h"

namespace sg::mail_detail {

namespace {

constexpr size_t kMaxLine = 1u << 20;  // longer mbox lines are handled in pieces (fixed: results never depend on chunk_size)
// Largest message buffer a caller's reused RawMessage hands back that is kept
// for the next message: above most spam, and 64 of them (a pipeline batch)
// stay far under the pipeline's batch_bytes.
constexpr size_t kReusedCapacity = 64 * 1024;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "hh:mm" somewhere: what every mbox From line date has (asctime or RFC 5322).
bool has_clock_time(std::string_view text) {
  for (size_t i = 1; i + 2 < text.size(); ++i)
    if (text[i] == ':' && is_digit(text[i - 1]) && is_digit(text[i + 1]) && is_digit(text[i + 2])) return true;
  return false;
}

// The first '\n' in data[from, end - 1) followed by 'F' or '>', or npos. Only
// lines starting with those can be separators or quoted From lines: this is
// how MboxSource skips plain lines without looking at them one by one.
size_t find_newline_before_f_or_quote(const char* data, size_t from, size_t end) {
  size_t i = from;
  // 64 bytes per branch: such lines are a few per message, so nearly every
  // block is a miss.
  const auto hits = [&](size_t at) {
    const scan::Block after = scan::load(data + at + 1);
    return scan::equal(scan::load(data + at), '\n') & (scan::equal(after, 'F') | scan::equal(after, '>'));
  };
  for (; i + 65 <= end; i += 64) {
    const scan::Block a = hits(i), b = hits(i + 16), c = hits(i + 32), d = hits(i + 48);
    if (scan::mask((a | b) | (c | d)) == 0) continue;
    const uint64_t mask = uint64_t{scan::mask(a)} | uint64_t{scan::mask(b)} << 16 | uint64_t{scan::mask(c)} << 32 |
                          uint64_t{scan::mask(d)} << 48;
    return i + static_cast<size_t>(std::countr_zero(mask));
  }
  for (; i + 1 < end; ++i)
    if (data[i] == '\n' && (data[i + 1] == 'F' || data[i + 1] == '>')) return i;
  return std::string_view::npos;
}

// An mbox read line by line from a descriptor in fixed chunks. A "From " line
// is a separator when it starts the stream, or when it looks like one
// ("From sender [date with hh:mm]") and either follows an empty line or is
// followed by a header field line; deciding that needs one line of lookahead,
// so a candidate is kept in the message until the next line arrives.
// Inside a message, runs of lines that cannot matter are appended in one piece
// (take_plain_lines); the others go through read_line and take one at a time.
class MboxSource : public Source {
 public:
  MboxSource(Fd fd, std::string prefix, std::string path, SourceKind kind, bool single_as_eml,
             const ReaderOptions& options)
      : fd_(std::move(fd)),
        path_(std::move(path)),
        kind_(kind),
        single_as_eml_(single_as_eml),
        chunk_(std::max<size_t>(options.chunk_size, 1)),
        cap_(std::max<size_t>(options.max_message_size, 1)),
        max_line_(kMaxLine) {
    // A refill happens with less than max_line_ unconsumed, so this never
    // grows. Not zero-filled: only bytes read() wrote are looked at, and a
    // small file never touches most of it.
    buffer_ = std::make_unique_for_overwrite<char[]>(std::max(max_line_, prefix.size()) + chunk_);
    std::memcpy(buffer_.get(), prefix.data(), prefix.size());
    end_ = prefix.size();
    // The caller moved the descriptor to start_offset (an empty prefix then).
    buffer_offset_ = prefix.empty() ? options.start_offset : 0;
  }

  Step next(RawMessage& into, std::vector<Error>& problems) override {
    for (;;) {
      // A candidate's next line decides it, and the rest of a long line comes in
      // pieces: both go through read_line.
      if (in_message_ && !candidate_ && !mid_line_) take_plain_lines();
      Line line;
      if (!read_line(line, problems)) {
        candidate_ = false;
        if (!in_message_) return done_step();
        in_message_ = false;
        return finish(message_.size(), true, into, problems) ? message_step() : done_step();
      }
      if (candidate_) {
        candidate_ = false;
        if (separator(line)) {
          const bool finished = finish(candidate_position_, false, into, problems);
          start(candidate_offset_, candidate_line_);
          take(line);
          if (finished) return message_step();
          continue;
        }
      }
      take(line);
    }
  }

 private:
  struct Line {
    std::string_view text;  // with its line break; valid until the next read_line
    uint64_t offset = 0;
    bool at_start = true;   // begins a line (false for the later pieces of an overlong line)
    bool complete = true;   // ends with a line break or the stream
  };

  bool read_line(Line& line, std::vector<Error>& problems) {
    size_t scan = position_;
    for (;;) {
      char* data = buffer_.get();
      if (const void* newline = std::memchr(data + scan, '\n', end_ - scan)) {
        const size_t length = static_cast<const char*>(newline) + 1 - (data + position_);
        return length > max_line_ ? emit_line(line, max_line_, false) : emit_line(line, length, true);
      }
      if (end_ - position_ >= max_line_) return emit_line(line, max_line_, false);
      if (eof_) {
        if (position_ >= end_) return false;
        return emit_line(line, end_ - position_, true);
      }
      // Move the unconsumed rest to the front, then read one more chunk.
      std::memmove(data, data + position_, end_ - position_);
      buffer_offset_ += position_;
      end_ -= position_;
      position_ = 0;
      scan = end_;
      refill(problems);
    }
  }

  // Reads up to chunk_ bytes behind end_; a short read means the end of the stream.
  void refill(std::vector<Error>& problems) {
    const size_t limit = end_ + chunk_;
    while (end_ < limit) {
      const ssize_t n = read_some(fd_.get(), buffer_.get() + end_, limit - end_);
      if (n <= 0) {
        if (n < 0) problems.push_back(make_error("read error: " + errno_text(errno), path_));
        eof_ = true;
        return;
      }
      end_ += static_cast<size_t>(n);
    }
  }

  // Appends, in one piece, the lines from position_ (a line start) up to the
  // next one that take() would treat specially: a "From " line, a quoted
  // ">From " one, or one that is not in the buffer far enough to tell.
  void take_plain_lines() {
    const char* data = buffer_.get();
    size_t line = position_;
    while (line < end_ && !maybe_from_or_quoted(line)) {
      const size_t newline = find_newline_before_f_or_quote(data, line, end_);
      if (newline == std::string_view::npos) {
        // The unfinished line at the end, if any, is left to read_line.
        const size_t last = std::string_view(data + line, end_ - line).rfind('\n');
        if (last != std::string_view::npos) line += last + 1;
        break;
      }
      line = newline + 1;
    }
    if (line == position_) return;
    previous_blank_ = blank_line_before(line);
    append(std::string_view(data + position_, line - position_));
    position_ = line;
  }

  bool maybe_from_or_quoted(size_t line) const {
    const char* data = buffer_.get();
    size_t text = line;
    while (text < end_ && data[text] == '>') ++text;
    if (text > line || data[line] == 'F') return end_ - text < 5 || std::memcmp(data + text, "From ", 5) == 0;
    return false;
  }

  // Is the line ending just before `line` (at or after position_) "\n" or "\r\n"?
  bool blank_line_before(size_t line) const {
    const char* data = buffer_.get();
    size_t start = line - 1;
    if (start > position_ && data[start - 1] == '\r') --start;
    return start == position_ || data[start - 1] == '\n';
  }

  bool emit_line(Line& line, size_t length, bool complete) {
    line.text = std::string_view(buffer_.get() + position_, length);
    line.offset = buffer_offset_ + position_;
    line.at_start = !mid_line_;
    line.complete = complete;
    mid_line_ = !complete;
    position_ += length;
    return true;
  }

  static bool from_line(const Line& line) {
    return line.at_start && line.complete && line.text.substr(0, 5) == "From ";
  }

  // Is the pending candidate a separator, given the line after it?
  bool separator(const Line& next) const {
    if (field_name_length(strip_line_end(candidate_line_)) > 0) return false;  // "From  :x" is a header field
    std::string_view rest = strip_line_end(candidate_line_).substr(5);
    while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) return false;  // "From " alone: no sender
    // Not find_first_of(" \t"): that is a memchr call per character of the sender.
    std::string_view date = rest.substr(std::find_if(rest.begin(), rest.end(), is_blank) - rest.begin());
    while (!date.empty() && is_blank(date.front())) date.remove_prefix(1);
    const bool dated = has_clock_time(date);
    const bool header_next = next.at_start && field_name_length(strip_line_end(next.text)) > 0;
    return (candidate_after_blank_ && (dated || header_next)) || (header_next && (dated || date.empty()));
  }

  void start(uint64_t offset, std::string_view from_line) {
    in_message_ = true;
    message_offset_ = offset;
    envelope_.assign(strip_line_end(from_line).substr(std::min<size_t>(5, from_line.size())));
    message_.clear();
    // Messages in one mbox tend to be alike in size: start near the last one
    // instead of regrowing (and copying) from empty for every message.
    message_.reserve(std::min(cap_, size_hint_ + size_hint_ / 4));
    oversize_ = false;
    previous_blank_ = false;
  }

  void append(std::string_view bytes) {
    if (oversize_) return;
    if (message_.size() + bytes.size() > cap_) {
      oversize_ = true;
      std::string().swap(message_);  // give the memory back now
      return;
    }
    message_.append(bytes);
  }

  void take(const Line& line) {
    if (!in_message_) {
      if (line.at_start && line.complete && strip_line_end(line.text).empty()) return;  // blank lines before the first From
      if (from_line(line)) {
        start(line.offset, line.text);
        return;
      }
      if (!warned_start_) {
        warned_start_ = true;
        pending_problem_ = "does not start with a \"From \" line; read from byte 0 as one message";
      }
      start(line.offset, "");
    } else if (from_line(line)) {
      // Kept in the message until the next line says whether it separates.
      candidate_ = true;
      candidate_offset_ = line.offset;
      candidate_line_.assign(line.text);
      candidate_position_ = message_.size();
      candidate_after_blank_ = previous_blank_;
      if (!oversize_) message_.append(line.text);  // at most max_line_ over the cap
      previous_blank_ = false;
      return;
    }
    std::string_view text = line.text;
    if (line.at_start && text.size() > 5 && text.front() == '>') {
      // mboxrd/mboxo quoting: ">From " and ">>From " lose one '>'.
      const size_t quotes = text.find_first_not_of('>');
      if (quotes != std::string_view::npos && text.substr(quotes, 5) == "From ") text.remove_prefix(1);
    }
    append(text);
    previous_blank_ = line.at_start && line.complete && (line.text == "\n" || line.text == "\r\n");
  }

  // Ends the message being built at `length` bytes (what precedes a separator)
  // and writes it over `into`, unless it is skipped (false).
  bool finish(size_t length, bool last, RawMessage& into, std::vector<Error>& problems) {
    if (!pending_problem_.empty()) {
      problems.push_back(make_error(pending_problem_, path_));
      pending_problem_.clear();
    }
    if (oversize_) {
      problems.push_back(make_error("message at byte offset " + std::to_string(message_offset_) + " is larger than " +
                                        mib(cap_) + ", skipped",
                                    path_));
      return false;
    }
    message_.resize(std::min(length, message_.size()));
    // The empty line before a separator belongs to the separator.
    if (message_.size() >= 4 && message_.compare(message_.size() - 4, 4, "\r\n\r\n") == 0)
      message_.resize(message_.size() - 2);
    else if (message_.size() >= 2 && message_.compare(message_.size() - 2, 2, "\n\n") == 0)
      message_.resize(message_.size() - 1);
    if (message_.find_first_not_of(" \t\r\n") == std::string::npos) {
      problems.push_back(
          make_error("empty message at byte offset " + std::to_string(message_offset_) + ", skipped", path_));
      return false;
    }
    size_hint_ = message_.size();
    // Swapped, not moved: the buffers the caller's strings had build the next
    // message and envelope, so a caller that reuses `into` allocates nothing.
    into.bytes.swap(message_);
    keep_buffer_bounded(message_);
    into.envelope.swap(envelope_);
    into.source.kind = single_as_eml_ && last && emitted_ == 0 ? SourceKind::eml : kind_;
    into.source.path.assign(path_);
    into.source.offset = message_offset_;
    into.source.uidvalidity = 0;
    into.source.uid = 0;
    ++emitted_;
    return true;
  }

  // A buffer handed back by the caller is kept only when small: one large
  // message must not leave every reused RawMessage of a pipeline that large.
  static void keep_buffer_bounded(std::string& buffer) {
    if (buffer.capacity() > kReusedCapacity) std::string().swap(buffer);
  }

  Fd fd_;
  std::unique_ptr<char[]> buffer_;  // unconsumed input in [position_, end_)
  size_t position_ = 0;
  size_t end_ = 0;
  uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
  bool eof_ = false;
  bool mid_line_ = false;

  std::string path_;
  SourceKind kind_;
  bool single_as_eml_;
  size_t chunk_;
  size_t cap_;
  size_t max_line_;

  bool in_message_ = false;
  uint64_t message_offset_ = 0;
  std::string message_;
  size_t size_hint_ = 0;  // size of the last message: what to reserve for the next
  std::string envelope_;
  bool oversize_ = false;
  bool previous_blank_ = false;
  size_t emitted_ = 0;
  bool warned_start_ = false;
  std::string pending_problem_;

  bool candidate_ = false;
  uint64_t candidate_offset_ = 0;
  std::string candidate_line_;
  size_t candidate_position_ = 0;
  bool candidate_after_blank_ = false;
};

}  // namespace

std::unique_ptr<Source> mbox_source(Fd fd, std::string prefix, std::string path, SourceKind kind,
                                    bool single_as_eml, const ReaderOptions& options) {
  return std::make_unique<MboxSource>(std::move(fd), std::move(prefix), std::move(path), kind,
                                      single_as_eml, options);
}

}  // namespace sg::mail_detail
