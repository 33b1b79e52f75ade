#include "ingest/pull.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <deque>
#include <filesystem>
#include <set>
#include <thread>
#include <utility>

#include "collectors/imap/pop3_client.h"
#include "collectors/mail_source.h"
#include "core/hash.h"
#include "core/run_catching.h"
#include "core/utf8.h"
#include "ingest/bounded_queue.h"
#include "ingest/progress.h"
#include "store/mail_cursor.h"

namespace sg {

namespace fs = std::filesystem;

namespace {

// A message read from a source, before analysis.
struct PulledMessage {
  std::string bytes;
  MessageSource source;
};

// Analyses messages and stores each batch with the cursor that covers it in one
// transaction: what is committed and where the cursor says the pull stopped
// can never disagree.
class BatchStore {
 public:
  BatchStore(Store& store, const PullOptions& options, PullReport& report, std::ostream& progress_out)
      : store_(store), analyzer_(options.analysis), report_(report), progress_(progress_out, options.progress) {}

  /// Stores `messages`, then `cursor` (when it has a source) and the `seen` names, and commits.
  Status store(std::vector<PulledMessage>& messages, const MailCursor& cursor, const std::vector<std::string>& seen,
               const std::string& seen_source, MailboxPull& mailbox) {
    evidence_.resize(messages.size());
    observations_.resize(messages.size());
    for (size_t i = 0; i < messages.size(); ++i) {
      analyzer_.analyze(messages[i].bytes, messages[i].source, evidence_[i]);
      observations_[i] = has_header_fields(evidence_[i]) ? observations_from_evidence(evidence_[i])
                                                         : std::vector<Observation>();
    }
    if (auto status = store_.begin(); !status) return status;
    auto stored = write(messages, cursor, seen, seen_source, mailbox);
    if (!stored) {
      store_.rollback();
      return stored;
    }
    if (auto status = store_.commit(); !status) return status;
    report_.totals.stored += pending_.stored;
    report_.totals.duplicates += pending_.duplicates;
    mailbox.stored += pending_.stored;
    mailbox.duplicates += pending_.duplicates;
    for (size_t i = 0; i < messages.size(); ++i) {
      if (has_header_fields(evidence_[i])) {
        report_.totals.count_message(evidence_[i], messages[i].bytes.size());
      } else {
        ++report_.totals.read;
        report_.totals.count_unreadable(Error{"no header fields, not a message", where_from(messages[i].source)});
      }
    }
    progress_.update(report_.totals);
    return Ok{};
  }

  /// Draws the progress line a last time.
  void finish() { progress_.update(report_.totals, true); }

 private:
  Status write(const std::vector<PulledMessage>& messages, const MailCursor& cursor,
               const std::vector<std::string>& seen, const std::string& seen_source, const MailboxPull&) {
    pending_ = {};
    for (size_t i = 0; i < messages.size(); ++i) {
      if (!has_header_fields(evidence_[i])) continue;
      auto added = store_.add_message(evidence_[i], observations_[i]);
      if (!added) return added.error();
      ++(*added ? pending_.stored : pending_.duplicates);
    }
    if (!cursor.source.empty())
      if (auto status = write_mail_cursor(store_, cursor); !status) return status;
    for (const std::string& name : seen)
      if (auto status = mark_mail_seen(store_, seen_source, name); !status) return status;
    return Ok{};
  }

  struct Counts {
    int64_t stored = 0;
    int64_t duplicates = 0;
  };

  Store& store_;
  Analyzer analyzer_;
  PullReport& report_;
  IngestProgress progress_;
  std::vector<Evidence> evidence_;  // reused batch after batch: their strings keep their capacity
  std::vector<std::vector<Observation>> observations_;
  Counts pending_;
};

UnixTime now_or(UnixTime now) { return now != 0 ? now : static_cast<UnixTime>(std::time(nullptr)); }

// ---- IMAP ----

// What the fetching thread hands over: the messages of one request, complete.
struct FetchedBatch {
  std::vector<imap::FetchedMessage> messages;
  uint64_t last_uid = 0;  // the highest UID asked for: the cursor once this batch is stored
};

// Fetches uids in batches on a thread of its own, two requests in flight, so
// the server sends the next batch while this one is analysed and stored.
void fetch_batches(imap::ImapClient& client, const std::vector<uint64_t>& uids, size_t batch, bool full,
                   BoundedQueue<FetchedBatch>& queue, std::optional<Error>& failure) {
  constexpr size_t kInFlight = 2;
  std::deque<std::pair<uint64_t, size_t>> in_flight;  // (ticket, end index of its UIDs)
  size_t next = 0;
  auto request_more = [&]() -> Status {
    while (in_flight.size() < kInFlight && next < uids.size()) {
      const size_t end = std::min(uids.size(), next + batch);
      auto ticket = client.request(uids, next, end, full);
      if (!ticket) return ticket.error();
      in_flight.emplace_back(*ticket, end);
      next = end;
    }
    return Ok{};
  };
  if (auto status = request_more(); !status) {
    failure = status.error();
    return;
  }
  while (!in_flight.empty()) {
    const auto [ticket, end] = in_flight.front();
    in_flight.pop_front();
    FetchedBatch fetched;
    fetched.last_uid = uids[end - 1];
    auto status = client.collect(ticket, [&fetched](imap::FetchedMessage&& message) {
      fetched.messages.push_back(std::move(message));
    });
    if (!status) {
      failure = status.error();
      return;
    }
    if (auto more = request_more(); !more) {
      failure = more.error();
      // The batch just read is complete: it is still stored.
      queue.push(std::move(fetched));
      return;
    }
    if (!queue.push(std::move(fetched))) return;
  }
}

// Pulls one IMAP mailbox from its cursor on. An Error stops the whole pull.
Status pull_imap_mailbox(imap::ImapClient& client, const imap::MailServerUrl& url, const std::string& name,
                         const PullOptions& options, BatchStore& batches, Store& store, PullReport& report) {
  MailboxPull mailbox;
  mailbox.source = url.mailbox_url(name);
  auto cursor = read_mail_cursor(store, mailbox.source);
  if (!cursor) return cursor.error();
  auto status = client.examine(name);
  if (!status) return status.error();
  mailbox.uidvalidity = status->uidvalidity;
  if (*cursor && status->uidvalidity != 0 && (*cursor)->uidvalidity == status->uidvalidity) {
    mailbox.after_uid = (*cursor)->last_uid;
  } else if (*cursor) {
    // The UIDs we remember mean nothing now: read all, the store drops what it has.
    mailbox.changed_from = (*cursor)->uidvalidity;
    mailbox.note = "UIDVALIDITY changed from " + std::to_string((*cursor)->uidvalidity) + " to " +
                   std::to_string(status->uidvalidity) + ": read again from the start";
  }
  if (status->uidvalidity == 0) mailbox.note = "the server sends no UIDVALIDITY: every pull reads all messages";
  auto uids = client.search_uids(mailbox.after_uid, options.since);
  if (!uids) return uids.error();
  mailbox.new_on_server = static_cast<int64_t>(uids->size());
  report.mailboxes.push_back(mailbox);
  MailboxPull& done = report.mailboxes.back();

  MailCursor next_cursor;
  next_cursor.source = mailbox.source;
  next_cursor.uidvalidity = status->uidvalidity;
  next_cursor.last_uid = mailbox.after_uid;
  next_cursor.updated = now_or(options.now);
  std::vector<PulledMessage> messages;
  if (uids->empty()) {
    if (!*cursor || mailbox.changed_from) return batches.store(messages, next_cursor, {}, "", done);
    return Ok{};
  }

  const size_t batch = std::max<size_t>(1, options.full ? std::min<size_t>(options.batch_messages, 50)
                                                        : options.batch_messages);
  BoundedQueue<FetchedBatch> queue(2);
  std::optional<Error> fetch_failure;
  std::thread fetcher([&] {
    auto caught = run_catching([&] { fetch_batches(client, *uids, batch, options.full, queue, fetch_failure); });
    if (!caught) fetch_failure = caught.error();
    queue.close();
  });
  struct Join {
    BoundedQueue<FetchedBatch>& queue;
    std::thread& thread;
    ~Join() {
      queue.close();
      if (thread.joinable()) thread.join();
    }
  } join{queue, fetcher};

  Status stored = Ok{};
  while (auto fetched = queue.pop()) {
    messages.resize(fetched->messages.size());
    for (size_t i = 0; i < fetched->messages.size(); ++i) {
      imap::FetchedMessage& message = fetched->messages[i];
      messages[i].bytes = std::move(message.bytes);
      messages[i].source = MessageSource{SourceKind::imap, mailbox.source, 0, status->uidvalidity, message.uid};
      if (message.truncated)
        report.totals.note_error(where_from(messages[i].source) + ": larger than " +
                                 std::to_string(options.limits.max_message_size) + " bytes, only its start was read");
    }
    next_cursor.last_uid = fetched->last_uid;
    stored = batches.store(messages, next_cursor, {}, "", done);
    if (!stored) break;
  }
  queue.close();
  fetcher.join();
  if (!stored) return stored;
  if (fetch_failure) return *fetch_failure;
  return Ok{};
}

Status pull_imap(const imap::MailServerUrl& url, const PullOptions& options, Store& store, BatchStore& batches,
                 PullReport& report, imap::ConnectFailure* failure, bool& connected) {
  auto client = imap::ImapClient::connect(url, options.connect, options.limits, failure);
  if (!client) return client.error();
  connected = true;
  std::vector<std::string> names;
  if (options.all_mailboxes) {
    auto listed = (*client)->list_mailboxes();
    if (!listed) return listed.error();
    for (const imap::MailboxEntry& entry : *listed)
      if (entry.selectable) names.push_back(entry.name);
  } else {
    names.push_back(url.mailbox.empty() ? "INBOX" : url.mailbox);
  }
  for (const std::string& name : names)
    if (auto status = pull_imap_mailbox(**client, url, name, options, batches, store, report); !status) return status;
  (*client)->logout();
  return Ok{};
}

// ---- POP3 ----

Status pull_pop3(const imap::MailServerUrl& url, const PullOptions& options, Store& store, BatchStore& batches,
                 PullReport& report, imap::ConnectFailure* failure, bool& connected) {
  auto client = imap::Pop3Client::connect(url, options.connect, options.limits, failure);
  if (!client) return client.error();
  connected = true;
  MailboxPull mailbox;
  mailbox.source = url.mailbox_url("");
  auto listing = (*client)->unique_ids();
  if (!listing) return listing.error();
  auto seen_list = read_mail_seen(store, mailbox.source);
  if (!seen_list) return seen_list.error();
  const std::set<std::string> seen(seen_list->begin(), seen_list->end());
  std::vector<imap::Pop3Entry> fresh;
  for (imap::Pop3Entry& entry : *listing)
    if (!seen.count(entry.unique_id)) fresh.push_back(std::move(entry));
  mailbox.new_on_server = static_cast<int64_t>(fresh.size());
  report.mailboxes.push_back(mailbox);
  MailboxPull& done = report.mailboxes.back();
  const size_t batch = std::max<size_t>(1, options.batch_messages);
  std::vector<PulledMessage> messages;
  std::vector<std::string> names;
  for (size_t begin = 0; begin < fresh.size(); begin += batch) {
    const size_t end = std::min(fresh.size(), begin + batch);
    messages.clear();
    names.clear();
    auto status = (*client)->fetch(fresh, begin, end, options.full, [&](size_t index, std::string&& bytes) {
      PulledMessage message;
      message.bytes = std::move(bytes);
      message.source = MessageSource{SourceKind::pop3, mailbox.source + "#" + fresh[index].unique_id, 0, 0, 0};
      messages.push_back(std::move(message));
      names.push_back(fresh[index].unique_id);
    });
    if (!status) return status;
    if (auto stored = batches.store(messages, MailCursor{}, names, mailbox.source, done); !stored) return stored;
  }
  (*client)->quit();
  return Ok{};
}

// ---- Maildir and mbox ----

// A Maildir file's unique name: the part before the ":2,FLAGS" info, which
// changes as a mail client sets flags (and the file moves from new/ to cur/).
std::string maildir_unique_name(const std::string& file_name) {
  return file_name.substr(0, file_name.find(':'));
}

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

Status pull_maildir(const fs::path& root, const PullOptions& options, Store& store, BatchStore& batches,
                    PullReport& report) {
  std::vector<fs::path> folders{root};
  if (options.all_mailboxes) {
    std::error_code ec;
    std::vector<fs::path> subfolders;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > 1 && name[0] == '.' && name != ".." && is_maildir(entry.path()))
        subfolders.push_back(entry.path());
    }
    std::sort(subfolders.begin(), subfolders.end());
    folders.insert(folders.end(), subfolders.begin(), subfolders.end());
  }
  const size_t batch = std::max<size_t>(1, options.batch_messages);
  ReaderOptions reader_options;
  reader_options.max_message_size = options.limits.max_message_size;
  for (const fs::path& folder : folders) {
    MailboxPull mailbox;
    mailbox.source = folder.string();
    auto seen_list = read_mail_seen(store, mailbox.source);
    if (!seen_list) return seen_list.error();
    const std::set<std::string> seen(seen_list->begin(), seen_list->end());
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
    mailbox.new_on_server = static_cast<int64_t>(fresh.size());
    report.mailboxes.push_back(mailbox);
    MailboxPull& done = report.mailboxes.back();
    std::vector<PulledMessage> messages;
    std::vector<std::string> names;
    for (size_t begin = 0; begin < fresh.size(); begin += batch) {
      messages.clear();
      names.clear();
      for (size_t i = begin; i < std::min(fresh.size(), begin + batch); ++i) {
        std::vector<Error> problems;
        auto reader = MessageReader::open(fresh[i].string(), MailFormat::eml, reader_options);
        // A file a mail client moved (new/ to cur/) or deleted meanwhile: met again next time, or gone.
        if (!reader) continue;
        RawMessage raw;
        const bool read = (*reader)->next(raw, problems);
        for (const Error& problem : problems) report.totals.count_unreadable(problem);
        names.push_back(maildir_unique_name(fresh[i].filename().string()));
        if (!read) continue;
        raw.source.kind = SourceKind::maildir;
        messages.push_back(PulledMessage{std::move(raw.bytes), std::move(raw.source)});
      }
      if (auto stored = batches.store(messages, MailCursor{}, names, mailbox.source, done); !stored) return stored;
    }
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

// Holds a shared fcntl lock on an mbox while it is read: mail delivery agents
// take the exclusive one to append, so no half-written message is read.
class MboxReadLock {
 public:
  explicit MboxReadLock(int fd) : fd_(fd) {}
  Status acquire() {
    struct flock lock {};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (::fcntl(fd_, F_SETLK, &lock) == 0) return Ok{};
      if (errno != EACCES && errno != EAGAIN) return Ok{};  // a file system without locks: read anyway
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Error{"another program holds the mbox locked (still after 10 s)", ""};
  }

 private:
  int fd_;
};

Status pull_mbox(const std::string& path, const PullOptions& options, Store& store, BatchStore& batches,
                 PullReport& report) {
  MailboxPull mailbox;
  mailbox.source = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open: " + std::string(std::strerror(errno)), path};
  struct Close {
    int fd;
    ~Close() { ::close(fd); }
  } close_fd{fd};
  MboxReadLock lock(fd);
  if (auto locked = lock.acquire(); !locked) return Error{locked.error().message, path};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return Error{"cannot stat: " + std::string(std::strerror(errno)), path};
  auto cursor = read_mail_cursor(store, mailbox.source);
  if (!cursor) return cursor.error();
  uint64_t start = 0;
  if (*cursor) {
    const uint64_t position = (*cursor)->position;
    auto fingerprint = position <= static_cast<uint64_t>(info.st_size) ? mbox_fingerprint(fd, info, position)
                                                                      : Result<std::string>(std::string());
    if (!fingerprint) return Error{fingerprint.error().message, path};
    if (*fingerprint == (*cursor)->fingerprint) {
      start = position;
    } else {
      mailbox.note = "the mbox changed before the point the last pull reached: read again from the start";
    }
  }
  report.mailboxes.push_back(mailbox);
  MailboxPull& done = report.mailboxes.back();
  if (start == static_cast<uint64_t>(info.st_size)) return Ok{};

  ReaderOptions reader_options;
  reader_options.max_message_size = options.limits.max_message_size;
  reader_options.start_offset = start;
  auto reader = MessageReader::open(path, MailFormat::mbox, reader_options);
  if (!reader) return reader.error();
  const size_t batch = std::max<size_t>(1, options.batch_messages);
  MailCursor next_cursor;
  next_cursor.source = mailbox.source;
  next_cursor.updated = now_or(options.now);
  std::vector<PulledMessage> messages;
  std::vector<Error> problems;
  RawMessage raw;
  bool more = (*reader)->next(raw, problems);
  while (more) {
    messages.clear();
    while (more && messages.size() < batch) {
      messages.push_back(PulledMessage{std::move(raw.bytes), raw.source});
      more = (*reader)->next(raw, problems);
    }
    for (const Error& problem : problems) report.totals.count_unreadable(problem);
    problems.clear();
    // The batch ends where the next message begins, or, at the end, where the
    // file ended when it was opened under the lock.
    next_cursor.position = more ? raw.source.offset : static_cast<uint64_t>(info.st_size);
    auto fingerprint = mbox_fingerprint(fd, info, next_cursor.position);
    if (!fingerprint) return Error{fingerprint.error().message, path};
    next_cursor.fingerprint = *fingerprint;
    done.new_on_server += static_cast<int64_t>(messages.size());
    if (auto stored = batches.store(messages, next_cursor, {}, "", done); !stored) return stored;
  }
  return Ok{};
}

}  // namespace

bool is_mail_url(const std::string& source) {
  for (const char* scheme : {"imap://", "imaps://", "pop3://", "pop3s://"})
    if (source.rfind(scheme, 0) == 0) return true;
  return false;
}

Result<PullReport> run_pull(Store& store, const PullOptions& options, std::ostream& progress,
                            imap::ConnectFailure* failure) {
  PullReport report;
  BatchStore batches(store, options, report, progress);
  Status status = Ok{};
  if (is_mail_url(options.source)) {
    auto url = imap::parse_mail_url(options.source);
    if (!url) return Error{url.error().message, options.source};
    bool connected = false;
    status = url->protocol == imap::MailProtocol::imap
                 ? pull_imap(*url, options, store, batches, report, failure, connected)
                 : pull_pop3(*url, options, store, batches, report, failure, connected);
    if (!status && !connected) return status.error();
  } else {
    std::error_code ec;
    const fs::path path = fs::absolute(options.source, ec);
    if (ec || !fs::exists(path, ec)) return Error{"no such file or folder", options.source};
    if (fs::is_directory(path, ec)) {
      if (!is_maildir(path))
        return Error{"not a Maildir (no cur/ or new/ folder); `ingest` reads other folders", options.source};
      status = pull_maildir(path.lexically_normal(), options, store, batches, report);
    } else {
      status = pull_mbox(path.lexically_normal().string(), options, store, batches, report);
    }
  }
  batches.finish();
  if (!status) report.stopped = status.error();
  return report;
}

}  // namespace sg
