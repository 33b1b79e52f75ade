// Reading messages from .eml files, folders, Maildir, mbox (streamed, in small
// chunks so separators straddle chunk boundaries), pastes and standard input.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "collectors/analyze.h"
#include "collectors/header_block.h"
#include "collectors/mail_source.h"
#include "tests/helpers.h"
#include "tests/into_results.h"

using namespace sg;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}


struct ReadAll {
  std::vector<RawMessage> messages;
  std::vector<Error> problems;
  bool problem_mentions(const std::string& text) const {
    for (const Error& problem : problems)
      if (problem.to_string().find(text) != std::string::npos) return true;
    return false;
  }
};

// Reader options that read a file `chunk` bytes at a time.
ReaderOptions in_chunks(size_t chunk) {
  ReaderOptions options;
  options.chunk_size = chunk;
  return options;
}

ReadAll read_all(const std::string& path, MailFormat format = MailFormat::automatic, ReaderOptions options = {}) {
  ReadAll out;
  auto reader = MessageReader::open(path, format, options);
  REQUIRE_MESSAGE(reader.has_value(), reader.error().to_string());
  while (auto message = (*reader)->next(out.problems)) out.messages.push_back(std::move(*message));
  return out;
}

// The same, through next(RawMessage&) into one RawMessage used over and over.
ReadAll read_all_reusing(const std::string& path, MailFormat format = MailFormat::automatic,
                         ReaderOptions options = {}) {
  ReadAll out;
  auto reader = MessageReader::open(path, format, options);
  REQUIRE_MESSAGE(reader.has_value(), reader.error().to_string());
  RawMessage reused;
  while ((*reader)->next(reused, out.problems)) out.messages.push_back(reused);
  return out;
}

// Every field of every message and every problem, in order: equal summaries, equal reads.
std::string summary_of(const ReadAll& all) {
  std::string out;
  for (const RawMessage& message : all.messages)
    out += std::string(to_text(message.source.kind)) + "|" + message.source.path + "|" + std::to_string(message.source.offset) + "|" +
           std::to_string(message.source.uidvalidity) + "|" + std::to_string(message.source.uid) + "|" +
           message.envelope + "|" + message.bytes + "\x01";
  for (const Error& problem : all.problems) out += problem.to_string() + "\x02";
  return out;
}

// Offsets of every line starting with "From " (what a plain grep would find).
std::vector<uint64_t> from_line_offsets(const std::string& bytes) {
  std::vector<uint64_t> offsets;
  for (size_t pos = 0; pos < bytes.size(); pos = bytes.find('\n', pos) + 1) {
    if (bytes.compare(pos, 5, "From ") == 0) offsets.push_back(pos);
    if (bytes.find('\n', pos) == std::string::npos) break;
  }
  return offsets;
}

std::string header(const std::string& message, std::string_view name) {
  for (const HeaderField& field : into::header_block(message).fields)
    if (field_name_is(field.name, name)) return into::unfold(field.raw_value);
  return {};
}

// A message whose header block is about 200 KiB of Received and X- fields,
// with the fields a message is known by (From, Subject) only below them: a
// sender can make a header that large, larger than any sniffing window.
std::string huge_header_message(const std::string& body) {
  std::string message = "Return-Path: <a@spam.example>\n";
  for (int i = 0; message.size() < 200 * 1024; ++i) {
    const std::string n = std::to_string(i);
    message += "Received: from relay" + n + ".spam.example (relay" + n + ".spam.example [192.0.2." +
               std::to_string(i % 250 + 1) + "])\n\tby mx.spam.example with ESMTP id " + n +
               "; Mon, 1 Jan 2024 00:00:00 +0000\nX-Filler-" + n + ": " + std::string(40, 'x') + "\n";
  }
  return message + "From: a@spam.example\nSubject: huge header\n\n" + body;
}

// The URLs header analysis finds in a message's body.
std::vector<std::string> body_urls(const RawMessage& message) {
  Analyzer analyzer{AnalysisOptions{}};
  std::vector<std::string> urls;
  for (const Indicator& indicator : analyzer.analyze(message.bytes, message.source).indicators)
    if (indicator.kind == EntityKind::url) urls.push_back(indicator.value);
  return urls;
}

// Runs `body` with an alarm that interrupts a call blocking for more than 5 s
// (EINTR): a reader that would wait for ever fails the test instead of hanging it.
template <typename Body>
void with_alarm(Body body) {
  struct sigaction wake {}, saved {};
  wake.sa_handler = [](int) {};  // no SA_RESTART: the blocked call returns
  ::sigaction(SIGALRM, &wake, &saved);
  ::alarm(5);
  body();
  ::alarm(0);
  ::sigaction(SIGALRM, &saved, nullptr);
}

bool has_problem(const ReadAll& all, const fs::path& where, const std::string& message) {
  for (const Error& problem : all.problems)
    if (problem.where == where.string() && problem.message == message) return true;
  return false;
}

}  // namespace

TEST_CASE("format names") {
  for (MailFormat format : {MailFormat::automatic, MailFormat::eml, MailFormat::directory, MailFormat::maildir,
                            MailFormat::mbox, MailFormat::paste})
    CHECK(parse_mail_format(format_name(format)) == format);
  CHECK(parse_mail_format("directory") == MailFormat::directory);
  CHECK_FALSE(parse_mail_format("pst").has_value());
}

TEST_CASE("detect_format") {
  CHECK(detect_format("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n") == MailFormat::mbox);
  CHECK(detect_format("\xEF\xBB\xBF" "From: a@b\nDate: x\n\nbody") == MailFormat::eml);
  CHECK(detect_format("Return-Path: <a@b>\nFrom: a@b\n\nbody") == MailFormat::eml);
  CHECK(detect_format("Some text\nReceived: from x\n") == MailFormat::paste);
  CHECK(detect_format("just text\n") == MailFormat::automatic);
  CHECK(detect_format("\x1F\x8B\x08\x00") == MailFormat::automatic);  // gzip
  CHECK(detect_format("") == MailFormat::automatic);
}

TEST_CASE("spamassassin nice.mbox: 3 messages with their From line offsets") {
  const std::string path = corpus_path("spamassassin/t/data/nice.mbox");
  const ReadAll all = read_all(path);
  CHECK(all.problems.empty());
  REQUIRE(all.messages.size() == 3);
  const std::vector<uint64_t> expected = {0, 3556, 4639};
  CHECK(from_line_offsets(read_file(path)) == expected);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(all.messages[i].source.kind == SourceKind::mbox);
    CHECK(all.messages[i].source.path == path);
    CHECK(all.messages[i].source.offset == expected[i]);
    CHECK(all.messages[i].bytes.rfind("From ", 0) != 0);  // the separator is not part of the message
  }
  CHECK(all.messages[0].envelope == "jm@dogma.slashnull.org  Wed May 16 00:40:34 2001");
  CHECK(all.messages[1].envelope == "nsb@thumper.bellcore.com Tue Oct  8 10:29:39 1991");
  // Forced mbox with a 7-byte chunk: the same messages, byte for byte.
  ReaderOptions tiny;
  tiny.chunk_size = 7;
  const ReadAll chunked = read_all(path, MailFormat::mbox, tiny);
  REQUIRE(chunked.messages.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(chunked.messages[i].bytes == all.messages[i].bytes);
    CHECK(chunked.messages[i].source.offset == expected[i]);
  }
}

TEST_CASE("mimekit content-length.mbox.txt: 29 messages, 'From -' separators without blank lines") {
  const std::string path = corpus_path("mimekit/UnitTests/TestData/mbox/content-length.mbox.txt");
  const std::string bytes = read_file(path);
  const std::vector<uint64_t> expected = from_line_offsets(bytes);
  REQUIRE(expected.size() == 29);
  for (size_t chunk : {size_t{1} << 20, size_t{13}, size_t{4096}}) {
    CAPTURE(chunk);
    const ReadAll all = read_all(path, MailFormat::automatic, in_chunks(chunk));
    CHECK(all.problems.empty());
    REQUIRE(all.messages.size() == 29);
    for (size_t i = 0; i < 29; ++i) {
      CHECK(all.messages[i].source.kind == SourceKind::mbox);
      CHECK(all.messages[i].source.offset == expected[i]);
    }
    CHECK(header(all.messages[0].bytes, "Message-ID") == "<19960722000255.AAA26598@navstar1.mcom.com>");
    CHECK(header(all.messages[1].bytes, "Message-ID") == "<31C105ED.41C62@netscape.com>");
    CHECK(all.messages[3].envelope == "- Mon Jun  3 12:50:27 1996");
    // ">From - Fri Dec 13 15:01:21 1996" in a body is unquoted.
    bool unquoted = false;
    for (const RawMessage& message : all.messages)
      unquoted = unquoted || message.bytes.find("\nFrom - Fri Dec 13 15:01:21 1996") != std::string::npos;
    CHECK(unquoted);
  }
}

TEST_CASE("mboxrd quoting, CRLF, and From lines that are not separators") {
  TempDir dir("mail-source");
  const std::string mbox =
      "From alice@example.com Mon Jan  1 00:00:00 2024\r\n"
      "Subject: one\r\n"
      "\r\n"
      ">From the start\r\n"
      ">>From twice quoted\r\n"
      "text\r\n"
      "From the desk of Bob\r\n"  // not after a blank line, no date, no header next
      "regards\r\n"
      "\r\n"
      "From me to you\r\n"        // after a blank line, but no date and no header next
      "bye\r\n"
      "\r\n"
      "From bob@example.com Tue Jan  2 10:11:12 2024\r\n"
      "Subject: two\r\n"
      "\r\n"
      "body two\r\n"
      "\r\n"
      "From  :<x@example.com>\r\n"  // a header field inside a body, not a separator
      "X-Mailer: y\r\n"
      "\r\n"
      "From - \r\n"                 // Netscape style, no date but a header follows
      "Subject: three\r\n"
      "\r\n"
      "body three\r\n";
  write_file(fs::path(dir.root()) / "box.mbox", mbox);
  const std::vector<uint64_t> offsets = {0, mbox.find("From bob@"), mbox.find("From - ")};
  for (size_t chunk : {1, 2, 3, 5, 7, 64, 1 << 20}) {
    CAPTURE(chunk);
    const ReadAll all = read_all((fs::path(dir.root()) / "box.mbox").string(), MailFormat::mbox, in_chunks(chunk));
    CHECK(all.problems.empty());
    REQUIRE(all.messages.size() == 3);
    CHECK(all.messages[0].bytes ==
          "Subject: one\r\n\r\nFrom the start\r\n>From twice quoted\r\ntext\r\nFrom the desk of Bob\r\nregards\r\n"
          "\r\nFrom me to you\r\nbye\r\n");
    CHECK(all.messages[1].bytes == "Subject: two\r\n\r\nbody two\r\n\r\nFrom  :<x@example.com>\r\nX-Mailer: y\r\n");
    CHECK(all.messages[2].bytes == "Subject: three\r\n\r\nbody three\r\n");
    for (size_t i = 0; i < 3; ++i) CHECK(all.messages[i].source.offset == offsets[i]);
    CHECK(all.messages[2].envelope == "- ");
  }
}

TEST_CASE("mbox: what the line before and the line after a From line decide, LF and CRLF") {
  TempDir dir("mail-source");
  const std::string lf =
      "From a@x Mon Jan  1 00:00:00 2024\n"
      "Subject: one\n"
      "\n"
      "body\n"
      "From b@x Mon Jan  1 00:00:00 2024\n"  // no empty line before, no header after: text
      "more\n"
      " \n"
      "From c@x Mon Jan  1 00:00:00 2024\n"  // a line of spaces is not empty: text
      "still one\n"
      "\n"
      "From d@x Mon Jan  1 00:00:00 2024\n"
      "Subject: two\n"
      "\n"
      ">From one\n"
      ">>>From three\n"
      ">Fro\n"
      "> From x\n"
      "From:x@y\n"
      "Fr\n"
      "\n"
      "From e@x Mon Jan  1 00:00:00 2024\n"
      "Subject: three\n"
      "\n"
      ">From the end, without a line break";
  const std::vector<std::string> lf_messages = {
      "Subject: one\n\nbody\nFrom b@x Mon Jan  1 00:00:00 2024\nmore\n \nFrom c@x Mon Jan  1 00:00:00 2024\nstill one\n",
      "Subject: two\n\nFrom one\n>>From three\n>Fro\n> From x\nFrom:x@y\nFr\n",
      "Subject: three\n\nFrom the end, without a line break"};
  const auto crlf = [](const std::string& text) {
    std::string out;
    for (char c : text) {
      if (c == '\n') out += '\r';
      out += c;
    }
    return out;
  };
  const fs::path path = fs::path(dir.root()) / "box.mbox";
  for (bool use_crlf : {false, true}) {
    const std::string mbox = use_crlf ? crlf(lf) : lf;
    write_file(path, mbox);
    for (size_t chunk : {1, 2, 3, 5, 7, 64, 1 << 20}) {
      CAPTURE(use_crlf);
      CAPTURE(chunk);
      const ReadAll all = read_all(path.string(), MailFormat::mbox, in_chunks(chunk));
      CHECK(all.problems.empty());
      REQUIRE(all.messages.size() == 3);
      for (size_t i = 0; i < 3; ++i) {
        const std::string name(1, "ade"[i]);
        CHECK(all.messages[i].bytes == (use_crlf ? crlf(lf_messages[i]) : lf_messages[i]));
        CHECK(all.messages[i].source.offset == mbox.find("From " + name + "@x"));
        CHECK(all.messages[i].envelope == name + "@x Mon Jan  1 00:00:00 2024");
      }
    }
  }
}

TEST_CASE("mbox lines over the 1 MiB line bound: quoting only at the start, the last piece is no empty line") {
  TempDir dir("mail-source");
  const size_t bound = 1u << 20;
  const std::string quoted = ">From " + std::string(bound - 6, 'y') + "\n";  // its "\n" is a piece of its own
  const std::string tail = "From b@x Mon Jan  1 00:00:00 2024\nbody\n";
  const fs::path path = fs::path(dir.root()) / "long.mbox";
  write_file(path, "From a@x Mon Jan  1 00:00:00 2024\nSubject: long\n\n" + quoted + tail);
  for (size_t chunk : {4093, 1 << 20}) {
    CAPTURE(chunk);
    const ReadAll all = read_all(path.string(), MailFormat::mbox, in_chunks(chunk));
    CHECK(all.problems.empty());
    REQUIRE(all.messages.size() == 1);
    CHECK(all.messages[0].bytes == "Subject: long\n\n" + quoted.substr(1) + tail);
  }
}

TEST_CASE("a 20 MB mbox read in small chunks: every message once, at its offset") {
  TempDir dir("mail-source");
  const fs::path path = fs::path(dir.root()) / "big.mbox";
  std::vector<uint64_t> offsets;
  {
    std::ofstream out(path, std::ios::binary);
    std::string filler;
    for (int i = 0; i < 30; ++i) filler += "Line of body text number " + std::to_string(i) + " with some padding......\n";
    uint64_t offset = 0;
    for (int i = 0; i < 12500; ++i) {
      const bool crlf = i % 3 == 0;
      std::string message = "From sender" + std::to_string(i) + "@example.com Sat Mar  2 12:34:56 2024\n" +
                            "Message-ID: <m" + std::to_string(i) + "@example.com>\nSubject: n\n\n" + filler +
                            ">From quoted\n\n";
      if (crlf) {
        std::string converted;
        for (char c : message) {
          if (c == '\n') converted += '\r';
          converted += c;
        }
        message = converted;
      }
      offsets.push_back(offset);
      out << message;
      offset += message.size();
    }
  }
  REQUIRE(fs::file_size(path) > 20'000'000);
  ReaderOptions options;
  options.chunk_size = 4093;  // a prime: boundaries land everywhere in the separators
  auto reader = MessageReader::open(path.string(), MailFormat::automatic, options);
  REQUIRE(reader.has_value());
  std::vector<Error> problems;
  size_t count = 0;
  while (auto message = (*reader)->next(problems)) {
    REQUIRE(count < offsets.size());
    CHECK(message->source.offset == offsets[count]);
    if (header(message->bytes, "Message-ID") != "<m" + std::to_string(count) + "@example.com>") {
      FAIL("message " << count << " is wrong");
    }
    if (message->bytes.find("\nFrom quoted") == std::string::npos) FAIL("not unquoted in " << count);
    ++count;
  }
  CHECK(count == offsets.size());
  CHECK(problems.empty());
}

TEST_CASE("mbox results do not depend on the chunk size (random mboxes)") {
  TempDir dir("mail-source");
  const fs::path path = fs::path(dir.root()) / "random.mbox";
  std::mt19937 random(4155);
  const std::string pieces[] = {"From a@b Mon Jan  1 00:00:00 2024\n", "From -\n", "From x\n", "\n", "\r\n",
                                ">From y\n", ">>From z\r\n", "Subject: s\n", "From  :q\n", "body line\n", "From "};
  for (int round = 0; round < 150; ++round) {
    std::string mbox;
    const int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) {
      if (random() % 3) mbox += pieces[random() % std::size(pieces)];
      else mbox.push_back(static_cast<char>(random() % 256));
    }
    write_file(path, mbox);
    auto summary = [&](size_t chunk, size_t cap, bool reusing = false) {
      ReaderOptions options;
      options.chunk_size = chunk;
      options.max_message_size = cap;
      return summary_of(reusing ? read_all_reusing(path.string(), MailFormat::mbox, options)
                                : read_all(path.string(), MailFormat::mbox, options));
    };
    const std::string reference = summary(1 << 20, 64u << 20);
    CAPTURE(mbox);
    for (size_t chunk : {1, 2, 5, 17}) CHECK(summary(chunk, 64u << 20) == reference);
    CHECK(summary(7, 64u << 20, true) == reference);
    CHECK(summary(3, 40) == summary(1 << 20, 40));  // with messages over the cap too
    CHECK(summary(3, 40, true) == summary(1 << 20, 40));
  }
}

TEST_CASE("oversized messages are skipped and reported with file and offset") {
  TempDir dir("mail-source");
  const std::string big(5000, 'x');
  const std::string mbox = "From a Mon Jan  1 00:00:00 2024\nSubject: small\n\nok\n\n"
                           "From b Mon Jan  1 00:00:00 2024\nSubject: big\n\n" + big + "\n" + big + "\n\n"
                           "From c Mon Jan  1 00:00:00 2024\nSubject: after\n\nok\n";
  const fs::path path = fs::path(dir.root()) / "box";
  write_file(path, mbox);
  ReaderOptions options;
  options.max_message_size = 4000;
  options.chunk_size = 512;
  const ReadAll all = read_all(path.string(), MailFormat::mbox, options);
  REQUIRE(all.messages.size() == 2);
  CHECK(header(all.messages[0].bytes, "Subject") == "small");
  CHECK(header(all.messages[1].bytes, "Subject") == "after");
  REQUIRE(all.problems.size() == 1);
  CHECK(all.problems[0].where == path.string());
  CHECK(all.problems[0].message ==
        "message at byte offset " + std::to_string(mbox.find("From b")) + " is larger than 4000 bytes, skipped");
  // One line longer than the chunk and the 1 MiB line limit: kept whole.
  const std::string long_line(3'000'000, 'y');
  write_file(path, "From a Mon Jan  1 00:00:00 2024\nSubject: long\n\n" + long_line + "\nFrom x\n");
  options.max_message_size = 8 << 20;
  options.chunk_size = 4093;
  const ReadAll long_all = read_all(path.string(), MailFormat::mbox, options);
  REQUIRE(long_all.messages.size() == 1);
  CHECK(long_all.messages[0].bytes == "Subject: long\n\n" + long_line + "\nFrom x\n");
  // A single .eml over the cap.
  write_file(fs::path(dir.root()) / "big.eml", "Subject: x\n\n" + big);
  options.max_message_size = 1000;
  const ReadAll eml = read_all((fs::path(dir.root()) / "big.eml").string(), MailFormat::automatic, options);
  CHECK(eml.messages.empty());
  CHECK(eml.problem_mentions("big.eml: message larger than 1000 bytes, skipped"));
}

TEST_CASE("sisimai folder of .eml files: recursive, sorted") {
  const std::string path = corpus_path("sisimai-set-of-emails/maildir");
  const ReadAll all = read_all(path);
  CHECK(all.problems.empty());
  REQUIRE(all.messages.size() == 40);
  for (size_t i = 0; i < all.messages.size(); ++i) {
    CHECK(all.messages[i].source.kind == SourceKind::eml);
    CHECK(all.messages[i].source.offset == 0);
    if (i > 0) CHECK(all.messages[i - 1].source.path < all.messages[i].source.path);
  }
  CHECK(all.messages[0].source.path == path + "/bsd/arf-01.eml");
  CHECK(all.messages[0].bytes == read_file(path + "/bsd/arf-01.eml"));
}

TEST_CASE("Maildir: cur then new, tmp ignored, Maildir++ subfolders, folders of Maildirs") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root()) / "Mail";
  const fs::path inbox = root / "inbox";
  write_file(inbox / "cur" / "1700000002.M2.host:2,S", "Subject: cur2\n\nx\n");
  write_file(inbox / "cur" / "1700000001.M1.host:2,S", "Subject: cur1\n\nx\n");
  write_file(inbox / "new" / "1700000003.M3.host", "Subject: new3\n\nx\n");
  write_file(inbox / "tmp" / "1700000004.M4.host", "Subject: tmp4\n\nx\n");
  write_file(inbox / "dovecot-uidlist", "3 V1 N4\n");
  write_file(inbox / ".Junk" / "cur" / "1700000005.M5.host:2,", "Subject: junk5\n\nx\n");
  write_file(inbox / ".Junk" / "new" / ".hidden", "Subject: hidden\n\nx\n");
  write_file(inbox / ".git" / "config", "Subject: not mail\n");  // a hidden folder that is no Maildir++ folder
  fs::create_directories(inbox / ".cache");
  write_file(root / "archive" / "new" / "1600000000.M0.host", "Subject: archive\n\nx\n");

  const ReadAll all = read_all(root.string());
  std::vector<std::string> subjects;
  for (const RawMessage& message : all.messages) {
    CHECK(message.source.kind == SourceKind::maildir);
    subjects.push_back(header(message.bytes, "Subject"));
  }
  // archive/ sorts before inbox/; in inbox: cur (sorted), new, then the .Junk subfolder.
  CHECK(subjects == std::vector<std::string>{"archive", "cur1", "cur2", "new3", "junk5"});
  CHECK(all.messages[1].source.path == (inbox / "cur" / "1700000001.M1.host:2,S").string());
  CHECK(all.problems.empty());
  // The same Maildir named directly, as maildir.
  const ReadAll direct = read_all(inbox.string(), MailFormat::maildir);
  CHECK(direct.messages.size() == 4);
}

TEST_CASE("a folder of mixed files: each detected on its own") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.eml", "From: a@example.com\nSubject: eml\n\nbody\n");
  write_file(root / "b.mbox",
             "From x@example.com Mon Jan  1 00:00:00 2024\nSubject: m1\n\nb\n\n"
             "From y@example.com Mon Jan  1 00:00:01 2024\nSubject: m2\n\nb\n");
  write_file(root / "c-single.eml", "From x@example.com Mon Jan  1 00:00:00 2024\nSubject: single\n\nb\n");
  write_file(root / "d-paste.txt", read_file(std::string(SPAMGRAPH_SOURCE_DIR) + "/data/seed/jacks-1.txt"));
  write_file(root / "e-readme.md", "# notes\nnothing to see\n");
  write_file(root / "f.mbox.gz", std::string("\x1F\x8B\x08\x00\x00\x00", 6));
  write_file(root / "g-empty.eml", "");
  write_file(root / ".hidden.eml", "Subject: hidden\n\nx\n");
  write_file(root / "sub" / "z.eml", "Subject: nested\n\nx\n");
  std::error_code ec;
  fs::create_directory_symlink(root, root / "sub" / "loop", ec);  // must not be followed

  const ReadAll all = read_all(root.string());
  std::vector<std::string> seen;
  for (const RawMessage& message : all.messages)
    seen.push_back(std::string(to_text(message.source.kind)) + ":" + fs::path(message.source.path).filename().string());
  CHECK(seen == std::vector<std::string>{"eml:a.eml", "mbox:b.mbox", "mbox:b.mbox", "eml:c-single.eml",
                                         "paste:d-paste.txt", "eml:z.eml"});
  CHECK(all.messages[2].source.offset > 0);
  CHECK(all.messages[3].envelope == "x@example.com Mon Jan  1 00:00:00 2024");
  CHECK(header(all.messages[4].bytes, "Received").find("(EHLO re27.leadw.link)") != std::string::npos);
  CHECK(all.problem_mentions("e-readme.md: not a mail message, skipped"));
  CHECK(all.problem_mentions("f.mbox.gz: compressed file"));
  if (!ec) CHECK(all.problem_mentions("loop: symlinked folder not followed"));
}

TEST_CASE("next into a reused RawMessage: every field written over, as next() would return it") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.mbox",
             "From x@example.com Mon Jan  1 00:00:00 2024\nSubject: m1\n\nb\n\n"
             "From y@example.com Mon Jan  1 00:00:01 2024\nSubject: m2\n\n>From b\n");
  write_file(root / "b.eml", "From: a@example.com\nSubject: eml\n\nbody\n");
  write_file(root / "c-paste.txt", read_file(std::string(SPAMGRAPH_SOURCE_DIR) + "/data/seed/jacks-1.txt"));
  write_file(root / "d.mbox", "From z@example.com Mon Jan  1 00:00:00 2024\nSubject: m3\n\nb\n\n"
                              "From \nSubject: no sender\n\n\n");
  write_file(root / "e-single.eml", "From x@example.com Mon Jan  1 00:00:00 2024\nSubject: single\n\nb\n");
  write_file(root / "f.txt", "not mail\n");
  const ReadAll reused = read_all_reusing(root.string());
  CHECK(reused.messages.size() == 6);
  CHECK(summary_of(reused) == summary_of(read_all(root.string())));
}

TEST_CASE("next into a reused RawMessage: the buffer of a large message is not kept for later ones") {
  TempDir dir("mail-source");
  const fs::path path = fs::path(dir.root()) / "box.mbox";
  const std::string big(200'000, 'x');
  write_file(path, "From a Mon Jan  1 00:00:00 2024\nSubject: 1\n\nok\n\n"
                   "From b Mon Jan  1 00:00:00 2024\nSubject: 2\n\n" + big + "\n\n"
                   "From c Mon Jan  1 00:00:00 2024\nSubject: 3\n\nok\n\n"
                   "From d Mon Jan  1 00:00:00 2024\nSubject: 4\n\nok\n");
  auto reader = MessageReader::open(path.string(), MailFormat::mbox);
  REQUIRE(reader.has_value());
  std::vector<Error> problems;
  RawMessage message;
  std::vector<size_t> capacities;
  while ((*reader)->next(message, problems)) capacities.push_back(message.bytes.capacity());
  REQUIRE(capacities.size() == 4);
  CHECK(capacities[1] >= big.size());
  // The reader got the large buffer back with message 3 and let it go, so
  // message 4 is not built in it.
  CHECK(capacities[3] < big.size());
  CHECK(problems.empty());
}

TEST_CASE("the blog post as a paste file: one message per excerpt") {
  const auto extra = extra_seed();
  if (!extra) return;
  const std::string path = *extra + "/blog-ja-cks-part2.txt";
  const ReadAll all = read_all(path);
  REQUIRE(all.messages.size() == 2);
  CHECK(all.messages[0].source.kind == SourceKind::paste);
  CHECK(all.messages[0].source.offset == read_file(path).find("Received-SPF:"));
  CHECK(header(all.messages[1].bytes, "Authentication-Results").find("from=somach789.xyz") != std::string::npos);
  CHECK(all.problem_mentions("lines 1-16: not a header field, dropped"));
  // Forced paste format on the bundled file.
  const ReadAll bundled =
      read_all(std::string(SPAMGRAPH_SOURCE_DIR) + "/data/seed/jacks-2.txt", MailFormat::paste);
  REQUIRE(bundled.messages.size() == 1);
  CHECK(bundled.problems.empty());
}

TEST_CASE("errors name the path") {
  auto missing = MessageReader::open("/nonexistent/spam.mbox");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().where == "/nonexistent/spam.mbox");
  CHECK(missing.error().to_string() == "/nonexistent/spam.mbox: No such file or directory");
  TempDir dir("mail-source");
  auto folder_as_mbox = MessageReader::open(dir.root(), MailFormat::mbox);
  REQUIRE_FALSE(folder_as_mbox.has_value());
  CHECK(folder_as_mbox.error().to_string() == dir.root() + ": is a folder, not a mbox file");
  write_file(fs::path(dir.root()) / "x.eml", "Subject: x\n\n");
  auto file_as_maildir = MessageReader::open((fs::path(dir.root()) / "x.eml").string(), MailFormat::maildir);
  REQUIRE_FALSE(file_as_maildir.has_value());
  CHECK(file_as_maildir.error().message == "is not a folder");
  auto stdin_folder = MessageReader::open("-", MailFormat::directory);
  CHECK_FALSE(stdin_folder.has_value());
  // Blank lines before the first From line are not a message.
  write_file(fs::path(dir.root()) / "blank.mbox", "\n\r\nFrom a Mon Jan  1 00:00:00 2024\nSubject: x\n\nb\n");
  const ReadAll blank = read_all((fs::path(dir.root()) / "blank.mbox").string(), MailFormat::mbox);
  REQUIRE(blank.messages.size() == 1);
  CHECK(blank.messages[0].source.offset == 3);
  CHECK(blank.problems.empty());
  // An mbox that does not start with a From line is read as one message and reported.
  write_file(fs::path(dir.root()) / "bad.mbox", "Subject: no envelope\n\nbody\n");
  const ReadAll bad = read_all((fs::path(dir.root()) / "bad.mbox").string(), MailFormat::mbox);
  REQUIRE(bad.messages.size() == 1);
  CHECK(bad.problem_mentions("bad.mbox: does not start with a \"From \" line"));
}

TEST_CASE("standard input") {
  TempDir dir("mail-source");
  auto read_stdin = [&](const std::string& content, MailFormat format) {
    write_file(fs::path(dir.root()) / "stdin", content);
    const int saved = dup(STDIN_FILENO);
    const int fd = ::open((fs::path(dir.root()) / "stdin").c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    dup2(fd, STDIN_FILENO);
    ::close(fd);
    ReadAll all = read_all("-", format);
    dup2(saved, STDIN_FILENO);
    ::close(saved);
    return all;
  };
  const ReadAll mbox = read_stdin(read_file(corpus_path("spamassassin/t/data/nice.mbox")), MailFormat::automatic);
  REQUIRE(mbox.messages.size() == 3);
  CHECK(mbox.messages[2].source.kind == SourceKind::standard_input);
  CHECK(mbox.messages[2].source.path == "-");
  CHECK(mbox.messages[2].source.offset == 4639);
  const ReadAll eml = read_stdin("From: a@example.com\nSubject: piped\n\nbody\n", MailFormat::automatic);
  REQUIRE(eml.messages.size() == 1);
  CHECK(eml.messages[0].source.kind == SourceKind::standard_input);
  CHECK(header(eml.messages[0].bytes, "Subject") == "piped");
  if (const auto extra = extra_seed()) {  // the blog post
    const ReadAll paste = read_stdin(read_file(*extra + "/blog-ja-cks-part2.txt"), MailFormat::automatic);
    REQUIRE(paste.messages.size() == 2);
    CHECK(paste.messages[0].source.kind == SourceKind::paste);
    CHECK(paste.messages[0].source.path == "-");
  }
}

TEST_CASE("read_messages stops when the sink says so") {
  std::vector<Error> problems;
  size_t count = 0;
  const Status status = read_messages(
      corpus_path("spamassassin/t/data/nice.mbox"), MailFormat::automatic,
      [&](RawMessage&& message) {
        CHECK(!message.bytes.empty());
        return ++count < 2;
      },
      problems);
  CHECK(status.has_value());
  CHECK(count == 2);
  CHECK_FALSE(read_messages("/nonexistent", MailFormat::automatic, [](RawMessage&&) { return true; }, problems)
                  .has_value());
}

TEST_CASE("the whole corpus folder: every message found") {
  const ReadAll all = read_all(corpus_path(""));
  // 190 single messages + 3 + 29 in the two mbox files (tests/data/SOURCES.md).
  CHECK(all.messages.size() == 222);
  size_t mbox = 0;
  for (const RawMessage& message : all.messages) mbox += message.source.kind == SourceKind::mbox;
  CHECK(mbox == 32);
  // The peer-expectations JSON is not mail.
  CHECK(all.problems.size() == 1);
}

TEST_CASE("a header block larger than the sniffing window is read as a message, body and all") {
  TempDir dir("mail-source");
  const fs::path path = fs::path(dir.root()) / "huge.eml";
  const std::string message = huge_header_message("Claim it at https://huge-header.example/claim now\n");
  REQUIRE(message.find("\n\n") > 200 * 1024);
  write_file(path, message);
  CHECK(detect_format(message.substr(0, 64 * 1024)) == MailFormat::eml);
  const ReadAll all = read_all(path.string());
  CHECK(all.problems.empty());
  REQUIRE(all.messages.size() == 1);
  CHECK(all.messages[0].source.kind == SourceKind::eml);
  CHECK(all.messages[0].bytes == message);
  CHECK(header(all.messages[0].bytes, "Subject") == "huge header");
  CHECK(body_urls(all.messages[0]) == std::vector<std::string>{"https://huge-header.example/claim"});

  // The header block ends inside the window, the body comes after 100 KiB of
  // blank lines: what cannot be seen is no proof that there is no body.
  const std::string spaced = "Received: from x (x [192.0.2.1])\n\tby mx.example.net; Mon, 1 Jan 2024 00:00:00 +0000\n\n" +
                             std::string(100 * 1024, '\n') + "https://after-blank-lines.example/\n";
  write_file(path, spaced);
  const ReadAll blank = read_all(path.string());
  REQUIRE(blank.messages.size() == 1);
  CHECK(blank.messages[0].source.kind == SourceKind::eml);
  CHECK(blank.messages[0].bytes == spaced);
  CHECK(body_urls(blank.messages[0]) == std::vector<std::string>{"https://after-blank-lines.example/"});
}

TEST_CASE("an mbox whose first message has a header block larger than the sniffing window") {
  TempDir dir("mail-source");
  const fs::path path = fs::path(dir.root()) / "huge.mbox";
  const std::string first = huge_header_message("https://first.example/offer\n");
  const std::string second = "Subject: second\n\nhttps://second.example/\n";
  write_file(path, "From a@spam.example Mon Jan  1 00:00:00 2024\n" + first +
                       "\nFrom b@spam.example Mon Jan  1 00:00:01 2024\n" + second);
  const ReadAll all = read_all(path.string(), MailFormat::automatic, in_chunks(4096));
  CHECK(all.problems.empty());
  REQUIRE(all.messages.size() == 2);
  CHECK(all.messages[0].source.kind == SourceKind::mbox);
  CHECK(all.messages[0].bytes == first);
  CHECK(body_urls(all.messages[0]) == std::vector<std::string>{"https://first.example/offer"});
  CHECK(all.messages[1].bytes == second);
  // Alone in its file, the message is an .eml with a From line.
  write_file(path, "From a@spam.example Mon Jan  1 00:00:00 2024\n" + first);
  const ReadAll single = read_all(path.string());
  REQUIRE(single.messages.size() == 1);
  CHECK(single.messages[0].source.kind == SourceKind::eml);
  CHECK(body_urls(single.messages[0]) == std::vector<std::string>{"https://first.example/offer"});
}

TEST_CASE("a folder walk names every entry it passes over: broken and looping symlinks, FIFOs, devices") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.eml", "Subject: kept\n\nx\n");
  write_file(root / "sub" / "b.eml", "Subject: nested\n\nx\n");
  fs::create_symlink(root / "nowhere", root / "broken");
  fs::create_symlink(root / "loop", root / "loop");
  fs::create_symlink("/dev/null", root / "device");
  fs::create_symlink(root / "nowhere", root / ".hidden-broken");  // names starting with '.' are not mail
  REQUIRE(::mkfifo((root / "fifo").c_str(), 0600) == 0);
  // Inside a subfolder as at the top.
  REQUIRE(::mkfifo((root / "sub" / "pipe").c_str(), 0600) == 0);

  const ReadAll all = read_all(root.string());  // must not block on the FIFOs
  REQUIRE(all.messages.size() == 2);
  CHECK(header(all.messages[0].bytes, "Subject") == "kept");
  CHECK(header(all.messages[1].bytes, "Subject") == "nested");
  // In path order, whatever order the file system lists them in.
  std::vector<std::string> problems;
  for (const Error& problem : all.problems) problems.push_back(problem.to_string());
  const std::string at = root.string() + "/";
  CHECK(problems == std::vector<std::string>{at + "broken: broken symlink (its target does not exist), skipped",
                                             at + "device: a device, skipped", at + "fifo: a FIFO, skipped",
                                             at + "loop: symlink loop, skipped", at + "sub/pipe: a FIFO, skipped"});
}

TEST_CASE("a Maildir whose cur is a file: named, new/ still read") {
  TempDir dir("mail-source");
  const fs::path box = fs::path(dir.root()) / "box";
  write_file(box / "new" / "1700000001.M1.host", "Subject: new1\n\nx\n");
  write_file(box / "cur", "not a folder\n");
  const ReadAll all = read_all(box.string());
  REQUIRE(all.messages.size() == 1);
  CHECK(all.messages[0].source.kind == SourceKind::maildir);
  CHECK(header(all.messages[0].bytes, "Subject") == "new1");
  REQUIRE(all.problems.size() == 1);
  CHECK(has_problem(all, box / "cur", "not a folder, skipped"));
}

TEST_CASE("files and folders removed during a walk are named") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.eml", "Subject: a\n\nx\n");
  write_file(root / "b.eml", "Subject: b\n\nx\n");
  write_file(root / "sub" / "c.eml", "Subject: c\n\nx\n");
  auto reader = MessageReader::open(root.string());
  REQUIRE(reader.has_value());
  ReadAll all;
  auto first = (*reader)->next(all.problems);
  REQUIRE(first.has_value());
  CHECK(header(first->bytes, "Subject") == "a");
  // Listed already, gone before they are read.
  fs::remove(root / "b.eml");
  fs::remove_all(root / "sub");
  CHECK_FALSE((*reader)->next(all.problems).has_value());
  CHECK(all.problems.size() == 2);
  CHECK(has_problem(all, root / "b.eml", "cannot open: No such file or directory"));
  CHECK(has_problem(all, root / "sub", "cannot read folder: No such file or directory"));
}

TEST_CASE("a folder that cannot be read is named (asserted only when not root: root reads it anyway)") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.eml", "Subject: a\n\nx\n");
  write_file(root / "locked" / "b.eml", "Subject: b\n\nx\n");
  fs::permissions(root / "locked", fs::perms::none);
  const ReadAll all = read_all(root.string());
  fs::permissions(root / "locked", fs::perms::owner_all);  // so that TempDir can remove it
  if (::geteuid() == 0) {
    MESSAGE("running as root, which reads a folder without permissions: not asserted here (test_cli checks it "
            "as an unprivileged user through setpriv)");
    return;
  }
  REQUIRE(all.messages.size() == 1);
  REQUIRE(all.problems.size() == 1);
  CHECK(has_problem(all, root / "locked", "cannot read folder: Permission denied"));
}

TEST_CASE("a FIFO named as the path is opened once: what its writer wrote before leaving is read") {
  TempDir dir("mail-source");
  const fs::path fifo = fs::path(dir.root()) / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string message = "Subject: through a FIFO\n\nhttps://fifo.example/\n";
  const pid_t writer = ::fork();
  REQUIRE(writer >= 0);
  if (writer == 0) {  // writes the message as soon as the reader opens, and leaves
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const bool written = fd >= 0 && ::write(fd, message.data(), message.size()) == static_cast<ssize_t>(message.size());
    ::_exit(written ? 0 : 1);
  }
  auto reader = MessageReader::open(fifo.string());
  int status = 0;
  ::waitpid(writer, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(reader.has_value());
  // A second open would wait for a writer that is gone.
  ReadAll all;
  with_alarm([&] {
    while (auto next = (*reader)->next(all.problems)) all.messages.push_back(std::move(*next));
  });
  CAPTURE(summary_of(all));
  REQUIRE(all.messages.size() == 1);
  CHECK(all.messages[0].bytes == message);
  CHECK(all.problems.empty());
}

TEST_CASE("a FIFO put in place of a listed file is not waited on: named, and the walk goes on") {
  TempDir dir("mail-source");
  const fs::path root = fs::path(dir.root());
  write_file(root / "a.eml", "Subject: a\n\nx\n");
  write_file(root / "b.eml", "Subject: b\n\nx\n");
  write_file(root / "c.eml", "Subject: c\n\nx\n");
  auto reader = MessageReader::open(root.string());
  REQUIRE(reader.has_value());
  ReadAll all;
  auto first = (*reader)->next(all.problems);  // lists the folder
  REQUIRE(first.has_value());
  fs::remove(root / "b.eml");
  REQUIRE(::mkfifo((root / "b.eml").c_str(), 0600) == 0);  // no writer will ever come
  with_alarm([&] {
    while (auto next = (*reader)->next(all.problems)) all.messages.push_back(std::move(*next));
  });
  REQUIRE(all.messages.size() == 1);
  CHECK(header(all.messages[0].bytes, "Subject") == "c");
  REQUIRE(all.problems.size() == 1);
  CHECK(has_problem(all, root / "b.eml", "not a regular file, skipped"));
}
