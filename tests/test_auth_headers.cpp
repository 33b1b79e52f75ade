// Received-SPF, Authentication-Results, ARC-Authentication-Results and
// DKIM-Signature parsing. Values are copied from real mail (the corpus file
// named above each: tests/data/corpus, or the optional extra corpus of
// tests/data/SOURCES.md), from the seed case (data/seed/), and from RFC 7208 §9.1
// and RFC 8601 Appendix B.
#include <doctest/doctest.h>

#include <string>

#include "collectors/auth_headers.h"

using namespace sg;
using namespace std::string_literals;

namespace {

// The (method, result) pairs and the property lists of the results, flattened
// for compact assertions.
std::string summary(const std::vector<AuthResult>& results) {
  std::string out;
  for (const AuthResult& r : results) {
    if (!out.empty()) out += " | ";
    out += r.method + "=" + r.result;
    for (const auto& [key, value] : r.properties) out += " " + key + "=" + value;
  }
  return out;
}

// Every SpamAssassin spf* copy of this field reads the same, whatever its line ends.
void check_dostech_fail(const SpfVerdict& spf) {
  CHECK(spf.result == "fail");
  CHECK(spf.receiver == "FC5-VPC");
  CHECK(spf.identity == "mfrom");
  CHECK(spf.envelope_from == "spamassassin@dostech.ca");
  CHECK(spf.helo == "smtp.dostech.net");
  CHECK(spf.client_ip == "69.61.78.188");
  CHECK(spf.comment ==
        "dostech.ca: 69.61.78.188 is authorized to use 'spamassassin@dostech.ca' in 'mfrom' identity "
        "(mechanism 'mx' matched)");
}

}  // namespace

// --- Received-SPF ---------------------------------------------------------------

TEST_CASE("Received-SPF: seed case, masked envelope sender") {
  // seed/blog-ja-cks-part2.txt, first header set
  auto spf = parse_received_spf(
      "pass (re27.leadw.link: domain of bounce-********@g0zs8omwfqere.link designates 114.113.195.101 as "
      "permitted sender) receiver=re27.leadw.link; client-ip=114.113.195.101; "
      "envelope-from=bounce-********@g0zs8omwfqere.link;");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->receiver == "re27.leadw.link");
  CHECK(spf->client_ip == "114.113.195.101");
  CHECK(spf->envelope_from == "bounce-********@g0zs8omwfqere.link");
  CHECK(spf->helo == "");
  CHECK(spf->comment ==
        "re27.leadw.link: domain of bounce-********@g0zs8omwfqere.link designates 114.113.195.101 as permitted sender");

  // seed/blog-ja-cks-part2.txt, latest header set
  spf = parse_received_spf(
      "pass (re27.leadw.link: domain of bounce-********@authoranz.xyz designates 114.113.195.11 as permitted "
      "sender) receiver=re27.leadw.link; client-ip=114.113.195.11; envelope-from=bounce-********@authoranz.xyz;");
  REQUIRE(spf);
  CHECK(spf->client_ip == "114.113.195.11");
  CHECK(spf->envelope_from == "bounce-********@authoranz.xyz");
}

TEST_CASE("Received-SPF: RFC 7208 9.1 examples") {
  auto spf = parse_received_spf(
      "pass (mybox.example.org: domain of\r\n myname@example.com designates 192.0.2.1 as permitted sender)\r\n"
      "    receiver=mybox.example.org; client-ip=192.0.2.1;\r\n"
      "    envelope-from=\"myname@example.com\"; helo=foo.example.com;");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->receiver == "mybox.example.org");
  CHECK(spf->client_ip == "192.0.2.1");
  CHECK(spf->envelope_from == "myname@example.com");
  CHECK(spf->helo == "foo.example.com");
  CHECK(spf->comment == "mybox.example.org: domain of myname@example.com designates 192.0.2.1 as permitted sender");

  spf = parse_received_spf(
      "fail (mybox.example.org: domain of\r\n myname@example.com does not designate\r\n 192.0.2.1 as permitted "
      "sender)\r\n identity=mailfrom; client-ip=192.0.2.1;\r\n envelope-from=\"<myname@example.com>\";");
  REQUIRE(spf);
  CHECK(spf->result == "fail");
  CHECK(spf->identity == "mailfrom");
  CHECK(spf->client_ip == "192.0.2.1");
  CHECK(spf->envelope_from == "myname@example.com");
  CHECK(spf->receiver == "mybox.example.org");  // from the comment
}

TEST_CASE("Received-SPF: SpamAssassin spf* corpus, folded, unfolded, CRLF and mixed") {
  // spamassassin/t/data/nice/spf4-received-spf-nofold (one line)
  auto spf = parse_received_spf(
      "fail (dostech.ca: 69.61.78.188 is authorized to use 'spamassassin@dostech.ca' in 'mfrom' identity "
      "(mechanism 'mx' matched)) receiver=FC5-VPC; identity=mfrom; envelope-from=\"spamassassin@dostech.ca\"; "
      "helo=smtp.dostech.net; client-ip=69.61.78.188");
  REQUIRE(spf);
  check_dostech_fail(*spf);

  // spamassassin/t/data/nice/spf3-received-spf (LF folding, passed still folded)
  spf = parse_received_spf(
      "fail (dostech.ca: 69.61.78.188 is authorized to use\n 'spamassassin@dostech.ca' in 'mfrom' identity "
      "(mechanism 'mx' matched))\n receiver=FC5-VPC; identity=mfrom; envelope-from=\"spamassassin@dostech.ca\";\n"
      " helo=smtp.dostech.net; client-ip=69.61.78.188");
  REQUIRE(spf);
  check_dostech_fail(*spf);

  // spamassassin/t/data/nice/spf5-received-spf-crlf (CRLF folding)
  spf = parse_received_spf(
      "fail (dostech.ca: 69.61.78.188 is authorized to use\r\n 'spamassassin@dostech.ca' in 'mfrom' identity "
      "(mechanism 'mx' matched))\r\n receiver=FC5-VPC; identity=mfrom; "
      "envelope-from=\"spamassassin@dostech.ca\";\r\n helo=smtp.dostech.net; client-ip=69.61.78.188\r");
  REQUIRE(spf);
  check_dostech_fail(*spf);

  // spamassassin/t/data/nice/spf6-received-spf-crlf2 (LF folding, CR before the final LF)
  spf = parse_received_spf(
      "fail (dostech.ca: 69.61.78.188 is authorized to use\n 'spamassassin@dostech.ca' in 'mfrom' identity "
      "(mechanism 'mx' matched))\n receiver=FC5-VPC; identity=mfrom; envelope-from=\"spamassassin@dostech.ca\";\n"
      " helo=smtp.dostech.net; client-ip=69.61.78.188\r");
  REQUIRE(spf);
  check_dostech_fail(*spf);

  // spamassassin/t/data/nice/spf3-received-spf, second field: the HELO identity
  spf = parse_received_spf(
      "softfail (dostech.ca: 69.61.78.188 is authorized to use\n 'dostech.ca' in 'helo' identity (mechanism 'mx' "
      "matched)) receiver=FC5-VPC;\n identity=helo; helo=dostech.ca; client-ip=69.61.78.188");
  REQUIRE(spf);
  CHECK(spf->result == "softfail");
  CHECK(spf->identity == "helo");
  CHECK(spf->helo == "dostech.ca");
  CHECK(spf->client_ip == "69.61.78.188");
  CHECK(spf->envelope_from == "");
  CHECK(spf->receiver == "FC5-VPC");

  // spamassassin/t/data/nice/spf3-received-spf, third field: comment only, filled from it
  spf = parse_received_spf(
      "neutral (herse.apache.org: domain of spamassassin@dostech.ca\n designates 69.61.78.188 as permitted sender)");
  REQUIRE(spf);
  CHECK(spf->result == "neutral");
  CHECK(spf->envelope_from == "spamassassin@dostech.ca");
  CHECK(spf->client_ip == "69.61.78.188");
  CHECK(spf->receiver == "herse.apache.org");
  CHECK(spf->helo == "");
}

TEST_CASE("Received-SPF: Gmail, Outlook and pyspf forms") {
  // rspamd/test/functional/messages/arcallow.eml (Gmail: only client-ip in the list)
  auto spf = parse_received_spf(
      "pass (google.com: domain of testcpsf@outlook.com designates 40.92.74.29 as permitted sender) "
      "client-ip=40.92.74.29;");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->client_ip == "40.92.74.29");
  CHECK(spf->envelope_from == "testcpsf@outlook.com");
  CHECK(spf->receiver == "google.com");

  // phishing_pot/email/sample-1252.eml (IPv6 client)
  spf = parse_received_spf(
      "pass (google.com: domain of beckeyzorien729@hotmail.com designates 2a01:111:f400:fe0e::821 as permitted "
      "sender) client-ip=2a01:111:f400:fe0e::821;");
  REQUIRE(spf);
  CHECK(spf->client_ip == "2a01:111:f400:fe0e::821");
  CHECK(spf->envelope_from == "beckeyzorien729@hotmail.com");

  // phishing_pot/email/sample-3341.eml (Outlook: "domain of" names a domain, not a mailbox)
  spf = parse_received_spf(
      "Fail (protection.outlook.com: domain of stayfriends.de does not designate 109.196.164.107 as permitted "
      "sender) receiver=protection.outlook.com; client-ip=109.196.164.107; helo=veyh.vqqphahuitapocpo.com;");
  REQUIRE(spf);
  CHECK(spf->result == "fail");
  CHECK(spf->receiver == "protection.outlook.com");
  CHECK(spf->client_ip == "109.196.164.107");
  CHECK(spf->helo == "veyh.vqqphahuitapocpo.com");
  CHECK(spf->envelope_from == "");

  // phishing_pot/email/sample-3304.eml (Outlook "transitioning" wording, folded)
  spf = parse_received_spf(
      "SoftFail (protection.outlook.com: domain of transitioning\n outlook.com discourages use of 154.72.77.42 as "
      "permitted sender)");
  REQUIRE(spf);
  CHECK(spf->result == "softfail");
  CHECK(spf->client_ip == "154.72.77.42");
  CHECK(spf->envelope_from == "");
  CHECK(spf->receiver == "protection.outlook.com");

  // phishing_pot/email/sample-432.eml (pyspf: '=' inside a value, receiver=<UNKNOWN>)
  spf = parse_received_spf(
      "Pass (mailfrom) identity=mailfrom; client-ip=216.169.99.25; helo=pn25.mxout.mta2.net; "
      "envelope-from=admin=arbe.org.uk@bounces.elasticemail.net; receiver=<UNKNOWN> ");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->comment == "mailfrom");
  CHECK(spf->identity == "mailfrom");
  CHECK(spf->client_ip == "216.169.99.25");
  CHECK(spf->helo == "pn25.mxout.mta2.net");
  CHECK(spf->envelope_from == "admin=arbe.org.uk@bounces.elasticemail.net");
  CHECK(spf->receiver == "");

  // spamscope-mail-parser/tests/mails/mail_test_17 (CRLF folded, unknown keys ignored)
  spf = parse_received_spf(
      "None (mailb.triara.com: no sender authenticity\r\n  information available from domain of\r\n"
      "  www-data@vps-051e4cda.vps.ovh.net) identity=mailfrom;\r\n  client-ip=152.228.133.10; "
      "receiver=mailb.triara.com;\r\n  envelope-from=\"www-data@vps-051e4cda.vps.ovh.net\";\r\n"
      "  x-sender=\"www-data@vps-051e4cda.vps.ovh.net\";\r\n  x-conformance=spf_only");
  REQUIRE(spf);
  CHECK(spf->result == "none");
  CHECK(spf->identity == "mailfrom");
  CHECK(spf->client_ip == "152.228.133.10");
  CHECK(spf->receiver == "mailb.triara.com");
  CHECK(spf->envelope_from == "www-data@vps-051e4cda.vps.ovh.net");
}

TEST_CASE("Received-SPF: key=value only, and values that are not SPF") {
  auto spf = parse_received_spf("Pass client-ip=192.0.2.7; envelope-from=<Bounce@Mail.Example.COM>; helo=mx.example");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->comment == "");
  CHECK(spf->client_ip == "192.0.2.7");
  CHECK(spf->envelope_from == "Bounce@mail.example.com");
  CHECK(spf->helo == "mx.example");

  // No result word at all: the pairs are still read.
  spf = parse_received_spf("client-ip = 192.0.2.8 ; Envelope-From = \"a@b.example\"; receiver=mx.example");
  REQUIRE(spf);
  CHECK(spf->result == "");
  CHECK(spf->client_ip == "192.0.2.8");
  CHECK(spf->envelope_from == "a@b.example");
  CHECK(spf->receiver == "mx.example");

  // The first of a repeated key wins.
  spf = parse_received_spf("fail client-ip=192.0.2.1; client-ip=198.51.100.1");
  REQUIRE(spf);
  CHECK(spf->client_ip == "192.0.2.1");

  // spamscope-mail-parser/tests/mails/mail_test_14 uses the name for a custom value.
  CHECK_FALSE(parse_received_spf("custom_header1"));
  CHECK_FALSE(parse_received_spf(""));
  CHECK_FALSE(parse_received_spf("   \r\n "));
  CHECK_FALSE(parse_received_spf("(only a comment)"));
}

TEST_CASE("Received-SPF: hostile input") {
  // Unterminated comment: everything after it is comment, the IP is still found there.
  auto spf = parse_received_spf("pass (unterminated comment client-ip=192.0.2.9");
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->comment == "unterminated comment client-ip=192.0.2.9");
  CHECK(spf->client_ip == "");  // "client-ip=192.0.2.9" is not an address word

  spf = parse_received_spf("pass (x: 192.0.2.10 is (nested (deeply)) authorized");
  REQUIRE(spf);
  CHECK(spf->client_ip == "192.0.2.10");
  CHECK(spf->receiver == "x");

  // Unterminated quoted value.
  spf = parse_received_spf("softfail envelope-from=\"abc@Def.Example; helo=x");
  REQUIRE(spf);
  CHECK(spf->envelope_from == "abc@def.example;helo=x");

  // 100k '(' : one unterminated comment, linear time.
  spf = parse_received_spf("neutral " + std::string(100000, '('));
  REQUIRE(spf);
  CHECK(spf->result == "neutral");
  CHECK(spf->client_ip == "");

  // NUL bytes are never terminators, and a value holding one is not read: not
  // "192.0.2.11" and "a" cut from what was written.
  bool unreadable = false;
  spf = parse_received_spf("pass\0(mx: note)\0client-ip=192.0.2.11\0; helo=a\0b; receiver=mx.example"s, &unreadable);
  REQUIRE(spf);
  CHECK(spf->result == "pass");
  CHECK(spf->comment == "mx: note");
  CHECK(spf->client_ip == "");
  CHECK(spf->helo == "");
  CHECK(spf->receiver == "mx.example");
  CHECK(unreadable);
  spf = parse_received_spf("pass envelope-from=\"a\x1b[31m@b.example\"; helo=h.example", &unreadable);
  REQUIRE(spf);
  CHECK(spf->envelope_from == "");
  CHECK(spf->helo == "h.example");
  CHECK(unreadable);
  parse_received_spf("pass envelope-from=a@b.example; helo=h.example", &unreadable);
  CHECK_FALSE(unreadable);
  // A control byte right after '=' is the value's first byte, not a blank before it.
  spf = parse_received_spf("pass helo=\x1b" "evil.example; client-ip=192.0.2.1", &unreadable);
  REQUIRE(spf);
  CHECK(spf->helo == "");
  CHECK(spf->client_ip == "192.0.2.1");
  CHECK(unreadable);

  // A megabyte of pairs and junk.
  std::string big = "pass ";
  while (big.size() < (1u << 20)) big += "x-junk=\"a;b\"; ;;== (c) ";
  big += "client-ip=192.0.2.12";
  spf = parse_received_spf(big);
  REQUIRE(spf);
  CHECK(spf->client_ip == "192.0.2.12");
}

// --- Authentication-Results -------------------------------------------------------

TEST_CASE("Authentication-Results: seed case, Yahoo form with masked authserv-id") {
  // seed/blog-ja-cks-part2.txt
  auto results = parse_authentication_results(
      "********  from=kldoqzn6x62p3.top; domainkeys=neutral (no sig); dkim=neutral (no sig); "
      "header.i=@kldoqzn6x62p3.top");
  REQUIRE(results.size() == 4);
  CHECK(summary(results) ==
        "= header.from=kldoqzn6x62p3.top | domainkeys=neutral | dkim=neutral | = header.i=@kldoqzn6x62p3.top");
  for (const AuthResult& r : results) {
    CHECK(r.authserv_id == "********");
    CHECK(r.arc_instance == 0);
  }
  CHECK(find_property(results[0], "header.from") == "kldoqzn6x62p3.top");
  CHECK(find_property(results[3], "header.i") == "@kldoqzn6x62p3.top");
  CHECK(find_property(results[1], "header.from") == "");

  results = parse_authentication_results(
      "********  from=somach789.xyz; domainkeys=neutral (no sig); dkim=neutral (no sig); header.i=@somach789.xyz");
  REQUIRE(results.size() == 4);
  CHECK(find_property(results[0], "header.from") == "somach789.xyz");

  // sisimai-set-of-emails/maildir/bsd/lhost-yahoo-01.eml
  results = parse_authentication_results(
      "mta508.mail.kks.y.example.co.jp  from=y.example.co.jp; domainkeys=pass (ok); dkim=pass (ok); "
      "header.i=@y.example.co.jp");
  CHECK(summary(results) ==
        "= header.from=y.example.co.jp | domainkeys=pass | dkim=pass | = header.i=@y.example.co.jp");
  CHECK(results[0].authserv_id == "mta508.mail.kks.y.example.co.jp");

  // sisimai-set-of-emails/maildir/bsd/arf-14.eml (a second from= later on)
  results = parse_authentication_results(
      "mta2222.biz.mail.sg2.yahoo.com  from=email-abuse.amazonses.com; domainkeys=neutral (no sig);  "
      "from=arf.mail.yahoo.com; dkim=permerror (bad sig)");
  CHECK(summary(results) ==
        "= header.from=email-abuse.amazonses.com | domainkeys=neutral | = header.from=arf.mail.yahoo.com | "
        "dkim=permerror");
}

TEST_CASE("Authentication-Results: RFC 8601 Appendix B") {
  // B.2: service provided, no authentication done
  CHECK(parse_authentication_results("example.org 1; none").empty());

  // B.3
  auto results = parse_authentication_results("example.com;\r\n          spf=pass smtp.mailfrom=example.net");
  REQUIRE(results.size() == 1);
  CHECK(results[0].authserv_id == "example.com");
  CHECK(summary(results) == "spf=pass smtp.mailfrom=example.net");

  // B.4
  results = parse_authentication_results(
      "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
      "          spf=pass smtp.mailfrom=example.net");
  CHECK(summary(results) == "auth=pass smtp.auth=sender@example.net | spf=pass smtp.mailfrom=example.net");
  results = parse_authentication_results("example.com; iprev=pass\r\n          policy.iprev=192.0.2.200");
  CHECK(summary(results) == "iprev=pass policy.iprev=192.0.2.200");

  // B.5
  results = parse_authentication_results("example.com;\r\n          dkim=pass (good signature) header.d=example.com");
  CHECK(summary(results) == "dkim=pass header.d=example.com");
  results = parse_authentication_results(
      "example.com;\r\n          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n"
      "          spf=fail smtp.mailfrom=example.com");
  CHECK(summary(results) == "auth=pass smtp.auth=sender@example.com | spf=fail smtp.mailfrom=example.com");

  // B.6
  results = parse_authentication_results(
      "mail-router.example.net;\r\n          dkim=pass (good signature) header.d=newyork.example.com\r\n"
      "                header.b=oINEO8hg;\r\n          dkim=fail (bad signature) header.d=mail-router.example.net\r\n"
      "                header.b=EToRSuvU");
  CHECK(summary(results) ==
        "dkim=pass header.d=newyork.example.com header.b=oINEO8hg | "
        "dkim=fail header.d=mail-router.example.net header.b=EToRSuvU");
  CHECK(results[1].authserv_id == "mail-router.example.net");

  // B.7: comments everywhere, a method version, and a property split by comments
  results = parse_authentication_results(
      "foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n"
      "      policy (A dot can go here) . (like that) expired\r\n"
      "      (this surprised me) = (as I wasn't expecting it) 1362471462");
  REQUIRE(results.size() == 1);
  CHECK(results[0].authserv_id == "foo.example.net");
  CHECK(summary(results) == "dkim=fail policy.expired=1362471462");
}

TEST_CASE("Authentication-Results: SpamAssassin authres odd formats") {
  // spamassassin/t/data/nice/authres, authrestest1int..6int
  auto results = parse_authentication_results(
      "authrestest1int;\n    spf=pass smtp.mailfrom=bounce.example.org;\n    dkim=pass header.i=@example.org;\n"
      "    dkim=fail header.i=@another.signing.domain.example");
  CHECK(summary(results) ==
        "spf=pass smtp.mailfrom=bounce.example.org | dkim=pass header.i=@example.org | "
        "dkim=fail header.i=@another.signing.domain.example");
  CHECK(results[2].authserv_id == "authrestest1int");

  results = parse_authentication_results("authrestest2int; dmarc=none (p=none dis=none) header.from=ximian.com");
  CHECK(summary(results) == "dmarc=none header.from=ximian.com");

  results = parse_authentication_results(
      "authrestest4int 2; spf=fail reason (BAH) = \"just some (<>.%&! reason\" smtp.mailfrom=dogma.slashnull.org");
  REQUIRE(results.size() == 1);
  CHECK(results[0].authserv_id == "authrestest4int");
  CHECK(summary(results) == "spf=fail reason=just some (<>.%&! reason smtp.mailfrom=dogma.slashnull.org");

  results = parse_authentication_results(
      " authrestest5int;\n        dkim=pass (2048-bit key; unprotected) header.d=gmail.com header.i=@gmail.com "
      "header.b=SI+iqkld;");
  CHECK(summary(results) == "dkim=pass header.d=gmail.com header.i=@gmail.com header.b=SI+iqkld");

  results = parse_authentication_results(
      "authrestest6int;\n        dkim=fail (2048-bit key; unprotected) header.d=gmail.com "
      "header.i=\" foo bar \\\"xyz\\\"@gmail.com\" header.b=SI+iqkld;");
  REQUIRE(results.size() == 1);
  CHECK(find_property(results[0], "header.i") == " foo bar \"xyz\"@gmail.com");
  CHECK(find_property(results[0], "header.b") == "SI+iqkld");
}

TEST_CASE("Authentication-Results: property-only groups, semicolons in comments, mixed case") {
  // spamassassin/t/data/dkim/arc/ko01.eml (CRLF folded, comment holding ';')
  auto results = parse_authentication_results(
      "sa-test.spamassassin.org; header.From=test@sa-test.spamassassin.org; dkim=pass (\r\n"
      "        message from spamassassin.org verified; );");
  CHECK(summary(results) == "= header.from=test@sa-test.spamassassin.org | dkim=pass");
  CHECK(results[1].authserv_id == "sa-test.spamassassin.org");

  // php-mime-mail-parser/tests/mails/issue84 (a property right after the authserv-id)
  results = parse_authentication_results("pb1.pair.com header.from=tyra3l@gmail.com; sender-id=pass");
  CHECK(summary(results) == "= header.from=tyra3l@gmail.com | sender-id=pass");
  CHECK(results[0].authserv_id == "pb1.pair.com");

  results = parse_authentication_results("Mx.Example.COM; SPF=PASS smtp.MailFrom=User@Example.NET; DKIM/1=None");
  CHECK(results[0].authserv_id == "mx.example.com");
  CHECK(summary(results) == "spf=pass smtp.mailfrom=User@Example.NET | dkim=none");

  // rspamd/test/functional/messages/arcbad.eml (reason, comment after a value)
  results = parse_authentication_results(
      "mail.highsecure.ru; dkim=pass header.d=freebsd.org header.s=dkim header.b=H7pb97c0; dkim=fail (body hash "
      "did not verify) header.d=outlook.com header.s=selector1 header.b=LWxzK+W8; dmarc=fail reason=\"SPF not "
      "aligned (relaxed), DKIM not aligned (relaxed)\" header.from=outlook.com (policy=none);");
  CHECK(summary(results) ==
        "dkim=pass header.d=freebsd.org header.s=dkim header.b=H7pb97c0 | "
        "dkim=fail header.d=outlook.com header.s=selector1 header.b=LWxzK+W8 | "
        "dmarc=fail reason=SPF not aligned (relaxed), DKIM not aligned (relaxed) header.from=outlook.com");
}

TEST_CASE("Authentication-Results: rspamd and mailing-list corpus") {
  // rspamd/test/functional/messages/dmarc/bad_dkim_rspamd.eml (Gmail, CRLF folded)
  auto results = parse_authentication_results(
      "mx.google.com;\r\n       dkim=pass header.i=@rspamd.com header.s=dkim header.b=iuniqXuF;\r\n"
      "       spf=pass (google.com: domain of vsevolod@rspamd.com designates 88.99.142.95 as permitted sender) "
      "smtp.mailfrom=vsevolod@rspamd.com");
  CHECK(summary(results) ==
        "dkim=pass header.i=@rspamd.com header.s=dkim header.b=iuniqXuF | spf=pass smtp.mailfrom=vsevolod@rspamd.com");
  CHECK(results[1].authserv_id == "mx.google.com");

  // rspamd/test/functional/messages/dmarc/no_dkim_valid_spf.eml (tab folded)
  results = parse_authentication_results(
      "mail.highsecure.ru;\r\n\tauth=pass smtp.auth=vsevolod@highsecure.ru smtp.mailfrom=vsevolod@rspamd.com");
  CHECK(summary(results) == "auth=pass smtp.auth=vsevolod@highsecure.ru smtp.mailfrom=vsevolod@rspamd.com");

  // linux-erofs-list-archive/messages/088b12492cdca58c9b27620f4e988164807e1ba5.eml (quoted reason)
  results = parse_authentication_results(
      "lists.ozlabs.org;\n\tdkim=fail reason=\"signature-key hash mismatch\" header.d=postlinkhk.com "
      "header.i=@postlinkhk.com header.a=rsa-sha256 header.s=dkim header.b=gXItldxc;\n\tdkim-atps=neutral");
  REQUIRE(results.size() == 2);
  CHECK(results[0].authserv_id == "lists.ozlabs.org");
  CHECK(find_property(results[0], "reason") == "signature-key hash mismatch");
  CHECK(find_property(results[0], "header.d") == "postlinkhk.com");
  CHECK(find_property(results[0], "header.s") == "dkim");
  CHECK(results[1].method == "dkim-atps");
  CHECK(results[1].result == "neutral");

  // The same file: pyspf's key=value list inside a comment is not read as properties.
  results = parse_authentication_results(
      "lists.ozlabs.org; spf=pass (sender SPF authorized)\n smtp.mailfrom=postlinkhk.com "
      "(client-ip=202.181.141.137;\n helo=gw1.euyansang.hlhk.net;\n"
      " envelope-from=mail_60de707f278fd6.89578701@postlinkhk.com; receiver=<UNKNOWN>)");
  CHECK(summary(results) == "spf=pass smtp.mailfrom=postlinkhk.com");
}

TEST_CASE("Authentication-Results: Microsoft form without authserv-id") {
  // phishing_pot/email/sample-3290.eml
  auto results = parse_authentication_results(
      "spf=neutral (sender IP is 40.95.73.53) smtp.mailfrom=aol.com; dkim=pass (signature was verified) "
      "header.d=aol.com;dmarc=pass action=none header.from=aol.com;compauth=pass reason=100");
  CHECK(summary(results) ==
        "spf=neutral smtp.mailfrom=aol.com | dkim=pass header.d=aol.com | dmarc=pass action=none "
        "header.from=aol.com | compauth=pass reason=100");
  for (const AuthResult& r : results) CHECK(r.authserv_id == "");

  // phishing_pot/email/sample-3878.eml (empty header.from)
  results = parse_authentication_results(
      "spf=none (sender IP is 185.72.8.244) smtp.helo=sevp.ice.dhs.gov; dkim=none (message not signed) "
      "header.d=none;dmarc=none action=none header.from=;");
  CHECK(summary(results) ==
        "spf=none smtp.helo=sevp.ice.dhs.gov | dkim=none header.d=none | dmarc=none action=none header.from=");
}

TEST_CASE("ARC-Authentication-Results: instance tag") {
  // rspamd/test/functional/messages/arcallow.eml, i=2 (Gmail)
  const std::string gmail =
      "i=2; mx.google.com;\n       dkim=pass header.i=@outlook.com header.s=selector1 header.b=CjJhz37G;\n"
      "       arc=pass (i=1);\n       spf=pass (google.com: domain of testcpsf@outlook.com designates 40.92.74.29 "
      "as permitted sender) smtp.mailfrom=testcpsf@outlook.com;\n       dmarc=pass (p=NONE sp=QUARANTINE "
      "dis=NONE) header.from=outlook.com";
  CHECK(arc_instance_of(gmail) == 2);
  auto results = parse_arc_authentication_results(gmail);
  CHECK(summary(results) ==
        "dkim=pass header.i=@outlook.com header.s=selector1 header.b=CjJhz37G | arc=pass | "
        "spf=pass smtp.mailfrom=testcpsf@outlook.com | dmarc=pass header.from=outlook.com");
  for (const AuthResult& r : results) {
    CHECK(r.arc_instance == 2);
    CHECK(r.authserv_id == "mx.google.com");
  }
  // The caller may pass the instance; the leading tag is skipped either way.
  CHECK(summary(parse_authentication_results(gmail, 2)) == summary(results));
  CHECK(parse_authentication_results(gmail, 7)[0].arc_instance == 7);

  // rspamd/test/functional/messages/arcallow.eml, i=1 (Microsoft, with version)
  results = parse_arc_authentication_results("i=1; mx.microsoft.com 1; spf=none; dmarc=none; dkim=none; arc=none");
  CHECK(summary(results) == "spf=none | dmarc=none | dkim=none | arc=none");
  CHECK(results[0].authserv_id == "mx.microsoft.com");
  CHECK(results[3].arc_instance == 1);

  // spamassassin/t/data/dkim/arc/ok01.eml
  results = parse_arc_authentication_results(
      "i=1; sa-test.spamassassin.org; header.From=test@sa-test.spamassassin.org; dkim=pass (\n"
      "        message from spamassassin.org verified; )");
  CHECK(summary(results) == "= header.from=test@sa-test.spamassassin.org | dkim=pass");
  CHECK(results[1].arc_instance == 1);

  CHECK(arc_instance_of(" I = 12 ;x") == 12);
  CHECK(arc_instance_of("(c) i=(c)3(c);") == 3);
  CHECK(arc_instance_of("i=3") == 3);
  CHECK_FALSE(arc_instance_of("mx.google.com; spf=pass"));
  CHECK_FALSE(arc_instance_of("i=; x"));
  CHECK_FALSE(arc_instance_of("i=1x;"));
  CHECK_FALSE(arc_instance_of("i=12345678901;"));
  CHECK_FALSE(arc_instance_of(""));
}

TEST_CASE("Authentication-Results: parsed into a list kept from message to message") {
  const std::string gmail =
      "mx.google.com; dkim=pass header.i=@outlook.com header.s=selector1 header.b=CjJhz37G; arc=pass (i=1); "
      "spf=pass smtp.mailfrom=testcpsf@outlook.com; dmarc=pass header.from=outlook.com";
  const std::string microsoft = "spf=neutral (sender IP is 40.95.73.53) smtp.mailfrom=aol.com; dkim=none";
  std::vector<AuthResult> kept;
  // A longer value first, so the shorter one is written over results that had more.
  size_t end = parse_authentication_results(gmail, 0, kept, 0);
  REQUIRE(end == 4);
  CHECK(summary(kept) == summary(parse_authentication_results(gmail)));
  end = parse_authentication_results(microsoft, 3, kept, 1);
  REQUIRE(end == 3);
  const std::vector<AuthResult> written(kept.begin() + 1, kept.begin() + 3);
  CHECK(summary(written) == summary(parse_authentication_results(microsoft, 3)));
  for (const AuthResult& r : written) {
    CHECK(r.authserv_id == "");
    CHECK(r.arc_instance == 3);
  }
  CHECK(kept[0].method == "dkim");  // before `first`: untouched
  CHECK(kept[3].method == "dmarc");  // after the returned end: left for the caller
  CHECK(parse_authentication_results("", 0, kept, 4) == 4);
}

TEST_CASE("Authentication-Results: hostile input") {
  CHECK(parse_authentication_results("").empty());
  CHECK(parse_authentication_results(";;;;").empty());
  CHECK(parse_authentication_results("=======").empty());

  // Unbalanced comment swallows the rest; what came before stays.
  auto results = parse_authentication_results("mx.example; spf=pass (oops smtp.mailfrom=a@b.example; dkim=pass");
  CHECK(summary(results) == "spf=pass");

  // Unbalanced quote: the value runs to the end.
  results = parse_authentication_results("mx.example; dmarc=fail reason=\"never closed; dkim=pass");
  CHECK(summary(results) == "dmarc=fail reason=never closed; dkim=pass");

  // 100k '(' after a result.
  results = parse_authentication_results("mx.example; spf=fail " + std::string(100000, '('));
  CHECK(summary(results) == "spf=fail");

  // NUL bytes neither end the value nor separate words: what they are glued to
  // is kept whole, so no readable piece ("spf", "a@b.example") is cut from it.
  results = parse_authentication_results("mx.example;\0spf=pass\0smtp.mailfrom=a@b.example"s);
  REQUIRE(results.size() == 1);
  CHECK(results[0].method == "\0spf"s);
  CHECK(results[0].result == "pass\0smtp.mailfrom"s);
  CHECK(results[0].properties.empty());
  results = parse_authentication_results("mx.example; dkim=pass header.d=ev\0il.example header.s=x"s);
  REQUIRE(results.size() == 1);
  CHECK(find_property(results[0], "header.d") == "ev\0il.example"s);
  CHECK(find_property(results[0], "header.s") == "x");

  // Output is bounded: many groups and many properties.
  std::string many = "mx.example";
  for (int k = 0; k < 1000; ++k) many += "; dkim=pass header.d=d" + std::to_string(k) + ".example";
  results = parse_authentication_results(many);
  CHECK(results.size() == kMaxAuthResults);
  std::string wide = "mx.example; dkim=pass";
  for (int k = 0; k < 1000; ++k) wide += " p.p" + std::to_string(k) + "=v";
  results = parse_authentication_results(wide);
  REQUIRE(results.size() == 1);
  CHECK(results[0].properties.size() == kMaxAuthProperties);

  // A megabyte of junk words finishes and finds nothing.
  std::string junk;
  while (junk.size() < (1u << 20)) junk += "a b . / c ";
  CHECK(parse_authentication_results(junk).empty());
}

// --- DKIM-Signature ---------------------------------------------------------------

TEST_CASE("DKIM-Signature: corpus values") {
  // rspamd/test/functional/messages/arcbad.eml (tab folding inside h= and b=)
  auto sig = parse_dkim_signature(
      "v=1; a=rsa-sha256; c=relaxed/relaxed; d=freebsd.org; s=dkim;\n\tt=1599493420; "
      "h=from:from:sender:sender:reply-to:subject:subject:date:date:\n"
      "\t message-id:message-id:to:to:cc:mime-version:mime-version:\n\t content-type:content-type:\n"
      "\t content-transfer-encoding:content-transfer-encoding:list-id:list-help:\n"
      "\t list-unsubscribe:list-subscribe:list-post;\n\tbh=KEklvNYAgI4rodPALAhxWKF6FIuGje3BV2G0j7zhqSo=;\n"
      "\tb=H7pb97c0QZD4Zc7JltI+DXgqONMBy3PRldROVhMw79FLN/Ii04XX8FjGyy14OHavd3qKTF\n"
      "\thgYZbAqC4SScjwRxqJ+Ex+TpNUCWCaGGGkXzNYJR19NLHQcUwYsDUkuWmbmsxwuNAlonmJ\n"
      "\t7XUiaSPe60csOlwwJGs1e7TbXMjv2NHo4Rama0wJa47eCCyj6WDRoq//qSUwmBvICK4eiA\n"
      "\tE0v4dCcT68KOygTxXz7Bzg7uxf6fwMlqX87OMYynQeJygw536cUEGEzdKwZmFIHQpuakTK\n"
      "\tqKNNRYYIvpu4npR+J2gqeygP0E2CD4sNHHX2bOhTjfJNkGFCb0sDN388QnMvWA==");
  REQUIRE(sig);
  CHECK(sig->domain == "freebsd.org");
  CHECK(sig->selector == "dkim");
  CHECK(sig->algorithm == "rsa-sha256");
  CHECK(sig->identity == "");

  // spamassassin/t/data/dkim/arc/ok01.eml (CRLF + tab folding, s= after the folded h=)
  sig = parse_dkim_signature(
      "v=1; a=rsa-sha256; d=sa-test.spamassassin.org; h=from:to\r\n\t:subject:message-id:date:mime-version:"
      "content-type; s=t0768; bh=\r\n\t15pFrAvOGi+eHKJgB6psh6iIBCbvYSuhPj+wQn6C7Ss=; b=ZFopU9lJ/WFWddnO");
  REQUIRE(sig);
  CHECK(sig->domain == "sa-test.spamassassin.org");
  CHECK(sig->selector == "t0768");

  // linux-erofs-list-archive/messages/a1b452c10b11a6a175712bfa3b8228afb4a42ae3.eml (i= with a local part)
  sig = parse_dkim_signature(
      "v=1; a=rsa-sha256; c=relaxed/relaxed; s=key1; d=jabqfmq.cn; "
      "h=Message-ID:From:To:Subject:Date:MIME-Version:Content-Type; i=MyJCB@jabqfmq.cn; "
      "bh=jNI2FnFe2eI7jvRuNFNXFbJcagP2RXMOXakbRArWSJs=; b=IaBWSC0CgMdmYkso9wMamRgrXP");
  REQUIRE(sig);
  CHECK(sig->domain == "jabqfmq.cn");
  CHECK(sig->selector == "key1");
  CHECK(sig->identity == "MyJCB@jabqfmq.cn");
  CHECK(sig->algorithm == "rsa-sha256");

  // linux-erofs-list-archive/messages/1d8072ba01af837c491948791c3030ee5c567a93.eml
  sig = parse_dkim_signature(
      "v=1; a=rsa-sha1; c=relaxed/relaxed; s=key1; d=ofetyu.cn; "
      "h=Message-ID:From:To:Subject:Date:MIME-Version:Content-Type; i=admin@ofetyu.cn; "
      "bh=e0zyzLAjXxAuk0X0D8216HJy9tU=; b=Y47C+KTvs9GU08WPOjvSECqk1djuqdno/1m1Hl0YN+8m+e");
  REQUIRE(sig);
  CHECK(sig->domain == "ofetyu.cn");
  CHECK(sig->identity == "admin@ofetyu.cn");
  CHECK(sig->algorithm == "rsa-sha1");
}

TEST_CASE("DKIM-Signature: case, folding inside values, malformed") {
  auto sig = parse_dkim_signature(" D = Mail.Ex\r\n ample.COM. ; S=Sel\tOne; I=User@Sub.Example.COM; A= rsa-sha256 ");
  REQUIRE(sig);
  CHECK(sig->domain == "mail.example.com");
  CHECK(sig->selector == "SelOne");
  CHECK(sig->identity == "User@sub.example.com");
  CHECK(sig->algorithm == "rsa-sha256");

  sig = parse_dkim_signature("d=first.example; d=second.example");
  REQUIRE(sig);
  CHECK(sig->domain == "first.example");

  sig = parse_dkim_signature("s=only-selector");
  REQUIRE(sig);
  CHECK(sig->domain == "");
  CHECK(sig->selector == "only-selector");

  CHECK_FALSE(parse_dkim_signature(""));
  CHECK_FALSE(parse_dkim_signature("v=1; bh=abc; b=def"));
  CHECK_FALSE(parse_dkim_signature("d; s; ;;; =x"));
  CHECK_FALSE(parse_dkim_signature(std::string(100000, '(')));

  // A tag holding a control byte is not read, rather than read cleaned of it.
  bool unreadable = false;
  sig = parse_dkim_signature("d=a\0b.example; s=x"s, &unreadable);
  REQUIRE(sig);
  CHECK(sig->domain == "");
  CHECK(sig->selector == "x");
  CHECK(unreadable);
  sig = parse_dkim_signature("d=a.example; s=sel\x1b" "ector; d=b.example", &unreadable);
  REQUIRE(sig);
  CHECK(sig->domain == "a.example");
  CHECK(sig->selector == "");
  CHECK(unreadable);
  sig = parse_dkim_signature("d=a\0b.example; d=c.example"s, &unreadable);  // a later tag still counts
  REQUIRE(sig);
  CHECK(sig->domain == "c.example");
  parse_dkim_signature("d=a.example; s=x", &unreadable);
  CHECK_FALSE(unreadable);

  std::string big = "v=1; ";
  while (big.size() < (1u << 20)) big += "h=from:to; ";
  big += "d=late.example";
  sig = parse_dkim_signature(big);
  REQUIRE(sig);
  CHECK(sig->domain == "late.example");
}
