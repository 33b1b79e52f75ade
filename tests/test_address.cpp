// Address lists, Message-ID and List-Unsubscribe parsing. Values are copied
// from real mail (the corpus file named above each: tests/data/corpus, or the
// optional extra corpus of tests/data/SOURCES.md) and from the seed case (data/seed/).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "collectors/address.h"
#include "collectors/rfc5322.h"
#include "collectors/unreadable.h"
#include "tests/into_results.h"

using namespace sg;
using namespace std::string_literals;
using Addresses = std::vector<std::string>;

TEST_CASE("address list: display names, comments, encoded words") {
  // spamassassin/t/data/nice/authres (From: comma inside a quoted display name)
  CHECK(into::address_list("\"Ximian, Inc.\" <evolve@ximian.com>") == Addresses{"evolve@ximian.com"});
  // php-mime-mail-parser/tests/mails/issue84 (old "addr (Name)" form)
  CHECK(into::address_list("tyra3l@gmail.com (Ferenc Kovacs)") == Addresses{"tyra3l@gmail.com"});
  // spamscope-mail-parser/tests/mails/mail_test_18 (encoded word holding an encoded comma)
  CHECK(into::address_list("=?iso-8859-1?Q?Last=DFlName=2C_FirstName?= <comma.name@example.com>") ==
        Addresses{"comma.name@example.com"});
  // An encoded word with a raw comma and '<' is left alone, not split.
  CHECK(into::address_list("=?utf-8?Q?a,<b@c>?= <real@example.org>") == Addresses{"real@example.org"});
  // spamassassin/t/data/nice/cjk/gb2312.2 (encoded word inside a comment)
  CHECK(into::address_list("Jason Lee (=?GB2312?Q?=C0=EE=D5=B9=B7=E6?=) <Jason_Lee@quantatw.com>") ==
        Addresses{"Jason_Lee@quantatw.com"});
  // spamscope-mail-parser/tests/mails/mail_test_19 (an address as display name)
  CHECK(into::address_list("henry@example.com <ivan@example.com>") == Addresses{"ivan@example.com"});
  // Display name spoofing with angle brackets inside the quotes.
  CHECK(into::address_list("\"PayPal <service@paypal.com>\" <x@Evil.Example>") == Addresses{"x@evil.example"});
  // linux-erofs-list-archive/messages/c6fd23e5aab68b6a6127ff87f0f12250d3de0ba4.eml (UTF-8, no space)
  CHECK(into::address_list("ANUNCIO<estacióndepolicía@policía.com>") ==
        Addresses{"estacióndepolicía@policía.com"});
  // spamassassin/t/data/nice/unicode1
  CHECK(into::address_list("=?ISO-8859-1?Q?Maril=F9?= Gioffré ♥ <Marilù.Gioffré@esempio-università.it>") ==
        Addresses{"Marilù.Gioffré@esempio-università.it"});
}

TEST_CASE("address list: spam formatting") {
  // phishing_pot/email/sample-3341.eml (unquoted comma in the display name)
  CHECK(into::address_list("Amazon Gutschein, <service@stayfriends.de>") == Addresses{"service@stayfriends.de"});
  // phishing_pot/email/sample-2601.eml
  CHECK(into::address_list("Audien Atom - Hearing Aid  ,_<xvrgtjjhljvmqtq@sqsxeifw8ab1rhy72m6e.com>") ==
        Addresses{"xvrgtjjhljvmqtq@sqsxeifw8ab1rhy72m6e.com"});
  // phishing_pot/email/sample-3729.eml (space before '>')
  CHECK(into::address_list("Costco <NEW_OFFRE_4_55450@a.b.c.d.j.k.l.n.o.b.conyou.shop >") ==
        Addresses{"NEW_OFFRE_4_55450@a.b.c.d.j.k.l.n.o.b.conyou.shop"});
  // phishing_pot/email/sample-3878.eml (the only address sits in a comment)
  CHECK(into::address_list("Ihr Rabatt,(<service@stayfriends.de>)") == Addresses{"service@stayfriends.de"});
  // linux-erofs-list-archive/messages/3b5cf0298061638e5cd09ae8bc947fa03b1d835c.eml (Reply-To, empty member)
  CHECK(into::address_list("Mail@lists.ozlabs.org, , Do@lists.ozlabs.org, ndaluka.thomas@udsm.ac.tz") ==
        Addresses{"Mail@lists.ozlabs.org", "Do@lists.ozlabs.org", "ndaluka.thomas@udsm.ac.tz"});
  // Bare address after a display name, without brackets.
  CHECK(into::address_list("John Smith jsmith@Example.COM") == Addresses{"jsmith@example.com"});
  // A lone display name is not an address when other members exist.
  CHECK(into::address_list("Amazon, <a@b.example>") == Addresses{"a@b.example"});
  CHECK(into::address_list("\"MyFullName\"").empty());
  CHECK(into::address_list("Two Words").empty());
}

TEST_CASE("address list: groups, routes, envelope forms") {
  // spamassassin/t/data/dkim/arc/ok01.eml (To:)
  CHECK(into::address_list("undisclosed-recipients:;").empty());
  CHECK(into::address_list("undisclosed-recipients: ;").empty());
  CHECK(into::address_list("Team: a@Example.com, \"B, b\" <b@EXAMPLE.org>;, c@x.test") ==
        Addresses{"a@example.com", "b@example.org", "c@x.test"});
  // Obsolete source route, with commas inside the brackets.
  CHECK(into::address_list("Someone <@a.example,@b.example:x@Y.Example>") == Addresses{"x@y.example"});
  // sisimai-set-of-emails/maildir/bsd/lhost-postfix-29.eml (Return-Path: null sender)
  CHECK(into::address_list("<>").empty());
  CHECK_FALSE(into::single_address("<>"));
  // sisimai-set-of-emails/maildir/bsd/lhost-ezweb-01.eml (Return-Path: no domain)
  CHECK(into::single_address("<MAILER-DAEMON>") == "MAILER-DAEMON");
  CHECK(into::single_address("MAILER-DAEMON") == "MAILER-DAEMON");
  // phishing_pot/email/sample-4048.eml (Return-Path without brackets, '@' in the local part)
  CHECK(into::single_address("bounce-phishing@pot+2Df+2Dp=hotmail.com@mail.findauto.co") ==
        "bounce-phishing@pot+2Df+2Dp=hotmail.com@mail.findauto.co");
  // phishing_pot/email/sample-432.eml (Return-Path)
  CHECK(into::single_address("<admin=arbe.org.uk@bounces.elasticemail.net>") ==
        "admin=arbe.org.uk@bounces.elasticemail.net");
  // seed/blog-ja-cks-part2.txt (masked envelope sender)
  CHECK(into::single_address("<bounce-********@g0zs8omwfqere.link>") == "bounce-********@g0zs8omwfqere.link");
  CHECK(into::single_address("bounce-********@G0ZS8OMWFQERE.link") == "bounce-********@g0zs8omwfqere.link");
  // spamassassin/t/data/nice/authres (Sender:)
  CHECK(into::single_address("announce-admin@helixcode.com") == "announce-admin@helixcode.com");
  CHECK(into::single_address("a@one.example, b@two.example") == "a@one.example");
  // Quoted local part and domain literal are kept as written.
  CHECK(into::address_list("\"john doe\"@Example.com") == Addresses{"\"john doe\"@example.com"});
  CHECK(into::address_list("<user@[IPv6:2001:db8::1]>") == Addresses{"user@[ipv6:2001:db8::1]"});
  CHECK(into::address_list("user@[192.0.2.1], other@x.example") == Addresses{"user@[192.0.2.1]", "other@x.example"});
  // "mailto:" some senders put inside the brackets.
  CHECK(into::address_list("Shop <mailto:Sales@Shop.Example>") == Addresses{"Sales@shop.example"});
  // Local part case is kept, domain lower-cased.
  CHECK(into::single_address("Foo <Some.User@Example.COM>") == "Some.User@example.com");
}

TEST_CASE("address list: hostile input") {
  CHECK(into::address_list("").empty());
  CHECK(into::address_list(",,,;;;:::").empty());
  // Unterminated quote: everything is display name.
  CHECK(into::address_list("\"abc <a@b.example>").empty());
  // Unterminated angle bracket.
  CHECK(into::address_list("Foo <a@B.example") == Addresses{"a@b.example"});
  // Unterminated comment hides the rest in the first pass, the fallback reads it.
  CHECK(into::address_list("(note <a@b.example>") == Addresses{"a@b.example"});
  CHECK(into::address_list(std::string(100000, '(')).empty());
  CHECK(into::address_list(std::string(100000, '<')).empty());
  CHECK(into::address_list(std::string(100000, '"')).empty());
  // NUL and control bytes never end up in an address, nor are they dropped from
  // one: an address holding one is not an address.
  CHECK(into::address_list("Name <a\0b@c.example>\0, d@e.example"s) == Addresses{"d@e.example"});
  // Output is capped.
  std::string many;
  for (int k = 0; k < 3000; ++k) many += "u" + std::to_string(k) + "@x.example, ";
  const Addresses capped = into::address_list(many);
  REQUIRE(capped.size() == kMaxAddressesPerField);
  CHECK(capped.front() == "u0@x.example");
  CHECK(capped.back() == "u999@x.example");
  // A megabyte of '=?' starts that are no encoded words.
  std::string junk;
  while (junk.size() < (1u << 20)) junk += "=?=?x?";
  CHECK(into::address_list(junk + " <a@b.example>") == Addresses{"a@b.example"});
}

TEST_CASE("address list: an address holding a control byte is no address, and is counted") {
  // Before: "attacker[31m@evil.top", the ESC dropped; bare, "[31m@evil.top", cut at it.
  std::vector<std::string> out;
  size_t unreadable = 0;
  parse_address_list_into("<attacker\x1b[31m@evil.top>, ok@fine.example, attacker\x1b[31m@evil2.top", out,
                          &unreadable);
  CHECK(out == Addresses{"ok@fine.example"});
  CHECK(unreadable == 2);
  // In a quoted local part and in the domain, as much as in the local part.
  parse_address_list_into("\"a\x01b\"@q.example, c@d\x7f.example, Name <e@f.example>", out, &unreadable);
  CHECK(out == Addresses{"e@f.example"});
  CHECK(unreadable == 2);
  // A display name with control bytes hides nothing: its address is read.
  parse_address_list_into("Evil\x1b[31m <a@b.example>", out, &unreadable);
  CHECK(out == Addresses{"a@b.example"});
  CHECK(unreadable == 0);
  // No last-resort reading around a refused address.
  parse_address_list_into("<x\x1b@y.example> (<hidden@z.example>)", out, &unreadable);
  CHECK(out.empty());
  CHECK(unreadable == 1);
  std::string single = "kept";
  bool refused = false;
  CHECK_FALSE(parse_single_address_into("<a\x0b" "b@rp.example>", single, &refused));
  CHECK(refused);
  CHECK(single.empty());  // none read: left empty (core/result.h)
  CHECK(parse_single_address_into("<a\x0b" "b@rp.example>, c@rp.example", single, &refused));
  CHECK(single == "c@rp.example");
  CHECK_FALSE(refused);
  CHECK_FALSE(parse_single_address_into("", single, &refused));
  CHECK_FALSE(refused);
}

TEST_CASE("address list: the _into forms reuse their buffers and give the same answers") {
  // Fields with more, fewer and no addresses one after the other: leftovers of a
  // longer list must not show, and a failed single read leaves its output empty.
  const char* fields[] = {"a@x.example, \"B\" <b@Y.example>, c@z.example", "<MAILER-DAEMON>", "",
                          "undisclosed-recipients:;", "Name,(<hidden@comment.example>)",
                          "team: d@w.example, e@v.example;", "long-local-part.with.dots@a-longer-domain.example",
                          "no address here", "=?utf-8?B?5pel5pys?= <jp@example.jp>"};
  std::vector<std::string> reused;
  std::string single = "kept";
  for (const char* field : fields) {
    CAPTURE(field);
    parse_address_list_into(field, reused);
    CHECK(reused == into::address_list(field));
    const std::optional<std::string> expected = into::single_address(field);
    CHECK(parse_single_address_into(field, single) == expected.has_value());
    CHECK(single == expected.value_or(""));
    std::string normalized = "stale stale stale stale stale";
    normalize_address_into(field, normalized);
    CHECK(normalized == into::address(field));
  }
}

TEST_CASE("address_domain and normalize_address") {
  CHECK(address_domain("bounce-********@g0zs8omwfqere.link") == "g0zs8omwfqere.link");
  CHECK(address_domain("a@b@c.example") == "c.example");
  CHECK(address_domain("@kldoqzn6x62p3.top") == "kldoqzn6x62p3.top");
  CHECK(address_domain("MAILER-DAEMON") == "");
  CHECK(address_domain("") == "");
  const std::string address = "local@Dom.Example";
  const std::string_view domain = address_domain(address);
  CHECK(std::string_view(address).substr(0, address.size() - domain.size()) == "local@");

  CHECK(into::address(" < User@Example.COM > ") == "User@example.com");
  CHECK(into::address("<@relay.example:User@Example.COM>") == "User@example.com");
  CHECK(into::address("user(comment)@example.com") == "user@example.com");
  CHECK(into::address("\"A@B\"@Example.COM") == "\"A@B\"@example.com");
  CHECK(into::address("\"only@Quoted\"") == "\"only@Quoted\"");
  CHECK(into::address("<>") == "");
  CHECK(into::address("@only.route") == "");
}

TEST_CASE("Message-ID") {
  // spamassassin/t/data/nice/spf1
  CHECK(into::message_id("<1076436841.67074.8fa05ccdc458abe5.1446041b@persist.google.com>") ==
        "1076436841.67074.8fa05ccdc458abe5.1446041b@persist.google.com");
  // spamassassin/t/data/nice/authres
  CHECK(into::message_id(" <989962282.546.27.camel@milkplus>") == "989962282.546.27.camel@milkplus");
  std::string reused = "an id left over from the message before, longer than the next";
  for (const char* value : {"<a@b>", "", "<x y@z>", "(comment) bare@id", "<unclosed@id"}) {
    parse_message_id_into(value, reused);
    CHECK(reused == into::message_id(value));
  }
  // mimekit/UnitTests/TestData/messages/feedback-report.txt (no brackets)
  CHECK(into::message_id("8787KJKJ3K4J3K4J3K4J3.mail@example.net") == "8787KJKJ3K4J3K4J3K4J3.mail@example.net");
  // sisimai-set-of-emails/maildir/bsd/lhost-postfix-09.eml (no brackets, no '@')
  CHECK(into::message_id("20140913142357") == "20140913142357");
  // Folded onto the next line (Outlook), case kept.
  CHECK(into::message_id("\r\n <PN2P287MB19810E68B1FA612F87AA40959149A@PN2P287MB1981.INDP287.PROD.OUTLOOK.COM>") ==
        "PN2P287MB19810E68B1FA612F87AA40959149A@PN2P287MB1981.INDP287.PROD.OUTLOOK.COM");
  CHECK(into::message_id("(comment <not@this>) <abc@host> trailing junk") == "abc@host");
  CHECK(into::message_id("junk <abc@host>") == "abc@host");
  CHECK(into::message_id("<a@b> <c@d>") == "a@b");
  CHECK(into::message_id("<abc@host") == "abc@host");
  CHECK(into::message_id("<<abc@host>>") == "abc@host");
  CHECK(into::message_id("< abc @ host >") == "abc@host");
  CHECK(into::message_id("<>") == "");
  CHECK(into::message_id("") == "");
  CHECK(into::message_id(std::string(100000, '(')) == "");
  CHECK(into::message_id("<a\0b@host>"s) == "");  // unreadable, not "ab@host"
  CHECK(into::message_id("a@ho\x1bst (c)") == "");
}

TEST_CASE("List-Unsubscribe") {
  // spamassassin/t/data/nice/mailman_message.txt
  CHECK(parse_list_unsubscribe(" <http://www.winehq.com/mailman/listinfo/wine-announce>,\n\t"
                               "<mailto:wine-announce-request@winehq.com?subject=unsubscribe>") ==
        Addresses{"http://www.winehq.com/mailman/listinfo/wine-announce",
                  "mailto:wine-announce-request@winehq.com?subject=unsubscribe"});
  // spamscope-mail-parser/tests/mails/mail_test_13
  CHECK(parse_list_unsubscribe(
            "<https://cimanagementconference.us14.list-manage.com/unsubscribe?u=3f21937f0f636c8cec1db30bf&id="
            "9bc9573bd6&e=042ea43672&c=199bb58d0b>, <mailto:unsubscribe-mc.us14_3f21937f0f636c8cec1db30bf."
            "199bb58d0b-042ea43672@mailin.mcsv.net?subject=unsubscribe>") ==
        Addresses{"https://cimanagementconference.us14.list-manage.com/unsubscribe?u=3f21937f0f636c8cec1db30bf&id="
                  "9bc9573bd6&e=042ea43672&c=199bb58d0b",
                  "mailto:unsubscribe-mc.us14_3f21937f0f636c8cec1db30bf.199bb58d0b-042ea43672@mailin.mcsv.net?"
                  "subject=unsubscribe"});
  // phishing_pot/email/sample-432.eml (the whole field RFC 2047-encoded, CRLF folded)
  CHECK(parse_list_unsubscribe(
            "\r\n =?us-ascii?q?=3Cmailto=3Aunsubscribe+izchUfhpgGGkSsKhcJ1mtg2=40bounces=2Eelasticem?=\r\n"
            " =?us-ascii?q?ail=2Enet=3Fsubject=3Dunsubscribe=3E=2C?=\r\n"
            " =?us-ascii?q?_=3Chttp=3A=2F=2F17ZJK=2Etrk=2Eelasticemail=2Ecom=2Ftracking=2Funsubscribe=3Fmsgid?=\r\n"
            " =?us-ascii?q?=3DizchUfhpgGGkSsKhcJ1mtg2&c=3D1629661665740109352=3E?=") ==
        Addresses{"mailto:unsubscribe+izchUfhpgGGkSsKhcJ1mtg2@bounces.elasticemail.net?subject=unsubscribe",
                  "http://17ZJK.trk.elasticemail.com/tracking/unsubscribe?msgid=izchUfhpgGGkSsKhcJ1mtg2&c="
                  "1629661665740109352"});
  // Base64 encoded words too.
  CHECK(parse_list_unsubscribe("=?utf-8?B?PG1haWx0bzp1QHguZXhhbXBsZT4=?=") == Addresses{"mailto:u@x.example"});
  // Scheme case, folded URI, other schemes and bare URIs.
  CHECK(parse_list_unsubscribe("<MAILTO:Off@List.Example>, <HTTPS://list.example/\r\n u?id=1>, <ftp://x>") ==
        Addresses{"mailto:Off@List.Example", "https://list.example/u?id=1"});
  CHECK(parse_list_unsubscribe("https://bare.example/u, mailto:bare@x.example") ==
        Addresses{"https://bare.example/u", "mailto:bare@x.example"});
  CHECK(parse_list_unsubscribe("<mailto:>, <>, <javascript:alert(1)>").empty());
  // Hostile.
  CHECK(parse_list_unsubscribe("").empty());
  CHECK(parse_list_unsubscribe("<http://unterminated.example/x") == Addresses{"http://unterminated.example/x"});
  CHECK(parse_list_unsubscribe(std::string(100000, '<')).empty());
  std::string many;
  for (int k = 0; k < 500; ++k) many += "<http://x.example/" + std::to_string(k) + ">,";
  CHECK(parse_list_unsubscribe(many).size() == kMaxUnsubscribeUris);
}

TEST_CASE("List-Unsubscribe: a URI holding a control byte is skipped and counted, not cleaned") {
  size_t unreadable = 0;
  // Before: "http://unsub.example/u", the NUL dropped; bare, "http://un", cut at it.
  CHECK(parse_list_unsubscribe("<http://un\0sub.example/u>, <mailto:u\x1b@unsub.example>, <https://ok.example/u>"s,
                               &unreadable) == std::vector<std::string>{"https://ok.example/u"});
  CHECK(unreadable == 2);
  CHECK(parse_list_unsubscribe("http://un\0sub.example/u https://ok.example/w"s, &unreadable) ==
        std::vector<std::string>{"https://ok.example/w"});
  CHECK(unreadable == 1);
  // Folding inside brackets is still removed; other schemes are not counted.
  CHECK(parse_list_unsubscribe("<https://ok.example/\r\n\tlong>, <ftp://x\0y>"s, &unreadable) ==
        std::vector<std::string>{"https://ok.example/long"});
  CHECK(unreadable == 0);
}

TEST_CASE("holds_control_byte: every control byte at every position, in texts of any length") {
  for (size_t length = 0; length <= 40; ++length) {
    const std::string clean(length, 'a');
    CHECK_FALSE(holds_control_byte(clean));
    std::string blanks = clean;
    for (size_t at = 0; at < length; ++at) blanks[at] = "\t\r\n \x80\xff~"[at % 7];
    CHECK_FALSE(holds_control_byte(blanks));  // blanks, DEL's neighbours and non-ASCII are no control bytes
    for (size_t at = 0; at < length; ++at) {
      for (const char control : {'\0', '\x01', '\x08', '\x0b', '\x0c', '\x1b', '\x1f', '\x7f'}) {
        std::string text = clean;
        text[at] = control;
        CAPTURE(length);
        CAPTURE(at);
        CHECK(holds_control_byte(text));
      }
    }
  }
  CHECK(escaped_excerpt("a\0b\\c\xC3\xBC"s) == "a\\x00b\\x5cc\\xc3\\xbc");
  CHECK(escaped_excerpt(std::string(70, 'x'), 64) == std::string(64, 'x') + "...");
}

TEST_CASE("rfc5322 lexical helpers") {
  using namespace sg::rfc5322;
  bool closed = false;
  CHECK(skip_comment("(a (b) \\) c) rest", 0, &closed) == 12);
  CHECK(closed);
  CHECK(skip_comment("(never", 0, &closed) == 6);
  CHECK_FALSE(closed);
  CHECK(skip_quoted_string("\"a \\\" b\" rest", 0, &closed) == 8);
  CHECK(closed);
  CHECK(skip_quoted_string("\"open", 0, &closed) == 5);
  CHECK_FALSE(closed);
  CHECK(unquote("a \\\"b\\\\") == "a \"b\\");
  std::string mixed = "ÀBC-dEf";
  ascii_lowercase_in_place(mixed);
  CHECK(mixed == "Àbc-def");
}

TEST_CASE("normalize_address: long runs, every dropped byte at every position, '@' with and without quotes") {
  // Long enough for the sixteen-byte run scan and its bytewise tail.
  const std::string address = "Some.Longer.Local-Part@Mail.Example.COM";
  const std::string expected = "Some.Longer.Local-Part@mail.example.com";
  for (const char dropped : {' ', '\t', '\r', '\n', '<', '>'}) {
    for (size_t at = 0; at <= address.size(); ++at) {
      std::string noisy = address;
      noisy.insert(at, 1, dropped);
      CAPTURE(at);
      CAPTURE(static_cast<int>(dropped));
      CHECK(into::address(noisy) == expected);
    }
  }
  // A control byte anywhere, in the sixteen-byte runs or the quoted part, refuses the address.
  for (const char refused : {'\0', '\x01', '\x1b', '\x0b', '\x7f'}) {
    for (const std::string& base : {address, "\"Quoted Part\"@Long.Domain.EXAMPLE.org"s}) {
      for (size_t at = 0; at <= base.size(); ++at) {
        std::string noisy = base;
        noisy.insert(at, 1, refused);
        CAPTURE(at);
        CAPTURE(static_cast<int>(refused));
        std::string out = "left over";
        CHECK_FALSE(normalize_address_into(noisy, out));
        CHECK(out == "");
      }
    }
  }
  CHECK(into::address("First@Second@Third.EXAMPLE") == "First@Second@third.example");
  CHECK(into::address("a@B.example (Comment @X)") == "a@b.example");
  CHECK(into::address("\"Quoted@Part\"@B.EXAMPLE") == "\"Quoted@Part\"@b.example");
  CHECK(into::address("\"Quoted@Part\"") == "\"Quoted@Part\"");
  CHECK(into::address("\"Quoted Part\"@Long.Domain.EXAMPLE.org") == "\"Quoted Part\"@long.domain.example.org");
  CHECK(into::address("mailto:Someone@Somewhere.EXAMPLE") == "Someone@somewhere.example");
}

TEST_CASE("address list: angle addresses with and without quoted strings inside") {
  // A '>' or ',' inside a quoted local part does not close the angle address.
  CHECK(into::address_list("A <\"x>y, z\"@Example.ORG>, b@c.example") ==
        Addresses{"\"x>y, z\"@example.org", "b@c.example"});
  CHECK(into::address_list("A <plain@Example.ORG>, B <other@D.example>") ==
        Addresses{"plain@example.org", "other@d.example"});
  CHECK(into::address_list("A <unclosed@Example.ORG, b@c.example") == Addresses{"unclosed@Example.ORG,b@c.example"});
  CHECK(into::address_list("Name \"q@uoted\" x@Y.example") == Addresses{"x@y.example"});
}

TEST_CASE("Message-ID: a long id keeps every byte but blanks and angle brackets, wherever they are") {
  const std::string id = "0100018a1b2c3d4e-5f6a7b8c-(x)-\"q\"@email.amazonses.com";
  CHECK(into::message_id("<" + id + ">") == id);
  for (const char dropped : {' ', '\t'}) {
    for (size_t at = 1; at < id.size(); ++at) {
      std::string noisy = id;
      noisy.insert(at, 1, dropped);
      CAPTURE(at);
      CHECK(into::message_id("<" + noisy + ">") == id);
    }
  }
  // A control byte is not dropped: the id holding it is not read.
  for (const char refused : {'\x7f', '\x01', '\0'}) {
    for (size_t at = 1; at < id.size(); ++at) {
      std::string noisy = id;
      noisy.insert(at, 1, refused);
      CAPTURE(at);
      std::string out = "left over";
      CHECK_FALSE(parse_message_id_into("<" + noisy + ">", out));
      CHECK(out == "");
      if (at < id.find('(')) {  // bare, the id ends at the comment: not cut at the byte either
        CHECK_FALSE(parse_message_id_into(noisy, out));
        CHECK(out == "");
      }
    }
  }
}

TEST_CASE("rfc5322::find_space_or: the first blank or stop byte from any start, in texts of any length") {
  // Against a bytewise reading, for lengths around the sixteen-byte steps and every start.
  auto reference = [](std::string_view text, size_t i) {
    while (i < text.size() && !rfc5322::is_space(text[i]) && text[i] != ';' && text[i] != '(') ++i;
    return i;
  };
  for (size_t length : {size_t{0}, size_t{1}, size_t{7}, size_t{15}, size_t{16}, size_t{17}, size_t{31}, size_t{40}}) {
    for (const char stop : {' ', '\t', '\0', '\x7f', '\x1f', ';', '('}) {
      for (size_t at = 0; at <= length; ++at) {
        std::string text(length, 'a');
        if (at < length) text[at] = stop;
        if (length > 3) text[1] = '\xC3';  // non-ASCII bytes are word bytes
        for (size_t start = 0; start <= length; ++start) {
          CAPTURE(length);
          CAPTURE(at);
          CAPTURE(start);
          CHECK(rfc5322::find_space_or<';', '('>(text, start) == reference(text, start));
        }
      }
    }
  }
  CHECK(rfc5322::find_space_or("word rest", 0) == 4);
  CHECK(rfc5322::find_space_or("a=b", 0) == 3);
}

TEST_CASE("encoded words: the text ends at the first '?=' before a blank, within 1024 bytes") {
  CHECK(parse_list_unsubscribe("=?utf-8?q?mailto:a?x=3Db@example.com?=") ==
        std::vector<std::string>{"mailto:a?x=b@example.com"});
  CHECK(parse_list_unsubscribe("=?utf-8?q?mailto:a?x b@example.com?=").empty());
  CHECK(parse_list_unsubscribe("=?utf-8?q?mailto:x@y?").empty());  // never closed
  CHECK(parse_list_unsubscribe("=?utf-8?q?mailto:x@y?" "?=") == std::vector<std::string>{"mailto:x@y?"});
  // "mailto:" and the b's make the text: 1024 bytes are read, 1025 are not.
  const std::string at_limit = "mailto:" + std::string(1017, 'b');
  CHECK(parse_list_unsubscribe("=?utf-8?q?" + at_limit + "?=") == std::vector<std::string>{at_limit});
  CHECK(parse_list_unsubscribe("=?utf-8?q?" + at_limit + "b?=").empty());
}

TEST_CASE("rfc5322::append_without_spaces drops every blank, in runs or alone, wherever it is") {
  const std::string text = "https://list.example.com/unsubscribe?id=0123456789abcdef";
  for (const char blank : {' ', '\t', '\r', '\n', '\0', '\x7f'}) {
    for (size_t at = 0; at <= text.size(); ++at) {
      std::string spaced = text;
      spaced.insert(at, 2, blank);
      std::string out = "kept:";
      rfc5322::append_without_spaces(out, spaced);
      CAPTURE(at);
      CHECK(out == "kept:" + text);
    }
  }
  std::string out;
  rfc5322::append_without_spaces(out, " \t ");
  CHECK(out.empty());
  CHECK(address_domain("a@b@Example.COM") == "Example.COM");
  CHECK(address_domain("no-at-sign").empty());
}
