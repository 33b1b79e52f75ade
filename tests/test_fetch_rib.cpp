// `data fetch routeviews-rib` and `data fetch ris-rib`: the archive layouts, the
// month listings (hostile hrefs included), the choice of the dump nearest a date
// (ties, month boundaries, the scheduled fallback), and the command end to end
// against a local HTTP server (tests/http_fixture_server.py) serving a month
// folder's listing and small real MRT files from tests/data/fixtures/mrt/. No request
// leaves the machine.
#include <bzlib.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "enrich/fetch/download.h"
#include "enrich/fetch/fetch.h"
#include "enrich/fetch/rib_archive.h"
#include "enrich/fetch/sources.h"
#include "tests/helpers.h"
#include "tests/http_test_server.h"
#include "tests/into_results.h"

using namespace sg;
using namespace sg::fetch;
namespace fs = std::filesystem;

namespace {

// tests/data/fixtures/mrt/ keeps the sub-folders of the collection it was copied from.
const char* kQuaggaRib = "fixtures/mrt/mrtparse/quagga_rib";  // TABLE_DUMP_V2, 7 records, raw
const char* kQuaggaRibSha256 = "bf9caffbbab2cc5a5d1459af92a49f610e26fc496d4cf55b651f8af45f074e54";
const char* kAddPathBview = "fixtures/mrt/bgpdump/bview.ipv4_unicast_add_path.gz";  // TABLE_DUMP_V2 ADD-PATH, gzip
const char* kAddPathBviewSha256 = "dc8893635d4ffb6a62adea82ec94ba69e5289f2f55744f230509be60d61f9a17";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

void write_file(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE_MESSAGE(out.good(), "cannot write " << path);
}

/// `bytes` as one bzip2 stream, as RouteViews compresses its dumps.
std::string bzip2_bytes(const std::string& bytes) {
  std::string out(bytes.size() + bytes.size() / 100 + 1024, '\0');
  unsigned size = static_cast<unsigned>(out.size());
  REQUIRE(BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(bytes.data()),
                                   static_cast<unsigned>(bytes.size()), 9, 0, 0) == BZ_OK);
  out.resize(size);
  return out;
}

/// An Apache-style index page linking to `names`, as both archives serve them.
std::string apache_listing(const std::string& folder, const std::vector<std::string>& names) {
  std::string html =
      "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of " + folder +
      "</title>\n </head>\n <body>\n<h1>Index of " + folder +
      "</h1>\n  <table>\n   <tr><th valign=\"top\"><img src=\"/icons/blank.gif\" alt=\"[ICO]\"></th>"
      "<th><a href=\"?C=N;O=D\">Name</a></th><th><a href=\"?C=M;O=A\">Last modified</a></th>"
      "<th><a href=\"?C=S;O=A\">Size</a></th></tr>\n"
      "<tr><td valign=\"top\"><img src=\"/icons/back.gif\" alt=\"[PARENTDIR]\"></td><td><a href=\"../\">Parent "
      "Directory</a></td><td>&nbsp;</td><td align=\"right\">  - </td></tr>\n";
  for (const std::string& name : names)
    html += "<tr><td valign=\"top\"><img src=\"/icons/unknown.gif\" alt=\"[   ]\"></td><td><a href=\"" + name + "\">" +
            name + "</a></td><td align=\"right\">2020-02-15 02:08  </td><td align=\"right\"> 82M</td></tr>\n";
  return html + "</table>\n<address>Apache/2.4.29 (Ubuntu) Server Port 80</address>\n</body></html>\n";
}

UnixTime at(int year, int month, int day, int hour = 0, int minute = 0) {
  return make_utc(year, month, day, hour, minute, 0);
}

std::vector<std::string> names_of(const std::vector<RibFile>& files) {
  std::vector<std::string> names;
  for (const RibFile& file : files) names.push_back(file.name);
  return names;
}

/// A listing reader over fixed bodies that records what it was asked; a folder it
/// does not hold is a 404, as download_text reports one.
struct FakeArchive {
  std::map<std::string, std::string> bodies;
  mutable std::vector<std::string> asked;
  RibListingReader reader() const {
    return [this](const std::string& url) -> Result<std::string> {
      asked.push_back(url);
      const auto it = bodies.find(url);
      if (it == bodies.end()) return Error{"HTTP 404 Not Found", url};
      return it->second;
    };
  }
};

}  // namespace

TEST_CASE("fetch rib: month folders and dump names of both archives") {
  const UnixTime feb15 = at(2020, 2, 15);
  CHECK(rib_month_url(RibArchive::routeviews, "http://archive.routeviews.org", "route-views2", feb15) ==
        "http://archive.routeviews.org/bgpdata/2020.02/RIBS/");
  CHECK(rib_month_url(RibArchive::routeviews, "http://archive.routeviews.org", "route-views.linx", feb15) ==
        "http://archive.routeviews.org/route-views.linx/bgpdata/2020.02/RIBS/");
  CHECK(rib_month_url(RibArchive::routeviews, "http://mirror.test/rv//", "route-views3", at(2019, 12, 31, 23, 59)) ==
        "http://mirror.test/rv/route-views3/bgpdata/2019.12/RIBS/");
  CHECK(rib_month_url(RibArchive::ris, "https://data.ris.ripe.net", "rrc00", feb15) ==
        "https://data.ris.ripe.net/rrc00/2020.02/");
  CHECK(rib_month_url(RibArchive::ris, "https://data.ris.ripe.net/", "rrc21", at(2021, 1, 1)) ==
        "https://data.ris.ripe.net/rrc21/2021.01/");

  CHECK(rib_file_name(RibArchive::routeviews, at(2020, 2, 15, 2)) == "rib.20200215.0200.bz2");
  CHECK(rib_file_name(RibArchive::ris, at(2020, 2, 15, 8) + 59) == "bview.20200215.0800.gz");
  CHECK(parse_rib_file_name(RibArchive::routeviews, "rib.20011026.1648.bz2") == at(2001, 10, 26, 16, 48));
  CHECK(parse_rib_file_name(RibArchive::ris, "bview.20200229.1600.gz") == at(2020, 2, 29, 16));
  for (const char* bad :
       {"rib.20200215.0000.gz", "bview.20200215.0000.bz2", "rib.20200230.0000.bz2", "rib.20190229.0000.bz2",
        "rib.20200215.2400.bz2", "rib.20200215.0060.bz2", "rib.2020021.00000.bz2", "rib.20200215-0000.bz2",
        "rib.20200215.0000.bz2.md5", "RIB.20200215.0000.bz2", "rib.19691231.2300.bz2", "rib.2020+215.0000.bz2", ""})
    CHECK_FALSE_MESSAGE(parse_rib_file_name(RibArchive::routeviews, bad).has_value(), bad);
  CHECK_FALSE(parse_rib_file_name(RibArchive::ris, "updates.20200215.0000.gz").has_value());

  CHECK(default_rib_collector(RibArchive::routeviews) == "route-views2");
  CHECK(default_rib_collector(RibArchive::ris) == "rrc00");

  // The sources: MRT for `bgp import`, a 1 GiB cap, the archive's base as URL.
  auto routeviews = resolve_source("routeviews-rib", {}, "");
  REQUIRE(routeviews.has_value());
  CHECK(routeviews->format == "mrt");
  CHECK(routeviews->discovery == Discovery::routeviews_rib);
  CHECK(routeviews->max_size == uint64_t{1} << 30);
  CHECK(routeviews->urls == std::vector<std::string>{"http://archive.routeviews.org"});
  auto ris = resolve_source("ris-rib", {{"ris-rib.max_size", "2G"}}, "http://mirror.test/ris/");
  REQUIRE(ris.has_value());
  CHECK(ris->discovery == Discovery::ris_rib);
  CHECK(ris->max_size == uint64_t{2} << 30);
  CHECK(ris->urls == std::vector<std::string>{"http://mirror.test/ris/"});
  CHECK(resolve_source("ris-rib", {}, "")->urls == std::vector<std::string>{"https://data.ris.ripe.net"});

  FetchedFile file;
  file.format = "mrt";
  file.path = "/data/routeviews-rib/route-views2/rib.20200215.0000.bz2";
  CHECK(import_command(file) == "spamgraph bgp import /data/routeviews-rib/route-views2/rib.20200215.0000.bz2");
}

TEST_CASE("fetch rib: --date takes a UTC day or minute, collectors are plain names") {
  CHECK(parse_rib_date("2020-02-15") == at(2020, 2, 15));
  CHECK(parse_rib_date("2020-02-15T08:00") == at(2020, 2, 15, 8));
  CHECK(parse_rib_date("2020-02-29T23:59Z") == at(2020, 2, 29, 23, 59));
  CHECK(parse_rib_date("2000-02-29") == at(2000, 2, 29));
  for (const char* bad :
       {"", "2020-2-15", "2020-02-30", "2019-02-29", "1900-03-01", "1969-12-31", "2020-13-01", "2020-00-10",
        "2020-02-15T24:00", "2020-02-15T08:60", "2020-02-15 08:00", "2020-02-15T08:00:00", "2020-02-15T8:00",
        "2020-02-15x", "20200215", "2020-02-15T08:00+01:00", "yesterday"})
    CHECK_FALSE_MESSAGE(parse_rib_date(bad).has_value(), bad);

  for (const char* good : {"route-views2", "route-views.linx", "route-views.sydney", "rrc00", "rrc21", "RRC00"})
    CHECK_MESSAGE(check_rib_collector(good).has_value(), good);
  for (const std::string& bad :
       std::vector<std::string>{"", "..", "../etc", ".hidden", "-x", "rrc00/", "rrc00/../x", "a b", "rrc%2F00",
                                "rrc00\n", "rrc00?x=1", "route_views2", std::string(65, 'a'), std::string("rrc\0", 4)})
    CHECK_FALSE_MESSAGE(check_rib_collector(bad).has_value(), bad);
  CHECK(contains(check_rib_collector("a/b").error().message, "letters, digits, '.' and '-'"));
}

TEST_CASE("fetch rib: a listing gives exactly the dump names it links to") {
  const std::string routeviews =
      apache_listing("/bgpdata/2020.02/RIBS", {"rib.20200215.0200.bz2", "rib.20200215.0000.bz2"}) +
      "<A HREF='rib.20200215.0400.bz2'>upper case, single quotes</A>\n"
      "<a href = rib.20200215.0600.bz2>unquoted, blanks around =</a>\n"
      "<a href=\"rib.20200215.0200.bz2\">the same name twice</a>\n"
      // Hostile or foreign links: none may be taken.
      "<a href=\"../rib.20200215.0800.bz2\">\n"
      "<a href=\"http://evil.example/rib.20200215.1000.bz2\">\n"
      "<a href=\"/bgpdata/2020.02/RIBS/rib.20200215.1200.bz2\">\n"
      "<a href=\"rib.20200215.1400.bz2?x=1\">\n"
      "<a href=\"rib.20200215.1800.bz2 \">\n"
      "<a href=\"rib.20200230.0000.bz2\"> <a href=\"rib.20200215.2400.bz2\"> <a href=\"rib.20200215.0061.bz2\">\n"
      "<a href=\"rib.2020021.00000.bz2\"> <a href=\"rib.20200215.0000.bz2.md5\"> <a href=\"rib.20200215.0000.gz\">\n"
      "<a href=\"bview.20200215.1600.gz\"> <a href=\"updates.20200215.0000.bz2\"> <a href=\"RIB.20200215.1600.bz2\">\n"
      "<a data-href=\"rib.20200215.2200.bz2\"> <a href=\"rib.20200215&#46;2000.bz2\">\n"
      "<a href=\"rib.20200215.2200.bz2";  // unterminated at the end of the page
  CHECK(names_of(rib_files_in_listing(RibArchive::routeviews, routeviews)) ==
        std::vector<std::string>{"rib.20200215.0000.bz2", "rib.20200215.0200.bz2", "rib.20200215.0400.bz2",
                                 "rib.20200215.0600.bz2"});
  const auto files = rib_files_in_listing(RibArchive::routeviews, routeviews);
  CHECK(files[1].time == at(2020, 2, 15, 2));

  const std::string ris =
      apache_listing("/rrc00/2020.02", {"bview.20200215.1600.gz", "updates.20200215.0000.gz", "bview.20200215.0000.gz",
                                        "rib.20200215.0800.bz2", "bview.20200215.0800.gz"});
  CHECK(names_of(rib_files_in_listing(RibArchive::ris, ris)) ==
        std::vector<std::string>{"bview.20200215.0000.gz", "bview.20200215.0800.gz", "bview.20200215.1600.gz"});

  // Garbage: no link, binary bytes, an attribute cut at the end.
  CHECK(rib_files_in_listing(RibArchive::ris, "").empty());
  CHECK(rib_files_in_listing(RibArchive::ris, std::string("\0\x1f\x8b href=\0", 10)).empty());
  CHECK(rib_files_in_listing(RibArchive::ris, " href").empty());
  CHECK(rib_files_in_listing(RibArchive::ris, " href=").empty());
  CHECK(rib_files_in_listing(RibArchive::ris, " href= ").empty());
  CHECK(rib_files_in_listing(RibArchive::ris, std::string(100000, 'h')).empty());
  CHECK(names_of(rib_files_in_listing(RibArchive::ris, " href=bview.20200215.0800.gz")) ==
        std::vector<std::string>{"bview.20200215.0800.gz"});
}

TEST_CASE("fetch rib: the nearest dump, the earlier on a tie, and the scheduled slot") {
  const std::vector<RibFile> files = {{"rib.20200215.0200.bz2", at(2020, 2, 15, 2)},
                                      {"rib.20200215.0000.bz2", at(2020, 2, 15, 0)},
                                      {"rib.20200215.0400.bz2", at(2020, 2, 15, 4)}};
  CHECK(nearest_rib(files, at(2020, 2, 15, 1))->name == "rib.20200215.0000.bz2");  // a tie
  CHECK(nearest_rib(files, at(2020, 2, 15, 1, 1))->name == "rib.20200215.0200.bz2");
  CHECK(nearest_rib(files, at(2020, 2, 15, 3))->name == "rib.20200215.0200.bz2");  // a tie
  CHECK(nearest_rib(files, at(2020, 2, 15, 2))->name == "rib.20200215.0200.bz2");
  CHECK(nearest_rib(files, at(2020, 2, 20))->name == "rib.20200215.0400.bz2");
  CHECK(nearest_rib(files, at(2020, 1, 1))->name == "rib.20200215.0000.bz2");
  CHECK_FALSE(nearest_rib({}, at(2020, 2, 15)).has_value());

  // RouteViews every 2 hours, RIS every 8, from 00:00 UTC; a tie takes the earlier.
  CHECK(scheduled_rib_time(RibArchive::routeviews, at(2020, 2, 15, 1)) == at(2020, 2, 15, 0));
  CHECK(scheduled_rib_time(RibArchive::routeviews, at(2020, 2, 15, 1, 1)) == at(2020, 2, 15, 2));
  CHECK(scheduled_rib_time(RibArchive::routeviews, at(2020, 2, 15, 2)) == at(2020, 2, 15, 2));
  CHECK(scheduled_rib_time(RibArchive::routeviews, at(2020, 2, 29, 23, 30)) == at(2020, 3, 1));
  CHECK(scheduled_rib_time(RibArchive::ris, at(2020, 2, 15, 4)) == at(2020, 2, 15, 0));
  CHECK(scheduled_rib_time(RibArchive::ris, at(2020, 2, 15, 4, 1)) == at(2020, 2, 15, 8));
  CHECK(scheduled_rib_time(RibArchive::ris, at(2020, 2, 15, 12)) == at(2020, 2, 15, 8));
  CHECK(scheduled_rib_time(RibArchive::ris, at(2020, 2, 15, 20)) == at(2020, 2, 15, 16));
  CHECK(scheduled_rib_time(RibArchive::ris, at(2020, 12, 31, 20, 1)) == at(2021, 1, 1));
}

TEST_CASE("fetch rib: choose_rib reads a neighbouring month only when its boundary is nearer") {
  const std::string base = "http://rv.test";
  const std::string jan = base + "/bgpdata/2020.01/RIBS/";
  const std::string feb = base + "/bgpdata/2020.02/RIBS/";
  const std::string mar = base + "/bgpdata/2020.03/RIBS/";
  FakeArchive archive;
  auto choose = [&](UnixTime wanted) {
    archive.asked.clear();
    auto choice = choose_rib(RibArchive::routeviews, base, "route-views2", wanted, archive.reader());
    REQUIRE_MESSAGE(choice.has_value(), (choice ? "" : choice.error().to_string()));
    return *choice;
  };
  auto notes = [](const RibChoice& choice) {
    std::string all;
    for (const std::string& note : choice.notes) all += note + "\n";
    return all;
  };

  SUBCASE("mid-month: the month's listing only") {
    archive.bodies[feb] = apache_listing("/bgpdata/2020.02/RIBS",
                                         {"rib.20200215.0000.bz2", "rib.20200215.0200.bz2", "rib.20200215.0400.bz2"});
    const RibChoice choice = choose(at(2020, 2, 15, 1, 10));
    CHECK(choice.url == feb + "rib.20200215.0200.bz2");
    CHECK(choice.file.time == at(2020, 2, 15, 2));
    CHECK(choice.from_listing);
    CHECK(choice.candidates == 3);
    CHECK(archive.asked == std::vector<std::string>{feb});
    CHECK(contains(notes(choice), "chose rib.20200215.0200.bz2 from " + feb));
    CHECK(contains(notes(choice), "the nearest to 2020-02-15T01:10:00Z (50 min after)"));
  }
  SUBCASE("the previous month wins a tie across the boundary") {
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {"rib.20200301.0400.bz2", "rib.20200301.0600.bz2"});
    archive.bodies[feb] = apache_listing("/bgpdata/2020.02/RIBS", {"rib.20200229.2000.bz2", "rib.20200229.2200.bz2"});
    const RibChoice choice = choose(at(2020, 3, 1, 1));
    CHECK(archive.asked == std::vector<std::string>{mar, feb});
    CHECK(choice.url == feb + "rib.20200229.2200.bz2");
    CHECK(choice.candidates == 4);
  }
  SUBCASE("the next month is nearer") {
    archive.bodies[jan] = apache_listing("/bgpdata/2020.01/RIBS", {"rib.20200131.1800.bz2", "rib.20200131.2000.bz2"});
    archive.bodies[feb] = apache_listing("/bgpdata/2020.02/RIBS", {"rib.20200201.0000.bz2"});
    const RibChoice choice = choose(at(2020, 1, 31, 23));
    CHECK(archive.asked == std::vector<std::string>{jan, feb});
    CHECK(choice.url == feb + "rib.20200201.0000.bz2");
  }
  SUBCASE("a boundary as far as the month's nearest dump is not crossed") {
    archive.bodies[feb] = apache_listing("/bgpdata/2020.02/RIBS", {"rib.20200229.2200.bz2"});
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {"rib.20200301.0000.bz2"});
    const RibChoice choice = choose(at(2020, 2, 29, 23));
    CHECK(archive.asked == std::vector<std::string>{feb});
    CHECK(choice.url == feb + "rib.20200229.2200.bz2");
    // The same on the other side: a dump of February would be over 2 h away.
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {"rib.20200301.0400.bz2"});
    const RibChoice after = choose(at(2020, 3, 1, 2));
    CHECK(archive.asked == std::vector<std::string>{mar});
    CHECK(after.url == mar + "rib.20200301.0400.bz2");
  }
  SUBCASE("an empty month looks across a boundary within a day") {
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {});
    archive.bodies[feb] = apache_listing("/bgpdata/2020.02/RIBS", {"rib.20200229.2200.bz2"});
    const RibChoice choice = choose(at(2020, 3, 1, 5));
    CHECK(archive.asked == std::vector<std::string>{mar, feb});
    CHECK(choice.url == feb + "rib.20200229.2200.bz2");
    CHECK(contains(notes(choice), "the listing " + mar + " names no rib.YYYYMMDD.HHMM.bz2 file"));
    CHECK(contains(notes(choice), "(7 h 0 min before)"));
  }
  SUBCASE("an empty month far from its boundaries: the scheduled name") {
    archive.bodies[feb] = "<html><body>Forbidden</body></html>";
    const RibChoice choice = choose(at(2020, 2, 15, 9, 30));
    CHECK(archive.asked == std::vector<std::string>{feb});
    CHECK_FALSE(choice.from_listing);
    CHECK(choice.url == feb + "rib.20200215.1000.bz2");
    CHECK(contains(notes(choice),
                   "no listing read names a rib.YYYYMMDD.HHMM.bz2 file; trying the scheduled name "
                   "rib.20200215.1000.bz2"));
  }
  SUBCASE("an unreadable month listing: the scheduled name, in the month of the slot") {
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {"rib.20200301.0000.bz2"});
    const RibChoice choice = choose(at(2020, 2, 29, 23, 30));
    CHECK(archive.asked == std::vector<std::string>{feb});
    CHECK_FALSE(choice.from_listing);
    CHECK(choice.file.name == "rib.20200301.0000.bz2");
    CHECK(choice.url == mar + "rib.20200301.0000.bz2");
    CHECK(contains(notes(choice), "the listing " + feb +
                                      " could not be read (HTTP 404 Not Found); trying the "
                                      "scheduled name rib.20200301.0000.bz2"));
  }
  SUBCASE("an unreadable neighbour is noted and ignored") {
    archive.bodies[mar] = apache_listing("/bgpdata/2020.03/RIBS", {"rib.20200301.0400.bz2"});
    const RibChoice choice = choose(at(2020, 3, 1, 1));
    CHECK(archive.asked == std::vector<std::string>{mar, feb});
    CHECK(choice.url == mar + "rib.20200301.0400.bz2");
    CHECK(contains(notes(choice), "the listing " + feb + " could not be read (HTTP 404 Not Found); ignored"));
  }
  SUBCASE("RIS: another collector, a base with a path") {
    const std::string rrc03 = "https://ris.test/archive/rrc03/2020.02/";
    archive.bodies[rrc03] = apache_listing(
        "/archive/rrc03/2020.02", {"bview.20200215.0000.gz", "bview.20200215.0800.gz", "updates.20200215.0900.gz"});
    archive.asked.clear();
    auto choice =
        choose_rib(RibArchive::ris, "https://ris.test/archive/", "rrc03", at(2020, 2, 15, 9), archive.reader());
    REQUIRE(choice.has_value());
    CHECK(choice->url == rrc03 + "bview.20200215.0800.gz");
    CHECK(archive.asked == std::vector<std::string>{rrc03});
  }
  SUBCASE("a bad collector or base is refused before any request") {
    auto bad = choose_rib(RibArchive::routeviews, base, "../../etc", at(2020, 2, 15), archive.reader());
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().where == "--collector ../../etc");
    auto rrc = choose_rib(RibArchive::ris, base, "rrc00/x", at(2020, 2, 15), archive.reader());
    REQUIRE_FALSE(rrc.has_value());
    CHECK(rrc.error().where == "--rrc rrc00/x");
    auto query = choose_rib(RibArchive::ris, "https://ris.test/?token=1", "rrc00", at(2020, 2, 15), archive.reader());
    REQUIRE_FALSE(query.has_value());
    CHECK(archive.asked.empty());
  }
}

namespace {

/// A server holding a RouteViews and a RIS archive (RouteViews at its root, RIS
/// under /ris/), with a month listing each, and a download folder.
struct Served {
  TempDir root{"rib-served"};
  TempDir out{"rib-out"};
  std::string rib = bzip2_bytes(read_file(test_data(kQuaggaRib)));  // RouteViews dumps are bzip2
  std::string bview = read_file(test_data(kAddPathBview));
  std::unique_ptr<HttpTestServer> server;

  Served() {
    REQUIRE(into::sha256_hex(read_file(test_data(kQuaggaRib))) == kQuaggaRibSha256);
    REQUIRE(into::sha256_hex(bview) == kAddPathBviewSha256);
    write_file(root.path("bgpdata/2020.02/RIBS/index.html"),
               apache_listing("/bgpdata/2020.02/RIBS",
                              {"rib.20200215.0000.bz2", "rib.20200215.0200.bz2", "rib.20200215.0400.bz2"}));
    write_file(root.path("bgpdata/2020.02/RIBS/rib.20200215.0200.bz2"), rib);
    write_file(root.path("ris/rrc00/2020.02/index.html"),
               apache_listing("/rrc00/2020.02", {"bview.20200215.0000.gz", "bview.20200215.0800.gz",
                                                 "bview.20200215.1600.gz", "updates.20200215.0900.gz"}));
    write_file(root.path("ris/rrc00/2020.02/bview.20200215.0800.gz"), bview);
    auto started = HttpTestServer::start(root.root());
    REQUIRE_MESSAGE(started.has_value(), (started ? "" : started.error().to_string()));
    server = std::move(*started);
  }
  std::string url(const std::string& path) const { return server->url(path); }
  std::string dir() const { return out.path("datasets"); }
  CommandResult fetch(const std::string& name, std::vector<std::string> extra, const std::string& base) const {
    std::vector<std::string> argv = {SPAMGRAPH_BINARY, "data", "fetch", name, "--dir", dir()};
    if (!base.empty()) argv.insert(argv.end(), {"--url", base});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  }
  size_t count_requests(const std::string& part) const {
    size_t n = 0;
    for (const std::string& line : server->requests()) n += contains(line, part) ? 1 : 0;
    return n;
  }
};

}  // namespace

TEST_CASE("fetch rib: `data fetch routeviews-rib` downloads the nearest dump, and the next run is conditional") {
  Served s;
  const std::string file = s.dir() + "/routeviews-rib/route-views2/rib.20200215.0200.bz2";
  const std::string url = s.url("/bgpdata/2020.02/RIBS/rib.20200215.0200.bz2");
  CommandResult first = s.fetch("routeviews-rib", {"--date", "2020-02-15T01:10"}, s.url(""));
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(contains(first.out, "chose rib.20200215.0200.bz2 from " + s.url("/bgpdata/2020.02/RIBS/") + ": of 3 listed"));
  CHECK(contains(first.out, "downloaded " + url + "\n"));
  CHECK(contains(first.out, "  " + file + " (" + std::to_string(s.rib.size()) + " bytes, sha256 " +
                                into::sha256_hex(s.rib) + ")\n"));
  CHECK(contains(first.out, "next:\n  spamgraph bgp import " + file + "\n"));
  CHECK(into::sha256_hex(read_file(file)) == into::sha256_hex(s.rib));
  CHECK(fs::exists(meta_path(file)));
  CHECK(s.count_requests("GET /bgpdata/2020.02/RIBS/ 200") == 1);
  CHECK(s.count_requests("GET /bgpdata/2020.02/RIBS/rib.20200215.0200.bz2 200") == 1);
  CHECK(s.server->requests().size() == 2);  // mid-month: no neighbouring listing

  s.server->clear_requests();
  CommandResult second = s.fetch("routeviews-rib", {"--date", "2020-02-15T01:10"}, s.url(""));
  INFO(second.out << second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(contains(second.out, "up to date " + url));
  CHECK(s.count_requests("GET /bgpdata/2020.02/RIBS/rib.20200215.0200.bz2 304") == 1);

  // Another collector has a folder of its own, on the server and on disk; the
  // config's `source.routeviews-rib` is the base when no --url is given.
  write_file(s.root.path("route-views.linx/bgpdata/2020.02/RIBS/index.html"),
             apache_listing("/route-views.linx/bgpdata/2020.02/RIBS", {"rib.20200215.0000.bz2"}));
  write_file(s.root.path("route-views.linx/bgpdata/2020.02/RIBS/rib.20200215.0000.bz2"), s.rib);
  const std::string config = s.out.path("config");
  write_file(config, "source.routeviews-rib = " + s.url("/") + "\n");
  CommandResult linx = run_command({SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "routeviews-rib", "--dir",
                                    s.dir(), "--date", "2020-02-15", "--collector", "route-views.linx"});
  INFO(linx.out << linx.err);
  REQUIRE(linx.exit_code == 0);
  CHECK(contains(linx.out, "downloaded " + s.url("/route-views.linx/bgpdata/2020.02/RIBS/rib.20200215.0000.bz2")));
  CHECK(read_file(s.dir() + "/routeviews-rib/route-views.linx/rib.20200215.0000.bz2") == s.rib);
}

TEST_CASE("fetch rib: `data fetch ris-rib` downloads the nearest bview of the collector") {
  Served s;
  const std::string file = s.dir() + "/ris-rib/rrc00/bview.20200215.0800.gz";
  CommandResult fetched = s.fetch("ris-rib", {"--date", "2020-02-15T09:00"}, s.url("/ris/"));
  INFO(fetched.out << fetched.err);
  REQUIRE(fetched.exit_code == 0);
  CHECK(contains(fetched.out, "chose bview.20200215.0800.gz from " + s.url("/ris/rrc00/2020.02/") +
                                  ": of 3 listed, the nearest to 2020-02-15T09:00:00Z (1 h 0 min before)"));
  CHECK(contains(fetched.out, "downloaded " + s.url("/ris/rrc00/2020.02/bview.20200215.0800.gz")));
  CHECK(contains(fetched.out, "  spamgraph bgp import " + file + "\n"));
  CHECK(into::sha256_hex(read_file(file)) == kAddPathBviewSha256);

  // The same through the library, with the file's FORMAT for chaining.
  auto source = resolve_source("ris-rib", {}, s.url("/ris"));
  REQUIRE(source.has_value());
  FetchOptions options;
  options.dir = s.out.path("library");
  options.rib_time = at(2020, 2, 15, 6);
  auto files = fetch_dataset(*source, options);
  REQUIRE_MESSAGE(files.has_value(), (files ? "" : files.error().to_string()));
  REQUIRE(files->size() == 1);
  CHECK((*files)[0].format == "mrt");
  CHECK((*files)[0].url == s.url("/ris/rrc00/2020.02/bview.20200215.0800.gz"));
  CHECK((*files)[0].path == s.out.path("library/ris-rib/rrc00/bview.20200215.0800.gz"));
  CHECK((*files)[0].sha256 == kAddPathBviewSha256);
  CHECK(import_command((*files)[0]) == "spamgraph bgp import " + (*files)[0].path);

  // Without a date the library says what it needs; one base URL only.
  options.rib_time.reset();
  auto undated = fetch_dataset(*source, options);
  REQUIRE_FALSE(undated.has_value());
  CHECK(undated.error().to_string() ==
        "ris-rib: needs --date YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC): the dump nearest "
        "it is fetched");
  options.rib_time = at(2020, 2, 15);
  auto two = fetch_dataset(*resolve_source("ris-rib", {}, s.url("/a") + " " + s.url("/b")), options);
  REQUIRE_FALSE(two.has_value());
  CHECK(contains(two.error().to_string(), "takes one URL"));
}

TEST_CASE("fetch rib: an unreadable listing falls back to the scheduled name, and says so") {
  Served s;
  fs::remove(s.root.path("bgpdata/2020.02/RIBS/index.html"));
  CommandResult fetched = s.fetch("routeviews-rib", {"--date", "2020-02-15T01:30"}, s.url(""));
  INFO(fetched.out << fetched.err);
  REQUIRE(fetched.exit_code == 0);
  CHECK(contains(fetched.out, "the listing " + s.url("/bgpdata/2020.02/RIBS/") +
                                  " could not be read (HTTP 404 Not Found); trying the scheduled name "
                                  "rib.20200215.0200.bz2\n"));
  CHECK(contains(fetched.out, "downloaded " + s.url("/bgpdata/2020.02/RIBS/rib.20200215.0200.bz2")));
  CHECK(read_file(s.dir() + "/routeviews-rib/route-views2/rib.20200215.0200.bz2") == s.rib);
  const auto requests = s.server->requests();
  REQUIRE(requests.size() == 2);
  CHECK(contains(requests[0], "GET /bgpdata/2020.02/RIBS/ 404"));
  CHECK(contains(requests[1], "GET /bgpdata/2020.02/RIBS/rib.20200215.0200.bz2 200"));

  // The scheduled file is not there either: the error says both.
  CommandResult missing = s.fetch("routeviews-rib", {"--date", "2020-02-15T04:10"}, s.url(""));
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, s.url("/bgpdata/2020.02/RIBS/rib.20200215.0400.bz2") + ": HTTP 404 Not Found"));
  CHECK(contains(missing.err, "could not be read (HTTP 404 Not Found); trying the scheduled name"));
  CHECK_FALSE(fs::exists(s.dir() + "/routeviews-rib/route-views2/rib.20200215.0400.bz2"));

  // A listing over its 4 MiB cap is not read.
  write_file(s.root.path("ris/rrc00/2020.02/index.html"), std::string((size_t{4} << 20) + 1, ' '));
  CommandResult huge = s.fetch("ris-rib", {"--date", "2020-02-15T07:00"}, s.url("/ris/"));
  INFO(huge.out << huge.err);
  REQUIRE(huge.exit_code == 0);
  CHECK(contains(huge.out, "over the size cap of 4194304 bytes"));
  CHECK(contains(huge.out, "trying the scheduled name bview.20200215.0800.gz"));
  CHECK(read_file(s.dir() + "/ris-rib/rrc00/bview.20200215.0800.gz") == s.bview);
}

TEST_CASE("fetch rib: flags are checked, the size cap holds, a bad dump never replaces a good one") {
  Served s;
  SUBCASE("no --date, a bad --date, a bad collector, flags of the other source") {
    CommandResult undated = s.fetch("routeviews-rib", {}, s.url(""));
    CHECK(undated.exit_code == 2);
    CHECK(contains(undated.err, "spamgraph: data fetch: routeviews-rib: needs --date YYYY-MM-DD or YYYY-MM-DDTHH:MM"));
    CommandResult bad_date = s.fetch("ris-rib", {"--date", "2020-02-30"}, s.url("/ris/"));
    CHECK(bad_date.exit_code == 2);
    CHECK(contains(bad_date.err, "--date 2020-02-30: not YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)"));
    CommandResult traversal =
        s.fetch("routeviews-rib", {"--date", "2020-02-15", "--collector", "../../etc"}, s.url(""));
    CHECK(traversal.exit_code == 2);
    CHECK(contains(traversal.err, "--collector ../../etc: a collector name has 1 to 64 letters, digits, '.' and '-'"));
    CommandResult rrc = s.fetch("ris-rib", {"--date", "2020-02-15", "--rrc", "rrc00/../x"}, s.url("/ris/"));
    CHECK(rrc.exit_code == 2);
    CHECK(contains(rrc.err, "--rrc rrc00/../x: a collector name"));
    CommandResult crossed = s.fetch("routeviews-rib", {"--date", "2020-02-15", "--rrc", "rrc00"}, s.url(""));
    CHECK(crossed.exit_code == 2);
    CHECK(contains(crossed.err, "--rrc: routeviews-rib names its collector with --collector"));
    CommandResult other = s.fetch("iptoasn-v4", {"--date", "2020-02-15"}, s.url("/x.tsv.gz"));
    CHECK(other.exit_code == 2);
    CHECK(contains(other.err, "--date: only routeviews-rib and ris-rib take it"));
    CommandResult import = s.fetch("ris-rib", {"--date", "2020-02-15", "--import"}, s.url("/ris/"));
    CHECK(import.exit_code == 2);
    CHECK(contains(import.err, "--import: ris-rib fetches an MRT dump, which `spamgraph bgp import FILE` loads"));
    // None of them asked the server anything or left a file.
    CHECK(s.server->requests().empty());
    CHECK_FALSE(fs::exists(s.dir() + "/routeviews-rib"));
    CHECK_FALSE(fs::exists(s.dir() + "/ris-rib"));
  }
  SUBCASE("--max-size and source.NAME.max_size") {
    CommandResult capped = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00", "--max-size", "100"}, s.url(""));
    CHECK(capped.exit_code == 2);
    CHECK(contains(capped.err, "declares " + std::to_string(s.rib.size()) +
                                   " bytes (Content-Length), over the size cap of 100 bytes"));
    const std::string file = s.dir() + "/routeviews-rib/route-views2/rib.20200215.0200.bz2";
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(part_path(file)));
    // The cap is on the compressed dump; its check may inflate it further (the
    // 1111 bytes of MRT in a bzip2 file of about 300).
    REQUIRE(s.rib.size() < 400);
    CommandResult inflating = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00", "--max-size", "400"}, s.url(""));
    INFO(inflating.out << inflating.err);
    CHECK(inflating.exit_code == 0);
    CHECK(read_file(file) == s.rib);

    const std::string config = s.out.path("config");
    write_file(config, "source.ris-rib = " + s.url("/ris") + "\nsource.ris-rib.max_size = 512\n");
    CommandResult configured = run_command({SPAMGRAPH_BINARY, "--config", config, "data", "fetch", "ris-rib", "--dir",
                                            s.dir(), "--date", "2020-02-15T08:00"});
    CHECK(configured.exit_code == 2);
    CHECK(contains(configured.err, "over the size cap of 512 bytes"));
    CHECK_FALSE(fs::exists(s.dir() + "/ris-rib/rrc00/bview.20200215.0800.gz"));
  }
  SUBCASE("a truncated dump, or an error page served as one") {
    CommandResult good = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00"}, s.url(""));
    REQUIRE(good.exit_code == 0);
    const std::string file = s.dir() + "/routeviews-rib/route-views2/rib.20200215.0200.bz2";
    const std::string served = s.root.path("bgpdata/2020.02/RIBS/rib.20200215.0200.bz2");

    write_file(served, s.rib.substr(0, s.rib.size() - 10));
    CommandResult cut = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00", "--force"}, s.url(""));
    INFO(cut.out << cut.err);
    CHECK(cut.exit_code == 2);
    CHECK(contains(cut.err, "bzip2"));
    CHECK(contains(cut.err, "(download discarded)"));
    CHECK(read_file(file) == s.rib);

    write_file(served, "<html><body>503 Service Unavailable</body></html>\n");
    CommandResult page = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00", "--force"}, s.url(""));
    INFO(page.out << page.err);
    CHECK(page.exit_code == 2);
    CHECK(contains(page.err, "not bzip2 data, as rib.20200215.0200.bz2 must be (download discarded)"));
    CHECK(read_file(file) == s.rib);
    CHECK_FALSE(fs::exists(part_path(file)));

    // A gzip body under a .bz2 name is refused too, though check_compressed alone
    // would pass it.
    write_file(served, s.bview);
    CommandResult other = s.fetch("routeviews-rib", {"--date", "2020-02-15T02:00", "--force"}, s.url(""));
    CHECK(other.exit_code == 2);
    CHECK(contains(other.err, "not bzip2 data"));
    CHECK(read_file(file) == s.rib);
  }
  SUBCASE("--list shows both archives") {
    CommandResult listed = run_command({SPAMGRAPH_BINARY, "data", "fetch", "--list"});
    CHECK(listed.exit_code == 0);
    CHECK(contains(listed.out, "routeviews-rib (mrt): "));
    CHECK(contains(listed.out, "    http://archive.routeviews.org\n"));
    CHECK(contains(listed.out, "ris-rib (mrt): "));
    CHECK(contains(listed.out, "    https://data.ris.ripe.net\n"));
  }
}
