// A logged-in connection to a mail server (IMAP or POP3, plain, STARTTLS or
// implicit TLS), on which the caller speaks the protocol itself. libcurl does
// the connecting, TLS and certificate checks, and the login (SASL or LOGIN/USER,
// ~/.netrc); then it hands the connection over (CURLOPT_CONNECT_ONLY), and this
// class bounds every wait and every byte count.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sg::imap {

/// The protocols `pull` speaks.
enum class MailProtocol { imap, pop3 };

/// A mailbox on a server, as `imap://user@host[:port]/MAILBOX` names it
/// (imaps, pop3, pop3s too). Never holds a password.
struct MailServerUrl {
  MailProtocol protocol = MailProtocol::imap;
  bool implicit_tls = false;  ///< imaps:// or pop3s://
  std::string user;           ///< percent-decoded
  std::string host;           ///< as written (an IPv6 literal without brackets)
  uint16_t port = 0;          ///< the one written, else the scheme's default
  std::string mailbox;        ///< percent-decoded UTF-8 ("" = none given: INBOX for IMAP)

  /// "imap://host:port/": the server, without user or mailbox.
  std::string server_url() const;
  /// "imap://user@host:port/MAILBOX": the name of this mailbox in the store and in messages.
  std::string mailbox_url(std::string_view mailbox_name) const;
};

/// Reads a mail URL. A password in it is refused (it would end up in shell
/// history and process lists): an Error says where to put it instead.
Result<MailServerUrl> parse_mail_url(std::string_view text);

/// When to use TLS on a plain imap:// or pop3:// connection.
enum class StartTls {
  if_offered,  ///< STARTTLS when the server offers it (and then the certificate must verify)
  required,    ///< STARTTLS or fail
  never,       ///< plain text (for a server on this machine)
};

/// How to connect and how long to wait.
struct ConnectOptions {
  std::string password;    ///< "" = from the netrc file (or none)
  std::string netrc_file;  ///< "" = ~/.netrc
  std::string ca_file;     ///< certificates to trust instead of the system's ("" = the system's)
  StartTls starttls = StartTls::if_offered;
  std::chrono::milliseconds connect_timeout{30000};   ///< connecting, TLS and login together
  std::chrono::milliseconds idle_timeout{60000};      ///< the longest silence while waiting for the server
  std::chrono::milliseconds response_timeout{600000}; ///< the longest any one response may take to arrive
};

/// Why a connection failed, for exit codes: a refused login is the user's to fix.
enum class ConnectFailure { none, login_denied, tls, network };

/// One logged-in connection. Not thread-safe; one thread uses it at a time.
class MailConnection {
 public:
  /// Connects and logs in as url.user. On failure the Error names the server
  /// (never the password) and `failure`, when given, says which kind it was.
  static Result<std::unique_ptr<MailConnection>> open(const MailServerUrl& url, const ConnectOptions& options,
                                                      ConnectFailure* failure = nullptr);
  ~MailConnection();
  MailConnection(const MailConnection&) = delete;
  MailConnection& operator=(const MailConnection&) = delete;

  /// Sends all of `bytes`, waiting at most idle_timeout for room to send.
  Status send(std::string_view bytes);
  /// Appends what arrives (at least one byte, at most `max_bytes` and 256 KiB) to `buffer`,
  /// waiting at most idle_timeout and never past `deadline`. An Error on
  /// silence, a closed connection or a network error.
  Status receive(std::string& buffer, size_t max_bytes, std::chrono::steady_clock::time_point deadline);
  /// The server as users know it ("imap://user@host:port"), for messages.
  const std::string& server() const { return server_; }
  /// The options it was opened with (for the waits).
  const ConnectOptions& options() const { return options_; }

 private:
  MailConnection() = default;
  static constexpr size_t kChunk = 256u << 10;
  void* curl_ = nullptr;  // CURL*, kept out of this header
  std::vector<char> chunk_;  // what one receive reads into
  std::string server_;
  ConnectOptions options_;
};

}  // namespace sg::imap
