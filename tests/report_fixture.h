// A campaign report built by hand for the report/ tests: the bundled seed case
// (i4HK senders, leadw.link relays, two weeks) with hostile text where spam
// writes it (a Subject, a HELO name, a graph label), Japanese and broken bytes.
#pragma once
#include <string>

#include "analysis/report_model.h"
#include "core/time.h"

namespace sg::report_test {

/// A Subject that would run script and make a link if any writer passed it through.
inline const std::string kHostileSubject =
    "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> "
    "[c](javascript:document.title='pwned')";
/// A HELO name with markup, a cell boundary, a link and emphasis.
inline const std::string kHostileHelo = "mx|<b>bold</b>[x](javascript:alert(1))*em*.leadw.link";
/// A graph label with markup, an entity, a Graphviz escape and a control byte.
inline const std::string kHostileLabel = "<script>alert(1)</script>&amp;\\N\x1b[31m";
/// The Japanese subject of the seed case.
inline const std::string kJapaneseSubject = "【重要】偽告訴詐欺に関するお知らせ";
/// Ill-formed UTF-8, a newline and a table pipe.
inline const std::string kBrokenSubject = "caf\xe9\nline two | col ~~strike~~";

inline CampaignReport seed_report() {
  CampaignReport report;
  report.id = 7;
  report.name = "i4HK fake complaint campaign";
  report.messages = 37;
  report.first_seen = make_utc(2026, 11, 23, 8, 14, 0);
  report.last_seen = make_utc(2026, 12, 6, 21, 40, 0);
  report.since = make_utc(2026, 11, 30, 0, 0, 0);
  report.generated_at = make_utc(2026, 12, 7, 7, 28, 0);
  report.senders = {{"103.244.54.137", "static-ip.137.54.244.103.rev.i4hk.com", "103.244.52.0/22", "AS58779",
                     "i4HK Limited", "HK", "103.244.52.0/22 AS58779 APNIC", "MAINT-I4HK-AP", report.first_seen,
                     report.last_seen, 37, true}};
  report.domains = {
      {"kldoqzn6x62p3.top", {"helo", "envelope-from"}, {"103.244.54.137"}, make_utc(2026, 11, 20, 0, 0, 0),
       make_utc(2026, 11, 23, 8, 14, 0), make_utc(2026, 12, 6, 21, 40, 0), 37, true},
      {"g0zs8omwfqere.link", {"header-from", "dkim-domain"}, {}, std::nullopt, make_utc(2026, 11, 24, 3, 0, 0),
       make_utc(2026, 12, 2, 3, 0, 0), 12, false},
      {"somach789.xyz", {"url-domain"}, {"103.244.54.140"}, make_utc(2026, 11, 29, 0, 0, 0),
       make_utc(2026, 12, 1, 10, 0, 0), make_utc(2026, 12, 6, 21, 40, 0), 9, false},
      {"authoranz.xyz", {"url-domain"}, {}, std::nullopt, make_utc(2026, 12, 3, 5, 0, 0),
       make_utc(2026, 12, 5, 5, 0, 0), 4, false},
  };
  report.relays = {
      {"114.113.195.101", "re27.leadw.link", "", "114.113.195.0/24", "AS133027", report.first_seen,
       report.last_seen, 25, true},
      {"114.113.195.11", "re27.leadw.link", "", "114.113.195.0/24", "AS133027", make_utc(2026, 11, 25, 0, 0, 0),
       make_utc(2026, 12, 5, 0, 0, 0), 10, true},
      {"198.51.100.9", kHostileHelo, "", "", "", make_utc(2026, 12, 2, 0, 0, 0), make_utc(2026, 12, 2, 0, 0, 0), 2,
       false},
  };
  report.weeks = {{make_utc(2026, 11, 23, 0, 0, 0), 20, 9}, {make_utc(2026, 11, 30, 0, 0, 0), 17, 3}};
  report.samples = {
      {make_utc(2026, 12, 6, 21, 40, 0), kHostileSubject, std::string(64, 'a'), "103.244.54.137"},
      {make_utc(2026, 12, 3, 12, 5, 0), kJapaneseSubject, std::string(64, 'b'), "103.244.54.137"},
      {make_utc(2026, 11, 23, 8, 14, 0), kBrokenSubject, std::string(64, 'c'), ""},
  };
  report.new_in_period = {{"domain", "somach789.xyz", make_utc(2026, 12, 1, 10, 0, 0)},
                          {"domain", "authoranz.xyz", make_utc(2026, 12, 3, 5, 0, 0)}};
  report.nodes = {
      {"ip:103.244.54.137", "ip", "103.244.54.137"},
      {"prefix:103.244.52.0/22", "prefix", "103.244.52.0/22"},
      {"asn:AS58779", "asn", "AS58779"},
      {"org:i4HK Limited", "org", "i4HK Limited"},
      {"domain:kldoqzn6x62p3.top", "domain", "kldoqzn6x62p3.top"},
      {"domain:g0zs8omwfqere.link", "domain", "g0zs8omwfqere.link"},
      {"domain:somach789.xyz", "domain", "somach789.xyz"},
      {"domain:authoranz.xyz", "domain", "authoranz.xyz"},
      {"ip:114.113.195.101", "ip", "114.113.195.101"},
      {"ip:114.113.195.11", "ip", "114.113.195.11"},
      {"domain:re27.leadw.link", "domain", "re27.leadw.link"},
      {"domain:hostile", "domain", kHostileLabel},
  };
  report.edges = {
      {"ip:103.244.54.137", "prefix:103.244.52.0/22", "in-prefix", true},
      {"prefix:103.244.52.0/22", "asn:AS58779", "originated-by", true},
      {"asn:AS58779", "org:i4HK Limited", "held-by", true},
      {"ip:103.244.54.137", "domain:kldoqzn6x62p3.top", "helo", true},
      {"domain:somach789.xyz", "ip:103.244.54.137", "resolves-to", true},
      {"ip:114.113.195.101", "domain:re27.leadw.link", "helo", false},
      {"ip:114.113.195.11", "domain:re27.leadw.link", "helo", false},
      {"ip:114.113.195.11", "domain:hostile", "helo", false},
      {"domain:g0zs8omwfqere.link", "ip:103.244.54.137", "header-from", false},
      {"domain:authoranz.xyz", "ip:103.244.54.137", "url-domain", false},
      {"ip:103.244.54.137", "ip:nowhere", "helo", false},  // names no node: skipped
  };
  report.facts = 12;
  report.claims = 5;
  return report;
}

}  // namespace sg::report_test
