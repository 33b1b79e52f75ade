// parse_received on real Received lines of every common writer (taken from
// the corpus of tests/data/SOURCES.md and the seed case; the source is named above
// each group),
// and on hostile input.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/header_block.h"
#include "collectors/received.h"
#include "collectors/received_lexer.h"
#include "tests/into_results.h"

namespace {

/// What a line must parse to. Host fields, the address and the dialect are always
/// checked (empty means "must be empty"); the other fields only when given.
struct Want {
  std::string_view helo{};
  std::string_view rdns{};
  std::string_view ip{};  ///< canonical text, empty for none
  std::string_view by{};
  std::string_view dialect{};
  std::optional<std::string_view> with{};
  std::optional<std::string_view> id{};
  std::optional<std::string_view> for_addr{};
  std::optional<int64_t> utc{};  ///< the date after ';', as Unix time
  bool is_hop = true;
  bool pickup = false;
  std::string_view envelope_from{};
};

bool same_hop(const sg::Hop& a, const sg::Hop& b) {
  return a.raw == b.raw && a.from_helo == b.from_helo && a.from_rdns == b.from_rdns && a.from_ip == b.from_ip &&
         a.by == b.by && a.with == b.with && a.id == b.id && a.for_addr == b.for_addr &&
         a.envelope_from == b.envelope_from && a.pickup == b.pickup &&
         a.date.has_value() == b.date.has_value() &&
         (!a.date || (a.date->utc == b.date->utc && a.date->offset_minutes == b.date->offset_minutes)) &&
         a.dialect == b.dialect && a.parsed == b.parsed && a.is_hop == b.is_hop && a.trusted == b.trusted &&
         a.unreadable == b.unreadable;
}

/// Parsing into a Hop that still holds the line checked before must read the same
/// as parsing into a new one: nothing of the previous line may stay behind.
void check_reuse(std::string_view line, const sg::Hop& fresh) {
  static sg::Hop reused;
  reused.trusted = true;  // as mark_trust may have left it
  sg::parse_received(line, reused);
  CHECK(same_hop(reused, fresh));
}

sg::Hop check(std::string_view line, const Want& want) {
  CAPTURE(line);
  const sg::Hop hop = sg::parse_received(line);
  check_reuse(line, hop);
  CHECK(hop.raw == line);
  CHECK(hop.from_helo == want.helo);
  CHECK(hop.from_rdns == want.rdns);
  CHECK((hop.from_ip ? hop.from_ip->to_string() : std::string{}) == want.ip);
  CHECK(hop.by == want.by);
  CHECK(hop.dialect == want.dialect);
  if (want.with) CHECK(hop.with == *want.with);
  if (want.id) CHECK(hop.id == *want.id);
  if (want.for_addr) CHECK(hop.for_addr == *want.for_addr);
  if (want.utc) {
    REQUIRE(hop.date.has_value());
    CHECK(hop.date->utc == *want.utc);
  }
  CHECK(hop.is_hop == want.is_hop);
  CHECK(hop.pickup == want.pickup);
  CHECK(hop.envelope_from == want.envelope_from);
  CHECK(hop.parsed);
  CHECK_FALSE(hop.trusted);
  return hop;
}

}  // namespace

TEST_CASE("received: the seed case (truncated pasted lines without a by part)") {
  // seed/blog-ja-cks-part2.txt
  check("from 114.113.195.101  (EHLO re27.leadw.link) (114.113.195.101)",
        {.helo = "re27.leadw.link", .ip = "114.113.195.101", .dialect = "paste"});
  check("from kldoqzn6x62p3.top (static-ip.137.54.244.103.rev.i4hk.com [103.244.54.137])",
        {.helo = "kldoqzn6x62p3.top",
         .rdns = "static-ip.137.54.244.103.rev.i4hk.com",
         .ip = "103.244.54.137",
         .dialect = "paste"});
  check("from 114.113.195.11  (EHLO re27.leadw.link) (114.113.195.11)",
        {.helo = "re27.leadw.link", .ip = "114.113.195.11", .dialect = "paste"});
  check("from somach789.xyz (static-ip.137.54.244.103.rev.i4hk.com [103.244.54.137])",
        {.helo = "somach789.xyz",
         .rdns = "static-ip.137.54.244.103.rev.i4hk.com",
         .ip = "103.244.54.137",
         .dialect = "paste"});
}

TEST_CASE("received: parse_received_field reads a folded value as parse_received reads it unfolded") {
  const char* folded[] = {
      "from mail.example.org (mail.example.org [192.0.2.7])\r\n\tby mx.example.net (Postfix) with ESMTPS id 4AbC\r\n"
      "\tfor <u@example.net>; Tue, 29 Aug 2023 16:20:12 +0000",
      " from web313.shop (110.109.69.201) by\n TY2JPN015FT885.mail.protection.outlook.com (10.82.58.213) with "
      "Microsoft SMTP\n Server id 15.20.7293.21; Sat, 21 Jan 2023 01:55:50 +0000",
      "from [203.0.113.5] by relay.example.com; one line only",
      "",
  };
  sg::Hop hop;
  hop.raw = "a long raw value left from an earlier hop, longer than some of the ones above";
  for (const char* raw : folded) {
    CAPTURE(raw);
    sg::parse_received_field(raw, hop);
    const sg::Hop expected = sg::parse_received(sg::into::unfold(raw));
    CHECK(hop.raw == expected.raw);
    CHECK(hop.from_helo == expected.from_helo);
    CHECK(hop.from_rdns == expected.from_rdns);
    CHECK(hop.from_ip == expected.from_ip);
    CHECK(hop.by == expected.by);
    CHECK(hop.with == expected.with);
    CHECK(hop.id == expected.id);
    CHECK(hop.for_addr == expected.for_addr);
    CHECK(hop.date.has_value() == expected.date.has_value());
    CHECK(hop.parsed == expected.parsed);
    CHECK(hop.dialect == expected.dialect);
  }
}

TEST_CASE("received: Postfix") {
  // rspamd/test/functional/messages/received1.eml
  check("from server.chat-met-vreemden.nl (unknown [IPv6:2a01:7c8:aab6:26d:5054:ff:fed1:1da2])  (using TLSv1.2 with "
        "cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))  (Client did not present a certificate)  by "
        "mx1.freebsd.org (Postfix) with ESMTPS id CF0171862  for <test@example.com>; Mon,  6 Jul 2015 09:01:20 "
        "+0000 (UTC)  (envelope-from upwest201diana@outlook.com)",
        {.helo = "server.chat-met-vreemden.nl",
         .ip = "2a01:7c8:aab6:26d:5054:ff:fed1:1da2",
         .by = "mx1.freebsd.org",
         .dialect = "postfix",
         .with = "ESMTPS",
         .id = "CF0171862",
         .for_addr = "test@example.com",
         .utc = 1436173280,
         .envelope_from = "upwest201diana@outlook.com"});  // FreeBSD's Postfix writes it after the date
  // peer-expectations/stalwart-received.json (github.com through Postfix)
  check("from github.com (hubbernetes-node-c032927.ash1-iad.github.net [10.56.145.42]) by smtp.github.com "
        "(Postfix) with ESMTPA id B4E173410F4 for <hello@stalw.art>; Tue, 29 Aug 2023 09:20:10 -0700 (PDT)",
        {.helo = "github.com",
         .rdns = "hubbernetes-node-c032927.ash1-iad.github.net",
         .ip = "10.56.145.42",
         .by = "smtp.github.com",
         .dialect = "postfix",
         .with = "ESMTPA",
         .id = "B4E173410F4",
         .for_addr = "hello@stalw.art",
         .utc = 1693326010});
  // "unknown" is Postfix's word for "no reverse name": not a name.
  check("from localhost (unknown [127.0.0.1]) by cabbage.jmason.org (Postfix) with ESMTP id A96E18BD97 for "
        "<jm@localhost>; Thu, 13 Mar 2003 15:23:15 -0500 (EST)",
        {.helo = "localhost", .ip = "127.0.0.1", .by = "cabbage.jmason.org", .dialect = "postfix"});
  check("from 207.8.214.3 (unknown[211.94.164.65]) by puzzle.pobox.com (Postfix) with SMTP id 9029AFB732; Sat,  8 "
        "Nov 2003 17:57:46 -0500 (EST)",
        {.helo = "207.8.214.3", .ip = "211.94.164.65", .by = "puzzle.pobox.com", .dialect = "postfix"});
  // linux-erofs-list-archive: the loopback name carries nothing about a sender.
  check("from boromir.ozlabs.org (localhost [IPv6:::1])  by lists.ozlabs.org (Postfix) with ESMTP id "
        "4SYsXc42kTz3byh  for <lists+linux-erofs@lfdr.de>; Tue, 21 Nov 2023 02:55:12 +1100 (AEDT)",
        {.helo = "boromir.ozlabs.org", .rdns = "localhost", .ip = "::1", .by = "lists.ozlabs.org", .dialect = "postfix",
         .for_addr = "lists+linux-erofs@lfdr.de"});
  // rspamd/test/functional/messages/rcvd7.eml: empty address literal.
  check("from forward106p.mail.test.net (forward106p.mail.test.net [])  by mx7.mail.testler.ru (Postfix) with ESMTP "
        "id 9B38C6E043A  for <test@test.com>; Mon, 27 Apr 2020 19:45:05 +0300 (MSK)",
        {.helo = "forward106p.mail.test.net", .rdns = "forward106p.mail.test.net", .by = "mx7.mail.testler.ru",
         .dialect = "postfix"});
  // Postfix's own local submission has no sender on the network.
  check("by oak.ein.cz (Postfix, from userid 1002) id DABBD1BED3; Thu, 13 Feb 2003 14:02:21 +0100 (CET)",
        {.by = "oak.ein.cz", .dialect = "postfix", .id = "DABBD1BED3", .is_hop = false});
  // A writer that dropped the blank before "for".
  check("from av0001.technodiva.com (localhost [127.0.0.1])by  localhost.technodiva.com (Postfix) with ESMTP id "
        "846CF2117for  <proftp-user@lists.sourceforge.net>; Mon,  7 Aug 2006 17:48:07 +0200 (MEST)",
        {.helo = "av0001.technodiva.com", .rdns = "localhost", .ip = "127.0.0.1", .by = "localhost.technodiva.com",
         .dialect = "postfix",
         .id = "846CF2117", .for_addr = "proftp-user@lists.sourceforge.net"});
}

TEST_CASE("received: Sendmail") {
  // spamassassin/t/data/spam/001
  check("from netsvr.Internet (USR-157-050.dr.cgocable.ca [24.226.157.50] (may be forged))  by webnote.net "
        "(8.9.3/8.9.3) with ESMTP id IAA29903  for <jm7@netnoteinc.com>; Sun, 18 Feb 2001 08:28:16 GMT",
        {.helo = "netsvr.Internet",
         .rdns = "USR-157-050.dr.cgocable.ca",
         .ip = "24.226.157.50",
         .by = "webnote.net",
         .dialect = "sendmail",
         .with = "ESMTP",
         .id = "IAA29903",
         .for_addr = "jm7@netnoteinc.com",
         .utc = 982484896});
  // spamassassin/t/data/nice/001: IDENT user before the reverse name.
  check("from trna.ximian.com (IDENT:nobody@localhost [127.0.0.1]) by     trna.ximian.com (8.9.3/8.9.3) with ESMTP "
        "id SAA19408; Tue, 15 May 2001     18:26:07 -0400",
        {.helo = "trna.ximian.com", .rdns = "localhost", .ip = "127.0.0.1", .by = "trna.ximian.com", .dialect = "sendmail",
         .utc = 989965567});
  check("from ran-out.mx.develooper.com (IDENT:qmailr@one.develooper.com [64.81.84.115]) by dogma.slashnull.org "
        "(8.11.6/8.11.6) with SMTP id h381Vvf19860 for <jm-cpan@jmason.org>; Tue, 8 Apr 2003 02:31:57 +0100",
        {.helo = "ran-out.mx.develooper.com", .rdns = "one.develooper.com", .ip = "64.81.84.115",
         .by = "dogma.slashnull.org", .dialect = "sendmail"});
  // No reverse name: "[ip] (may be forged)" (stalwart-received.json has the form with a name).
  check("from mail.sxptt.zj.cn ([218.0.185.24]) by dogma.slashnull.org (8.11.6/8.11.6) with ESMTP id h2FH0Zx11330 "
        "for <webmaster@efi.ie>; Sat, 15 Mar 2003 17:00:41 GMT",
        {.helo = "mail.sxptt.zj.cn", .ip = "218.0.185.24", .by = "dogma.slashnull.org", .dialect = "sendmail"});
  // sisimai rhost-microsoft-01.eml: "(from user@host)" is a local submission, not a host.
  check("(from root@localhost)  by nyaan.example.ed.jp (8.15.2/8.15.2/Submit) id t3BB0AAA23232;  Thu, 29 Apr 2015 "
        "20:00:00 +0900",
        {.by = "nyaan.example.ed.jp", .dialect = "sendmail", .id = "t3BB0AAA23232", .is_hop = false});
  // stalwart-received.json: "(user@localhost)" without an address.
  check("from raptor.research.att.com (bala@localhost) by raptor.research.att.com (SGI-8.9.3/8.8.7) with ESMTP id "
        "KAA14788 for <asrg@example.com>; Fri, 7 Mar 2003 10:37:56 -0500 (EST)",
        {.helo = "raptor.research.att.com", .by = "raptor.research.att.com", .dialect = "sendmail"});
  check("from 4wtgRl (kgbxn@[211.244.147.115]) by dogma.slashnull.org (8.11.6/8.11.6) with SMTP id h8BBsUJ18848; "
        "Thu, 11 Sep 2003 12:54:31 +0100",
        {.helo = "4wtgRl", .ip = "211.244.147.115", .by = "dogma.slashnull.org", .dialect = "sendmail"});
}

TEST_CASE("received: Exim") {
  // rspamd/test/functional/messages/received1.eml: the first name is the verified
  // reverse lookup, the HELO comes as helo=.
  check("from ca-18-193-131.service.infuturo.it ([151.18.193.131] helo=User)  by server.chat-met-vreemden.nl with "
        "esmtpa (Exim 4.76)  (envelope-from <upwest201diana@outlook.com>)  id 1ZC1sl-0006b4-TU; Mon, 06 Jul 2015 "
        "10:36:08 +0200",
        {.helo = "User",
         .rdns = "ca-18-193-131.service.infuturo.it",
         .ip = "151.18.193.131",
         .by = "server.chat-met-vreemden.nl",
         .dialect = "exim",
         .with = "esmtpa",
         .id = "1ZC1sl-0006b4-TU",
         .utc = 1436171768,
         .envelope_from = "upwest201diana@outlook.com"});
  // linux-erofs-list-archive: no reverse name, so the address comes first.
  check("from [115.148.43.40] (port=34712 helo=lists.ozlabs.org)  by dal210.hawkhost.com with esmtp (Exim 4.95)  "
        "(envelope-from <linux-erofs@lists.ozlabs.org>)  id 1oVuUa-0039sv-GZ  for marketing@artisankegcleaner.com;  "
        "Wed, 07 Sep 2022 07:49:22 -0500",
        {.helo = "lists.ozlabs.org", .ip = "115.148.43.40", .by = "dal210.hawkhost.com", .dialect = "exim",
         .for_addr = "marketing@artisankegcleaner.com", .envelope_from = "linux-erofs@lists.ozlabs.org"});
  // Exim omits helo= when the HELO equals the verified name.
  check("from dedi636.jnb1.host-h.net ([196.22.132.57])  by antispam9-jnb1.host-h.net with esmtpsa "
        "(TLSv1.3:TLS_AES_256_GCM_SHA384:256)  (Exim 4.92)  (envelope-from <Internet@lensmedia.co.za>)  id "
        "1p0BsE-0001PW-6E  for linux-erofs@lists.ozlabs.org; Wed, 30 Nov 2022 03:26:56 +0200",
        {.helo = "dedi636.jnb1.host-h.net", .rdns = "dedi636.jnb1.host-h.net", .ip = "196.22.132.57",
         .by = "antispam9-jnb1.host-h.net", .dialect = "exim", .envelope_from = "Internet@lensmedia.co.za"});
  // sisimai lhost-mailru-01.eml: a literal as HELO, reported as one.
  check("from [192.0.2.135] (port=51580 helo=[192.0.2.203])  by smtp23.mail.ru with esmtpa (envelope-from "
        "<shironeko@mail.example.ru>)  id 1XsaNd-0006Vx-TV  for kijitora@example.jp; Sun, 23 Nov 2014 19:51:25 +0300",
        {.helo = "[192.0.2.203]", .ip = "192.0.2.135", .by = "smtp23.mail.ru", .dialect = "exim",
         .envelope_from = "shironeko@mail.example.ru"});
  // stalwart-received.json: local submission names the login, not a host.
  check("from andrew by trinity.supernews.net with local (Exim 4.12) id 18xeL6-000Dn1-00; Tue, 25 Mar 2003 02:39:00 "
        "+0000",
        {.by = "trinity.supernews.net", .dialect = "exim", .with = "local", .is_hop = false});
  // Exim 3: "from rdns (helo) [ip.port]".
  check("from helene8.i.pinwand.net (helene.cats.ms) [10.0.8.6.13219] (mail) by lisbeth.i.pinwand.net with esmtp "
        "(Exim 3.35 #1 (Debian)) id 1CO5y7-0001vC-00; Sun, 31 Oct 2004 04:01:23 +0100",
        {.helo = "helene.cats.ms", .rdns = "helene8.i.pinwand.net", .ip = "10.0.8.6", .by = "lisbeth.i.pinwand.net",
         .dialect = "exim"});
}

TEST_CASE("received: qmail and its family") {
  // sisimai lhost-qmail-01.eml and stalwart-received.json
  check("(qmail 88888 invoked from network); 24 Apr 2013 00:00:00 +0900",
        {.dialect = "qmail", .utc = 1366729200, .is_hop = false});
  check("(qmail 10000 invoked by uid 999); 24 Apr 2013 00:00:00 +0900",
        {.dialect = "qmail", .utc = 1366729200, .is_hop = false});
  check("from relay13.example.co.jp (HELO rr41.out.example.co.jp) (192.0.2.4)   by mx4s.example.jp with SMTP; 24 "
        "Apr 2013 00:00:00 +0900",
        {.helo = "rr41.out.example.co.jp", .rdns = "relay13.example.co.jp", .ip = "192.0.2.4",
         .by = "mx4s.example.jp", .dialect = "qmail", .with = "SMTP", .utc = 1366729200});
  check("from unknown (HELO terpsichore.farfalle.com) (jdavid@[216.254.40.70]) (envelope-sender "
        "<jdavid@farfalle.com>) by mail13.speakeasy.net (qmail-ldap-1.03) with SMTP for <jm@jmason.org>; 12 Feb 2003 "
        "18:23:19 -0000",
        {.helo = "terpsichore.farfalle.com", .ip = "216.254.40.70", .by = "mail13.speakeasy.net", .dialect = "qmail",
         .for_addr = "jm@jmason.org", .envelope_from = "jdavid@farfalle.com"});
  // An empty HELO stays empty.
  check("from unknown (HELO ) (185.137.84.106)   by smtp.customers.net with SMTP; 24 May 2016 12:30:11 -0000",
        {.ip = "185.137.84.106", .by = "smtp.customers.net", .dialect = "qmail"});
  // The remote user before the address ("ident@ip").
  check("from adsl-207-213-27-129.dsl.lsan03.pacbell.net (HELO merlin.net.au) (Owner50@207.213.27.129) by "
        "totor.bouissou.net with SMTP; 10 Nov 2003 06:30:34 -0000",
        {.helo = "merlin.net.au", .rdns = "adsl-207-213-27-129.dsl.lsan03.pacbell.net", .ip = "207.213.27.129",
         .by = "totor.bouissou.net", .dialect = "qmail"});
  // qmail-scanner notes name an envelope sender, not a host.
  check("from dms-errors@dms.netcenter.com by mailhost with qmail-scanner-1.00 (uvscan: v4.1.40/v4212. . Clean. "
        "Processed in 5.813084 secs); 15 Jul 2002 20:23:30 -0000",
        {.by = "mailhost", .dialect = "qmail", .is_hop = false});
}

TEST_CASE("received: Courier") {
  // sisimai lhost-courier-01.eml: Courier puts the id after the date.
  check("from [127.0.0.1] (c10920.example.com [192.0.2.20])   by marutamachi.example.org with SMTP; Sat, 11 Dec 2010 "
        "12:19:17 +0900   id 0EFECD4E.4D02EDD9.0000C5BA",
        {.helo = "[127.0.0.1]", .rdns = "c10920.example.com", .ip = "192.0.2.20", .by = "marutamachi.example.org",
         .dialect = "courier", .id = "0EFECD4E.4D02EDD9.0000C5BA", .utc = 1292037557});
  // stalwart-received.json: Courier's placeholder for a failed lookup, IPv4-mapped address.
  check("from bushinternet.com (softdnserr [::ffff:61.99.99.67]) by mail.cs.helsinki.fi with esmtp; Fri, 22 Aug 2003 "
        "12:25:41 +0300",
        {.helo = "bushinternet.com", .ip = "61.99.99.67", .by = "mail.cs.helsinki.fi", .dialect = "courier"});
  check("from [172.25.197.120] (pcale.tana [172.25.197.120]) (AUTH: CRAM-MD5 uXDGrn@SYT0/k, TLS: TLS1.3, 128bits, "
        "ECDHE_RSA_AES_128_GCM_SHA256) by wmail.tana.it with ESMTPSA id 00000000005DC0D6.0000000064EC6711.00003756; "
        "Mon, 28 Aug 2023 11:21:21 +0200",
        {.helo = "[172.25.197.120]", .rdns = "pcale.tana", .ip = "172.25.197.120", .by = "wmail.tana.it",
         .dialect = "courier"});
  // Courier's identd form (constructed: the corpus has none); "user" is not a host.
  check("from mail.example.net (IDENT: user, [192.0.2.7])\n by mx.example.org with ESMTP; Mon, 28 Aug 2023 11:21:21 "
        "+0200",
        {.helo = "mail.example.net", .ip = "192.0.2.7", .by = "mx.example.org", .dialect = "courier"});
}

TEST_CASE("received: Exchange and Outlook.com") {
  // phishing_pot/email/sample-3863.eml: "id 15.20.7897.28" is a version, not an address.
  check("from SJ0PR13CA0214.namprd13.prod.outlook.com (2603:10b6:a03:2c1::9)  by "
        "SA1P223MB0924.NAMP223.PROD.OUTLOOK.COM (2603:10b6:806:3ca::18) with  Microsoft SMTP Server (version=TLS1_2,  "
        "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7897.28; Thu, 29 Aug  2024 13:43:33 +0000",
        {.helo = "SJ0PR13CA0214.namprd13.prod.outlook.com",
         .ip = "2603:10b6:a03:2c1::9",
         .by = "SA1P223MB0924.NAMP223.PROD.OUTLOOK.COM",
         .dialect = "exchange",
         .with = "Microsoft SMTP Server",
         .id = "15.20.7897.28",
         .utc = 1724939013});
  // stalwart-received.json: MAPI submission with a zone-qualified link-local address.
  check("from AM5PR0402MB2836.eurprd04.prod.outlook.com ([fe80::19bd:c588:dd17:5226]) by "
        "AM5PR0402MB2836.eurprd04.prod.outlook.com ([fe80::19bd:c588:dd17:5226%6]) with mapi id 15.20.1943.023; Wed, 5 "
        "Jun 2019 10:17:08 +0000",
        {.helo = "AM5PR0402MB2836.eurprd04.prod.outlook.com", .ip = "fe80::19bd:c588:dd17:5226",
         .by = "AM5PR0402MB2836.eurprd04.prod.outlook.com", .dialect = "exchange", .with = "mapi"});
  // spamscope-mail-parser mail_test_1: Outlook.com's internal HTTPS hop.
  check("from DM6PR06MB4475.namprd06.prod.outlook.com (2603:10b6:207:3d::31)  by "
        "BL0PR06MB4465.namprd06.prod.outlook.com with HTTPS id 12345 via  BL0PR02CA0054.NAMPRD02.PROD.OUTLOOK.COM; "
        "Mon, 1 Oct 2018 09:49:22 +0000",
        {.helo = "DM6PR06MB4475.namprd06.prod.outlook.com", .ip = "2603:10b6:207:3d::31",
         .by = "BL0PR06MB4465.namprd06.prod.outlook.com", .dialect = "exchange", .with = "HTTPS", .id = "12345"});
}

TEST_CASE("received: Microsoft SMTPSVC") {
  // sisimai rhost-outlook-01.eml
  check("from BLU436-SMTP66 ([65.55.116.73]) by BLU004-OMC3S13.hotmail.example.com over TLS secured channel with "
        "Microsoft SMTPSVC(7.5.7601.22751);   Fri, 21 Nov 2014 14:17:34 -0800",
        {.helo = "BLU436-SMTP66", .ip = "65.55.116.73", .by = "BLU004-OMC3S13.hotmail.example.com",
         .dialect = "smtpsvc", .with = "Microsoft SMTPSVC", .utc = 1416608254});
  // stalwart-received.json: the pickup directory is a local submission.
  check("from mail pickup service by mail1.insuranceiq.com with Microsoft SMTPSVC; Thu, 13 Feb 2003 19:05:39 -0500",
        {.by = "mail1.insuranceiq.com", .dialect = "smtpsvc", .is_hop = false});
  check("from 0 ([61.31.138.57] RDNS failed) by nccdi.com with Microsoft SMTPSVC(6.0.3790.0); Thu, 23 Sep 2004 "
        "08:51:06 -0700",
        {.helo = "0", .ip = "61.31.138.57", .by = "nccdi.com", .dialect = "smtpsvc"});
}

TEST_CASE("received: Gmail") {
  // phishing_pot/email/sample-235.eml: a by-only hop has no sender address.
  check("by 2002:a05:612c:711:b0:381:73ac:3a65 with SMTP id ft17csp1627043vqb;         Mon, 16 Jan 2023 08:52:51 "
        "-0800 (PST)",
        {.by = "2002:a05:612c:711:b0:381:73ac:3a65", .dialect = "gmail", .with = "SMTP", .id = "ft17csp1627043vqb",
         .utc = 1673887971});
  // stalwart-received.json: an address literal as HELO, the client address in the comment.
  check("from [10.231.252.223] (79.sub-174-252-72.myvzw.com [174.252.72.79]) by mx.google.com with ESMTPS id "
        "m16sm345129qck.28.2011.06.15.07.42.02 (version=TLSv1/SSLv3 cipher=OTHER); Wed, 15 Jun 2011 07:42:08 -0700 "
        "(PDT)",
        {.helo = "[10.231.252.223]", .rdns = "79.sub-174-252-72.myvzw.com", .ip = "174.252.72.79",
         .by = "mx.google.com", .dialect = "gmail"});
}

TEST_CASE("received: Yahoo and Yahoo Japan") {
  // sisimai lhost-yahoo-01.eml
  check("from [183.79.100.140] by nh503.bullet.mail.kks.y.example.co.jp with NNFMP; 21 Nov 2014 22:11:03 -0000",
        {.ip = "183.79.100.140", .by = "nh503.bullet.mail.kks.y.example.co.jp", .dialect = "yahoo", .with = "NNFMP",
         .utc = 1416607863});
  // sisimai: Yahoo's qmail-like form; the first address is Yahoo's own front end.
  check("from 127.0.0.1  (EHLO mx8.example.com) (192.0.2.8)   by mta34.mail.g9.yahoo.com with SMTP; Thu, 29 Apr 2013 "
        "23:45:06 -0800",
        {.helo = "mx8.example.com", .ip = "192.0.2.8", .by = "mta34.mail.g9.yahoo.com", .dialect = "yahoo"});
  // stalwart-received.json: webmail.
  check("from [93.48.39.139] by web28416.mail.ukl.yahoo.com via HTTP; Wed, 09 Mar 2011 11:19:45 GMT",
        {.ip = "93.48.39.139", .by = "web28416.mail.ukl.yahoo.com", .dialect = "yahoo"});
}

TEST_CASE("received: fetchmail, LMTP, webmail, amavisd") {
  // spamassassin/t/data/nice.mbox
  check("from pop.pi.sbcglobal.net [207.115.63.84]  by localhost with POP3 (fetchmail-5.9.11 polling "
        "pop.sbcglobal.net account matt_relay)  for matt@localhost (single-drop); Wed, 04 Sep 2002 19:25:41 -0700 "
        "(PDT)",
        {.helo = "pop.pi.sbcglobal.net", .ip = "207.115.63.84", .by = "localhost", .dialect = "other", .with = "POP3",
         .for_addr = "matt@localhost", .is_hop = false, .pickup = true});
  // linux-erofs-list-archive
  check("from mail.lfdr.de  by mail.lfdr.de with LMTP  id xKGeIw+pK2pQBgQAu9opvQ  (envelope-from "
        "<linux-erofs+bounces-3576-lists+linux-erofs=lfdr.de@lists.ozlabs.org>)  for <lists+linux-erofs@lfdr.de>; Fri, "
        "12 Jun 2026 08:37:03 +0200",
        {.helo = "mail.lfdr.de", .by = "mail.lfdr.de", .dialect = "other", .with = "LMTP",
         .id = "xKGeIw+pK2pQBgQAu9opvQ", .for_addr = "lists+linux-erofs@lfdr.de",
         .envelope_from = "linux-erofs+bounces-3576-lists+linux-erofs=lfdr.de@lists.ozlabs.org"});
  // spamassassin: SquirrelMail; the web client's address, no HELO.
  check("from 194.125.173.146 (SquirrelMail authenticated user zzzzzz) by      zzzzzz.org with HTTP; Sat, 17 Aug 2002 "
        "16:45:08 +0100 (IST)",
        {.ip = "194.125.173.146", .by = "zzzzzz.org", .dialect = "other", .with = "HTTP"});
  // rspamd/test/functional/messages/received7.eml: amavisd-new's re-injection.
  check("from mail.example.org ([198.51.100.233])  by lame.example.net (ietfa.amsl.com [127.0.0.1]) (amavisd-new, port "
        "10024)  with ESMTP id k8UsBTUjeiTe for <cfrg@ietfa.amsl.com>;  Tue,  7 May 2019 14:01:04 -0700 (PDT)",
        {.helo = "mail.example.org", .ip = "198.51.100.233", .by = "lame.example.net", .dialect = "other",
         .id = "k8UsBTUjeiTe"});
  check("from localhost (localhost [127.0.0.1])  by ietfa.amsl.com (Postfix) with ESMTPA id 00E7712024B  for "
        "<cfrg@ietfa.amsl.com>; Tue,  7 May 2019 14:01:07 -0700 (PDT)",
        {.helo = "localhost", .rdns = "localhost", .ip = "127.0.0.1", .by = "ietfa.amsl.com", .dialect = "postfix"});
  // stalwart-received.json: a writer that forgot the ';' before the date.
  check("from (64.52.135.194 [64.52.135.194]) by mail.unearthed.com with ESMTP id BQB0hUH2 Thu, 20 Feb 2003 16:13:20 "
        "-0700 (PST)",
        {.ip = "64.52.135.194", .by = "mail.unearthed.com", .dialect = "other", .id = "BQB0hUH2", .utc = 1045782800});
}

TEST_CASE("received: address forms") {
  // IPv4-mapped IPv6 is the IPv4 address.
  const sg::Hop mapped = sg::parse_received(
      "from Agni (localhost [::ffff:127.0.0.1]) (TLS: TLSv1/SSLv3, 168bits,DES-CBC3-SHA) by agni.forevermore.net "
      "with esmtp; Mon, 28 Oct 2002 14:48:52 -0800");
  REQUIRE(mapped.from_ip.has_value());
  CHECK(mapped.from_ip->is_v4());
  CHECK(mapped.from_ip->to_string() == "127.0.0.1");
  // Ports after the address, inside or outside the brackets.
  CHECK(sg::parse_received("from ([10.225.209.19:33672]) by ecelerity-va-1 (ecelerity HEAD) with SMTP id "
                           "EE/20-30863-33CE1054; Fri, 08 Sep 2006 18:18:27 -0400")
            .from_ip->to_string() == "10.225.209.19");
  CHECK(sg::parse_received("from list.brainbuzz.com (63.146.189.86:23198) by mx1.yourtech.net with [XMail 1.20 ESMTP "
                           "Server] id <S72E>; Sat, 18 Sep 2004 23:17:54 -0500")
            .from_ip->to_string() == "63.146.189.86");
  // Stray parentheses inside the literal (MDaemon).
  CHECK(sg::parse_received("from smtp510.aspkunden.de [(134.97.4.21)] by mail.aspemail.de (134.97.4.24) (MDaemon "
                           "PRO v19.0.2)  with ESMTP id md50018233933.msg; Tue, 16 Jul 2019 11:39:22 +0200")
            .from_ip->to_string() == "134.97.4.21");
  // Not an address: "[?.?.?.?]", "[265.6.8]", "[]", "[local]".
  CHECK_FALSE(sg::parse_received("from Unknown/Local ([?.?.?.?]) by mailcity.com; Fri, 17 Jan 2003 15:23:29 -0000")
                  .from_ip.has_value());
  const sg::Hop avg =
      sg::parse_received("from 127.0.0.1 (AVG SMTP 7.0.299 [265.6.8]); Wed, 05 Jan 2005 15:06:48 -0800");
  CHECK(avg.from_ip->to_string() == "127.0.0.1");
  CHECK(avg.dialect == "paste");
  // A trailing dot of a fully qualified name is dropped.
  CHECK(sg::parse_received("from out-25.smtp.github.com (out-25.smtp.github.com. [192.30.252.208]) by mail.stalw.art "
                           "(Stalwart SMTP) with ESMTPS id 41A2C80D73C; Tue, 29 Aug 2023 16:20:12 +0000")
            .from_rdns == "out-25.smtp.github.com");
}

TEST_CASE("received: masked parts become empty") {
  const sg::Hop hop = sg::parse_received(
      "from ******** (******** [103.244.54.137]) by ******** (Postfix) with ESMTP id ******** for "
      "<********@example.jp>; Mon, 27 Apr 2020 19:45:05 +0300");
  CHECK(hop.from_helo.empty());
  CHECK(hop.from_rdns.empty());
  CHECK(hop.by.empty());
  CHECK(hop.id.empty());
  CHECK(hop.for_addr.empty());
  CHECK(hop.from_ip->to_string() == "103.244.54.137");
  CHECK(hop.parsed);
}

TEST_CASE("received: lines that say nothing are unparsed") {
  for (std::string_view line : {"", "   ", ";", "; Tue, 23 May 2006 13:06:35 -0400", "(ofmipd 208.31.42.38); 17 Mar "
                                "2003 04:09:01 -0000", "from", "by", "hello world"}) {
    CAPTURE(line);
    const sg::Hop hop = sg::parse_received(line);
    CHECK_FALSE(hop.parsed);
    CHECK(hop.dialect == "unparsed");
    CHECK(hop.raw == line);
  }
}

namespace {

// Deterministic pseudo-random bytes (no dependence on the platform's generator).
struct SmallRandom {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

void parse_survives(std::string_view line) {
  const sg::Hop hop = sg::parse_received(line);
  CHECK(hop.raw.size() == line.size());
  CHECK(hop.from_helo.size() <= 253);
  CHECK(hop.from_rdns.size() <= 253);
  CHECK(hop.by.size() <= 253);
}

}  // namespace

TEST_CASE("received: hostile input") {
  parse_survives("(");
  parse_survives(")");
  parse_survives("[");
  parse_survives("<");
  parse_survives("from (");
  parse_survives("from [1.2.3.4");
  parse_survives("from x (y [1.2.3.4] by z with SMTP; Mon, 1 Jan 2024 00:00:00 +0000");
  parse_survives("from x ((((((((( by z");
  parse_survives("from x )))))) by z;;;;;;");
  parse_survives("from x (HELO");
  parse_survives("from x (helo=");
  parse_survives("from x ([1.2.3.4] helo=");
  parse_survives("from x (a@");
  parse_survives("from \\");
  parse_survives("from x (\\");
  parse_survives(std::string(100000, '('));
  parse_survives(std::string(100000, ')'));
  parse_survives(std::string(100000, '['));
  parse_survives(std::string(100000, ';'));
  parse_survives(std::string(100000, ' '));
  parse_survives("from " + std::string(100000, 'a') + " by " + std::string(100000, 'b'));
  parse_survives("from x ([" + std::string(100000, '1') + "]) by y");
  parse_survives("from " + std::string(10000, '@') + " (" + std::string(10000, '@') + ")");
  std::string many_tokens;
  for (int i = 0; i < 20000; ++i) many_tokens += "from by (x) [1.2.3.4] <a> ";
  parse_survives(many_tokens);

  // NUL bytes neither end the text nor let junk pass as an address.
  const std::string with_nul("from a\0b (c [1.2.3.4\0junk]) by d\0e; Mon, 1 Jan 2024 00:00:00 +0000", 67);
  const sg::Hop nul = sg::parse_received(with_nul);
  CHECK(nul.raw == with_nul);
  CHECK_FALSE(nul.from_ip.has_value());

  // Random bytes from an alphabet that hits every branch of the lexer and the clauses.
  static constexpr std::string_view kAlphabet = "()[]<>;,@:=. \t\r\n\\\"'*%/-_0123456789afHELOhelo";
  static constexpr std::string_view kWords[] = {"from ", "by ", "with ", "id ", "for ", "via ", "HELO ", "helo=",
                                                "IDENT:", "qmail ", "invoked ", "Exim ", "Postfix", "IPv6:", "::ffff:",
                                                "1.2.3.4", "unknown ", "Microsoft SMTPSVC", "mail pickup service"};
  SmallRandom random{42};
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    const uint32_t length = random.next() % 200;
    for (uint32_t i = 0; i < length; ++i) {
      if (random.next() % 4 == 0)
        line += kWords[random.next() % std::size(kWords)];
      else if (random.next() % 4 == 0)
        line += static_cast<char>(random.next() % 256);
      else
        line += kAlphabet[random.next() % kAlphabet.size()];
    }
    CAPTURE(line);
    parse_survives(line);
  }
}

TEST_CASE("received: a name with a control byte is unreadable, not cut to what comes before it") {
  using namespace std::string_literals;
  // Postfix: the HELO first. Before, the NUL cut it to "evil.example.com".
  sg::Hop hop = check("from evil.example.com\0junk (mx.example.org [198.51.100.7]) by mx.victim.example; "
                      "Tue, 29 Aug 2023 16:20:12 +0000"s,
                      {.helo = "", .rdns = "mx.example.org", .ip = "198.51.100.7", .by = "mx.victim.example",
                       .dialect = "other"});
  CHECK(hop.unreadable == sg::kHopHelo);
  // The reverse DNS name in the comment, the by host and the recipient, each with another control byte.
  hop = check("from helo.example (mx.exa\x01mple.org [198.51.100.7]) by mx.vic\x1btim.example with ESMTP "
              "for <a\x7f@victim.example>; Tue, 29 Aug 2023 16:20:12 +0000",
              {.helo = "helo.example", .rdns = "", .ip = "198.51.100.7", .by = "", .dialect = "other", .for_addr = ""});
  CHECK(hop.unreadable == (sg::kHopRdns | sg::kHopBy | sg::kHopFor));
  // Exim's helo= and a NUL leading the name: still the whole name, still unreadable.
  hop = check("from rdns.example.org ([198.51.100.7] helo=\0evil.example) by mx.victim.example with esmtp "
              "(Exim 4.96) id 1qb2Xy-000123-AB; Tue, 29 Aug 2023 16:20:12 +0000"s,
              {.helo = "", .rdns = "rdns.example.org", .ip = "198.51.100.7", .by = "mx.victim.example",
               .dialect = "exim"});
  CHECK(hop.unreadable == sg::kHopHelo);
  // A tab between words is a blank, as always; a clean line marks nothing.
  hop = check("from\thelo.example\t(rdns.example.org [198.51.100.7]) by mx.victim.example; "
              "Tue, 29 Aug 2023 16:20:12 +0000",
              {.helo = "helo.example", .rdns = "rdns.example.org", .ip = "198.51.100.7", .by = "mx.victim.example",
               .dialect = "other"});
  CHECK(hop.unreadable == 0);
}

TEST_CASE("received: a HELO name in Unicode is kept as written") {
  check("from b\xC3\xBC" "cher.example (mx.example.org [198.51.100.7]) by mx.victim.example; "
        "Tue, 29 Aug 2023 16:20:12 +0000",
        {.helo = "b\xC3\xBC" "cher.example", .rdns = "mx.example.org", .ip = "198.51.100.7",
         .by = "mx.victim.example", .dialect = "other"});
}

// The writer's name in a by- or with-comment is found wherever it stands: in the
// sixteen-byte steps, across their boundaries and in the bytewise tail.
TEST_CASE("received: writer names found at every offset of a long comment") {
  const std::pair<std::string_view, std::string_view> names[] = {
      {"Postfix", "postfix"}, {"EXIM 4.96", "exim"}, {"qpsmtpd 0.84", "qmail"}, {"Courier 0.65", "courier"}};
  for (const auto& [name, dialect] : names) {
    for (size_t padding = 0; padding < 40; ++padding) {
      const std::string line = "from a.example.org (a.example.org [198.51.100.7]) by mx.example.net (" +
                               std::string(padding, 'x') + " " + std::string(name) + " z) with ESMTP id 4F1; " +
                               "Thu, 20 Feb 2003 16:13:20 -0700";
      CAPTURE(line);
      CHECK(sg::parse_received(line).dialect == dialect);
    }
    CHECK(sg::parse_received("from a.example.org by mx.example.net (xxxxxxxxxxxxxx" + std::string(name).substr(0, 1) +
                             "-" + std::string(name).substr(1) + ") id 4F1; Thu, 20 Feb 2003 16:13:20 -0700")
              .dialect != dialect);
  }
}

// The sixteen-byte searches of the lexer, at every length and position: whole
// blocks, the overlapping block at either end, and texts shorter than a block.
TEST_CASE("received: find_last and holds_id_or_for agree with plain searches") {
  using sg::received_detail::find_last;
  using sg::received_detail::holds_id_or_for;
  for (size_t length = 0; length <= 40; ++length) {
    for (size_t at = 0; at < length; ++at) {
      std::string text(length, 'x');
      text[at] = ';';
      if (at + 3 < length) text[at + 3] = ';';
      CAPTURE(text);
      CHECK(find_last(text, ';') == text.rfind(';'));
      CHECK(find_last(text, '@') == std::string::npos);
      for (std::string_view keyword : {"id", "FoR", "iD"}) {
        std::string with_keyword(length, 'r');  // 'r' ends "for" but is no keyword alone
        with_keyword.replace(at, keyword.size(), keyword.substr(0, length - at));
        const bool whole = at + keyword.size() <= length;
        CAPTURE(with_keyword);
        CHECK(holds_id_or_for(with_keyword) == whole);
      }
    }
  }
}
