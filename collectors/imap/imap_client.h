// An IMAP4rev1 client for reading a mailbox without changing it: LIST, EXAMINE
// (read-only, so no \Seen or \Recent changes), UID SEARCH and UID FETCH of
// BODY.PEEK[...] in batches, with the next batch asked for before the current
// one is read, so the server never waits for us.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collectors/imap/imap_response.h"
#include "collectors/imap/mail_connection.h"
#include "core/result.h"
#include "core/time.h"

namespace sg::imap {

/// A mailbox as LIST names it.
struct MailboxEntry {
  std::string name;       ///< UTF-8 (decoded from modified UTF-7)
  std::string raw_name;   ///< as the server sent it
  std::string delimiter;  ///< hierarchy delimiter ("" when flat)
  std::vector<std::string> flags;  ///< \Noselect, \Junk, \HasChildren, ...
  bool selectable = true;          ///< false with \Noselect or \NonExistent
};

/// What EXAMINE reported.
struct MailboxStatus {
  uint64_t uidvalidity = 0;  ///< 0 when the server sent none (then UIDs cannot be remembered)
  uint64_t uidnext = 0;      ///< 0 when not sent
  uint64_t exists = 0;       ///< messages in the mailbox
};

/// One fetched message.
struct FetchedMessage {
  uint64_t uid = 0;
  std::string bytes;          ///< the header block, or the whole message with `full`
  std::string internal_date;  ///< as the server sent it
  uint64_t size = 0;          ///< RFC822.SIZE: the whole message's size on the server
  bool truncated = false;     ///< cut at the size limit
};

/// How much a client accepts.
struct ClientLimits {
  size_t max_message_size = 64u << 20;  ///< bytes fetched of one message (larger ones are cut there)
  size_t max_search_results = 50000000; ///< UIDs one search may return
  size_t max_line = 16u << 20;          ///< bytes of a response outside its literals
};

/// A logged-in IMAP session.
class ImapClient {
 public:
  /// Connects and logs in (MailConnection::open), then asks for the capabilities.
  static Result<std::unique_ptr<ImapClient>> connect(const MailServerUrl& url, const ConnectOptions& options,
                                                     const ClientLimits& limits = {},
                                                     ConnectFailure* failure = nullptr);
  ~ImapClient();

  /// Every mailbox of the account (LIST "" "*").
  Result<std::vector<MailboxEntry>> list_mailboxes();
  /// Opens `name` (UTF-8) read-only and says what it holds.
  Result<MailboxStatus> examine(const std::string& name);
  /// The UIDs above `after_uid` (and, when given, of messages that arrived on or
  /// after the day of `since`), ascending, in the examined mailbox.
  Result<std::vector<uint64_t>> search_uids(uint64_t after_uid, std::optional<UnixTime> since);

  /// Asks for uids[begin, end) (ascending) without waiting for the answer: the
  /// header block, or the whole message with `full`, always with PEEK. Returns a
  /// ticket for collect().
  Result<uint64_t> request(const std::vector<uint64_t>& uids, size_t begin, size_t end, bool full);
  /// Reads the answer to the oldest request (tickets in the order requested),
  /// handing each message to `on_message` as it arrives.
  Status collect(uint64_t ticket, const std::function<void(FetchedMessage&&)>& on_message);

  /// False once a response could not be read or the connection failed: the
  /// session cannot go on (a refused command leaves it usable).
  bool usable() const { return !broken_; }
  /// Says goodbye (LOGOUT) without waiting for the answer.
  void logout();

 private:
  ImapClient(std::unique_ptr<MailConnection> connection, const ClientLimits& limits);
  /// Sends "TAG COMMAND\r\n" and returns the tag number.
  Result<uint64_t> send_command(const std::string& command);
  /// Reads responses until the tagged one of `tag`, passing the untagged ones on;
  /// a NO or BAD comes back as an Error naming `what`.
  Status finish(uint64_t tag, const std::string& what, const std::function<Status(const Response&)>& on_untagged);
  /// Sends a command and finishes it.
  Status run(const std::string& command, const std::string& what,
             const std::function<Status(const Response&)>& on_untagged);
  /// The next complete response, parsed; its views stay valid until the next call.
  Result<Response> next_response();

  std::unique_ptr<MailConnection> connection_;
  ClientLimits limits_;
  ResponseFramer framer_;
  std::string buffer_;     // received bytes; the current response starts at start_
  size_t start_ = 0;
  size_t pending_ = 0;     // length of the response handed out last, dropped at the next call
  uint64_t next_tag_ = 1;
  bool esearch_ = false;   // the server offers ESEARCH (RFC 4731): compact search results
  bool broken_ = false;    // a response could not be read: the session is unusable
};

}  // namespace sg::imap
