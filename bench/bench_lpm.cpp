// Longest-prefix lookups per second: PrefixTable against libmaxminddb's
// MMDB_lookup_sockaddr, same prefixes (a pyasn IPASN file, and an .mmdb written from
// it by lpm_write_mmdb.pl), same random addresses. bench/lpm.sh runs it together
// with python3-pyasn on the same address list and prints the ratios.
//
//   bench_lpm lookups IPASN_FILE MMDB_FILE [--lookups N] [--seed S] [--runs R] [--addresses OUT]
//   bench_lpm store DB FORMAT:FILE...      import into a fresh store, then time load + build
//
// Output: one JSON object on stdout.
#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "enrich/asn/asn_tables.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/asn/importers.h"
#include "enrich/asn/prefix_table.h"

using namespace sg;
using namespace sg::asn;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU time of this thread: on a shared machine, wall time also counts other jobs.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// The compiler must not drop the loops.
volatile uint64_t g_sink;

int usage() {
  std::cerr << "usage: bench_lpm lookups IPASN_FILE MMDB_FILE [--lookups N] [--seed S] [--runs R] [--addresses OUT]\n"
               "       bench_lpm store DB FORMAT:FILE...\n";
  return 2;
}

int run_lookups(int argc, char** argv) {
  if (argc < 4) return usage();
  const std::string ipasn = argv[2], mmdb_path = argv[3];
  size_t lookups = 4'000'000;
  uint64_t seed = 1;
  int runs = 3;
  std::string addresses_out;
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--lookups") lookups = std::stoull(argv[i + 1]);
    else if (flag == "--seed") seed = std::stoull(argv[i + 1]);
    else if (flag == "--runs") runs = std::stoi(argv[i + 1]);
    else if (flag == "--addresses") addresses_out = argv[i + 1];
    else return usage();
  }

  // Load and build the table from the same file pyasn reads.
  PrefixTable table;
  std::vector<Error> problems;
  auto load_start = Clock::now();
  auto stats = import_asn_file(
      ipasn, AsnFormat::pyasn,
      [&](const AsnRow& row) {
        table.add(row.prefix, AsnRecord{row.asn, 0, 0, 0});
        return true;
      },
      problems);
  if (!stats) {
    std::cerr << "bench_lpm: " << stats.error().to_string() << "\n";
    return 1;
  }
  const double parse_seconds = seconds_since(load_start);
  auto build_start = Clock::now();
  table.build();
  const double build_seconds = seconds_since(build_start);

  MMDB_s mmdb{};
  if (int rc = MMDB_open(mmdb_path.c_str(), MMDB_MODE_MMAP, &mmdb); rc != MMDB_SUCCESS) {
    std::cerr << "bench_lpm: " << mmdb_path << ": " << MMDB_strerror(rc) << "\n";
    return 1;
  }

  // Uniform random IPv4 addresses: routed and unrouted space alike, for every tool.
  std::mt19937_64 random(seed);
  std::vector<IpAddress> addresses;
  std::vector<sockaddr_in> sockaddrs(lookups);
  addresses.reserve(lookups);
  for (size_t i = 0; i < lookups; ++i) {
    const uint32_t value = static_cast<uint32_t>(random());
    addresses.push_back(IpAddress::v4(value));
    sockaddrs[i].sin_family = AF_INET;
    sockaddrs[i].sin_addr.s_addr = htonl(value);
  }
  if (!addresses_out.empty()) {
    std::ofstream out(addresses_out);
    for (const IpAddress& address : addresses) out << address.to_string() << "\n";
  }

  // Sum of the origin ASes found (0 for no match): every tool must give the same sum.
  double ours_best = 1e30, mmdb_best = 1e30, mmdb_decode_best = 1e30;
  uint64_t ours_sum = 0, mmdb_found = 0, ours_found = 0, mmdb_sum = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = Clock::now();
    uint64_t sum = 0, found = 0;
    for (const IpAddress& address : addresses)
      if (auto match = table.lookup(address)) {
        sum += match->record.asn;
        ++found;
      }
    ours_best = std::min(ours_best, seconds_since(start));
    ours_sum = sum;
    ours_found = found;

    start = Clock::now();
    found = 0;
    for (const sockaddr_in& sa : sockaddrs) {
      int error = 0;
      MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&sa), &error);
      found += result.found_entry ? 1 : 0;
    }
    mmdb_best = std::min(mmdb_best, seconds_since(start));
    mmdb_found = found;

    // The same plus reading the AS number, which is what a caller actually needs.
    start = Clock::now();
    sum = 0;
    for (const sockaddr_in& sa : sockaddrs) {
      int error = 0;
      MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&sa), &error);
      if (!result.found_entry) continue;
      MMDB_entry_data_s data{};
      if (MMDB_get_value(&result.entry, &data, "autonomous_system_number", nullptr) == MMDB_SUCCESS && data.has_data)
        sum += data.uint32;
    }
    mmdb_decode_best = std::min(mmdb_decode_best, seconds_since(start));
    mmdb_sum = sum;
  }
  g_sink = ours_sum + mmdb_sum + mmdb_found;
  MMDB_close(&mmdb);

  const double n = static_cast<double>(lookups);
  nlohmann::json out = {
      {"prefixes", table.size()},
      {"rows", stats->rows},
      {"parse_seconds", parse_seconds},
      {"build_seconds", build_seconds},
      {"build_seconds_per_million", build_seconds / (static_cast<double>(table.size()) / 1e6)},
      {"lookups", lookups},
      {"runs", runs},
      {"prefix_table_lookups_per_second", n / ours_best},
      {"mmdb_lookup_sockaddr_per_second", n / mmdb_best},
      {"mmdb_lookup_and_asn_per_second", n / mmdb_decode_best},
      {"ratio_vs_mmdb_lookup", mmdb_best / ours_best},
      {"ratio_vs_mmdb_lookup_and_asn", mmdb_decode_best / ours_best},
      {"prefix_table_found", ours_found},
      {"mmdb_found", mmdb_found},
      {"prefix_table_asn_sum", ours_sum},
      {"mmdb_asn_sum", mmdb_sum},
      {"agree", ours_sum == mmdb_sum && ours_found == mmdb_found},
  };
  std::cout << out.dump(2) << "\n";
  return out["agree"].get<bool>() ? 0 : 1;
}

// Import files into a fresh store (timed), then load every dataset back and build
// the tables (timed), as `enrich asn` does.
int run_store(int argc, char** argv) {
  if (argc < 4) return usage();
  const std::string db = argv[2];
  std::filesystem::remove(db);
  std::filesystem::remove(db + "-wal");
  std::filesystem::remove(db + "-shm");
  auto store = Store::open(db);
  if (!store) {
    std::cerr << "bench_lpm: " << store.error().to_string() << "\n";
    return 1;
  }
  nlohmann::json imports = nlohmann::json::array();
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t colon = arg.find(':');
    auto format = colon == std::string::npos ? std::nullopt : parse_format_name(arg.substr(0, colon));
    if (!format) return usage();
    DatasetImportRequest request;
    request.format = *format;
    request.path = arg.substr(colon + 1);
    auto result = import_dataset(**store, request);
    if (!result) {
      std::cerr << "bench_lpm: " << result.error().to_string() << "\n";
      return 1;
    }
    imports.push_back({{"file", request.path},
                       {"rows", result->dataset.rows},
                       {"seconds", result->seconds},
                       {"rows_per_second", static_cast<double>(result->dataset.rows) / result->seconds}});
  }
  auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  auto tables = load_asn_tables(**store);
  const double cpu = thread_cpu_seconds() - cpu_start;
  if (!tables) {
    std::cerr << "bench_lpm: " << tables.error().to_string() << "\n";
    return 1;
  }
  const double total = seconds_since(start);
  const double millions = static_cast<double>(tables->rows) / 1e6;
  nlohmann::json out = {{"imports", imports},
                        {"prefixes_loaded", tables->rows},
                        {"datasets", tables->datasets.size()},
                        {"read_seconds", tables->read_seconds},
                        {"build_seconds", tables->build_seconds},
                        {"load_and_build_seconds", total},
                        {"load_and_build_seconds_per_million", total / millions},
                        {"load_and_build_cpu_seconds", cpu},
                        {"load_and_build_cpu_seconds_per_million", cpu / millions}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  if (mode == "lookups") return run_lookups(argc, argv);
  if (mode == "store") return run_store(argc, argv);
  return usage();
}
