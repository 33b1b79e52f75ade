// Pure DNS helpers: server strings, reverse names, SPF terms, the wire parser.
#include <doctest/doctest.h>

#include "enrich/dns/resolver.h"
#include "enrich/dns/reverse.h"
#include "enrich/dns/spf.h"
#include "enrich/dns/wire.h"

using sg::IpAddress;
using namespace sg::dns;

TEST_CASE("dns: parse_server accepts IP literals with optional ports") {
  CHECK(parse_server("127.0.0.1:10053")->to_string() == "127.0.0.1:10053");
  CHECK(parse_server("9.9.9.9")->to_string() == "9.9.9.9:53");
  CHECK(parse_server("[127.0.0.1]:5353")->to_string() == "127.0.0.1:5353");
  CHECK(parse_server("2001:db8::1")->to_string() == "[2001:db8::1]:53");
  CHECK(parse_server("[2001:db8::1]:853")->to_string() == "[2001:db8::1]:853");
}

TEST_CASE("dns: parse_server rejects bad resolver strings with a clear error") {
  for (const char* bad : {"", "dns.google", "dns.google:53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                          "127.0.0.1:53x", "[2001:db8::1", "[2001:db8::1]53", "300.1.1.1", "IPv6:::1"}) {
    CAPTURE(bad);
    auto server = parse_server(bad);
    REQUIRE_FALSE(server);
    CHECK(server.error().to_string().find("--resolver '" + std::string(bad) + "'") == 0);
  }
  CHECK(parse_server("dns.google").error().message.find("not an IP address") != std::string::npos);
  CHECK(parse_server("1.1.1.1:99999").error().message.find("1 to 65535") != std::string::npos);
}

TEST_CASE("dns: Resolver::create validates options") {
  ResolverOptions options;
  options.servers = {"127.0.0.1:53", "resolver.example"};
  auto resolver = Resolver::create(options);
  REQUIRE_FALSE(resolver);
  CHECK(resolver.error().where == "--resolver 'resolver.example'");
  options.servers = {"127.0.0.1"};
  options.max_in_flight = 0;
  CHECK(Resolver::create(options).error().where == "max_in_flight");
  options.max_in_flight = 1;
  options.timeout_ms = 0;
  CHECK(Resolver::create(options).error().where == "timeout_ms");
  options.timeout_ms = 10;
  CHECK(Resolver::create(options));
}

TEST_CASE("dns: reverse names for IPv4 and IPv6, and back") {
  const auto v4 = *IpAddress::parse("103.244.54.137");
  CHECK(reverse_name(v4) == "137.54.244.103.in-addr.arpa");
  CHECK(address_from_reverse_name("137.54.244.103.IN-ADDR.ARPA.") == v4);
  const auto v6 = *IpAddress::parse("2001:db8::25");
  CHECK(reverse_name(v6) == "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  CHECK(address_from_reverse_name(reverse_name(v6)) == v6);
  CHECK_FALSE(address_from_reverse_name("54.244.103.in-addr.arpa"));
  CHECK_FALSE(address_from_reverse_name("x.54.244.103.in-addr.arpa"));
  CHECK_FALSE(address_from_reverse_name("example.com"));
}

TEST_CASE("dns: SPF terms") {
  auto spf = parse_spf("v=spf1 ip4:114.113.195.0/24 -ip4:10.0.0.1 ip6:2001:db8::/32 include:_spf.leadw.link "
                       "a a:mail.example/28 ~mx mx:mx.example ptr redirect=_spf.example -all");
  REQUIRE(spf);
  CHECK(spf->ip4 == std::vector<std::string>{"114.113.195.0/24", "10.0.0.1"});
  CHECK(spf->ip6 == std::vector<std::string>{"2001:db8::/32"});
  CHECK(spf->includes == std::vector<std::string>{"_spf.leadw.link"});
  CHECK(spf->a == std::vector<std::string>{"", "mail.example/28"});
  CHECK(spf->mx == std::vector<std::string>{"", "mx.example"});
  CHECK(spf->redirect == "_spf.example");
  CHECK(parse_spf("V=SPF1"));
  CHECK_FALSE(parse_spf("v=spf10 ip4:1.2.3.4"));
  CHECK_FALSE(parse_spf("google-site-verification=abc"));
}

TEST_CASE("dns: wire parser rejects cut answers and names the offset") {
  CHECK_FALSE(parse_message(std::string_view("\x12\x34\x81\x80", 4)));
  // header: 1 question, 1 answer; question "a." A IN; answer cut inside its header
  static const char kCut[] =
      "\x00\x01\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
      "\x01" "a\x00\x00\x01\x00\x01"
      "\xc0\x0c\x00\x01";
  const std::string wire(kCut, sizeof kCut - 1);
  CHECK(wire.size() == 23);
  auto message = parse_message(wire);
  REQUIRE_FALSE(message);
  CHECK(message.error().where == "dns answer byte 19");
  CHECK(status_from_rcode(3) == Status::NxDomain);
  CHECK(to_string(Status::Timeout) == "TIMEOUT");
  CHECK(parse_record_type("ptr") == RecordType::PTR);
  CHECK(to_string(static_cast<RecordType>(99)) == "TYPE99");
}
