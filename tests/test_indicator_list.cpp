// Indicator lists: defanged forms, kinds, bad lines; stored with their source.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "collectors/indicator_list.h"
#include "tests/helpers.h"

using namespace sg;

TEST_CASE("indicator lists: defanged forms are read back to what they name") {
  CHECK(refang("103[.]244[.]54[.]137") == "103.244.54.137");
  CHECK(refang("hxxps://evil(.)example/p") == "https://evil.example/p");
  CHECK(refang("bounce[@]authoranz[dot]xyz") == "bounce@authoranz.xyz");
  CHECK(refang("plain.example") == "plain.example");

  std::vector<std::string> problems;
  const auto indicators = parse_indicator_list(
      "# from a forum post\n"
      "103[.]244[.]54[.]137\n"
      "  Somach789[.]XYZ  # newly assigned\n"
      "114.113.195.0/24\n"
      "AS133027\n"
      "\"bounce-1@g0zs8omwfqere.link\",\n"
      "hxxp://kldoqzn6x62p3[.]top/x?y=1\n"
      "2001:DB8::1\n"
      "this is not an indicator\n"
      "\n"
      "ASN 4294967296\n",
      problems);
  REQUIRE(indicators.size() == 7);
  CHECK(indicators[0].kind == EntityKind::ip);
  CHECK(indicators[0].value == "103.244.54.137");
  CHECK(indicators[0].line == 2);
  CHECK(indicators[1].kind == EntityKind::domain);
  CHECK(indicators[1].value == "somach789.xyz");
  CHECK(indicators[2].kind == EntityKind::prefix);
  CHECK(indicators[2].value == "114.113.195.0/24");
  CHECK(indicators[3].kind == EntityKind::asn);
  CHECK(indicators[3].value == "AS133027");
  CHECK(indicators[4].kind == EntityKind::email);
  CHECK(indicators[4].value == "bounce-1@g0zs8omwfqere.link");
  CHECK(indicators[5].kind == EntityKind::url);
  CHECK(indicators[5].value == "http://kldoqzn6x62p3.top/x?y=1");
  CHECK(indicators[6].value == "2001:db8::1");
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].rfind("line 9: not a domain", 0) == 0);
  CHECK(problems[1].rfind("line 11: not a domain", 0) == 0);  // AS number out of range

  std::string junk;
  for (int i = 0; i < 20000; ++i) junk += static_cast<char>((i * 31) % 256);
  problems.clear();
  (void)parse_indicator_list(junk, problems);  // arbitrary bytes: no crash
}

TEST_CASE("indicator lists: ingest --format indicators stores them with their source") {
  TempDir dir("indicators");
  const std::string db = dir.path("i.db");
  CommandResult first = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", "--source",
                                     "jacks-blog", repo_path("data/lists/jacks-blog-domains.txt")});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("read 20, new 20, duplicates 0, unreadable 0") != std::string::npos);
  CommandResult again = run_command({SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", "--source",
                                     "jacks-blog", repo_path("data/lists/jacks-blog-domains.txt")});
  CHECK(again.out.find("read 20, new 0, duplicates 20") != std::string::npos);

  CommandResult shown = run_command({SPAMGRAPH_BINARY, "--db", db, "show", "domain", "SUNSONSHU55.shop", "--json"});
  REQUIRE(shown.exit_code == 0);
  const auto report = nlohmann::json::parse(shown.out);
  REQUIRE(report["edges"].size() == 1);
  CHECK(report["edges"][0]["relation"] == "lists");
  CHECK(report["edges"][0]["key"] == "jacks-blog");
  CHECK(report["edges"][0]["count"] == 2);
  REQUIRE(report["edges"][0]["provenance"].size() == 2);
  CHECK(report["edges"][0]["provenance"][0]["kind"] == "import");

  CommandResult stdin_list = run_command(
      {SPAMGRAPH_BINARY, "--db", db, "ingest", "--format", "indicators", "--source", "pasted", "-"},
      "103[.]244[.]54[.]137\nnot-an-indicator at all\n");
  CHECK(stdin_list.exit_code == 1);
  CHECK(stdin_list.out.find("line 2: not a domain") != std::string::npos);
  CommandResult stats = run_command({SPAMGRAPH_BINARY, "--db", db, "stats", "--json"});
  CHECK(nlohmann::json::parse(stats.out)["ip"] == 1);
}
