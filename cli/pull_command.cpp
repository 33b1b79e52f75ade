// `spamgraph pull SOURCE`: options in, run_pull() (ingest/pull.h), summary out.
// Passwords come from $SPAMGRAPH_MAIL_PASSWORD, the config file or ~/.netrc,
// never from the command line.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/subcommand.h"
#include "collectors/imap/mail_connection.h"
#include "core/time.h"
#include "core/utf8.h"
#include "ingest/pull.h"
#include "store/mail_cursor.h"
#include "store/store.h"

namespace sg {

namespace {

struct PullFlags {
  std::string source;
  std::string since;
  bool all_mailboxes = false;
  bool full = false;
  size_t batch = 500;
  std::string trusted;
  std::string ca_file;
  std::string netrc;
  bool starttls = false;
  bool plain = false;
  double timeout = 60;
  bool status = false;
};

// The password for the URL's account: the environment, then the config file;
// "" leaves it to ~/.netrc.
std::string password_for(const Config& config, const imap::MailServerUrl& url) {
  if (const char* value = std::getenv("SPAMGRAPH_MAIL_PASSWORD"); value != nullptr && *value != '\0') return value;
  auto found = config.mail_passwords.find(url.user + "@" + url.host);
  return found != config.mail_passwords.end() ? found->second : std::string();
}

int print_cursors(const CommandContext& context) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  auto cursors = list_mail_cursors(**store);
  if (!cursors) return fail_with(cursors.error());
  for (const MailCursor& cursor : *cursors) {
    std::cout << escape_for_terminal(cursor.source);
    if (cursor.uidvalidity != 0 || cursor.last_uid != 0)
      std::cout << fmt::format("  UIDVALIDITY {} last UID {}", cursor.uidvalidity, cursor.last_uid);
    else if (cursor.position != 0)
      std::cout << fmt::format("  read to byte {}", cursor.position);
    std::cout << "  pulled " << format_iso8601(cursor.updated) << "\n";
  }
  return kExitOk;
}

int run_pull_command(const CommandContext& context, const PullFlags& flags) {
  if (flags.status) return print_cursors(context);
  if (flags.source.empty()) return fail_with(Error{"name what to pull (imap://USER@HOST/MAILBOX or a path)", "pull"});
  auto analysis = analysis_with_trusted(context, flags.trusted);
  if (!analysis) return fail_with(analysis.error());
  PullOptions options;
  options.source = flags.source;
  options.analysis = *analysis;
  options.analysis.body_urls = flags.full;
  options.all_mailboxes = flags.all_mailboxes;
  options.full = flags.full;
  options.batch_messages = flags.batch;
  if (!flags.since.empty()) {
    options.since = parse_user_date(flags.since);
    if (!options.since) return fail_with(Error{"not a date (try 2026-11-01)", "--since " + flags.since});
  }
  if (flags.starttls && flags.plain) return fail_with(Error{"choose one of --starttls and --plain", "pull"});
  options.connect.starttls = flags.starttls ? imap::StartTls::required
                             : flags.plain  ? imap::StartTls::never
                                            : imap::StartTls::if_offered;
  options.connect.ca_file = flags.ca_file;
  options.connect.netrc_file = flags.netrc;
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(flags.timeout * 1000));
  options.connect.idle_timeout = timeout;
  options.connect.connect_timeout = std::max(timeout, std::chrono::milliseconds(1000));
  if (is_mail_url(flags.source)) {
    auto url = imap::parse_mail_url(flags.source);
    if (!url) return fail_with(url.error());
    options.connect.password = password_for(context.config, *url);
  }
  options.progress = isatty(STDERR_FILENO) != 0;
  auto store = Store::open(context.db_path, StoreAccess::write);
  if (!store) return fail_with(store.error());
  auto report = run_pull(**store, options, std::cerr);
  if (!report) return fail_with(report.error());
  for (const MailboxPull& mailbox : report->mailboxes) {
    std::cout << fmt::format("{}: {} new, {} stored, {} already stored", escape_for_terminal(mailbox.source),
                             mailbox.new_on_server, mailbox.stored, mailbox.duplicates);
    if (mailbox.uidvalidity != 0) std::cout << fmt::format(" (UIDVALIDITY {})", mailbox.uidvalidity);
    std::cout << "\n";
    if (!mailbox.note.empty()) std::cout << "  " << escape_for_terminal(mailbox.note) << "\n";
  }
  print_ingest_report(report->totals, std::cout);
  if (report->stopped) {
    fail_with(Error{report->stopped->to_string() +
                        " (the pull stopped; every batch before it is stored, and the next pull resumes there)",
                    ""});
    return kExitFatal;
  }
  return report->totals.unreadable > 0 ? kExitSomeUnreadable : kExitOk;
}

}  // namespace

RegisteredCommand add_pull_command(CLI::App& app) {
  auto flags = std::make_shared<PullFlags>();
  auto* pull = app.add_subcommand(
      "pull", "store what is new in a mailbox: imap[s]://USER@HOST[:PORT]/MAILBOX, pop3[s]://USER@HOST[:PORT], "
              "or a Maildir or mbox that keeps growing");
  pull->add_option("SOURCE", flags->source, "the mailbox (password: $SPAMGRAPH_MAIL_PASSWORD, "
                                            "mail-password.USER@HOST in the config file, or ~/.netrc)");
  pull->add_option("--since", flags->since, "IMAP: only messages that arrived on or after this day (YYYY-MM-DD)");
  pull->add_flag("--all-mailboxes", flags->all_mailboxes,
                 "IMAP: every mailbox of the account; Maildir: its subfolders too");
  pull->add_flag("--full", flags->full, "fetch whole messages (their body URLs too), not only headers");
  pull->add_option("--batch", flags->batch, "messages per request and per transaction")
      ->check(CLI::Range(size_t{1}, size_t{100000}))
      ->default_val(flags->batch);
  pull->add_option("--trusted", flags->trusted, "your own servers: host names, *.suffix, CIDR prefixes");
  pull->add_option("--cacert", flags->ca_file, "trust the certificates in this file (a server's own CA)");
  pull->add_option("--netrc", flags->netrc, "the netrc file to read the password from (default ~/.netrc)");
  pull->add_flag("--starttls", flags->starttls, "imap:// and pop3://: refuse to go on without STARTTLS");
  pull->add_flag("--plain", flags->plain, "imap:// and pop3://: never STARTTLS (a server on this machine)");
  pull->add_option("--timeout", flags->timeout, "seconds of silence from the server before giving up")
      ->check(CLI::Range(0.05, 86400.0))
      ->default_val(flags->timeout);
  pull->add_flag("--status", flags->status, "list every mailbox pulled so far and where it stopped");
  return {pull, [flags](const CommandContext& context) { return run_pull_command(context, *flags); }};
}

}  // namespace sg
