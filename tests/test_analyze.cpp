// Header analysis of real messages: origin, trust, indicators.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli/evidence_json.h"
#include "collectors/analyze.h"
#include "collectors/header_block.h"
#include "core/hash.h"
#include "tests/helpers.h"
#include "tests/into_results.h"

using namespace sg;

namespace {

// A message of the extra corpus folder `extra` (see extra_corpus()).
Evidence analyze_file(const std::string& extra, const std::string& relative, const std::string& trusted = "") {
  AnalysisOptions options;
  if (!trusted.empty()) options.trust = TrustConfig::parse(trusted).value();
  Analyzer analyzer(options);
  return analyzer.analyze(read_file(extra + "/" + relative), MessageSource{SourceKind::eml, relative, 0, 0, 0});
}

const Hop& origin(const Evidence& evidence) {
  REQUIRE(evidence.origin_hop >= 0);
  return evidence.hops[static_cast<size_t>(evidence.origin_hop)];
}

}  // namespace

TEST_CASE("analyze: Exchange Online's internal hops are the recipient's, the origin is Amazon SES") {
  const auto extra = extra_corpus();
  if (!extra) return;
  const Evidence evidence = analyze_file(*extra, "phishing_pot/email/sample-1007.eml");
  CHECK(origin(evidence).from_ip->to_string() == "69.169.224.12");
  CHECK(evidence.origin_is_fact);
  CHECK(evidence.hops[0].trusted);
  CHECK(evidence.time_source == "trusted-hop");
  CHECK(has_indicator(evidence, "origin-ip", "69.169.224.12"));
  CHECK_FALSE(has_indicator(evidence, "relay-ip", "2603:10b6:a03:4c3::16"));  // the provider's own relay
  CHECK(has_indicator(evidence, "dkim-domain", "amazonses.com"));
  CHECK(has_indicator(evidence, "header-from", "auswestbc.com.au"));
}

TEST_CASE("analyze: a configured trust list decides, and hops below it are claims") {
  // Without configuration the topmost `by` is ours; with a list naming only a
  // host that never appears, nothing is trusted and the chain's claim is used.
  const auto extra = extra_corpus();
  if (!extra) return;
  const Evidence inferred = analyze_file(*extra, "phishing_pot/email/sample-1007.eml");
  const Evidence strict = analyze_file(*extra, "phishing_pot/email/sample-1007.eml", "mx.example.invalid");
  CHECK(inferred.origin_is_fact);
  CHECK_FALSE(strict.origin_is_fact);
  for (const Hop& hop : strict.hops) CHECK_FALSE(hop.trusted);
}

TEST_CASE("analyze: the same header block stored with CRLF or LF is one message") {
  std::string lf = "Received: from a.example (a.example [192.0.2.1]) by mx.example.net; Tue, 29 Aug 2023 16:20:12 +0000\n"
                   "From: x@a.example\nSubject: hi\n\nbody\n";
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  Analyzer analyzer{AnalysisOptions{}};
  CHECK(analyzer.analyze(lf, {}).header_hash == analyzer.analyze(crlf, {}).header_hash);
  CHECK(analyzer.analyze(lf, {}).header_hash != analyzer.analyze(lf + "X", {}).header_hash + "x");
}

TEST_CASE("analyze: the identity drops every CR LF of the header block wherever it is, and nothing else") {
  // The plain meaning: the header block with each CR LF made LF, hashed. A CR LF on
  // any one line (the blank line that ends the block included), lone CRs, and a
  // block that ends the message with a bare CR.
  const auto expected_hash = [](const std::string& message) {
    const std::string_view raw = into::header_block(message).raw;
    std::string lf;
    for (size_t i = 0; i < raw.size(); ++i)
      if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) lf += raw[i];
    return into::sha256_hex(lf);
  };
  const std::vector<std::string> lines = {"Received: from a.example by mx.example.net; Tue, 29 Aug 2023 16:20:12 +0000",
                                          "From: x@a.example", "Subject: h\ri", "", "body"};
  Analyzer analyzer{AnalysisOptions{}};
  for (size_t crlf_line = 0; crlf_line <= lines.size(); ++crlf_line) {
    std::string message;
    for (size_t k = 0; k < lines.size(); ++k) message += lines[k] + (k == crlf_line ? "\r\n" : "\n");
    CAPTURE(crlf_line);
    CHECK(analyzer.analyze(message, {}).header_hash == expected_hash(message));
  }
  for (const std::string message : {"From: x@a.example\nSubject: s\r", "From: x@a.example\r\nSubject: s\r",
                                    "Subject: a\r\r\n\nbody", "Subject: \r"}) {
    CAPTURE(message);
    CHECK(analyzer.analyze(message, {}).header_hash == expected_hash(message));
  }
}

TEST_CASE("analyze: the message time is the first trusted hop's stamp, not the sender's Date") {
  const std::string message =
      "Received: from relay.example (relay.example [198.51.100.7]) by mx.example.net with ESMTP; Tue, 29 Aug 2023 16:20:12 +0000\n"
      "Date: Mon, 1 Jan 2001 00:00:00 +0000\n"
      "From: a@relay.example\n\n";
  Analyzer analyzer{AnalysisOptions{}};
  const Evidence evidence = analyzer.analyze(message, {});
  CHECK(format_iso8601(evidence.time) == "2023-08-29T16:20:12Z");
  CHECK(evidence.time_source == "trusted-hop");
  Analyzer untrusted{AnalysisOptions{TrustConfig::parse("other.example").value(), true, 0}};
  CHECK(untrusted.analyze(message, {}).time_source == "date-header");
}

TEST_CASE("analyze: arbitrary bytes never crash and are reported") {
  Analyzer analyzer{AnalysisOptions{}};
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk += static_cast<char>((i * 7919) % 256);
  const Evidence evidence = analyzer.analyze(junk, {});
  CHECK(evidence.header_hash.size() == 64);
  const Evidence empty = analyzer.analyze("", {});
  CHECK(empty.hops.empty());
  CHECK(empty.origin_hop == -1);
}

TEST_CASE("analyze: analysing into a reused Evidence gives what a fresh one gets") {
  // Messages of every size and shape one after the other, so that fields, hops and
  // indicators left from a longer or richer message would show.
  const auto extra = extra_corpus();
  if (!extra) return;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(*extra + "/phishing_pot/email"))
    if (entry.path().extension() == ".eml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 40);
  files.resize(40);
  files.push_back(*extra + "/phishing_pot/email/sample-1007.eml");  // a long one after short ones
  Analyzer reused_analyzer({}), fresh_analyzer({});
  Evidence reused;
  for (const std::string& file : files) {
    const std::string message = read_file(file);
    const MessageSource source{SourceKind::eml, file, 0, 0, 0};
    reused_analyzer.analyze(message, source, reused);
    const Evidence fresh = fresh_analyzer.analyze(message, source);
    INFO(file);
    CHECK(evidence_to_json(reused).dump() == evidence_to_json(fresh).dump());
    CHECK(reused.raw_headers == fresh.raw_headers);
  }
  // An empty message after all of them leaves nothing behind.
  reused_analyzer.analyze("", MessageSource{SourceKind::eml, "empty", 0, 0, 0}, reused);
  CHECK(evidence_to_json(reused).dump() == evidence_to_json(fresh_analyzer.analyze("", {SourceKind::eml, "empty", 0, 0, 0})).dump());
  CHECK(reused.indicators.empty());
  CHECK(reused.hops.empty());
}

TEST_CASE("analyze: field names are read in any case, and names one byte off are other fields") {
  Analyzer analyzer{AnalysisOptions{}};
  const Evidence evidence = analyzer.analyze(
      "rECEIVED: from helo.example.net (rdns.example.net [198.51.100.7]) by mx.example.org; "
      "Tue, 29 Aug 2023 16:20:12 +0000\n"
      "FROM: A <a@from.example>\n"
      "reply-TO: b@reply.example\n"
      "Message-iD: <1@msgid.example>\n"
      "SUBJECT: hello\n"
      "Rec_ived: from fake.example (fake.example [203.0.113.9]) by mx.example.org; Tue, 29 Aug 2023 16:20:12 +0000\n"
      "Fr@m: c@wrong.example\n"
      "Date_: Tue, 29 Aug 2023 16:20:12 +0000\n"
      "Subjecu: not this one\n"
      "\n",
      {});
  REQUIRE(evidence.hops.size() == 1);
  CHECK(evidence.hops[0].from_helo == "helo.example.net");
  CHECK(evidence.header_from == "a@from.example");
  CHECK(evidence.reply_to == "b@reply.example");
  CHECK(evidence.message_id == "1@msgid.example");
  CHECK(evidence.subject == "hello");
  CHECK_FALSE(evidence.date);  // "Date_" is not Date
  CHECK_FALSE(has_indicator(evidence, "header-from", "wrong.example"));
}

TEST_CASE("analyze: a URL's domain is lowered and IDNA-encoded whatever the case of its host") {
  Analyzer analyzer{AnalysisOptions{}};
  const Evidence evidence = analyzer.analyze(
      "From: a@example.org\n"
      "List-Unsubscribe: <https://B\xC3\x9C" "CHER.Example/u>, <http://Unsub.EXAMPLE.net/u>\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "see http://WWW.Example.COM/x\n",
      {});
  CHECK(has_indicator(evidence, "url-domain", "www.example.com"));
  CHECK(has_indicator(evidence, "list-unsubscribe", "xn--bcher-kva.example"));
  CHECK(has_indicator(evidence, "list-unsubscribe", "https://xn--bcher-kva.example/u"));  // not B\xC3\x9CCHER
  CHECK(has_indicator(evidence, "list-unsubscribe", "unsub.example.net"));
}

namespace {

bool has_problem(const Evidence& evidence, const std::string& text) {
  return std::find(evidence.problems.begin(), evidence.problems.end(), text) != evidence.problems.end();
}

bool has_value(const Evidence& evidence, const std::string& value) {
  for (const Indicator& indicator : evidence.indicators)
    if (indicator.value == value) return true;
  return false;
}

}  // namespace

TEST_CASE("analyze: hosts in Unicode are indicators as A-labels, the Unicode form stays where it was written") {
  Analyzer analyzer{AnalysisOptions{}};
  const Evidence evidence = analyzer.analyze(
      "Received: from b\xC3\xBC" "cher.example (mx.example.org [198.51.100.7]) by mx.victim.example; "
      "Tue, 29 Aug 2023 16:20:12 +0000\n"
      "From: User <user@B\xC3\x9C" "CHER.de>\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "see http://b\xC3\xBC" "cher.de/x and http://\xE4\xBE\x8B\xE3\x81\x88.jp/path\n",
      {});
  REQUIRE(evidence.hops.size() == 1);
  CHECK(evidence.hops[0].from_helo == "b\xC3\xBC" "cher.example");
  CHECK(has_indicator(evidence, "helo", "xn--bcher-kva.example"));
  CHECK(evidence.header_from == "user@b\xC3\x9C" "cher.de");  // as written, its domain lowered in ASCII only
  CHECK(has_indicator(evidence, "header-from", "user@xn--bcher-kva.de"));
  CHECK(has_indicator(evidence, "header-from", "xn--bcher-kva.de"));
  // Before: "http://b/" and nothing for the second.
  CHECK(has_indicator(evidence, "url", "http://xn--bcher-kva.de/x"));
  CHECK(has_indicator(evidence, "url-domain", "xn--bcher-kva.de"));
  CHECK(has_indicator(evidence, "url", "http://xn--r8jz45g.jp/path"));
  CHECK(has_indicator(evidence, "url-domain", "xn--r8jz45g.jp"));
  CHECK_FALSE(has_value(evidence, "http://b/"));
  CHECK(evidence.problems.empty());
}

TEST_CASE("analyze: values with a control byte are reported unreadable, never cut or cleaned into indicators") {
  using namespace std::string_literals;
  Analyzer analyzer{AnalysisOptions{}};
  const Evidence evidence = analyzer.analyze(
      "Received: from evil.example.com\0junk (mx.example.org [198.51.100.7]) by mx.victim.example; "
      "Tue, 29 Aug 2023 16:20:12 +0000\n"
      "From: <attacker\x1b[31m@evil.top>, other@fine.example\n"
      "Reply-To: attacker\x1b[31m@evil2.top\n"
      "Sender: <s\x01@evil3.top>\n"
      "Return-Path: <a\0b@rp.top>\n"
      "Message-ID: <abc@evil\0.com>\n"
      "DKIM-Signature: v=1; d=ev\0il.com; s=x\n"
      "Authentication-Results: mx.victim.example; dkim=pass header.d=dk\0im.example; "
      "spf=pass smtp.mailfrom=m\x1b@mf.example\n"
      "List-Unsubscribe: <http://un\0sub.example/u>, <mailto:u\x1b@unsub.example>\n"
      "Content-Type: text/plain\n"
      "\n"
      "http://ev\0il.example/x\n"s,
      {});
  REQUIRE(evidence.hops.size() == 1);
  CHECK(evidence.hops[0].from_helo.empty());
  CHECK(evidence.header_from == "other@fine.example");
  CHECK(evidence.reply_to.empty());
  CHECK(evidence.sender.empty());
  CHECK(evidence.envelope_from.empty());
  CHECK(evidence.message_id.empty());
  REQUIRE(evidence.dkim.size() == 1);
  CHECK(evidence.dkim[0].domain.empty());
  for (const char* cut : {"evil.example.com", "attacker[31m@evil.top", "[31m@evil2.top", "evil.top", "evil2.top",
                                 "evil3.top", "ab@rp.top", "rp.top", "evil.com", "dkim.example", "mf.example",
                                 "unsub.example", "http://ev/", "il.example"})
    CHECK_MESSAGE(!has_value(evidence, cut), cut);
  CHECK(has_indicator(evidence, "header-from", "other@fine.example"));
  for (const char* problem :
       {"line 1: Received: HELO name holds a control byte, not read", "From: an address holds a control byte, not read",
        "Reply-To: an address holds a control byte, not read", "Sender: the address holds a control byte, not read",
        "Return-Path: the address holds a control byte, not read", "Message-ID: the id holds a control byte, not read",
        "DKIM-Signature: a tag holds a control byte, not read",
        "Authentication-Results: header.d holds a control byte, not read",
        "Authentication-Results: smtp.mailfrom holds a control byte, not read",
        "List-Unsubscribe: a URI holds a control byte, not read",
        "body: URL not read, its host holds a control byte: http://ev\\x00il.example/x"})
    CHECK_MESSAGE(has_problem(evidence, problem), problem);
}
