// The sources `pull` reads (ingest/pull.h), one function each, internal to
// ingest/pull*.cpp: mail servers in pull_servers.cpp, local spools in pull_spools.cpp.
#pragma once
#include <filesystem>
#include <string>

#include "collectors/imap/mail_connection.h"
#include "core/result.h"
#include "ingest/pull.h"
#include "ingest/pull_pipeline.h"
#include "store/store.h"

namespace sg::pull_detail {

/// What every source works with.
struct PullContext {
  Store& store;
  const PullOptions& options;
  PullReport& report;
  BatchStore& batches;
};

/// Every mailbox the options name on an IMAP server. `connected` is set once logged in.
Status pull_imap(const imap::MailServerUrl& url, PullContext& context, imap::ConnectFailure* failure,
                 bool& connected);
/// A POP3 maildrop: the messages whose UIDL was not read before.
Status pull_pop3(const imap::MailServerUrl& url, PullContext& context, imap::ConnectFailure* failure,
                 bool& connected);
/// A Maildir (and with all_mailboxes its Maildir++ subfolders): files not read before.
Status pull_maildir(const std::filesystem::path& root, PullContext& context);
/// An mbox from the byte the last pull reached.
Status pull_mbox(const std::string& path, PullContext& context);

/// True for a folder with cur/ or new/.
bool is_maildir(const std::filesystem::path& dir);
/// `now`, or the clock when it is 0.
UnixTime now_or(UnixTime now);

}  // namespace sg::pull_detail
