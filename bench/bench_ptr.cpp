// PTR lookups per second: the c-ares Resolver alone, then the whole `enrich dns --only ip`
// pipeline (PTR + FCrDNS forward lookups + lookup rows + edges in SQLite), over COUNT
// consecutive addresses from FIRST. bench/ptr.sh starts the unbound this talks to.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/ip.h"
#include "enrich/dns/enrich_dns.h"
#include "enrich/dns/resolver.h"
#include "enrich/dns/reverse.h"
#include "store/store.h"

using namespace sg;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("PTR lookups per second against one DNS server");
  std::string server, first_text = "198.18.0.0", store_path;
  int count = 50000, max_in_flight = 100, timeout_ms = 2000;
  app.add_option("--server", server, "HOST:PORT of the DNS server")->required();
  app.add_option("--first", first_text, "first IPv4 address (default 198.18.0.0)");
  app.add_option("--count", count, "consecutive addresses (default 50000)")->check(CLI::Range(1, 1 << 24));
  app.add_option("--max-in-flight", max_in_flight, "queries outstanding (default 100)");
  app.add_option("--timeout", timeout_ms, "per-try timeout in ms (default 2000)");
  app.add_option("--store", store_path, "database for the enrich run (default: none, resolver only)");
  CLI11_PARSE(app, argc, argv);

  auto first = IpAddress::parse(first_text);
  if (!first || !first->is_v4()) {
    std::cerr << "bench_ptr: --first " << first_text << ": not an IPv4 address\n";
    return 2;
  }
  std::vector<IpAddress> addresses;
  std::vector<dns::Query> queries;
  for (int i = 0; i < count; ++i) {
    addresses.push_back(IpAddress::v4(first->v4_value() + static_cast<uint32_t>(i)));
    queries.push_back(dns::Query{dns::reverse_name(addresses.back()), dns::RecordType::PTR});
  }

  dns::ResolverOptions options;
  options.servers = {server};
  options.max_in_flight = max_in_flight;
  options.timeout_ms = timeout_ms;
  auto resolver = dns::Resolver::create(options);
  if (!resolver) {
    std::cerr << "bench_ptr: " << resolver.error().to_string() << "\n";
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  const std::vector<dns::Answer> answers = (*resolver)->resolve_all(queries);
  const double resolver_seconds = seconds_since(start);
  int64_t with_ptr = 0, failed = 0;
  for (const dns::Answer& answer : answers) {
    if (answer.status != dns::Status::NoError) ++failed;
    if (!answer.values().empty()) ++with_ptr;
  }
  std::cout << fmt::format("resolver: {} PTR queries, {} answers with a PTR, {} not NOERROR, {:.3f} s, {:.0f} answers/s\n",
                           count, with_ptr, failed, resolver_seconds, with_ptr / resolver_seconds);
  std::cout << fmt::format("RESULT resolver_queries={} resolver_answers={} resolver_seconds={:.3f} resolver_per_s={:.0f}\n",
                           count, with_ptr, resolver_seconds, with_ptr / resolver_seconds);
  if (store_path.empty()) return with_ptr == count ? 0 : 1;

  // The pipeline: a fresh store holding the addresses, then enrich dns --only ip.
  std::filesystem::remove(store_path);
  auto store = Store::open(store_path);
  if (!store) {
    std::cerr << "bench_ptr: " << store.error().to_string() << "\n";
    return 2;
  }
  if (auto status = (*store)->begin(); !status) return 2;
  for (const IpAddress& address : addresses)
    if (!(*store)->entity_id(EntityRef{EntityKind::ip, address.to_string()})) return 2;
  if (auto status = (*store)->commit(); !status) return 2;
  dns::EnrichOptions enrich;
  enrich.resolver = options;
  enrich.plan.scope = dns::PlanScope::Ips;
  start = std::chrono::steady_clock::now();
  auto summary = dns::enrich_dns(**store, enrich);
  const double enrich_seconds = seconds_since(start);
  if (!summary) {
    std::cerr << "bench_ptr: " << summary.error().to_string() << "\n";
    return 2;
  }
  const int64_t ptr_answers = summary->status.count("NOERROR") ? summary->status.at("NOERROR") : 0;
  std::cout << fmt::format(
      "enrich:   {} IPs, {} queries (PTR + FCrDNS forward), {} NOERROR, {} confirmed, {} lookups and {} edges "
      "stored, {:.3f} s, {:.0f} queries/s, {:.0f} IPs/s\n",
      count, summary->queries, ptr_answers, summary->fcrdns_confirmed, summary->lookups_stored, summary->new_edges,
      enrich_seconds, summary->queries / enrich_seconds, count / enrich_seconds);
  std::cout << fmt::format("RESULT enrich_queries={} enrich_seconds={:.3f} enrich_per_s={:.0f} enrich_ips_per_s={:.0f}\n",
                           summary->queries, enrich_seconds, summary->queries / enrich_seconds, count / enrich_seconds);
  return with_ptr == count && summary->fcrdns_confirmed == count ? 0 : 1;
}
