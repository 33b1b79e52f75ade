// IMAP responses read from bytes (collectors/imap/imap_response.h), mailbox names
// in modified UTF-7, and mail URLs: the pure parts of `pull`, without a server.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "collectors/imap/imap_response.h"
#include "collectors/imap/mail_connection.h"
#include "collectors/imap/mailbox_name.h"

using namespace sg;
using namespace sg::imap;

namespace {

// Feeds `bytes` to a framer `piece` bytes at a time and returns the lengths of
// the responses it finds (an error ends the list with -1).
std::vector<long> frame(const std::string& bytes, size_t piece, const ResponseLimits& limits = {}) {
  ResponseFramer framer(limits);
  std::vector<long> lengths;
  size_t start = 0;
  size_t available = 0;
  while (start < bytes.size()) {
    available = std::min(bytes.size(), available + piece);
    auto length = framer.complete_length(std::string_view(bytes).substr(start, available - start));
    if (!length) {
      lengths.push_back(-1);
      return lengths;
    }
    while (*length > 0) {
      lengths.push_back(static_cast<long>(*length));
      start += *length;
      length = framer.complete_length(std::string_view(bytes).substr(start, available - start));
      if (!length) {
        lengths.push_back(-1);
        return lengths;
      }
    }
    if (available == bytes.size() && start < bytes.size()) break;  // incomplete tail
  }
  return lengths;
}

}  // namespace

TEST_CASE("imap framer: literals join lines into one response, however the bytes arrive") {
  const std::string header = "Received: from a\r\n by b\r\nSubject: x\r\n\r\n";
  const std::string fetch = "* 1 FETCH (UID 7 BODY[HEADER] {" + std::to_string(header.size()) + "}\r\n" + header +
                            " FLAGS (\\Seen))\r\n";
  const std::string done = "s3 OK Fetch completed.\r\n";
  const std::string bytes = fetch + done;
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{64}, bytes.size()}) {
    CAPTURE(piece);
    auto lengths = frame(bytes, piece);
    REQUIRE(lengths.size() == 2);
    CHECK(lengths[0] == static_cast<long>(fetch.size()));
    CHECK(lengths[1] == static_cast<long>(done.size()));
  }
  // A literal whose bytes look like a literal announcement and a line end is still data.
  const std::string tricky_body = "x {5}\r\n";
  const std::string tricky = "* 2 FETCH (BODY[HEADER] {" + std::to_string(tricky_body.size()) + "}\r\n" + tricky_body +
                             ")\r\n";
  auto lengths = frame(tricky, 3);
  REQUIRE(lengths.size() == 1);
  CHECK(lengths[0] == static_cast<long>(tricky.size()));
}

TEST_CASE("imap framer: a literal over the limit is refused when announced, a line over the limit too") {
  ResponseLimits limits;
  limits.max_literal = 1000;
  limits.max_line = 200;
  // Announced, not sent: the framer must not wait for a gigabyte.
  ResponseFramer framer(limits);
  auto huge = framer.complete_length("* 1 FETCH (UID 1 BODY[HEADER] {1073741824}\r\n");
  REQUIRE_FALSE(huge);
  CHECK(huge.error().message.find("1073741824") != std::string::npos);
  CHECK(frame("* 1 FETCH (BODY[HEADER] {99999999999999999999999}\r\n", 100, limits).back() == -1);
  CHECK(frame("* OK " + std::string(300, 'a'), 50, limits).back() == -1);  // no line end in sight
  CHECK(frame("* OK " + std::string(150, 'a') + "\r\n", 50, limits) == std::vector<long>{157});
  ResponseLimits few;
  few.max_literals = 2;
  CHECK(frame("* LIST () {1}\r\na {1}\r\nb {1}\r\nc\r\n", 100, few).back() == -1);
}

TEST_CASE("imap responses: FETCH with UID, header literal, size, date and flags") {
  const std::string header = "From: a@example.org\r\n\r\n";
  const std::string bytes = "* 12 FETCH (UID 345 RFC822.SIZE 2048 INTERNALDATE \"07-Dec-2026 03:00:00 +0000\" "
                            "FLAGS (\\Seen $Junk) BODY[HEADER]<0> {" +
                            std::to_string(header.size()) + "}\r\n" + header + ")\r\n";
  auto response = parse_response(bytes);
  REQUIRE(response);
  CHECK(response->kind == Response::Kind::untagged);
  CHECK(*response->number == 12);
  CHECK(response->name == "FETCH");
  auto item = read_fetch(*response);
  REQUIRE(item);
  CHECK(item->sequence == 12);
  CHECK(*item->uid == 345);
  CHECK(*item->size == 2048);
  CHECK(item->internal_date == "07-Dec-2026 03:00:00 +0000");
  CHECK(item->flags == std::vector<std::string_view>{"\\Seen", "$Junk"});
  REQUIRE(item->header);
  CHECK(*item->header == header);
  CHECK_FALSE(item->whole);

  // NIL instead of a header, and a quoted string instead of a literal.
  auto nil = parse_response("* 3 FETCH (UID 9 BODY[HEADER] NIL)\r\n");
  REQUIRE(nil);
  auto nil_item = read_fetch(*nil);
  REQUIRE(nil_item);
  CHECK_FALSE(nil_item->header);
  auto quoted = parse_response("* 3 FETCH (BODY[] \"a\\\"b\" UID 10)\r\n");
  REQUIRE(quoted);
  auto quoted_item = read_fetch(*quoted);
  REQUIRE(quoted_item);
  CHECK(*quoted_item->whole == "a\"b");
  CHECK(*quoted_item->uid == 10);
  // A flag update another client caused: a FETCH without body.
  auto flags_only = parse_response("* 4 FETCH (FLAGS (\\Seen))\r\n");
  REQUIRE(flags_only);
  CHECK_FALSE(read_fetch(*flags_only)->uid);
  CHECK_FALSE(read_fetch(*flags_only)->header);
}

TEST_CASE("imap responses: damage is an error, never a crash") {
  for (const char* bad : {"* 1 FETCH (UID 1 BODY[HEADER] {10}\r\nshort)\r\n", "* 1 FETCH (UID 1\r\n",
                          "* 1 FETCH (UID 1))\r\n", "* LIST (\\Noselect) \"/ \r\n", "", "* OK [UIDVALIDITY 3\r\n"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_response(bad));
  }
  auto not_number = parse_response("* 1 FETCH (UID x1 BODY[HEADER] NIL)\r\n");
  REQUIRE(not_number);
  CHECK_FALSE(read_fetch(*not_number));
  auto odd = parse_response("* 1 FETCH (UID)\r\n");
  REQUIRE(odd);
  CHECK_FALSE(read_fetch(*odd));
  std::string deep = "* LIST ";
  for (int i = 0; i < 100; ++i) deep += "(";
  CHECK_FALSE(parse_response(deep + "\r\n"));
}

TEST_CASE("imap responses: status lines, response codes and tagged completions") {
  auto uidvalidity = parse_response("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  REQUIRE(uidvalidity);
  CHECK(uidvalidity->name == "OK");
  CHECK(*code_number(uidvalidity->code, "UIDVALIDITY") == 3857529045u);
  CHECK_FALSE(code_number(uidvalidity->code, "UIDNEXT"));
  CHECK(uidvalidity->text == "UIDs valid");
  auto exists = parse_response("* 172 EXISTS\r\n");
  REQUIRE(exists);
  CHECK(*exists->number == 172);
  CHECK(exists->name == "EXISTS");
  auto tagged = parse_response("s4 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
  REQUIRE(tagged);
  CHECK(tagged->kind == Response::Kind::tagged);
  CHECK(tagged->tag == "s4");
  CHECK(tagged->name == "NO");
  CHECK(tagged->code == "AUTHENTICATIONFAILED");
  auto more = parse_response("+ go ahead\r\n");
  REQUIRE(more);
  CHECK(more->kind == Response::Kind::continuation);
}

TEST_CASE("imap responses: LIST names, SEARCH and ESEARCH results") {
  auto list = parse_response("* LIST (\\HasNoChildren \\Junk) \".\" \"&j,dg0TDhMPww6w-\"\r\n");
  REQUIRE(list);
  auto mailbox = read_list(*list);
  REQUIRE(mailbox);
  CHECK(mailbox->raw_name == "&j,dg0TDhMPww6w-");
  CHECK(mailbox->delimiter == ".");
  CHECK(mailbox->flags == std::vector<std::string>{"\\HasNoChildren", "\\Junk"});
  auto flat = parse_response("* LIST (\\Noselect) NIL {5}\r\nA\"b c\r\n");
  REQUIRE(flat);
  auto flat_mailbox = read_list(*flat);
  REQUIRE(flat_mailbox);
  CHECK(flat_mailbox->delimiter.empty());
  CHECK(flat_mailbox->raw_name == "A\"b c");

  std::vector<uint64_t> uids;
  auto search = parse_response("* SEARCH 5 6 9\r\n");
  REQUIRE(search);
  REQUIRE(read_search(*search, uids, 100));
  CHECK(uids == std::vector<uint64_t>{5, 6, 9});
  uids.clear();
  auto esearch = parse_response("* ESEARCH (TAG \"s3\") UID ALL 1:3,7,10:9\r\n");
  REQUIRE(esearch);
  REQUIRE(read_search(*esearch, uids, 100));
  CHECK(uids == std::vector<uint64_t>{1, 2, 3, 7, 9, 10});
  // A range that would expand past the limit is refused before it is expanded.
  uids.clear();
  auto huge = parse_response("* ESEARCH (TAG \"s3\") UID ALL 1:4000000000\r\n");
  REQUIRE(huge);
  CHECK_FALSE(read_search(*huge, uids, 1000));
  CHECK(uids.empty());
  uids.clear();
  auto empty = parse_response("* ESEARCH (TAG \"s3\") UID\r\n");
  REQUIRE(empty);
  REQUIRE(read_search(*empty, uids, 10));
  CHECK(uids.empty());
}

TEST_CASE("imap: sequence sets join runs of UIDs") {
  const std::vector<uint64_t> uids{1, 2, 3, 5, 7, 8, 20};
  CHECK(sequence_set(uids, 0, uids.size()) == "1:3,5,7:8,20");
  CHECK(sequence_set(uids, 3, 5) == "5,7");
  CHECK(sequence_set(uids, 6, 7) == "20");
}

TEST_CASE("imap: mailbox names in modified UTF-7 round-trip through UTF-8") {
  CHECK(*decode_mailbox_name("&j,dg0TDhMPww6w-") == "迷惑メール");
  CHECK(*encode_mailbox_name("迷惑メール") == "&j,dg0TDhMPww6w-");
  CHECK(*decode_mailbox_name("INBOX.Spam &- Ham") == "INBOX.Spam & Ham");
  CHECK(*encode_mailbox_name("Spam & Ham") == "Spam &- Ham");
  CHECK(*decode_mailbox_name("Entw&APw-rfe") == "Entwürfe");
  CHECK_FALSE(decode_mailbox_name("&j,dg"));  // an unended shift
  CHECK_FALSE(encode_mailbox_name("\xff\xfe"));
  CHECK(*quote_imap_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK_FALSE(quote_imap_string("a\r\nb"));
}

TEST_CASE("imap: mail URLs name user, host, port and mailbox, and never carry a password") {
  auto url = parse_mail_url("imap://spam%40example.jp@mail.example.jp/%E8%BF%B7%E6%83%91%E3%83%A1%E3%83%BC%E3%83%AB");
  REQUIRE(url);
  CHECK(url->protocol == MailProtocol::imap);
  CHECK_FALSE(url->implicit_tls);
  CHECK(url->user == "spam@example.jp");
  CHECK(url->host == "mail.example.jp");
  CHECK(url->port == 143);
  CHECK(url->mailbox == "迷惑メール");
  CHECK(url->mailbox_url("Junk") == "imap://spam%40example.jp@mail.example.jp:143/Junk");
  auto secure = parse_mail_url("imaps://u@[::1]:10993/INBOX");
  REQUIRE(secure);
  CHECK(secure->implicit_tls);
  CHECK(secure->host == "::1");
  CHECK(secure->port == 10993);
  CHECK(secure->server_url() == "imaps://[::1]:10993/");
  auto pop = parse_mail_url("pop3s://u@pop.example");
  REQUIRE(pop);
  CHECK(pop->protocol == MailProtocol::pop3);
  CHECK(pop->port == 995);

  auto with_password = parse_mail_url("imap://u:secret@host/INBOX");
  REQUIRE_FALSE(with_password);
  CHECK(with_password.error().message.find("secret") == std::string::npos);
  CHECK(with_password.error().message.find("netrc") != std::string::npos);
  CHECK_FALSE(parse_mail_url("imap://host/INBOX"));  // no user
  CHECK_FALSE(parse_mail_url("http://u@host/"));
  CHECK_FALSE(parse_mail_url("pop3://u@host/INBOX"));
  CHECK_FALSE(parse_mail_url("imap://u@host/INBOX?x=1"));
  CHECK_FALSE(parse_mail_url("imap://u@host/IN BOX"));
}
