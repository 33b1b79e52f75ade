// Whole-message readings of Received chains: the envelope sender a trusted hop
// noted, Exchange Online chains with and without a trust list, mailbox pickups, and
// which hop names become graph entities. Real headers from tests/data where the
// corpus has the shape; the rest are the same shapes with documentation names.
#include <doctest/doctest.h>

#include <string>

#include "collectors/analyze.h"
#include "core/domain.h"
#include "core/observation.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

constexpr const char* kMicrosoftTrust = "*.outlook.com,*.mail.protection.outlook.com";

Evidence analyze_text(const std::string& message, const std::string& trusted = "") {
  AnalysisOptions options;
  options.body_urls = false;
  if (!trusted.empty()) options.trust = TrustConfig::parse(trusted).value();
  Analyzer analyzer(options);
  return analyzer.analyze(message, MessageSource{SourceKind::eml, "test.eml", 0, 0, 0});
}

Evidence analyze_corpus_file(const std::string& relative, const std::string& trusted = "") {
  return analyze_text(read_file(corpus_path(relative)), trusted);
}

/// "TTTT.." for hops 0-3 trusted and the rest not.
std::string trust_marks(const Evidence& evidence) {
  std::string marks;
  for (const Hop& hop : evidence.hops) marks += hop.trusted ? 'T' : '.';
  return marks;
}

std::string origin_ip(const Evidence& evidence) {
  if (evidence.origin_hop < 0) return "(none)";
  const Hop& hop = evidence.hops[static_cast<size_t>(evidence.origin_hop)];
  return hop.from_ip ? hop.from_ip->to_string() : "(no address)";
}

bool has_observation(const Evidence& evidence, const std::string& relation, const std::string& value) {
  for (const Observation& observation : observations_from_evidence(evidence))
    if (observation.relation.text() == relation && observation.object.key == value) return true;
  return false;
}

// Exchange Online, one tenant, seen from the mailbox: the shape of most inbound
// mail there. The internal hand-overs name machines by host label under three
// domains (prod.outlook.com, prod.exchangelabs.com, outlook.office365.com).
const std::string kTenantChain =
    "Received: from CY5PR19MB6447.namprd19.prod.outlook.com (::1) by MN0PR19MB6312.namprd19.prod.outlook.com "
    "with HTTPS; Tue, 12 Sep 2023 00:58:24 +0000\n"
    "Received: from AM6PR01CA0041.eurprd01.prod.exchangelabs.com (2603:10a6:20b:e0::18) by "
    "CY5PR19MB6447.namprd19.prod.outlook.com (2603:10b6:930:3d::11) with Microsoft SMTP Server (version=TLS1_2, "
    "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6768.31; Tue, 12 Sep 2023 00:58:20 +0000\n"
    "Received: from VI1EUR04FT031.eop-eur04.prod.protection.outlook.com (2603:10a6:20b:e0:cafe::7b) by "
    "AM6PR01CA0041.outlook.office365.com (2603:10a6:20b:e0::18) with Microsoft SMTP Server (version=TLS1_2, "
    "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6768.36 via Frontend Transport; Tue, 12 Sep 2023 "
    "00:58:19 +0000\n"
    "Received: from {SENDER} by VI1EUR04FT031.mail.protection.outlook.com (10.152.28.254) with Microsoft SMTP "
    "Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6792.17 via Frontend "
    "Transport; Tue, 12 Sep 2023 00:58:19 +0000\n";

std::string tenant_chain(const std::string& sender, const std::string& below = "") {
  std::string chain = kTenantChain;
  chain.replace(chain.find("{SENDER}"), 8, sender);
  return chain + below + "From: a@example.com\nSubject: x\n\nbody\n";
}

}  // namespace

TEST_CASE("readings: Exchange Online inbound, with and without a trust list, names the sender at the frontend") {
  // tests/data: mimekit's bounce.txt, a real Exchange Online chain.
  for (const std::string& trusted : {std::string{}, std::string{kMicrosoftTrust}}) {
    CAPTURE(trusted);
    const Evidence evidence = analyze_corpus_file("mimekit/UnitTests/TestData/messages/bounce.txt", trusted);
    CHECK(origin_ip(evidence) == "185.132.181.12");
    CHECK(evidence.origin_is_fact);
    CHECK(evidence.hops[static_cast<size_t>(evidence.origin_hop)].from_helo == "dispatchb-eu1.ppe-hosted.com");
    CHECK(trust_marks(evidence) == "TTTT..");
    CHECK_FALSE(has_indicator(evidence, "relay-ip", "2603:10a6:600:197::17", true));  // Microsoft's own relay
  }
  // The same with exchangelabs.com and office365.com names on the way.
  for (const std::string& trusted : {std::string{}, std::string{kMicrosoftTrust}}) {
    CAPTURE(trusted);
    const Evidence evidence = analyze_text(tenant_chain("mail.example.org (192.0.2.25)"), trusted);
    CHECK(origin_ip(evidence) == "192.0.2.25");
    CHECK(evidence.origin_is_fact);
    CHECK(evidence.hops[3].from_helo == "mail.example.org");
    CHECK(trust_marks(evidence) == "TTTT");
  }
}

TEST_CASE("readings: mail from another tenant stops at this tenant's frontend, not inside the other one") {
  // Microsoft's outbound servers hand over to the frontend; the sending tenant's
  // own hops below look like ours by name and must stay claims.
  const std::string sending_tenant =
      "Received: from SJ0PR03MB5951.namprd03.prod.outlook.com (2603:10b6:a03:2de::13) by "
      "LV3PR03MB7359.namprd03.prod.outlook.com (2603:10b6:408:1a2::10) with Microsoft SMTP Server "
      "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6678.26; Tue, 12 Sep 2023 "
      "00:58:10 +0000\n";
  for (const std::string& trusted : {std::string{}, std::string{kMicrosoftTrust}}) {
    CAPTURE(trusted);
    const Evidence evidence =
        analyze_text(tenant_chain("NAM11-BN8-obe.outbound.protection.outlook.com (40.92.20.10)", sending_tenant),
                     trusted);
    CHECK(origin_ip(evidence) == "40.92.20.10");
    CHECK(trust_marks(evidence) == "TTTT.");
  }
}

TEST_CASE("readings: a sender calling itself outlook.com at the frontend stays the origin") {
  // A real spam trick: HELO "outlook.com", and a forged hop below that claims more.
  const std::string forged =
      "Received: from ABCD1234XYZ.outlook.com (198.51.100.9) by outlook.com with SMTP id 1; Tue, 12 Sep 2023 "
      "00:58:00 +0000\n";
  for (const std::string& trusted : {std::string{}, std::string{kMicrosoftTrust}}) {
    CAPTURE(trusted);
    const Evidence evidence = analyze_text(tenant_chain("outlook.com (203.0.113.77)", forged), trusted);
    CHECK(origin_ip(evidence) == "203.0.113.77");
    CHECK_FALSE(evidence.hops[4].trusted);
  }
}

TEST_CASE("readings: a mailbox pickup is not a relay, the walk goes on at the provider's hops below it") {
  // tests/data: SpamAssassin's spam/003, fetched with fetchmail over IMAP.
  const Evidence evidence = analyze_corpus_file("spamassassin/t/data/spam/003");
  REQUIRE(evidence.hops.size() >= 3);
  CHECK(evidence.hops[1].pickup);
  CHECK_FALSE(evidence.hops[1].is_hop);
  CHECK(origin_ip(evidence) == "193.120.149.226");  // not the user's own IMAP server, 212.17.35.15
  CHECK(evidence.origin_is_fact);
  for (const Indicator& indicator : evidence.indicators) CHECK(indicator.value != "212.17.35.15");
}

TEST_CASE("readings: with no Return-Path the envelope sender is the one the first trusted hop noted") {
  // tests/data: rspamd's received1.eml, FreeBSD's Postfix writing it after the date.
  const Evidence freebsd = analyze_corpus_file("rspamd/test/functional/messages/received1.eml");
  CHECK(freebsd.envelope_from == "upwest201diana@outlook.com");
  CHECK(has_indicator(freebsd, "envelope-from", "upwest201diana@outlook.com", true));
  CHECK(has_observation(freebsd, "envelope-from", "upwest201diana@outlook.com"));

  const std::string exim_hop =
      "Received: from mail.example.org ([192.0.2.7] helo=mail.example.org) by mx.example.net with esmtps (Exim "
      "4.96) (envelope-from <bounce@example.org>) id 1qAbCd-000123-Xy; Tue, 12 Sep 2023 00:58:00 +0000\n";
  const std::string claimed_below =
      "Received: from x ([198.51.100.3]) by mail.example.org with esmtp (Exim 4.96) (envelope-from "
      "<claimed@example.com>) id 1qAbCc-000122-Xy; Tue, 12 Sep 2023 00:57:00 +0000\n";
  const std::string tail = "From: a@example.com\nSubject: x\n\nbody\n";

  const Evidence noted = analyze_text(exim_hop + tail);
  CHECK(noted.envelope_from == "bounce@example.org");
  CHECK(has_indicator(noted, "envelope-from", "bounce@example.org", true));

  // Only the hop below the boundary noted one: a claim, kept in its hop.
  const Evidence claim = analyze_text(exim_hop.substr(0, exim_hop.find("(envelope-from")) +
                                          "id 1qAbCd-000123-Xy; Tue, 12 Sep 2023 00:58:00 +0000\n" + claimed_below +
                                          tail,
                                      "mx.example.net");
  CHECK(claim.envelope_from.empty());
  REQUIRE(claim.hops.size() == 2);
  CHECK(claim.hops[1].envelope_from == "claimed@example.com");
  CHECK_FALSE(claim.hops[1].trusted);

  // A Return-Path, written at final delivery, comes first.
  const Evidence return_path = analyze_text("Return-Path: <final@example.net>\n" + exim_hop + tail);
  CHECK(return_path.envelope_from == "final@example.net");
}

TEST_CASE("readings: local names are reported as recorded, and the graph keeps no entity for them") {
  const Evidence evidence = analyze_text(
      "Received: from boromir.example.org (localhost.localdomain [127.0.0.1]) by mx.example.org (Postfix) with "
      "ESMTP id 4SYs; Tue, 12 Sep 2023 00:58:00 +0000\n"
      "Received: from [198.51.100.20] (mx.corp [198.51.100.20]) by boromir.example.org (Postfix) with ESMTP id "
      "4SYr; Tue, 12 Sep 2023 00:57:00 +0000\n"
      "From: a@example.com\nSubject: x\n\nbody\n");
  REQUIRE(evidence.hops.size() == 2);
  CHECK(evidence.hops[0].from_rdns == "localhost.localdomain");
  CHECK(evidence.hops[1].from_helo == "[198.51.100.20]");
  CHECK(evidence.hops[1].from_rdns == "mx.corp");
  CHECK(has_observation(evidence, "sent-from", "198.51.100.20"));
  CHECK_FALSE(has_observation(evidence, "ptr", "mx.corp"));
  CHECK_FALSE(has_observation(evidence, "ptr", "localhost.localdomain"));
  CHECK_FALSE(has_observation(evidence, "helo", "[198.51.100.20]"));
  for (const Indicator& indicator : evidence.indicators) {
    CHECK(indicator.value != "mx.corp");
    CHECK(indicator.value != "localhost.localdomain");
  }
  CHECK(is_local_use_name("localhost.localdomain"));
  CHECK(is_local_use_name("printer.home.arpa"));
  CHECK_FALSE(is_local_use_name("example.com"));
  CHECK_FALSE(is_local_use_name("notlocal.com"));
}
