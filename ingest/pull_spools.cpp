// `pull` from local spools: a Maildir (the file names already read) and an
// mbox (the byte reached, and what the file looked like up to it).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <set>
#include <thread>

#include "collectors/mail_source.h"
#include "core/hash.h"
#include "ingest/pull_sources.h"

namespace sg::pull_detail {

namespace fs = std::filesystem;

namespace {

// A Maildir file's unique name: the part before the ":2,FLAGS" info, which
// changes as a mail client sets flags (and the file moves from new/ to cur/).
std::string maildir_unique_name(const std::string& file_name) { return file_name.substr(0, file_name.find(':')); }

// The files of a Maildir folder whose unique names are not in `seen`: new/, then cur/, each sorted.
std::vector<fs::path> unread_files(const fs::path& folder, const std::set<std::string>& seen) {
  std::vector<fs::path> fresh;
  for (const char* part : {"new", "cur"}) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder / part, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !entry.is_regular_file(ec)) continue;
      if (!seen.count(maildir_unique_name(name))) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    fresh.insert(fresh.end(), files.begin(), files.end());
  }
  return fresh;
}

// Reads `files` in batches of `batch`, remembering each as read once stored.
Status read_maildir_files(const std::vector<fs::path>& files, const std::string& source, size_t mailbox,
                          const PullOptions& options, BoundedQueue<PulledBatch>& out) {
  ReaderOptions reader_options;
  reader_options.max_message_size = options.limits.max_message_size;
  const size_t batch = std::max<size_t>(1, options.batch_messages);
  for (size_t begin = 0; begin < files.size(); begin += batch) {
    PulledBatch pulled;
    pulled.mailbox = mailbox;
    pulled.seen_source = source;
    for (size_t i = begin; i < std::min(files.size(), begin + batch); ++i) {
      std::vector<Error> problems;
      auto reader = MessageReader::open(files[i].string(), MailFormat::eml, reader_options);
      // Moved by a mail client (new/ to cur/) or deleted meanwhile: met again next time, or gone.
      if (!reader) continue;
      RawMessage raw;
      const bool read = (*reader)->next(raw, problems);
      for (Error& problem : problems) pulled.unreadable.push_back(std::move(problem));
      pulled.seen.push_back(maildir_unique_name(files[i].filename().string()));
      if (!read) continue;
      raw.source.kind = SourceKind::maildir;
      pulled.messages.push_back(PulledMessage{std::move(raw.bytes), std::move(raw.source)});
    }
    if (!out.push(std::move(pulled))) return Ok{};
  }
  return Ok{};
}

// What an mbox looked like up to `position`: its identity and the hash of the
// bytes just before it. A file rewritten by a mail client (messages deleted or
// moved) no longer matches, and is read again from the start.
Result<std::string> mbox_fingerprint(int fd, const struct stat& info, uint64_t position) {
  constexpr uint64_t kWindow = 4096;
  const uint64_t from = position > kWindow ? position - kWindow : 0;
  std::string bytes(static_cast<size_t>(position - from), '\0');
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(from + got));
    if (n < 0) return Error{"cannot read: " + std::string(std::strerror(errno)), ""};
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  bytes.resize(got);
  std::string hash;
  Sha256().hex_into(bytes, hash);
  return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino) + ":" + hash;
}

// A shared fcntl lock on an mbox while it is read: mail delivery agents take
// the exclusive one to append, so no half-written message is read.
Status lock_for_reading(int fd) {
  struct flock lock {};
  lock.l_type = F_RDLCK;
  lock.l_whence = SEEK_SET;
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (::fcntl(fd, F_SETLK, &lock) == 0) return Ok{};
    if (errno != EACCES && errno != EAGAIN) return Ok{};  // a file system without locks: read anyway
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error{"another program holds the mbox locked (still after 10 s)", ""};
}

// Reads the mbox from `start` in batches, each with the cursor that stands once
// it is stored: where the next message begins, or, at the end, where the file
// ended when it was opened under the lock.
Status read_mbox(const std::string& path, int fd, const struct stat& info, uint64_t start, MailCursor cursor,
                 size_t mailbox, const PullOptions& options, BoundedQueue<PulledBatch>& out) {
  ReaderOptions reader_options;
  reader_options.max_message_size = options.limits.max_message_size;
  reader_options.start_offset = start;
  auto reader = MessageReader::open(path, MailFormat::mbox, reader_options);
  if (!reader) return reader.error();
  const size_t batch = std::max<size_t>(1, options.batch_messages);
  std::vector<Error> problems;
  RawMessage raw;
  bool more = (*reader)->next(raw, problems);
  while (more) {
    PulledBatch pulled;
    pulled.mailbox = mailbox;
    pulled.count_as_new = true;
    while (more && pulled.messages.size() < batch) {
      pulled.messages.push_back(PulledMessage{std::move(raw.bytes), raw.source});
      more = (*reader)->next(raw, problems);
    }
    pulled.unreadable = std::move(problems);
    problems.clear();
    cursor.position = more ? raw.source.offset : static_cast<uint64_t>(info.st_size);
    auto fingerprint = mbox_fingerprint(fd, info, cursor.position);
    if (!fingerprint) return Error{fingerprint.error().message, path};
    cursor.fingerprint = *fingerprint;
    pulled.cursor = cursor;
    if (!out.push(std::move(pulled))) return Ok{};
  }
  return Ok{};
}

}  // namespace

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

UnixTime now_or(UnixTime now) { return now != 0 ? now : static_cast<UnixTime>(std::time(nullptr)); }

Status pull_maildir(const fs::path& root, PullContext& context) {
  std::vector<fs::path> folders{root};
  if (context.options.all_mailboxes) {
    std::error_code ec;
    std::vector<fs::path> subfolders;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name != ".." && is_maildir(entry.path())) subfolders.push_back(entry.path());
    }
    std::sort(subfolders.begin(), subfolders.end());
    folders.insert(folders.end(), subfolders.begin(), subfolders.end());
  }
  for (const fs::path& folder : folders) {
    MailboxPull mailbox;
    mailbox.source = folder.string();
    auto seen_list = read_mail_seen(context.store, mailbox.source);
    if (!seen_list) return seen_list.error();
    const std::vector<fs::path> fresh = unread_files(folder, std::set<std::string>(seen_list->begin(), seen_list->end()));
    mailbox.new_on_server = static_cast<int64_t>(fresh.size());
    const size_t index = context.report.mailboxes.size();
    context.report.mailboxes.push_back(mailbox);
    auto status = context.batches.run(
        [&](BoundedQueue<PulledBatch>& out) {
          return read_maildir_files(fresh, mailbox.source, index, context.options, out);
        },
        context.options.analysis);
    if (!status) return status;
  }
  return Ok{};
}

Status pull_mbox(const std::string& path, PullContext& context) {
  MailboxPull mailbox;
  mailbox.source = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open: " + std::string(std::strerror(errno)), path};
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_fd{fd};
  if (auto locked = lock_for_reading(fd); !locked) return Error{locked.error().message, path};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return Error{"cannot stat: " + std::string(std::strerror(errno)), path};
  auto cursor = read_mail_cursor(context.store, mailbox.source);
  if (!cursor) return cursor.error();
  uint64_t start = 0;
  if (*cursor) {
    const uint64_t position = (*cursor)->position;
    auto fingerprint = position <= static_cast<uint64_t>(info.st_size) ? mbox_fingerprint(fd, info, position)
                                                                      : Result<std::string>(std::string());
    if (!fingerprint) return Error{fingerprint.error().message, path};
    if (*fingerprint == (*cursor)->fingerprint)
      start = position;
    else
      mailbox.note = "the mbox changed before the point the last pull reached: read again from the start";
  }
  const size_t index = context.report.mailboxes.size();
  context.report.mailboxes.push_back(mailbox);
  if (start == static_cast<uint64_t>(info.st_size)) return Ok{};
  MailCursor next_cursor;
  next_cursor.source = mailbox.source;
  next_cursor.updated = now_or(context.options.now);
  return context.batches.run(
      [&](BoundedQueue<PulledBatch>& out) {
        return read_mbox(path, fd, info, start, next_cursor, index, context.options, out);
      },
      context.options.analysis);
}

}  // namespace sg::pull_detail
