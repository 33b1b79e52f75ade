// A real Dovecot (IMAP and POP3) on 127.0.0.1 for the mail collector's tests:
// `dovecot -F` with its config, Maildir, logs and sockets all in one temporary
// folder, so several test processes can each run their own.
//
//   auto server = DovecotTestServer::start({});  // REQUIRE(server.has_value())
//   (*server)->add_message("INBOX", message);
//   (*server)->add_message("迷惑メール", other, /*seen=*/true);
//   connect to 127.0.0.1:(*server)->imap_port() as user()/password()
//   (*server)->flags("INBOX");  // what the server holds, without our client
//
// Needs root: the mail belongs to nobody:nogroup, as Dovecot's userdb says.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sg {

/// How DovecotTestServer::start sets the server up.
struct DovecotOptions {
  std::string user = "test";      ///< the one login the server knows
  std::string password = "pass";  ///< its password (stored in plain text)
  /// Also listen for IMAPS and POP3S and offer STARTTLS on the plain ports, with a
  /// self-signed certificate for 127.0.0.1 and localhost (ca_file()).
  bool tls = true;
  bool pop3 = true;  ///< also serve POP3 (and POP3S when tls)
};

/// One Dovecot master and its processes; stopped on destruction. Not thread-safe:
/// one thread adds messages and asks doveadm (a client under test may run on others).
class DovecotTestServer {
 public:
  /// Writes the config (and the certificate when options.tls), starts Dovecot on
  /// free ports and waits up to 5 s until every port accepts connections and the IMAP
  /// port greets with its capabilities (Dovecot's auth process is up). The error
  /// carries Dovecot's log.
  static Result<std::unique_ptr<DovecotTestServer>> start(const DovecotOptions& options = {});
  /// SIGTERM to Dovecot's process group, waited for; removes dir() unless the
  /// environment variable SPAMGRAPH_KEEP_TEST_DIRS is set (non-empty).
  ~DovecotTestServer();
  DovecotTestServer(const DovecotTestServer&) = delete;
  DovecotTestServer& operator=(const DovecotTestServer&) = delete;

  /// Plain IMAP (STARTTLS offered with tls; LOGIN allowed without it).
  uint16_t imap_port() const { return imap_port_; }
  /// IMAP over TLS from the first byte; 0 without tls.
  uint16_t imaps_port() const { return imaps_port_; }
  /// Plain POP3 (STLS offered with tls); 0 without pop3.
  uint16_t pop3_port() const { return pop3_port_; }
  /// POP3 over TLS from the first byte; 0 without pop3 or tls.
  uint16_t pop3s_port() const { return pop3s_port_; }
  /// The self-signed certificate the TLS ports present (PEM): the CA file a client
  /// trusts to verify them. "" without tls.
  const std::string& ca_file() const { return ca_file_; }
  /// The server's temporary folder (in /dev/shm when there is room, else in /tmp):
  /// dovecot.conf, dovecot.log, mail/USER (the Maildir).
  const std::string& dir() const { return dir_; }
  /// The login, DovecotOptions::user.
  const std::string& user() const { return user_; }
  /// Its password, DovecotOptions::password.
  const std::string& password() const { return password_; }
  /// The Dovecot config file, for `doveadm -c`.
  std::string config_path() const { return dir_ + "/dovecot.conf"; }
  /// What Dovecot logged so far (for failure messages).
  std::string log() const;

  /// Delivers one message (its bytes exactly as given) into `mailbox`: "INBOX" (any
  /// case) or any other name in UTF-8 ("Junk", "迷惑メール", "Archive.2024" for a
  /// child of Archive), created on first use. Written straight into the Maildir, so
  /// Dovecot assigns its UID at its next look, after the messages delivered before.
  /// `seen` delivers it with \Seen set.
  Status add_message(const std::string& mailbox, const std::string& bytes, bool seen = false);
  /// add_message for many messages at once, in order, none seen: 10,000 take well
  /// under a second.
  Status add_messages(const std::string& mailbox, const std::vector<std::string>& messages);

  /// (UID, flags) of every message of `mailbox` as Dovecot holds them, read with
  /// `doveadm fetch` and not through any IMAP session: flags space-separated as IMAP
  /// writes them ("\Seen", "" for none), \Recent left out (it depends on who looked
  /// first), in UID order.
  Result<std::vector<std::pair<uint64_t, std::string>>> flags(const std::string& mailbox) const;

  /// UIDVALIDITY and UIDNEXT of `mailbox` as `doveadm mailbox status` reports them.
  Result<std::pair<uint64_t, uint64_t>> uid_state(const std::string& mailbox) const;

  /// Makes `mailbox` look recreated: ends every session of the user (kick()), then
  /// gives it UIDVALIDITY `new_value` and renumbers its messages from `first_uid` in
  /// delivery order (flags kept). With first_uid 1 and nothing expunged the UIDs come
  /// out as before, so only a client that checks UIDVALIDITY notices the change.
  Status change_uidvalidity(const std::string& mailbox, uint64_t new_value, uint64_t first_uid = 1);

  /// Ends every current IMAP and POP3 session of the user (`doveadm kick`): their
  /// connections close. Having no session to end is no error.
  Status kick();

 private:
  DovecotTestServer() = default;
  /// start without the retry on a port taken meanwhile.
  static Result<std::unique_ptr<DovecotTestServer>> start_once(const DovecotOptions& options);
  /// Where the Maildir folder of `mailbox` is (or would be); fails for unusable names.
  Result<std::string> folder_of(const std::string& mailbox) const;
  /// folder_of, failing when the mailbox does not exist.
  Result<std::string> existing_folder(const std::string& mailbox) const;
  /// folder_of, created (with tmp/, new/, cur/, owned by nobody) when missing.
  Result<std::string> mailbox_dir(const std::string& mailbox);
  /// Runs doveadm with the server's config; the error carries its output.
  Result<std::string> doveadm(const std::vector<std::string>& args) const;
  /// Writes one message into tmp/ of `folder` and moves it into new/ or cur/.
  Status deliver(const std::string& folder, const std::string& bytes, bool seen);

  std::string dir_;  ///< temporary folder, removed on destruction
  std::string user_;
  std::string password_;
  std::string ca_file_;
  uint16_t imap_port_ = 0;
  uint16_t imaps_port_ = 0;
  uint16_t pop3_port_ = 0;
  uint16_t pop3s_port_ = 0;
  pid_t pid_ = -1;          ///< Dovecot's master, leader of its own process group
  uint64_t delivered_ = 0;  ///< messages delivered so far: makes file names unique and ordered
};

}  // namespace sg
