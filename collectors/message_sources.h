// The sources MessageReader (collectors/mail_source.h) reads from, one kind per
// file: a single file or standard input (mail_source.cpp), an mbox stream
// (mbox_reader.cpp), a folder or a Maildir (folder_walk.cpp). Internal to those
// files. The reader keeps a stack of sources: a source either hands over a
// message or names a child source to read before it goes on.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/mail_source.h"
#include "core/result.h"

namespace sg::mail_detail {

/// An open file descriptor, closed on destruction when owned (standard input is borrowed).
class Fd {
 public:
  Fd() = default;
  Fd(int fd, bool owned) : fd_(fd), owned_(owned) {}
  Fd(Fd&& other) noexcept : fd_(other.fd_), owned_(other.owned_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  /// The descriptor, or -1 for none.
  int get() const { return fd_; }

 private:
  int fd_ = -1;
  bool owned_ = false;
};

/// read() that retries on EINTR. Returns bytes read, 0 at end, -1 on error (errno set).
ssize_t read_some(int fd, char* data, size_t size);

/// Appends up to `limit` bytes from `fd` to `out`, at most `chunk` per read().
/// Stops early only at the end of the stream. False on a read error, in `error`.
bool read_up_to(int fd, std::string& out, size_t limit, size_t chunk, int& error);

/// strerror's text for an errno value.
std::string errno_text(int error);

/// A problem with one message or file, reported by next() and reading goes on.
Error make_error(std::string message, std::string where);

/// A size for a problem note: "64 MiB" when whole mebibytes, else "N bytes".
std::string mib(size_t bytes);

/// `line` without its trailing "\n" or "\r\n".
std::string_view strip_line_end(std::string_view line);

struct Source;

/// What one call of Source::next did: wrote a message into the caller's
/// RawMessage, or found a child source to read first, or ended the source.
/// None of these (a skipped entry): call again.
struct Step {
  bool message = false;
  std::unique_ptr<Source> child;
  bool done = false;
};

/// Base of every place messages come from: a file, an mbox stream, a folder.
struct Source {
  virtual ~Source() = default;
  /// Writes a message over `into` only when the Step says so.
  virtual Step next(RawMessage& into, std::vector<Error>& problems) = 0;
};

/// The source has nothing more.
Step done_step();

/// A message was written over the caller's RawMessage.
Step message_step();

/// Hands over a whole message read some other way (an .eml, a paste excerpt).
Step message_step(RawMessage& into, RawMessage message);

/// An mbox read from `fd` after `prefix` (bytes already read from it, for format
/// detection). Messages are of `kind` (mbox, standard input); with `single_as_eml`, a
/// file that holds a single message reports it as eml. (mbox_reader.cpp)
std::unique_ptr<Source> mbox_source(Fd fd, std::string prefix, std::string path, SourceKind kind,
                                    bool single_as_eml, const ReaderOptions& options);

/// One file or standard input, read as `format` (automatic: detected from its
/// start) with messages of `kind`. `fd`: the file already open (a path the user
/// named, or standard input); else the file is one met in a folder walk, opened
/// when first read, and only if it is a regular file. (mail_source.cpp)
std::unique_ptr<Source> file_source(std::string path, MailFormat format, SourceKind kind,
                                    const ReaderOptions& options, Fd fd = {});

/// The folder `dir`, `depth` levels below the path the user named: a Maildir when
/// it has a cur/ or new/ folder, else walked recursively, its files detected one
/// by one unless `files` is false (then only the Maildirs below it are read).
/// (folder_walk.cpp)
std::unique_ptr<Source> folder_source(std::filesystem::path dir, bool files, size_t depth,
                                      const ReaderOptions& options);

}  // namespace sg::mail_detail
