// What a path holds (detect_format), a single file or standard input read whole
// or handed to the mbox reader, and MessageReader, which reads the stack of
// sources (collectors/message_sources.h) a path opens into.
#include "collectors/mail_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <system_error>

#include "collectors/header_block.h"
#include "collectors/message_sources.h"
#include "collectors/paste.h"

namespace sg {

using namespace mail_detail;  // the sources' own namespace: this file implements one of them

namespace fs = std::filesystem;

namespace {

constexpr size_t kSniffBytes = kPasteWindow;  // what detect_format needs to tell a paste from a message

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool compressed(std::string_view start) {
  return start.substr(0, 2) == "\x1F\x8B" || (start.substr(0, 3) == "BZh" && start.size() > 3 && is_digit(start[3])) ||
         start.substr(0, 6) == std::string_view("\xFD" "7zXZ\0", 6);
}

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
    message.source.kind = SourceKind::paste;
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

// One file or standard input, read as `format` (automatic: detected from its
// start): an .eml or a paste whole, an mbox as a stream (see file_source).
class StreamSource : public Source {
 public:
  StreamSource(std::string path, MailFormat format, SourceKind kind, const ReaderOptions& options, Fd fd = {})
      : path_(std::move(path)), format_(format), kind_(kind), options_(options), fd_(std::move(fd)) {}

  Step next(RawMessage& into, std::vector<Error>& problems) override {
    if (opened_) return done_step();  // the child (or the message) was handed out already
    opened_ = true;
    const bool stdin_stream = path_ == "-";
    Fd fd = fd_.get() >= 0 ? std::move(fd_) : open_walked_file(path_, problems);
    if (fd.get() < 0) return done_step();
    if (format_ == MailFormat::mbox) {  // nothing to detect: stream from byte 0
      Step step;
      const SourceKind kind = stdin_stream ? SourceKind::standard_input : SourceKind::mbox;
      step.child = mbox_source(std::move(fd), std::string(), path_, kind, false, options_);
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
      const SourceKind kind = stdin_stream ? SourceKind::standard_input : SourceKind::mbox;
      step.child = mbox_source(std::move(fd), std::move(start), path_, kind, !stdin_stream, options_);
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
    message.source.kind = stdin_stream ? SourceKind::standard_input : kind_;
    message.source.path = path_;
    return message_step(into, std::move(message));
  }

 private:
  std::string path_;
  MailFormat format_;
  SourceKind kind_;
  ReaderOptions options_;
  Fd fd_;
  bool opened_ = false;
};

}  // namespace

namespace mail_detail {

std::unique_ptr<Source> file_source(std::string path, MailFormat format, SourceKind kind,
                                    const ReaderOptions& options, Fd fd) {
  return std::make_unique<StreamSource>(std::move(path), format, std::move(kind), options, std::move(fd));
}

}  // namespace mail_detail

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
    impl->stack.push_back(file_source(path, format, SourceKind::standard_input, options, Fd(STDIN_FILENO, false)));
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
        impl->stack.push_back(folder_source(path, format != MailFormat::maildir, 0, options));
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
    if (options.start_offset > 0) {
      if (format != MailFormat::mbox) return make_error("only an mbox can be read from an offset", path);
      if (::lseek(fd.get(), static_cast<off_t>(options.start_offset), SEEK_SET) < 0)
        return make_error("cannot seek: " + errno_text(errno), path);
    }
    impl->stack.push_back(file_source(path, format, SourceKind::eml, options, std::move(fd)));
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
