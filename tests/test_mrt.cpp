// The MRT reader (enrich/mrt/) on the real dumps of tests/data/fixtures/mrt/:
// `bgp dump` against Debian's bgpdump 1.6.2 (the recorded SHA-256 of its output
// in EXPECTED.md, and bgpdump itself when it is installed), the documented places
// where we differ from it, the element view with its filters, and damage.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/hash.h"
#include "enrich/mrt/bgpdump_format.h"
#include "enrich/mrt/mrt_dump.h"
#include "enrich/mrt/mrt_elements.h"
#include "enrich/mrt/mrt_stream.h"
#include "tests/helpers.h"

using namespace sg;
using namespace sg::mrt;

namespace {

std::string mrt_file(const std::string& relative) { return test_data("fixtures/mrt/" + relative); }

struct Expected {
  uint64_t lines = 0;
  std::string sha256;
};

/// What EXPECTED.md recorded of `bgpdump -m FILE` for each file.
std::map<std::string, Expected> expected_outputs() {
  std::map<std::string, Expected> out;
  std::istringstream text(read_file(mrt_file("EXPECTED.md")));
  std::string line;
  std::string file;
  const std::regex heading("^## (.+)$");
  const std::regex summary("^- bgpdump -m: exit 0, lines ([0-9]+).*out sha256: `([0-9a-f]{64})`");
  std::smatch match;
  while (std::getline(text, line)) {
    if (std::regex_match(line, match, heading)) {
      file = match[1];
    } else if (!file.empty() && std::regex_search(line, match, summary)) {
      out[file] = Expected{std::stoull(match[1]), match[2]};
    }
  }
  return out;
}

/// Our `bgpdump -m` text of a file, the formatter's count of lines beyond bgpdump,
/// and the problems found.
struct Dumped {
  std::string text;
  uint64_t beyond = 0;
  std::vector<MrtProblem> problems;
};

Dumped dump_as_bgpdump(const std::string& path) {
  Dumped out;
  BgpdumpFormatter formatter;
  auto read = read_mrt_file(
      path,
      [&](const MrtRecord& record) {
        const std::string problem = formatter.format(record, out.text);
        if (!problem.empty()) out.problems.push_back({record.offset, problem, false});
        return true;
      },
      [&](const MrtProblem& problem) { out.problems.push_back(problem); });
  REQUIRE_MESSAGE(read, path);
  out.beyond = formatter.beyond_bgpdump;
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hasher;
  std::string hex;
  hasher.hex_into(bytes, hex);
  return hex;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

/// Debian's bgpdump, the oracle (scripts/setup.sh installs it); "" when absent.
std::string bgpdump_binary() {
  for (const char* path : {"/usr/bin/bgpdump", "/usr/local/bin/bgpdump"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return "";
}

bool have_bgpdump() { return !bgpdump_binary().empty(); }

/// The files where bgpdump 1.6.2 is wrong or gives up, and we say so (README of enrich/mrt).
const std::set<std::string> kDiverging = {
    "bgpdump/updates.nlri_mask_trailing_bits.gz",  // host bits left in the NLRI
    "bgpkit/rrc00_bview.20000111.0032.gz",         // several entries per record, lengths 4 bytes short
    "bgpkit/rrc00_updates.19990903.1041.gz",       // legacy withdrawals: inet_ntoa's static buffer
    "bgpkit/rrc00_updates.19991214.1621.gz",
    "bgpkit/rrc00_updates.20000102.2014.gz",
    "bgpkit/rrc00_updates.20000325.0345.gz",       // the same, and a damaged boundary bgpdump stops at
    "mrtparse/bird_bgp",                           // ADD-PATH NLRI in non-ADD-PATH subtypes
    "mrtparse/bird6_bgp",
};

}  // namespace

TEST_CASE("mrt: bgp dump writes exactly what bgpdump -m wrote, on every file bgpdump reads correctly") {
  const auto expected = expected_outputs();
  REQUIRE(expected.size() == 40);
  const bool live = have_bgpdump();
  int compared = 0;
  for (const auto& [name, want] : expected) {
    // A named copy: doctest's CAPTURE is a lambda, which cannot capture a structured
    // binding before clang 16.
    const std::string& file = name;
    if (kDiverging.count(file)) continue;
    CAPTURE(file);
    const Dumped ours = dump_as_bgpdump(mrt_file(file));
    CHECK(static_cast<uint64_t>(std::count(ours.text.begin(), ours.text.end(), '\n')) == want.lines);
    CHECK(sha256_hex(ours.text) == want.sha256);
    CHECK(ours.beyond == 0);
    if (live) {
      // The oracle itself, when installed (scripts/setup.sh installs it).
      const CommandResult oracle = run_command({bgpdump_binary(), "-m", mrt_file(file)});
      CHECK_MESSAGE((oracle.out == ours.text), "bgpdump -m differs from bgp dump");
    }
    ++compared;
  }
  CHECK(compared == 32);
  if (!live) MESSAGE("bgpdump is not installed: compared with the recorded SHA-256 only");
}

TEST_CASE("mrt: where bgpdump 1.6.2 is wrong, the difference is exactly that") {
  SUBCASE("host bits in an NLRI prefix are masked: 11.13.0.0/13 is 11.8.0.0/13") {
    const Dumped ours = dump_as_bgpdump(mrt_file("bgpdump/updates.nlri_mask_trailing_bits.gz"));
    const auto lines = lines_of(ours.text);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].find("|11.8.0.0/13|") != std::string::npos);
    CHECK(lines[0].find("11.13.0.0") == std::string::npos);
  }
  SUBCASE("legacy BGP withdrawals name their prefix, not the peer's address") {
    // bgpdump prints both through one inet_ntoa() buffer, so the prefix shows the peer.
    const auto bgpdump_lines = lines_of(
        have_bgpdump() ? run_command({bgpdump_binary(), "-m", mrt_file("bgpkit/rrc00_updates.20000102.2014.gz")}).out : "");
    const auto ours = lines_of(dump_as_bgpdump(mrt_file("bgpkit/rrc00_updates.20000102.2014.gz")).text);
    REQUIRE(ours.size() == 6359);
    CHECK(ours[7] == "BGP|946844092|W|192.65.184.1|513|195.114.217.80/28");
    if (!bgpdump_lines.empty()) {
      REQUIRE(bgpdump_lines.size() == ours.size());
      int withdrawals = 0;
      for (size_t i = 0; i < ours.size(); ++i) {
        if (ours[i] == bgpdump_lines[i]) continue;
        // The only difference: the address before '/' of a withdrawal.
        CHECK(bgpdump_lines[i].rfind("BGP|", 0) == 0);
        CHECK(bgpdump_lines[i].find("|W|") != std::string::npos);
        const auto slash_ours = ours[i].rfind('|');
        const auto slash_theirs = bgpdump_lines[i].rfind('|');
        CHECK(ours[i].substr(0, slash_ours) == bgpdump_lines[i].substr(0, slash_theirs));
        CHECK(ours[i].substr(ours[i].find('/', slash_ours)) == bgpdump_lines[i].substr(bgpdump_lines[i].find('/', slash_theirs)));
        ++withdrawals;
      }
      CHECK(withdrawals == 675);
    }
  }
  SUBCASE("RIS 2000 TABLE_DUMP: every entry of every record, not the first line only") {
    const Dumped ours = dump_as_bgpdump(mrt_file("bgpkit/rrc00_bview.20000111.0032.gz"));
    const auto lines = lines_of(ours.text);
    CHECK(lines.size() == 452018);
    CHECK(lines[0] == "TABLE_DUMP|947550744|B|204.152.166.29|3549|3.0.0.0/8|3549 701 80|IGP|204.152.166.29|0|0||NAG||");
    CHECK(ours.beyond == 449528);  // 2,490 records of many entries; bgpdump prints one line, then stops
    // Each record declares 4 bytes fewer than it holds, the last one too: every
    // repair is reported, and none stops the reading.
    REQUIRE(ours.problems.size() == 2490);
    for (const MrtProblem& problem : ours.problems) {
      CHECK(!problem.fatal);
      CHECK(problem.reason.find("next record starts 4 bytes later") != std::string::npos);
    }
  }
  SUBCASE("ADD-PATH NLRI in a record that does not say so: read as the subtype says, damage reported") {
    const Dumped ours = dump_as_bgpdump(mrt_file("mrtparse/bird6_bgp"));
    CHECK(lines_of(ours.text).size() == 36);  // bgpdump: 44, eight of them garbage such as 100:100::140:fd01:1/0
    REQUIRE(ours.problems.size() == 6);
    CHECK(ours.problems[0].offset == 506);
    CHECK(ours.problems[0].reason.find("NLRI with a prefix longer than its family") != std::string::npos);
  }
  SUBCASE("a damaged record boundary is repaired and reading goes on past where bgpdump stops") {
    const Dumped ours = dump_as_bgpdump(mrt_file("bgpkit/rrc00_updates.20000325.0345.gz"));
    CHECK(lines_of(ours.text).size() > 5000);  // bgpdump: 2,046 lines, then it stops
    REQUIRE(!ours.problems.empty());
    CHECK(ours.problems[0].offset == 188);
    CHECK(ours.problems[0].reason.find("declares 14556 bytes but the next record starts 27 bytes later") != std::string::npos);
  }
}

TEST_CASE("mrt: the decoding thread hands every record over in order, and stops when the reader does") {
  // The same records as a read from memory, which has no thread.
  const std::string path = mrt_file("bgpdump/updates.20070211.0141.gz");
  std::vector<uint64_t> threaded;
  auto read = read_mrt_file(path, [&](const MrtRecord& r) { return threaded.push_back(r.offset), true; },
                            [](const MrtProblem&) {});
  REQUIRE(read);
  std::vector<uint64_t> direct;
  read_mrt_bytes(read_file(path), [&](const MrtRecord& r) { return direct.push_back(r.offset), true; },
                 [](const MrtProblem&) {});
  CHECK(threaded.size() == 23394);
  CHECK(threaded == direct);
  for (int stop_after : {1, 100, 5000}) {
    int seen = 0;
    auto stopped = read_mrt_file(path, [&](const MrtRecord&) { return ++seen < stop_after; }, [](const MrtProblem&) {});
    REQUIRE(stopped);
    CHECK(seen == stop_after);
  }
}

TEST_CASE("mrt: elements of a RIB, one per prefix and peer, with filters") {
  const std::string rib = mrt_file("pyasn/rib.20140523.0600_firstMB.bz2");
  uint64_t all = 0;
  uint64_t not_rib = 0;
  std::set<std::string> peers;
  auto stats = read_mrt_elements(rib, {}, [&](const MrtElement& e) {
    ++all;
    if (e.type != ElementType::rib) ++not_rib;
    std::string peer;
    append_address(e.peer_ip, peer);
    peers.insert(peer);
    return true;
  });
  REQUIRE(stats);
  CHECK(all == 270005);  // as many as bgpdump's lines
  CHECK(not_rib == 0);
  CHECK(peers.size() > 20);
  // The file is the first MiB of a bzip2 file: the end is reported as a truncation.
  REQUIRE(!stats->problems.empty());
  CHECK(stats->problems.back().fatal);
  CHECK(stats->problems.back().reason.find("truncated") != std::string::npos);

  SUBCASE("a prefix and its more specifics") {
    ElementFilter filter;
    filter.prefix = IpPrefix::parse("1.0.0.0/8");
    filter.more_specific = true;
    std::set<std::string> prefixes;
    auto some = read_mrt_elements(rib, filter, [&](const MrtElement& e) {
      std::string text;
      append_address(WireAddress{e.prefix.bytes, false}, text);
      prefixes.insert(text + "/" + std::to_string(e.prefix.length));
      return true;
    });
    REQUIRE(some);
    CHECK(some->elements > 0);
    CHECK(some->elements < all);
    for (const auto& prefix : prefixes) CHECK(prefix.rfind("1.", 0) == 0);
  }
  SUBCASE("an origin AS") {
    ElementFilter filter;
    filter.origin_as = 15169;
    uint64_t others = 0;
    auto google = read_mrt_elements(rib, filter, [&](const MrtElement& e) {
      if (std::find(e.origins.begin(), e.origins.end(), 15169u) == e.origins.end()) ++others;
      return true;
    });
    REQUIRE(google);
    CHECK(google->elements > 0);
    CHECK(others == 0);
  }
  SUBCASE("a handler that says stop stops the read") {
    uint64_t seen = 0;
    auto stopped = read_mrt_elements(rib, {}, [&](const MrtElement&) { return ++seen < 10; });
    REQUIRE(stopped);
    CHECK(seen == 10);
  }
}

TEST_CASE("mrt: elements of updates: announcements, withdrawals and state changes, IPv4 and IPv6") {
  std::map<ElementType, uint64_t> kinds;
  bool saw_v6 = false;
  uint64_t announced_without_origin = 0;
  auto stats = read_mrt_elements(mrt_file("bgpdump/updates.20160811.1600.gz"), {}, [&](const MrtElement& e) {
    ++kinds[e.type];
    if (e.type != ElementType::state && e.prefix.v6) saw_v6 = true;
    if (e.type == ElementType::announce && e.origins.empty()) ++announced_without_origin;
    return true;
  });
  CHECK(announced_without_origin == 0);
  REQUIRE(stats);
  CHECK(stats->problem_count == 0);
  // bgpdump prints 41,234 lines for this file: one per element.
  CHECK(kinds[ElementType::announce] + kinds[ElementType::withdraw] + kinds[ElementType::state] == 41234);
  CHECK(kinds[ElementType::withdraw] > 0);
  CHECK(saw_v6);

  SUBCASE("ADD-PATH path identifiers are kept") {
    std::set<uint32_t> path_ids;
    auto add_path = read_mrt_elements(mrt_file("bgpdump/bview.ipv4_unicast_add_path.gz"), {}, [&](const MrtElement& e) {
      path_ids.insert(e.prefix.path_id);
      return true;
    });
    REQUIRE(add_path);
    CHECK(add_path->elements == 62);
    CHECK(path_ids.size() > 10);
  }
}

TEST_CASE("mrt: --json gives one valid object per element") {
  TempDir dir("mrt-json");
  const std::string out_path = dir.path("out.json");
  std::FILE* out = std::fopen(out_path.c_str(), "wb");
  REQUIRE(out != nullptr);
  DumpOptions options;
  options.format = DumpFormat::json;
  auto report = dump_mrt(mrt_file("bgpdump/updates.20100722.2015.gz"), options, out);
  std::fclose(out);
  REQUIRE(report);
  const auto lines = lines_of(read_file(out_path));
  CHECK(lines.size() == 5654);
  CHECK(report->lines == 5654);
  std::set<std::string> types;
  for (const auto& line : lines) {
    const auto object = nlohmann::json::parse(line);
    types.insert(object["type"].get<std::string>());
    if (object["type"] == "announce") {
      CHECK(object.contains("as_path"));
      CHECK(object["origin_asns"].is_array());
    }
  }
  CHECK(types.count("announce"));
  CHECK(types.count("withdraw"));
}

TEST_CASE("mrt: damage is reported with its offset and never ends the process") {
  SUBCASE("RIB records without a PEER_INDEX_TABLE") {
    const Dumped ours = dump_as_bgpdump(mrt_file("pyasn/bview.20140112.1600_3samples.bz2"));
    CHECK(ours.text.empty());
    REQUIRE(ours.problems.size() == 3);
    CHECK(ours.problems[0].reason.find("before any PEER_INDEX_TABLE") != std::string::npos);
  }
  SUBCASE("bytes that are no MRT at all") {
    std::vector<MrtProblem> problems;
    auto stats = read_mrt_bytes("this is not an MRT file, just text", [](const MrtRecord&) { return true; },
                                [&](const MrtProblem& p) { problems.push_back(p); });
    CHECK(stats.records == 0);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].fatal);
    CHECK(problems[0].offset == 0);
  }
  SUBCASE("a record cut by the end of the file") {
    std::string bytes = read_file(mrt_file("mrtparse/quagga_rib"));
    bytes.resize(bytes.size() - 5);
    std::vector<MrtProblem> problems;
    uint64_t records = 0;
    read_mrt_bytes(bytes, [&](const MrtRecord&) { return ++records, true; },
                   [&](const MrtProblem& p) { problems.push_back(p); });
    CHECK(records == 6);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].fatal);
    CHECK(problems[0].reason.find("the file is truncated") != std::string::npos);
  }
  SUBCASE("a declared length over the cap") {
    std::string bytes("\x50\x00\x00\x00\x00\x0d\x00\x02\x7f\xff\xff\xff", 12);
    std::vector<MrtProblem> problems;
    read_mrt_bytes(bytes, [](const MrtRecord&) { return true; }, [&](const MrtProblem& p) { problems.push_back(p); });
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].reason.find("no MRT record header") != std::string::npos);
  }
  SUBCASE("every cut of a real update file is survived") {
    const std::string bytes = read_file(mrt_file("mrtparse/openbgpd_bgp"));
    for (size_t cut = 0; cut < bytes.size(); cut += 37) {
      std::string text;
      BgpdumpFormatter formatter;
      ElementDecoder decoder({});
      uint64_t delivered = 0;
      read_mrt_bytes(bytes.substr(0, cut),
                     [&](const MrtRecord& record) {
                       formatter.format(record, text);
                       decoder.decode(record, [](const MrtElement&) { return true; }, delivered);
                       return true;
                     },
                     [](const MrtProblem&) {});
    }
  }
}

TEST_CASE("mrt: the bgp dump command") {
  const std::string file = mrt_file("mrtparse/quagga_rib");
  CommandResult plain = run_command({SPAMGRAPH_BINARY, "bgp", "dump", file});
  CHECK(plain.exit_code == 0);
  CHECK(lines_of(plain.out).size() == 9);
  CHECK(plain.err.empty());

  CommandResult filtered = run_command({SPAMGRAPH_BINARY, "bgp", "dump", "--type", "withdraw", file});
  CHECK(filtered.exit_code == 0);
  CHECK(filtered.out.empty());

  CommandResult bad_prefix = run_command({SPAMGRAPH_BINARY, "bgp", "dump", "--prefix", "300.0.0.0/8", file});
  CHECK(bad_prefix.exit_code == 2);
  CHECK(bad_prefix.err.find("--prefix 300.0.0.0/8") != std::string::npos);

  CommandResult missing = run_command({SPAMGRAPH_BINARY, "bgp", "dump", "/nonexistent/rib.gz"});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("/nonexistent/rib.gz") != std::string::npos);

  CommandResult damaged = run_command({SPAMGRAPH_BINARY, "bgp", "dump", mrt_file("bgpkit/rrc00_updates.20000325.0345.gz")});
  CHECK(damaged.exit_code == 1);
  CHECK(damaged.err.find("offset 188: record declares 14556 bytes") != std::string::npos);
}
