// The resolver against a real unbound on 127.0.0.1 (tests/dns_test_server.h).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "enrich/dns/fcrdns.h"
#include "enrich/dns/resolver.h"
#include "enrich/dns/reverse.h"
#include "enrich/dns/spf.h"
#include "enrich/dns/wire.h"
#include "tests/dns_test_server.h"

using sg::DnsTestServer;
using sg::IpAddress;
using namespace sg::dns;

namespace {

const char* const kBlogIp = "103.244.54.137";
const char* const kBlogRdns = "static-ip.137.54.244.103.rev.i4hk.com";

/// One unbound for the whole test run, serving blog_zone().
DnsTestServer& blog_server() {
  static std::unique_ptr<DnsTestServer> server = [] {
    auto started = DnsTestServer::start(sg::blog_zone());
    if (!started) FAIL("cannot start unbound: " << started.error().to_string());
    return std::move(started.value());
  }();
  return *server;
}

std::unique_ptr<Resolver> resolver_for(const std::string& server, int max_in_flight = 100, int timeout_ms = 2000,
                                       int tries = 2) {
  ResolverOptions options;
  options.servers = {server};
  options.max_in_flight = max_in_flight;
  options.timeout_ms = timeout_ms;
  options.tries = tries;
  auto resolver = Resolver::create(options);
  REQUIRE_MESSAGE(resolver, (resolver ? "" : resolver.error().to_string()));
  return std::move(resolver.value());
}

Answer ask(const std::string& name, RecordType type) {
  auto resolver = resolver_for(blog_server().address());
  return resolver->resolve_all({{name, type}}).front();
}

/// Every hop that got an answer kept bytes that re-parse to the records reported.
void check_raw_evidence(const Answer& answer) {
  REQUIRE_FALSE(answer.raw.empty());
  std::vector<Record> reparsed;
  for (const std::string& raw : answer.raw) {
    REQUIRE(raw.size() >= 12);
    auto message = parse_message(raw);
    REQUIRE(message);
    reparsed.insert(reparsed.end(), message->answers.begin(), message->answers.end());
  }
  CHECK(reparsed == answer.records);
  CHECK(status_from_rcode(parse_message(answer.raw.back())->rcode) == answer.status);
}

}  // namespace

TEST_CASE("dns resolver: A of the blog's 20 domains") {
  auto resolver = resolver_for(blog_server().address());
  std::vector<Query> queries;
  for (const std::string& domain : sg::blog_domains()) queries.push_back({domain, RecordType::A});
  const auto answers = resolver->resolve_all(queries);
  REQUIRE(answers.size() == 20);
  for (const Answer& answer : answers) {
    CAPTURE(answer.query.name);
    CHECK(answer.status == Status::NoError);
    CHECK(answer.values() == std::vector<std::string>{kBlogIp});
    REQUIRE(answer.records.size() == 1);
    CHECK(answer.records[0].ttl == 3600);
    CHECK(answer.error.empty());
    CHECK(answer.time.time_since_epoch().count() > 0);
    check_raw_evidence(answer);
  }
}

TEST_CASE("dns resolver: PTR (IPv4 and IPv6), AAAA, MX, NS, TXT with SPF") {
  const Answer ptr = ask(reverse_name(*IpAddress::parse(kBlogIp)), RecordType::PTR);
  CHECK(ptr.status == Status::NoError);
  CHECK(ptr.values() == std::vector<std::string>{kBlogRdns});
  check_raw_evidence(ptr);

  const Answer ptr6 = ask(reverse_name(*IpAddress::parse("2001:db8::25")), RecordType::PTR);
  CHECK(ptr6.values() == std::vector<std::string>{"mail.sunsonshu55.shop"});
  CHECK(ptr6.records.at(0).ttl == 600);

  CHECK(ask("jonjokojon789.shop", RecordType::AAAA).values() == std::vector<std::string>{"2001:db8::137"});

  const Answer mx = ask("kldoqzn6x62p3.top.", RecordType::MX);
  REQUIRE(mx.records.size() == 2);
  std::set<std::pair<uint16_t, std::string>> exchanges;
  for (const Record& record : mx.records) exchanges.insert({record.preference, record.value});
  CHECK(exchanges == std::set<std::pair<uint16_t, std::string>>{{10, "mx1.kldoqzn6x62p3.top"},
                                                                {20, "mx2.kldoqzn6x62p3.top"}});
  check_raw_evidence(mx);

  auto ns = ask("KLDOQZN6X62P3.TOP", RecordType::NS).values();
  std::sort(ns.begin(), ns.end());
  CHECK(ns == std::vector<std::string>{"ns1.i4hk.com", "ns2.i4hk.com"});

  const Answer txt = ask("g0zs8omwfqere.link", RecordType::TXT);
  REQUIRE(txt.values().size() == 1);
  CHECK(txt.values()[0] == "v=spf1 ip4:114.113.195.0/24 ip4:103.244.54.137 include:_spf.leadw.link ~all");
  const auto spf = parse_spf(txt.values()[0]);
  REQUIRE(spf);
  CHECK(spf->ip4 == std::vector<std::string>{"114.113.195.0/24", kBlogIp});
  CHECK(spf->includes == std::vector<std::string>{"_spf.leadw.link"});
}

TEST_CASE("dns resolver: CNAME chains are followed and reported") {
  const Answer a = ask("www.somach789.xyz", RecordType::A);
  CHECK(a.status == Status::NoError);
  CHECK(a.cname_chain == std::vector<std::string>{"track.authoranz.xyz", "authoranz.xyz"});
  CHECK(a.final_name() == "authoranz.xyz");
  CHECK(a.values() == std::vector<std::string>{kBlogIp});
  CHECK(a.raw.size() == 3);  // unbound answers one CNAME step per query
  check_raw_evidence(a);

  const Answer cname = ask("www.somach789.xyz", RecordType::CNAME);
  CHECK(cname.status == Status::NoError);
  CHECK(cname.values() == std::vector<std::string>{"track.authoranz.xyz", "authoranz.xyz"});

  CHECK(ask("somach789.xyz", RecordType::CNAME).cname_chain.empty());

  auto resolver = resolver_for(blog_server().address());
  ResolverOptions options = resolver->options();
  options.max_cname_hops = 1;
  auto short_chain = Resolver::create(options);
  REQUIRE(short_chain);
  const Answer cut = (*short_chain)->resolve_all({{"www.somach789.xyz", RecordType::A}}).front();
  CHECK(cut.error == "CNAME chain longer than 1 hops");
  CHECK(cut.values().empty());
}

TEST_CASE("dns resolver: NXDOMAIN, SERVFAIL and REFUSED keep their raw answers") {
  const Answer nx = ask("nx.jonjokojon789.shop", RecordType::A);
  CHECK(nx.status == Status::NxDomain);
  CHECK(nx.records.empty());
  check_raw_evidence(nx);

  const Answer nodata = ask("sunsonshu55.shop", RecordType::MX);
  CHECK(nodata.status == Status::NoError);
  CHECK(nodata.records.empty());

  const Answer servfail = ask("anything.servfail.test", RecordType::A);
  CHECK(servfail.status == Status::ServFail);
  check_raw_evidence(servfail);

  for (const char* name : {"example.com", "x.refused.test"}) {
    const Answer refused = ask(name, RecordType::A);
    CHECK(refused.status == Status::Refused);
    check_raw_evidence(refused);
  }

  const Answer bad = ask(std::string(64, 'a') + ".test", RecordType::A);
  CHECK(bad.status == Status::BadName);
  CHECK_FALSE(bad.error.empty());
}

TEST_CASE("dns resolver: a silent server times out, a closed port is reported") {
  sg::SilentUdpPort silent;
  REQUIRE(silent.port() != 0);
  auto resolver = resolver_for("127.0.0.1:" + std::to_string(silent.port()), 100, 100, 2);
  const auto start = std::chrono::steady_clock::now();
  const auto answers = resolver->resolve_all({{"jonjokojon789.shop", RecordType::A}, {"x.test", RecordType::PTR}});
  const auto waited = std::chrono::steady_clock::now() - start;
  for (const Answer& answer : answers) {
    CHECK(answer.status == Status::Timeout);
    CHECK(to_string(answer.status) == "TIMEOUT");
    CHECK(answer.error == "Timeout while contacting DNS servers");
    CHECK(answer.raw == std::vector<std::string>{""});
  }
  CHECK(waited >= std::chrono::milliseconds(150));
  CHECK(waited < std::chrono::seconds(3));

  // A closed UDP port on loopback answers with ICMP port unreachable, which c-ares
  // reports as a refused connection rather than waiting for the timeout.
  const uint16_t closed = sg::free_local_port();
  auto closed_resolver = resolver_for("127.0.0.1:" + std::to_string(closed), 100, 100, 1);
  const Answer answer = closed_resolver->resolve_all({{"jonjokojon789.shop", RecordType::A}}).front();
  MESSAGE("closed port: " << to_string(answer.status) << " (" << answer.error << ")");
  CHECK((answer.status == Status::ConnRefused || answer.status == Status::Timeout));
  CHECK_FALSE(answer.error.empty());
}

TEST_CASE("dns resolver: a slow answer within the timeout arrives, beyond it times out") {
  sg::SlowUdpServer slow(150);
  REQUIRE(slow.port() != 0);
  const std::string address = "127.0.0.1:" + std::to_string(slow.port());
  const Answer late = resolver_for(address, 10, 1000, 1)->resolve_all({{"slow.test", RecordType::A}}).front();
  CHECK(late.status == Status::NoError);
  CHECK(late.records.empty());
  CHECK(late.elapsed >= std::chrono::milliseconds(150));
  check_raw_evidence(late);
  const Answer lost = resolver_for(address, 10, 50, 1)->resolve_all({{"slow.test", RecordType::A}}).front();
  CHECK(lost.status == Status::Timeout);
  CHECK(lost.elapsed < std::chrono::milliseconds(150));
}

TEST_CASE("dns resolver: 500 concurrent queries, callbacks may submit more") {
  for (int in_flight : {100, 500}) {
    CAPTURE(in_flight);
    auto resolver = resolver_for(blog_server().address(), in_flight);
    std::vector<Query> queries;
    for (int i = 0; i < 500; ++i) {
      const std::string& domain = sg::blog_domains()[static_cast<size_t>(i) % 20];
      queries.push_back(i % 5 == 4 ? Query{"nx" + std::to_string(i) + "." + domain, RecordType::A}
                                   : Query{domain, RecordType::A});
    }
    const auto answers = resolver->resolve_all(queries);
    REQUIRE(answers.size() == 500);
    int ok = 0, nx = 0;
    for (size_t i = 0; i < answers.size(); ++i) {
      CHECK(answers[i].query == queries[i]);
      if (answers[i].status == Status::NoError && answers[i].values() == std::vector<std::string>{kBlogIp}) ++ok;
      if (answers[i].status == Status::NxDomain) ++nx;
    }
    CHECK(ok == 400);
    CHECK(nx == 100);
  }

  auto resolver = resolver_for(blog_server().address());
  std::vector<std::string> seen;
  resolver->submit({"www.somach789.xyz", RecordType::CNAME}, [&](Answer answer) {
    seen.push_back(answer.final_name());
    resolver->submit({answer.final_name(), RecordType::A},
                     [&](Answer second) { seen.push_back(second.values().at(0)); });
  });
  resolver->run();
  CHECK(seen == std::vector<std::string>{"authoranz.xyz", kBlogIp});
}

TEST_CASE("dns resolver: FCrDNS") {
  auto resolver = resolver_for(blog_server().address());
  const auto results = check_fcrdns(*resolver, {*IpAddress::parse(kBlogIp), *IpAddress::parse("103.244.54.138"),
                                                *IpAddress::parse("103.244.54.139"), *IpAddress::parse("2001:db8::25")});
  REQUIRE(results.size() == 4);
  CHECK(results[0].confirmed());
  CHECK(results[0].confirmed_names == std::vector<std::string>{kBlogRdns});
  CHECK(results[0].forward.size() == 1);
  CHECK_FALSE(results[1].confirmed());  // PTR name resolves to 103.244.54.200
  CHECK(results[1].ptr.values() == std::vector<std::string>{"static-ip.138.54.244.103.rev.i4hk.com"});
  CHECK_FALSE(results[2].confirmed());  // no PTR at all
  CHECK(results[2].ptr.status == Status::NxDomain);
  CHECK(results[2].forward.empty());
  CHECK(results[3].confirmed());
  CHECK(check_fcrdns(*resolver, *IpAddress::parse(kBlogIp)).confirmed());
}

TEST_CASE("dns resolver: the zone is a parameter (a day later, two domains moved)") {
  sg::DnsZone later = sg::blog_zone();
  later.set_a("somach789.xyz", "114.113.195.11");
  later.set_a("authoranz.xyz", "114.113.195.101");
  auto server = DnsTestServer::start(later);
  REQUIRE_MESSAGE(server, (server ? "" : server.error().to_string()));
  auto resolver = resolver_for((*server)->address());
  const auto answers = resolver->resolve_all(
      {{"somach789.xyz", RecordType::A}, {"authoranz.xyz", RecordType::A}, {"sunsonshu55.shop", RecordType::A}});
  CHECK(answers[0].values() == std::vector<std::string>{"114.113.195.11"});
  CHECK(answers[1].values() == std::vector<std::string>{"114.113.195.101"});
  CHECK(answers[2].values() == std::vector<std::string>{kBlogIp});
}

TEST_CASE("dns resolver: PTR answers per second against the local unbound, and dig") {
  auto resolver = resolver_for(blog_server().address(), 100);
  constexpr int kCount = 20000;
  std::vector<Query> queries;
  for (int i = 0; i < kCount; ++i) {
    const auto ip = IpAddress::v4((103u << 24) | (244u << 16) | (54u << 8) | static_cast<uint32_t>(i % 256));
    queries.push_back({reverse_name(ip), RecordType::PTR});
  }
  const auto start = std::chrono::steady_clock::now();
  const auto answers = resolver->resolve_all(queries);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int answered = 0;
  for (const Answer& answer : answers) answered += answer.status == Status::NoError || answer.status == Status::NxDomain;
  CHECK(answered == kCount);
  const double rate = kCount / seconds;
  MESSAGE("c-ares resolver: " << kCount << " PTR answers in " << seconds << " s = " << static_cast<long>(rate)
                              << " answers/s (target >= 5000/s)");
  WARN(rate >= 5000);

  if (access("/usr/bin/dig", X_OK) != 0) {
    MESSAGE("dig not installed: no comparison");
    return;
  }
  constexpr int kDigCount = 100;
  const auto dig_start = std::chrono::steady_clock::now();
  int dig_ok = 0;
  for (int i = 0; i < kDigCount; ++i) {
    dig_ok += sg::run_silently({"dig", "+short", "+tries=1", "+time=2", "-p", std::to_string(blog_server().port()),
                                "@127.0.0.1", "-x", "103.244.54." + std::to_string(i % 256)}) == 0;
  }
  const double dig_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - dig_start).count();
  CHECK(dig_ok == kDigCount);
  MESSAGE("dig loop: " << kDigCount << " PTR lookups in " << dig_seconds << " s = "
                       << static_cast<long>(kDigCount / dig_seconds) << " answers/s");
}
