// A POP3 client (RFC 1939) for reading a maildrop without deleting anything:
// UIDL names each message for good, TOP n 0 fetches a header block, RETR a
// whole message; commands go out a batch at a time when the server offers
// PIPELINING (RFC 2449). Same connection layer and bounds as ImapClient.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "collectors/imap/imap_client.h"
#include "collectors/imap/mail_connection.h"
#include "core/result.h"

namespace sg::imap {

/// One message of the maildrop.
struct Pop3Entry {
  uint64_t number = 0;    ///< its number in this session
  std::string unique_id;  ///< its UIDL: the same in every session
};

/// A logged-in POP3 session.
class Pop3Client {
 public:
  /// Connects and logs in (MailConnection::open), then asks for the capabilities.
  static Result<std::unique_ptr<Pop3Client>> connect(const MailServerUrl& url, const ConnectOptions& options,
                                                     const ClientLimits& limits = {},
                                                     ConnectFailure* failure = nullptr);
  ~Pop3Client();

  /// Every message with its UIDL, in maildrop order.
  Result<std::vector<Pop3Entry>> unique_ids();
  /// Fetches entries[begin, end): the header block (TOP n 0), or the whole
  /// message with `full` (RETR), handing each to `on_message` with its index.
  Status fetch(const std::vector<Pop3Entry>& entries, size_t begin, size_t end, bool full,
               const std::function<void(size_t index, std::string&& bytes)>& on_message);
  /// Ends the session (QUIT) without deleting anything and without waiting.
  void quit();

 private:
  Pop3Client(std::unique_ptr<MailConnection> connection, const ClientLimits& limits);
  /// The next line, without its line break; a view valid until the next call.
  Result<std::string_view> read_line();
  /// Reads a status line: an Error with the server's text for "-ERR".
  Status read_status(const std::string& what);
  /// Reads the lines of a multi-line answer up to ".", un-stuffed, into `out`
  /// (CRLF line ends), keeping at most max_message_size bytes.
  Status read_multiline(std::string& out);

  std::unique_ptr<MailConnection> connection_;
  ClientLimits limits_;
  std::string buffer_;
  size_t start_ = 0;
  bool pipelining_ = false;
  bool broken_ = false;
};

}  // namespace sg::imap
