#include "collectors/mail_source.h"

#include "collectors/header_block.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <system_error>

#include "collectors/paste.h"
#include "core/byte_scan.h"

namespace sg {

namespace fs = std::filesystem;

namespace {

constexpr size_t kSniffBytes = kPasteWindow;  // what detect_format needs to tell a paste from a message
constexpr size_t kMaxLine = 1u << 20;  // longer mbox lines are handled in pieces (fixed: results never depend on chunk_size)
// Largest message buffer a caller's reused RawMessage hands back that is kept
// for the next message: above most spam, and 64 of them (a pipeline batch)
// stay far under the pipeline's batch_bytes.
constexpr size_t kReusedCapacity = 64 * 1024;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string errno_text(int error) { return std::strerror(error); }

Error make_error(std::string message, std::string where) { return Error{std::move(message), std::move(where)}; }

std::string mib(size_t bytes) {
  return bytes % (1u << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

// An owned (or borrowed, for stdin) file descriptor.
class Fd {
 public:
  Fd() = default;
  Fd(int fd, bool owned) : fd_(fd), owned_(owned) {}
  Fd(Fd&& other) noexcept : fd_(other.fd_), owned_(other.owned_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    std::swap(owned_, other.owned_);
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
};

// read() that retries on EINTR. Returns bytes read, 0 at end, -1 on error.
ssize_t read_some(int fd, char* data, size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, data, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

// Appends up to `limit` bytes from `fd` to `out`, at most `chunk` per read().
// Stops early only at the end of the stream. False on a read error.
bool read_up_to(int fd, std::string& out, size_t limit, size_t chunk, int& error) {
  std::array<char, 64 * 1024> buffer;  // growing `out` in place would zero-fill it first
  while (out.size() < limit) {
    const size_t want = std::min({chunk, limit - out.size(), buffer.size()});
    const ssize_t n = read_some(fd, buffer.data(), want);
    if (n <= 0) {
      if (n < 0) error = errno;
      return n == 0;
    }
    out.append(buffer.data(), static_cast<size_t>(n));
  }
  return true;
}

std::string_view strip_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// "hh:mm" somewhere: what every mbox From line date has (asctime or RFC 5322).
bool has_clock_time(std::string_view text) {
  for (size_t i = 1; i + 2 < text.size(); ++i)
    if (text[i] == ':' && is_digit(text[i - 1]) && is_digit(text[i + 1]) && is_digit(text[i + 2])) return true;
  return false;
}

bool compressed(std::string_view start) {
  return start.substr(0, 2) == "\x1F\x8B" || (start.substr(0, 3) == "BZh" && start.size() > 3 && is_digit(start[3])) ||
         start.substr(0, 6) == std::string_view("\xFD" "7zXZ\0", 6);
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

struct Source;

// What one call of Source::next did: wrote a message into the caller's
// RawMessage, or found a child source to read first, or ended the source.
// None of these (a skipped entry): call again.
struct Step {
  bool message = false;
  std::unique_ptr<Source> child;
  bool done = false;
};

// Base of every place messages come from: a file, an mbox stream, a folder.
struct Source {
  virtual ~Source() = default;
  // Writes a message over `into` only when the Step says so.
  virtual Step next(RawMessage& into, std::vector<Error>& problems) = 0;
};

Step done_step() {
  Step step;
  step.done = true;
  return step;
}

Step message_step() {
  Step step;
  step.message = true;
  return step;
}

// Hands over a whole message read some other way (an .eml, a paste excerpt).
Step message_step(RawMessage& into, RawMessage message) {
  into = std::move(message);
  return message_step();
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
  MboxSource(Fd fd, std::string prefix, std::string path, std::string kind, bool single_as_eml,
             const ReaderOptions& options)
      : fd_(std::move(fd)),
        path_(std::move(path)),
        kind_(std::move(kind)),
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
    into.source.kind.assign(single_as_eml_ && last && emitted_ == 0 ? "eml" : kind_);
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
  std::string kind_;
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

// Messages already in memory (an .eml, the excerpts of a paste).
class QueueSource : public Source {
 public:
  explicit QueueSource(std::vector<RawMessage> messages) : messages_(std::move(messages)) {}
  Step next(RawMessage& into, std::vector<Error>&) override {
    if (index_ >= messages_.size()) return done_step();
    return message_step(into, std::move(messages_[index_++]));
  }

 private:
  std::vector<RawMessage> messages_;
  size_t index_ = 0;
};

std::vector<RawMessage> paste_messages(std::string_view text, const std::string& path, std::vector<Error>& problems) {
  std::vector<std::string> notes;
  std::vector<PasteExcerpt> excerpts = split_paste(text, notes);
  for (std::string& note : notes) problems.push_back(make_error(std::move(note), path));
  if (excerpts.empty()) problems.push_back(make_error("no header fields found in paste", path));
  std::vector<RawMessage> messages;
  for (PasteExcerpt& excerpt : excerpts) {
    RawMessage message;
    message.bytes = std::move(excerpt.headers);
    message.source.kind = "paste";
    message.source.path = path;
    message.source.offset = excerpt.offset;
    messages.push_back(std::move(message));
  }
  return messages;
}

// Opens a file met in a folder walk: only a regular file, and never waiting
// (a FIFO swapped in after the listing must not block the walk). An invalid Fd
// when it is reported in `problems`.
Fd open_walked_file(const std::string& path, std::vector<Error>& problems) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK), true);
  struct stat status;
  if (fd.get() < 0 || ::fstat(fd.get(), &status) != 0) {
    problems.push_back(make_error("cannot open: " + errno_text(errno), path));
    return Fd();
  }
  if (!S_ISREG(status.st_mode)) {
    problems.push_back(make_error("not a regular file, skipped", path));
    return Fd();
  }
  return fd;  // O_NONBLOCK does not change how a regular file reads
}

// One file or standard input, read as `format` (automatic: detected from its start).
class StreamSource : public Source {
 public:
  // `fd`: the file already open (a path the user named, or standard input);
  // else the file is one met in a folder walk, opened by next().
  StreamSource(std::string path, MailFormat format, std::string kind, const ReaderOptions& options, Fd fd = {})
      : path_(std::move(path)), format_(format), kind_(std::move(kind)), options_(options), fd_(std::move(fd)) {}

  Step next(RawMessage& into, std::vector<Error>& problems) override {
    if (opened_) return done_step();  // the child (or the message) was handed out already
    opened_ = true;
    const bool stdin_stream = path_ == "-";
    Fd fd = fd_.get() >= 0 ? std::move(fd_) : open_walked_file(path_, problems);
    if (fd.get() < 0) return done_step();
    if (format_ == MailFormat::mbox) {  // nothing to detect: stream from byte 0
      Step step;
      step.child = std::make_unique<MboxSource>(std::move(fd), std::string(), path_, stdin_stream ? "stdin" : "mbox",
                                                false, options_);
      return step;
    }
    const size_t cap = std::max<size_t>(options_.max_message_size, 1);
    std::string start;
    int error = 0;
    if (!read_up_to(fd.get(), start, kSniffBytes, kSniffBytes, error)) {
      problems.push_back(make_error("read error: " + errno_text(error), path_));
      return done_step();
    }
    MailFormat format = format_;
    if (format == MailFormat::automatic) {
      if (compressed(start)) {
        problems.push_back(make_error("compressed file: decompress it first (gzip, bzip2 and xz are not read)", path_));
        return done_step();
      }
      format = detect_format(start);
      if (format == MailFormat::automatic) {
        if (!start.empty()) problems.push_back(make_error("not a mail message, skipped", path_));
        return done_step();
      }
    }
    if (format == MailFormat::mbox) {
      Step step;
      step.child = std::make_unique<MboxSource>(std::move(fd), std::move(start), path_,
                                                stdin_stream ? "stdin" : "mbox", !stdin_stream, options_);
      return step;
    }
    // eml and paste: the whole file, bounded.
    if (!read_up_to(fd.get(), start, cap + 1, std::max<size_t>(options_.chunk_size, 4096), error)) {
      problems.push_back(make_error("read error: " + errno_text(error), path_));
      return done_step();
    }
    if (start.size() > cap) {
      problems.push_back(make_error("message larger than " + mib(cap) + ", skipped", path_));
      return done_step();
    }
    Step step;
    if (format == MailFormat::paste) {
      step.child = std::make_unique<QueueSource>(paste_messages(start, path_, problems));
      return step;
    }
    if (start.find_first_not_of(" \t\r\n") == std::string::npos) {
      problems.push_back(make_error("empty file, skipped", path_));
      return done_step();
    }
    RawMessage message;
    message.bytes = std::move(start);
    message.source.kind = stdin_stream ? "stdin" : kind_;
    message.source.path = path_;
    return message_step(into, std::move(message));
  }

 private:
  std::string path_;
  MailFormat format_;
  std::string kind_;
  ReaderOptions options_;
  Fd fd_;
  bool opened_ = false;
};

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

struct Listing {
  std::vector<fs::path> files;
  std::vector<fs::path> folders;
};

// Which entries of a folder a walk reads.
struct Wanted {
  bool files = true;            // else only its folders (files next to Maildirs are no mail)
  bool hidden_folders = false;  // ".Name" folders too: Maildir++ subfolders
};

// Why an entry whose type cannot be determined is passed over.
std::string unreachable(bool link, const std::error_code& ec) {
  if (ec == std::errc::too_many_symbolic_link_levels) return "symlink loop, skipped";
  if (link && ec == std::errc::no_such_file_or_directory) return "broken symlink (its target does not exist), skipped";
  return "cannot read: " + ec.message();
}

// What a file that is not a regular one is, for the report.
std::string special_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

// Sorts one folder entry into `listing`, or reports why it is passed over.
// Names starting with '.' are passed over in silence (not mail by convention).
void take_entry(const fs::directory_entry& entry, Wanted wanted, Listing& listing, std::vector<Error>& problems) {
  const fs::path& path = entry.path();
  const bool dot = hidden(path);
  if (dot && !wanted.hidden_folders) return;
  std::error_code ec;
  const bool link = entry.is_symlink(ec);
  const fs::file_status status = fs::status(path, ec);
  if (ec) {
    if (!dot) problems.push_back(make_error(unreachable(link, ec), path.string()));
    return;
  }
  if (fs::is_directory(status)) {
    // Not followed: a link back up would make the walk endless.
    if (link) problems.push_back(make_error("symlinked folder not followed", path.string()));
    else listing.folders.push_back(path);
    return;
  }
  if (dot || !wanted.files) return;
  if (fs::is_regular_file(status)) listing.files.push_back(path);
  // Opening a FIFO or a device could block the walk or never end.
  else problems.push_back(make_error(special_file(status.type()) + ", skipped", path.string()));
}

// Sorted entries of one folder; a folder that cannot be read (or be read to
// its end) is reported.
Listing list_folder(const fs::path& dir, Wanted wanted, std::vector<Error>& problems) {
  Listing listing;
  std::error_code ec;
  std::vector<Error> passed_over;
  fs::directory_iterator it(dir, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec))
    take_entry(*it, wanted, listing, passed_over);
  // An error in increment() also ends the iterator: only ec tells.
  if (ec) problems.push_back(make_error("cannot read folder: " + ec.message(), dir.string()));
  std::sort(listing.files.begin(), listing.files.end());
  std::sort(listing.folders.begin(), listing.folders.end());
  // In path order, as the files are read: not in the file system's order.
  std::sort(passed_over.begin(), passed_over.end(), [](const Error& a, const Error& b) { return a.where < b.where; });
  std::move(passed_over.begin(), passed_over.end(), std::back_inserter(problems));
  return listing;
}

class MaildirSource;

// A folder walked recursively: files detected one by one (unless `files` is
// false: then only Maildirs below it are read), Maildirs read as such.
class FolderSource : public Source {
 public:
  FolderSource(fs::path dir, bool files, size_t depth, const ReaderOptions& options)
      : dir_(std::move(dir)), files_(files), depth_(depth), options_(options) {}
  Step next(RawMessage& into, std::vector<Error>& problems) override;

 private:
  fs::path dir_;
  bool files_;
  size_t depth_;
  ReaderOptions options_;
  bool listed_ = false;
  std::vector<fs::path> entries_;  // files first, then folders (marked by folder_from_)
  size_t folder_from_ = 0;
  size_t index_ = 0;
};

// A Maildir: cur/ and new/ (tmp/ holds deliveries in progress), then its
// subfolders (Maildir++ ".Name" and plain ones).
class MaildirSource : public Source {
 public:
  MaildirSource(fs::path dir, size_t depth, const ReaderOptions& options)
      : dir_(std::move(dir)), depth_(depth), options_(options) {}

  Step next(RawMessage&, std::vector<Error>& problems) override {
    if (!listed_) {
      listed_ = true;
      list(problems);
    }
    Step step;
    if (file_index_ < files_.size()) {
      step.child = std::make_unique<StreamSource>(files_[file_index_++].string(), MailFormat::eml, "maildir", options_);
      return step;
    }
    if (folder_index_ < folders_.size()) {
      const fs::path& folder = folders_[folder_index_++];
      if (depth_ + 1 > options_.max_depth) {
        problems.push_back(make_error("folder nesting deeper than " + std::to_string(options_.max_depth) + ", skipped",
                                      folder.string()));
        return step;
      }
      if (is_maildir(folder)) step.child = std::make_unique<MaildirSource>(folder, depth_ + 1, options_);
      else step.child = std::make_unique<FolderSource>(folder, false, depth_ + 1, options_);
      return step;
    }
    return done_step();
  }

 private:
  void list(std::vector<Error>& problems) {
    for (const char* sub : {"cur", "new"}) {
      const fs::path folder = dir_ / sub;
      std::error_code ec;
      const fs::file_status status = fs::status(folder, ec);
      if (status.type() == fs::file_type::not_found) continue;  // a Maildir may lack one of them
      if (ec) {
        problems.push_back(make_error("cannot read folder: " + ec.message(), folder.string()));
        continue;
      }
      if (!fs::is_directory(status)) {
        problems.push_back(make_error("not a folder, skipped", folder.string()));
        continue;
      }
      for (fs::path& file : list_folder(folder, Wanted{}, problems).files) files_.push_back(std::move(file));
    }
    for (fs::path& folder : list_folder(dir_, Wanted{false, true}, problems).folders) {
      const std::string name = folder.filename().string();
      if (name == "cur" || name == "new" || name == "tmp") continue;
      if (hidden(folder) && !is_maildir(folder)) continue;  // .git, .cache: not mail
      folders_.push_back(std::move(folder));
    }
  }

  fs::path dir_;
  size_t depth_;
  ReaderOptions options_;
  bool listed_ = false;
  std::vector<fs::path> files_;
  std::vector<fs::path> folders_;
  size_t file_index_ = 0;
  size_t folder_index_ = 0;
};

Step FolderSource::next(RawMessage&, std::vector<Error>& problems) {
  if (!listed_) {
    listed_ = true;
    Listing listing = list_folder(dir_, Wanted{files_, false}, problems);
    if (files_) entries_ = std::move(listing.files);
    folder_from_ = entries_.size();
    for (fs::path& folder : listing.folders) entries_.push_back(std::move(folder));
  }
  Step step;
  if (index_ >= entries_.size()) return done_step();
  const size_t index = index_++;
  const fs::path& path = entries_[index];
  if (index < folder_from_) {
    step.child = std::make_unique<StreamSource>(path.string(), MailFormat::automatic, "eml", options_);
    return step;
  }
  if (depth_ + 1 > options_.max_depth) {
    problems.push_back(
        make_error("folder nesting deeper than " + std::to_string(options_.max_depth) + ", skipped", path.string()));
    return step;
  }
  if (is_maildir(path)) step.child = std::make_unique<MaildirSource>(path, depth_ + 1, options_);
  else step.child = std::make_unique<FolderSource>(path, files_, depth_ + 1, options_);
  return step;
}

}  // namespace

std::optional<MailFormat> parse_mail_format(std::string_view name) {
  if (name == "auto" || name == "automatic") return MailFormat::automatic;
  if (name == "eml") return MailFormat::eml;
  if (name == "dir" || name == "directory") return MailFormat::directory;
  if (name == "maildir") return MailFormat::maildir;
  if (name == "mbox") return MailFormat::mbox;
  if (name == "paste") return MailFormat::paste;
  return std::nullopt;
}

std::string_view format_name(MailFormat format) {
  switch (format) {
    case MailFormat::automatic: return "auto";
    case MailFormat::eml: return "eml";
    case MailFormat::directory: return "dir";
    case MailFormat::maildir: return "maildir";
    case MailFormat::mbox: return "mbox";
    case MailFormat::paste: return "paste";
  }
  return "auto";
}

MailFormat detect_format(std::string_view start) {
  if (compressed(start)) return MailFormat::automatic;
  if (start.substr(0, 3) == "\xEF\xBB\xBF") start.remove_prefix(3);
  if (start.substr(0, 5) == "From ") return MailFormat::mbox;
  if (looks_like_paste(start)) return MailFormat::paste;
  const size_t end = start.find('\n');
  if (field_name_length(strip_line_end(start.substr(0, end == std::string_view::npos ? start.size() : end + 1))) > 0)
    return MailFormat::eml;
  return MailFormat::automatic;
}

struct MessageReader::Impl {
  std::vector<std::unique_ptr<Source>> stack;
};

MessageReader::MessageReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MessageReader::~MessageReader() = default;

Result<std::unique_ptr<MessageReader>> MessageReader::open(const std::string& path, MailFormat format,
                                                           const ReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  if (path == "-") {
    if (format == MailFormat::directory || format == MailFormat::maildir)
      return make_error("standard input cannot be read as a folder", path);
    impl->stack.push_back(std::make_unique<StreamSource>(path, format, "stdin", options, Fd(STDIN_FILENO, false)));
    return std::unique_ptr<MessageReader>(new MessageReader(std::move(impl)));
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    if (!ec) ec = std::make_error_code(std::errc::no_such_file_or_directory);
    return make_error(ec.message(), path);
  }
  if (fs::is_directory(status)) {
    switch (format) {
      case MailFormat::automatic:
      case MailFormat::directory:
      case MailFormat::maildir:
        if (is_maildir(path)) impl->stack.push_back(std::make_unique<MaildirSource>(path, 0, options));
        else impl->stack.push_back(std::make_unique<FolderSource>(path, format != MailFormat::maildir, 0, options));
        break;
      default:
        return make_error("is a folder, not a " + std::string(format_name(format)) + " file", path);
    }
  } else {
    if (format == MailFormat::directory || format == MailFormat::maildir)
      return make_error("is not a folder", path);
    // Fail now, not at the first next(), when the file cannot be read at all.
    // Kept open: a FIFO opened twice would lose its writer to the first open.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC), true);
    if (fd.get() < 0) return make_error("cannot open: " + errno_text(errno), path);
    impl->stack.push_back(std::make_unique<StreamSource>(path, format, "eml", options, std::move(fd)));
  }
  return std::unique_ptr<MessageReader>(new MessageReader(std::move(impl)));
}

std::optional<RawMessage> MessageReader::next(std::vector<Error>& problems) {
  RawMessage message;
  if (!next(message, problems)) return std::nullopt;
  return message;
}

bool MessageReader::next(RawMessage& into, std::vector<Error>& problems) {
  auto& stack = impl_->stack;
  while (!stack.empty()) {
    Step step = stack.back()->next(into, problems);
    if (step.message) return true;
    if (step.child) stack.push_back(std::move(step.child));
    else if (step.done) stack.pop_back();
  }
  return false;
}

Status read_messages(const std::string& path, MailFormat format, const std::function<bool(RawMessage&&)>& sink,
                     std::vector<Error>& problems, const ReaderOptions& options) {
  auto reader = MessageReader::open(path, format, options);
  if (!reader) return reader.error();
  while (auto message = (*reader)->next(problems))
    if (!sink(std::move(*message))) break;
  return Ok{};
}

}  // namespace sg
