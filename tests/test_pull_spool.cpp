// `pull` of a local Maildir or mbox that keeps growing (ingest/pull.h): each pull
// reads only what arrived since the last, and a rewritten mbox is read again.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ingest/pull.h"
#include "store/mail_cursor.h"
#include "store/store.h"
#include "tests/helpers.h"

using namespace sg;
namespace fs = std::filesystem;

namespace {

// A small spam message, different for every n.
std::string spam(int n) {
  std::ostringstream out;
  out << "Received: from mx.example.net (mx.example.net [192.0.2." << (n % 250) + 1 << "])\n"
      << "\tby inbound.example.com (Postfix) with ESMTP id Q" << n << "\n"
      << "\tfor <victim@example.com>; Mon, 2 Nov 2026 10:" << (10 + n % 40) << ":00 +0000\n"
      << "From: \"Shop\" <sale" << n << "@spam" << n << ".example>\n"
      << "Subject: offer " << n << "\n"
      << "Message-ID: <" << n << "@spam" << n << ".example>\n"
      << "\n"
      << "body " << n << "\n";
  return out.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

void append_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << bytes;
  REQUIRE(out.good());
}

std::string mbox_entry(int n) { return "From sender@example.net Mon Nov  2 10:00:00 2026\n" + spam(n) + "\n"; }

PullReport pull(Store& store, const std::string& source, bool all_mailboxes = false, size_t batch = 2) {
  PullOptions options;
  options.source = source;
  options.all_mailboxes = all_mailboxes;
  options.batch_messages = batch;
  options.now = 1790000000;
  std::ostringstream progress;
  auto report = run_pull(store, options, progress);
  REQUIRE(report);
  REQUIRE_FALSE(report->stopped);
  return std::move(*report);
}

int64_t message_count(Store& store) {
  auto query = store.database().prepare("SELECT count(*) FROM message");
  REQUIRE(query.step());
  return query.int64(0);
}

}  // namespace

TEST_CASE("pull maildir: only files not read before, however a mail client renames them") {
  TempDir dir("pull-maildir");
  const fs::path maildir = dir.path("Maildir");
  write_file(maildir / "new" / "1700000001.M1.host", spam(1));
  write_file(maildir / "new" / "1700000002.M2.host", spam(2));
  write_file(maildir / "cur" / "1700000003.M3.host:2,S", spam(3));
  fs::create_directories(maildir / "tmp");
  write_file(maildir / "tmp" / "1700000009.M9.host", spam(9));  // being delivered: not read
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);

  PullReport first = pull(**store, maildir.string());
  REQUIRE(first.mailboxes.size() == 1);
  CHECK(first.mailboxes[0].new_on_server == 3);
  CHECK(first.mailboxes[0].stored == 3);
  CHECK(first.totals.read == 3);
  CHECK(message_count(**store) == 3);

  // The mail client reads message 1 (new/ -> cur/ with flags), two arrive.
  fs::rename(maildir / "new" / "1700000001.M1.host", maildir / "cur" / "1700000001.M1.host:2,S");
  write_file(maildir / "new" / "1700000004.M4.host", spam(4));
  write_file(maildir / "cur" / "1700000005.M5.host:2,", spam(5));
  PullReport second = pull(**store, maildir.string());
  CHECK(second.mailboxes[0].new_on_server == 2);
  CHECK(second.mailboxes[0].stored == 2);
  CHECK(second.mailboxes[0].duplicates == 0);
  CHECK(message_count(**store) == 5);

  PullReport third = pull(**store, maildir.string());
  CHECK(third.mailboxes[0].new_on_server == 0);
  CHECK(third.totals.read == 0);

  // A file that is not mail is counted as unreadable once, and not read again.
  write_file(maildir / "new" / "1700000006.M6.host", "\x01\x02 not mail at all");
  PullReport fourth = pull(**store, maildir.string());
  CHECK(fourth.totals.unreadable == 1);
  CHECK(pull(**store, maildir.string()).totals.unreadable == 0);
}

TEST_CASE("pull maildir --all-mailboxes: the Maildir++ subfolders each keep their own record") {
  TempDir dir("pull-maildir-all");
  const fs::path maildir = dir.path("Maildir");
  write_file(maildir / "new" / "a1", spam(11));
  write_file(maildir / ".Junk" / "new" / "b1", spam(12));
  write_file(maildir / ".Junk" / "cur" / "b2:2,S", spam(13));
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);
  PullReport only_root = pull(**store, maildir.string());
  CHECK(only_root.mailboxes.size() == 1);
  CHECK(message_count(**store) == 1);
  PullReport all = pull(**store, maildir.string(), true);
  REQUIRE(all.mailboxes.size() == 2);
  CHECK(all.mailboxes[0].new_on_server == 0);
  CHECK(all.mailboxes[1].source == (maildir / ".Junk").string());
  CHECK(all.mailboxes[1].stored == 2);
  CHECK(message_count(**store) == 3);
}

TEST_CASE("pull mbox: resumes where the last pull stopped, and reads a rewritten file again") {
  TempDir dir("pull-mbox");
  const fs::path mbox = dir.path("spam.mbox");
  write_file(mbox, mbox_entry(21) + mbox_entry(22) + mbox_entry(23));
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);

  PullReport first = pull(**store, mbox.string());
  CHECK(first.mailboxes[0].new_on_server == 3);
  CHECK(first.mailboxes[0].stored == 3);
  auto cursor = read_mail_cursor(**store, mbox.string());
  REQUIRE(cursor);
  REQUIRE(*cursor);
  CHECK((*cursor)->position == fs::file_size(mbox));
  CHECK((*cursor)->updated == 1790000000);

  append_file(mbox, mbox_entry(24) + mbox_entry(25));
  PullReport second = pull(**store, mbox.string());
  CHECK(second.mailboxes[0].new_on_server == 2);
  CHECK(second.mailboxes[0].stored == 2);
  CHECK(second.mailboxes[0].duplicates == 0);
  CHECK(second.mailboxes[0].note.empty());
  CHECK(message_count(**store) == 5);
  // Where each message was is kept, counted from the file's start.
  auto offsets = (*store)->database().prepare("SELECT source_offset FROM message ORDER BY id");
  std::vector<int64_t> seen;
  while (offsets.step()) seen.push_back(offsets.int64(0));
  const int64_t entry = static_cast<int64_t>(mbox_entry(21).size());
  CHECK(seen == std::vector<int64_t>{0, entry, 2 * entry, 3 * entry, 4 * entry});

  CHECK(pull(**store, mbox.string()).mailboxes[0].new_on_server == 0);

  // A mail client deletes the first message: the file is rewritten, and read again.
  write_file(mbox, mbox_entry(22) + mbox_entry(23) + mbox_entry(24) + mbox_entry(25) + mbox_entry(26));
  PullReport rewritten = pull(**store, mbox.string());
  CHECK(rewritten.mailboxes[0].note.find("read again") != std::string::npos);
  CHECK(rewritten.mailboxes[0].new_on_server == 5);
  CHECK(rewritten.mailboxes[0].stored == 1);
  CHECK(rewritten.mailboxes[0].duplicates == 4);
  CHECK(message_count(**store) == 6);
}

TEST_CASE("pull: a path that is neither a Maildir nor a file is refused, naming it") {
  TempDir dir("pull-bad");
  fs::create_directories(dir.path("plain-folder"));
  auto store = Store::open(dir.path("store.db"));
  REQUIRE(store);
  PullOptions options;
  std::ostringstream progress;
  options.source = dir.path("plain-folder");
  auto folder = run_pull(**store, options, progress);
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message.find("not a Maildir") != std::string::npos);
  options.source = dir.path("missing");
  auto missing = run_pull(**store, options, progress);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().where == dir.path("missing"));
  options.source = "imap://host/INBOX";
  auto no_user = run_pull(**store, options, progress);
  REQUIRE_FALSE(no_user);
  CHECK(no_user.error().message.find("no user name") != std::string::npos);
}
