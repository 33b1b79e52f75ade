#include <doctest/doctest.h>

#include <thread>

#include "collectors/trust.h"

using namespace sg;

namespace {

Hop hop(const char* ip, const char* helo, const char* rdns, const char* by) {
  Hop h;
  if (*ip) h.from_ip = IpAddress::parse(ip);
  h.from_helo = helo;
  h.from_rdns = rdns;
  h.by = by;
  return h;
}

}  // namespace

TEST_CASE("trust lists accept names, wildcards and prefixes, and name what they reject") {
  auto config = TrustConfig::parse("mx1.example.net, *.corp.example  192.0.2.0/24;2001:db8::/32");
  REQUIRE(config);
  CHECK(config->trusts_host("MX1.example.net."));
  CHECK(config->trusts_host("relay.corp.example"));
  CHECK_FALSE(config->trusts_host("corp.example"));
  CHECK(config->trusts_ip(*IpAddress::parse("192.0.2.77")));
  CHECK(config->trusts_host("2001:db8::25"));
  auto bad = TrustConfig::parse("mx1.example.net, not a$host");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().where == "a$host");
}

TEST_CASE("configured trust: the origin is the first outside sender a trusted hop saw") {
  std::vector<Hop> hops = {
      hop("192.0.2.5", "relay.corp.example", "relay.corp.example", "mx1.example.net"),
      hop("198.51.100.7", "spammer.example", "", "relay.corp.example"),
      hop("203.0.113.9", "forged.example", "", "fake.trusted.example"),
  };
  auto config = TrustConfig::parse("mx1.example.net *.corp.example 192.0.2.0/24");
  REQUIRE(config);
  bool fact = false;
  TrustScratch scratch;
  CHECK(mark_trust(hops, *config, scratch, fact) == 1);
  CHECK(fact);
  CHECK(hops[0].trusted);
  CHECK(hops[1].trusted);
  CHECK_FALSE(hops[2].trusted);  // below the boundary everything is a claim
}

TEST_CASE("inferred trust: the receiving side's own relays and private hops") {
  std::vector<Hop> hops = {
      hop("10.0.0.5", "filter", "", "mx2.mail.example.jp"),
      hop("198.51.100.7", "sender.example", "sender.example", "mx1.mail.example.jp"),
      hop("203.0.113.9", "x", "", "sender.example"),
  };
  bool fact = false;
  TrustScratch scratch;
  CHECK(mark_trust(hops, TrustConfig{}, scratch, fact) == 1);
  CHECK(fact);
  CHECK(hops[0].trusted);
  CHECK(hops[1].trusted);
  CHECK_FALSE(hops[2].trusted);
}

TEST_CASE("a paste with no `by` parts trusts nothing and names the deepest public sender") {
  std::vector<Hop> hops = {
      hop("114.113.195.101", "re27.leadw.link", "", ""),
      hop("103.244.54.137", "kldoqzn6x62p3.top", "static-ip.137.54.244.103.rev.i4hk.com", ""),
  };
  bool fact = true;
  TrustScratch scratch;
  CHECK(mark_trust(hops, TrustConfig{}, scratch, fact) == 1);
  CHECK_FALSE(fact);
  CHECK_FALSE(hops[0].trusted);
}

TEST_CASE("internal mail has no origin") {
  std::vector<Hop> hops = {hop("127.0.0.1", "localhost", "localhost", "mail.example.org")};
  bool fact = false;
  TrustScratch scratch;
  CHECK(mark_trust(hops, TrustConfig{}, scratch, fact) == -1);
}

// mark_trust keeps its buffers in the caller's scratch; what one call learnt (the
// receiving side, the provider's other domains) must not carry over into the next.
TEST_CASE("inferred trust: a call knows nothing of the previous one") {
  auto origin_of = [](std::vector<Hop> hops, TrustScratch& scratch) {
    bool fact = false;
    return mark_trust(hops, TrustConfig{}, scratch, fact);
  };
  // Teaches the policy that example.net belongs to example.com's provider.
  const std::vector<Hop> provider = {
      hop("198.51.100.1", "ab12.prod.example.com", "", "mx.example.com"),
      hop("198.51.100.3", "x", "", "ab12.other.example.net"),
  };
  const std::vector<Hop> stranger = {hop("198.51.100.2", "relay.example.net", "relay.example.net", "mx.example.org")};
  TrustScratch fresh, scratch;
  CHECK(origin_of(stranger, fresh) == 0);
  CHECK(origin_of(provider, scratch) == 1);  // its relay in example.net is trusted: learnt
  CHECK(origin_of(stranger, scratch) == 0);
}
