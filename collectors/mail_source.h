// Reading raw messages from where users keep them: .eml files, folders of them,
// Maildir, mbox (streamed), pasted header excerpts and standard input.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence.h"
#include "core/result.h"

namespace sg {

/// How to read a path. `automatic` decides from what is there (see detect_format).
enum class MailFormat { automatic, eml, directory, maildir, mbox, paste };

/// "auto", "eml", "dir", "maildir", "mbox", "paste" (also "automatic", "directory").
std::optional<MailFormat> parse_mail_format(std::string_view name);

/// The name parse_mail_format reads ("auto" for automatic).
std::string_view format_name(MailFormat format);

/// What the start of a file (or of standard input) holds: mbox when it starts
/// with a "From " line, paste when looks_like_paste(), eml when it starts with a
/// header field, else automatic, meaning "not a message". Compressed data (gzip,
/// bzip2, xz) is not a message either. `start` is the whole input or at least
/// its first kPasteWindow bytes (collectors/paste.h); how large a header block
/// is does not matter.
MailFormat detect_format(std::string_view start);

/// One message as stored, with where it came from.
struct RawMessage {
  std::string bytes;      ///< mbox: without the From line, ">From " unquoted; paste: the normalised header block
  MessageSource source;   ///< kind "eml", "maildir", "mbox", "paste" or "stdin"; path "-" for standard input;
                          ///< offset of the From line (mbox) or of the excerpt (paste), else 0
  std::string envelope;   ///< mbox From line without "From " and line break ("" if none)
};

/// Bounds and buffer sizes. Reading an mbox takes about chunk_size + 1 MiB (the
/// longest line handled in one piece) + max_message_size of memory, whatever
/// the size of the file.
struct ReaderOptions {
  size_t chunk_size = 1u << 20;          ///< bytes read from a file at a time
  size_t max_message_size = 64u << 20;   ///< larger messages are skipped and reported
  size_t max_depth = 32;                 ///< folder nesting followed below the given path
  uint64_t start_offset = 0;  ///< an mbox file opened as MailFormat::mbox: read from this byte on (where a
                              ///< From line begins, as a pull resumes); offsets still count from the file's start
};

/// Pulls messages one at a time from a path. Folders are walked recursively,
/// a folder's files before its subfolders, each in sorted byte order, skipping
/// names that start with '.' (except Maildir++ ".Folder" subfolders inside a
/// Maildir) and not following symlinked folders.
/// A folder with cur/ or new/ is a Maildir (cur, then new; tmp ignored); other
/// files in a folder are detected one by one (detect_format). Problems with one
/// message or file (unreadable, too large, not mail) are appended to the
/// `problems` of next() and reading goes on; so is every entry of a folder that
/// is passed over, names starting with '.' aside: a folder that cannot be read,
/// a broken or looping symlink, a symlinked folder, a FIFO, socket or device
/// (never opened: it could block the walk).
class MessageReader {
 public:
  /// Opens `path` ("-" = standard input) as `format`. Fails, with the path in
  /// Error::where, when the path does not exist or does not fit the format
  /// (a folder as mbox, a file as maildir, standard input as a folder).
  static Result<std::unique_ptr<MessageReader>> open(const std::string& path,
                                                     MailFormat format = MailFormat::automatic,
                                                     const ReaderOptions& options = {});
  ~MessageReader();
  MessageReader(const MessageReader&) = delete;
  MessageReader& operator=(const MessageReader&) = delete;

  /// The next message, or nullopt when all sources are read. Never throws.
  std::optional<RawMessage> next(std::vector<Error>& problems);

  /// The next message, written over every field of `into` (left as it was when
  /// false: all sources are read). Reusing one RawMessage spares allocating its
  /// strings per message: the reader keeps the buffer `into.bytes` had, up to a
  /// bound, to build the message after this one in. Never throws.
  bool next(RawMessage& into, std::vector<Error>& problems);

 private:
  struct Impl;
  explicit MessageReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Opens `path` and hands every message to `sink` until it returns false.
/// The Status fails only when the path cannot be opened.
Status read_messages(const std::string& path, MailFormat format, const std::function<bool(RawMessage&&)>& sink,
                     std::vector<Error>& problems, const ReaderOptions& options = {});

}  // namespace sg
