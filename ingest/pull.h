// `pull`: reading only what is new from where mail keeps arriving, an IMAP
// mailbox (or POP3 account) or a local Maildir or mbox, and storing it as
// `ingest` does: the same analysis, trust rules and report. A cursor per mailbox
// (store/mail_cursor.h) is committed with each batch of messages it covers, so
// a pull cut off at any point resumes without losing or doubling a message.
#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "collectors/imap/imap_client.h"
#include "collectors/imap/mail_connection.h"
#include "core/result.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace sg {

/// What to pull and how.
struct PullOptions {
  std::string source;          ///< imap[s]://USER@HOST[:PORT]/MAILBOX, pop3[s]://USER@HOST[:PORT], or a Maildir or mbox path
  bool all_mailboxes = false;  ///< IMAP: every selectable mailbox (LIST), not only the one named; Maildir: its subfolders too
  std::optional<UnixTime> since;  ///< IMAP: only messages that arrived on or after this day
  bool full = false;           ///< fetch whole messages (for the URLs of their bodies), not only the header blocks
  size_t batch_messages = 500; ///< messages per request and per transaction
  AnalysisOptions analysis;    ///< trust, body URLs and fallback time, as for ingest
  imap::ConnectOptions connect;  ///< credentials, TLS and waits
  imap::ClientLimits limits;     ///< sizes accepted from the server
  bool progress = false;       ///< redraw a progress line (messages and bytes) on the progress stream
  UnixTime now = 0;            ///< the time cursors are stamped with (0: the clock)
};

/// What happened in one mailbox.
struct MailboxPull {
  std::string source;            ///< its name in the store (imap://user@host:port/MAILBOX or the path)
  uint64_t uidvalidity = 0;      ///< IMAP: the server's UIDVALIDITY
  uint64_t after_uid = 0;        ///< IMAP: the cursor it resumed after (0: from the start)
  std::optional<uint64_t> changed_from;  ///< IMAP: the UIDVALIDITY the cursor had, when it changed (full resync)
  int64_t new_on_server = 0;     ///< messages past the cursor
  int64_t stored = 0;            ///< of those, stored as new
  int64_t duplicates = 0;        ///< of those, already in the store
  std::string note;              ///< anything the user should know ("the mbox was rewritten: read again")
};

/// The summary of a pull: the ingest counts, per mailbox, and what stopped it.
struct PullReport {
  IngestReport totals;               ///< as ingest reports them
  std::vector<MailboxPull> mailboxes;
  std::optional<Error> stopped;      ///< the failure that ended the pull early (what came before is stored)
};

/// Pulls `options.source` into `store`. Fails without storing anything when the
/// source cannot be opened (a bad URL, a refused login: `failure` says which);
/// a failure later ends the pull with PullReport::stopped set, after every batch
/// before it was committed.
Result<PullReport> run_pull(Store& store, const PullOptions& options, std::ostream& progress,
                            imap::ConnectFailure* failure = nullptr);

/// True when `source` names a mail server (imap://, imaps://, pop3://, pop3s://), not a path.
bool is_mail_url(const std::string& source);

}  // namespace sg
