// Where `pull` stopped in each mailbox (tables mail_cursor and mail_seen), so a
// pull reads only what arrived since. Cursors are written inside the batch
// (Store::begin/commit) that stores the messages they cover: a pull that is cut
// off resumes after the last committed batch, with no message lost or doubled.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// The position of one mail source.
struct MailCursor {
  std::string source;        ///< imap://user@host:port/MAILBOX, pop3://user@host:port/, or a local path
  uint64_t uidvalidity = 0;  ///< IMAP: the UIDVALIDITY last_uid belongs to
  uint64_t last_uid = 0;     ///< IMAP: every message up to this UID is stored
  uint64_t position = 0;     ///< mbox: bytes read
  std::string fingerprint;   ///< mbox: what the file looked like up to position
  UnixTime updated = 0;      ///< when it was last written
};

/// The cursor of `source`, or nullopt when it was never pulled.
Result<std::optional<MailCursor>> read_mail_cursor(Store& store, const std::string& source);
/// Writes a cursor, inside a batch. Within one UIDVALIDITY the last UID only grows,
/// so of two pulls of one mailbox at once the later commit keeps the farther cursor.
Status write_mail_cursor(Store& store, const MailCursor& cursor);
/// Every cursor, by source: what `pull --status` lists.
Result<std::vector<MailCursor>> list_mail_cursors(Store& store);

/// The names (Maildir unique names, POP3 UIDLs) already read from `source`.
Result<std::vector<std::string>> read_mail_seen(Store& store, const std::string& source);
/// Remembers that `name` of `source` was read; inside a batch.
Status mark_mail_seen(Store& store, const std::string& source, const std::string& name);
/// Forgets every name of `source` (its names were renumbered); inside a batch.
Status forget_mail_seen(Store& store, const std::string& source);

}  // namespace sg
