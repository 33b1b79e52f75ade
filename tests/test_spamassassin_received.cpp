// Cross-check of our Received parsing against SpamAssassin's (Debian's spamassassin
// 4.0.1: Mail::SpamAssassin::Message::Metadata::parse_received_line), relay by relay,
// on every message of the corpus. Each message goes through the Analyzer (the
// analysis `spamgraph parse --json` prints); every hop's unfolded value goes through
// tests/spamassassin_relays.pl; the connecting address, reverse DNS name and HELO of
// both are compared after trivial normalisation: case, trailing dots, IPv4-mapped
// IPv6, and SpamAssassin's '!' for the brackets, parentheses and spaces it will not
// keep in a name (a HELO "[1.2.3.4]" is "!1.2.3.4!" there).
//
// The denominators are the lines SpamAssassin reads as relays (it skips lines with
// no `from` part or no address and a few local forms; the summary counts every
// pairing of its verdict and ours). Targets: 99% of them agree on the address, 95%
// on the reverse name, 95% on the HELO. Beyond the figures, every difference must
// fall into one of the classes in kClasses, each naming a cause with its reason; an
// unclassified difference fails the test. A difference is a field of a relay of
// SpamAssassin's, or a line only one side reads as a relay: one it reads that we
// do not keep as a hop, or one of ours with an address that it skips or cannot read.
// The summary also shows, not checked, the share equal or in a listed class; the
// differences are printed to standard output, class by class, for review.
//
// SpamAssassin is a test dependency: scripts/setup.sh installs it, and without it
// the test fails and says how to install it.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/analyze.h"
#include "collectors/mail_source.h"
#include "core/ip.h"
#include "core/utf8.h"
#include "tests/helpers.h"

using namespace sg;

namespace {

using nlohmann::json;

constexpr const char* kPerl = "/usr/bin/perl";
constexpr const char* kInstallHint =
    "this test needs SpamAssassin's Perl modules: apt-get install --no-install-recommends spamassassin "
    "(scripts/setup.sh installs it)";

/// What SpamAssassin made of one line (tests/spamassassin_relays.pl).
struct SaVerdict {
  enum class Status { relay, skipped, unparseable } status = Status::unparseable;
  std::string ip, rdns, helo, by, envfrom, ident, auth;
};

/// One Received field of one message: our hop and SpamAssassin's verdict.
struct Line {
  std::string file;  ///< path below the corpus folder, with "@offset" for a message of an mbox
  size_t index = 0;  ///< position among the message's Received fields, 0 = top
  Hop hop;
  std::string flat;  ///< hop.raw with each run of white space made one space, as SpamAssassin reads it
  SaVerdict sa;
};

/// What is compared. `relay`: whether the line is a relay at all.
enum class Field { ip, rdns, helo, relay };
constexpr std::array<std::string_view, 4> kFieldNames = {"ip", "rdns", "helo", "relay"};

// ---------------------------------------------------------------------------------
// Normalisation: only what makes the same statement look different.

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool iends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && iequals(text.substr(text.size() - end.size()), end);
}

/// Received.pm replaces these in ip, rdns, helo, by and ident with '!':
/// $strip_chars = qr/[\s\000\#\[\]\(\)\<\>\|]/.
bool is_sa_stripped(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0' || c == '#' ||
         c == '[' || c == ']' || c == '(' || c == ')' || c == '<' || c == '>' || c == '|';
}

/// A HELO or rDNS name as SpamAssassin would write it, lowercased, trailing dots cut.
std::string normal_name(std::string_view text) {
  std::string out;
  for (char c : text) out += is_sa_stripped(c) ? '!' : lower(c);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

/// An address in its printed form (IPv4-mapped IPv6 as IPv4, RFC 5952 IPv6), or the
/// text lowercased when it is not an address.
std::string normal_ip(std::string_view text) {
  if (auto ip = IpAddress::parse(text)) return ip->to_string();
  std::string out;
  for (char c : text) out += lower(c);
  return out;
}

std::string our_ip(const Hop& hop) { return hop.from_ip ? hop.from_ip->to_string() : std::string{}; }

bool our_relay(const Hop& hop) { return hop.parsed && hop.is_hop; }

std::string our_status(const Hop& hop) {
  if (!hop.parsed) return "unparsed";
  if (!hop.is_hop) return "not a hop";
  return hop.from_ip ? "hop with address" : "hop without address";
}

std::string sa_status(const SaVerdict& sa) {
  switch (sa.status) {
    case SaVerdict::Status::relay: return "relay";
    case SaVerdict::Status::skipped: return "skipped";
    case SaVerdict::Status::unparseable: return "unparseable";
  }
  return {};
}

/// Our value and SpamAssassin's of one field, as written, and whether they agree.
struct Comparison {
  bool agree = true;
  std::string ours;
  std::string theirs;
};

Comparison compare(const Line& line, Field field) {
  const Hop& hop = line.hop;
  const SaVerdict& sa = line.sa;
  switch (field) {
    case Field::ip: return {normal_ip(our_ip(hop)) == normal_ip(sa.ip), our_ip(hop), sa.ip};
    case Field::rdns: return {normal_name(hop.from_rdns) == normal_name(sa.rdns), hop.from_rdns, sa.rdns};
    case Field::helo: return {normal_name(hop.from_helo) == normal_name(sa.helo), hop.from_helo, sa.helo};
    case Field::relay: {
      // Every relay of SpamAssassin's has an address: a hop of ours without one is
      // not a relay it could have read (a relay of its that we keep without an
      // address is an ip difference).
      const bool theirs = sa.status == SaVerdict::Status::relay;
      const bool agree = theirs ? our_relay(hop) : !(our_relay(hop) && hop.from_ip);
      std::string ours = our_status(hop);
      if (our_relay(hop)) ours += ": ip=" + our_ip(hop) + " rdns=" + hop.from_rdns + " helo=" + hop.from_helo;
      return {agree, ours, sa_status(sa)};
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------
// The classes of difference. Each names one cause, says why the two differ, and
// recognises its lines by the field and a predicate; the first class that claims a
// difference explains it, and a difference no class claims fails the test. To add
// a class, write its predicate and append it to kClasses.

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

/// The first capture of `pattern` in the line as SpamAssassin reads it, or "" when
/// it does not match.
std::string capture(const Line& line, const char* pattern) {
  std::smatch match;
  if (!std::regex_search(line.flat, match, std::regex(pattern, std::regex::icase))) return {};
  return match.size() > 1 ? match[1].str() : match[0].str();
}

bool same_name(std::string_view a, std::string_view b) { return normal_name(a) == normal_name(b); }

// Exchange writes `from NAME (IP) by HOST (IP) with Microsoft SMTP Server (TLS...)
// id 15.20.x` (or `([IP])`). SpamAssassin's Exchange pattern wants the version right
// after `Microsoft SMTP Server (...)`, so only `with mapi id 15.20.x` lines meet it
// (not even the example in its own comment does); the others fall to its qmail
// pattern `from rDNS (IP)`, which sets rdns = helo = NAME.
bool exchange_from_name_is_helo(const Line& line) {
  return contains(line.flat, "with Microsoft SMTP Server") && line.hop.from_rdns.empty() &&
         same_name(line.sa.rdns, line.sa.helo) && same_name(line.sa.helo, line.hop.from_helo);
}

// Exchange Online's hand-over between its own servers, `from NAME (IP) by
// HOST.outlook.com with HTTPS`: the same `from NAME (IP)`, read the same way by
// SpamAssassin.
bool exchange_https_name_is_no_rdns(const Line& line) {
  const std::string name = capture(line, "^from (\\S+) \\(");
  return iequals(line.hop.with, "HTTPS") && iends_with(line.hop.by, "outlook.com") && line.hop.from_rdns.empty() &&
         !name.empty() && same_name(line.sa.rdns, name);
}

// `from NAME ([IP]) by ...` from a writer that is not Exim: Sendmail, Postfix,
// Gmail and the like write `from HELO (rDNS [IP])` and leave out the rDNS when
// there is none; SpamAssassin reads the form with its qmail fallback (its Sendmail
// pattern wants `by HOST (`) and copies NAME into rdns.
bool bracketed_address_alone_means_no_rdns(const Line& line) {
  const std::string name = capture(line, "^from (\\S+) \\(\\[[0-9a-f:.]+\\]\\) by ");
  return !name.empty() && !contains(line.flat, "Exim") && line.hop.from_rdns.empty() &&
         same_name(line.hop.from_helo, name) && same_name(line.sa.rdns, name);
}

// An address where the reverse name goes: Yahoo's and qmail's `from 1.2.3.4 (EHLO x)
// (1.2.3.4)` when the client has no reverse name. SpamAssassin empties rdns only
// for `unknown` and for a bracketed literal.
bool address_in_rdns_place(const Line& line) {
  return line.hop.from_rdns.empty() && IpAddress::parse(line.sa.rdns).has_value();
}

// Exim's own form `from rDNS ([IP]:port helo=HELO)` in a line that does not name
// Exim: SpamAssassin applies its Exim patterns only when the line says `Exim`, and
// otherwise reads the first name as the HELO alone.
bool exim_form_not_named(const Line& line) {
  const std::string name = capture(line, "^from (\\S+) \\(\\[[0-9a-f:.]+\\](?::\\d+ helo=| helo=|:\\d+\\))");
  return !name.empty() && !contains(line.flat, "Exim") && line.sa.rdns.empty() && same_name(line.hop.from_rdns, name);
}

// `unknown` is what an MTA writes in the name's place when the client has no
// reverse name (`from unknown [IP]`, `from (unknown [IP])`, qmail's `from unknown
// (IP)`); SpamAssassin's patterns for these forms take the word as the HELO.
bool unknown_taken_as_helo(const Line& line) { return iequals(line.sa.helo, "unknown") && line.hop.from_helo.empty(); }

// `from IP by HOST ...`: the bare address is the client's, stated plainly.
// SpamAssassin reads the form only for a few writers (AOL WebMail, Hotmail,
// InterScan, SMTPL) and skips `from X by HOST;` on purpose (meant for host names:
// `from virtual-access.org by bolero.conactive.com ;`).
bool address_by_host(const Line& line) {
  const std::string address = capture(line, "^from ([0-9a-f:.]+) by [a-z0-9]");
  return !address.empty() && !contains(line.flat, "qmail-scanner") && line.hop.from_ip &&
         normal_ip(address) == our_ip(line.hop);
}

// A line with no receiving host: an excerpt cut before `by` (`from unknown (HELO x)
// (IP)`), `by ;`, MailEnable's `from ([127.0.0.1]) with MailEnable ESMTP`.
// SpamAssassin reads a relay only with both an address and a `by` host; we keep the
// sending side that is stated.
bool no_receiving_host(const Line& line) { return line.hop.by.empty(); }

// `from [IP] by HOST ...`: the bracketed literal in the from slot is the EHLO
// argument, reported with its brackets (an address-literal HELO is itself a
// signal); SpamAssassin reads it as the address only.
bool literal_helo_kept(const Line& line) {
  const std::string literal = capture(line, "^from (\\[[0-9a-f:.]+\\])");
  return line.sa.helo.empty() && !literal.empty() && line.hop.from_helo == literal;
}

// `from NAME (IP) by HOST` from a writer we cannot name as qmail (LSMTP, IBM's
// gateway, bulk mailers): qmail writes its reverse lookup there, others the HELO.
// SpamAssassin assumes qmail. The reverse name is taken as a fact by the trust walk,
// so a name the client may have chosen stays a HELO.
bool unnamed_writer_from_name_address(const Line& line) {
  const std::string name = capture(line, "^from (\\S+) \\([0-9a-f:.]+\\) by ");
  return !name.empty() && line.hop.dialect != "qmail" && line.hop.from_rdns.empty() &&
         same_name(line.hop.from_helo, name) && same_name(line.sa.rdns, name);
}

// A line read as Exim's (its id has Exim's 6-6-2 shape) that starts `from [IP]`:
// Exim writes the bracketed address first for a client with no reverse name and
// quotes the HELO only as helo=; SpamAssassin takes the literal for the HELO.
bool exim_address_first(const Line& line) {
  return line.hop.dialect == "exim" && line.hop.from_helo.empty() && line.flat.starts_with("from [") &&
         same_name(line.sa.helo, "[" + our_ip(line.hop) + "]");
}

struct DifferenceClass {
  std::string_view name;
  Field field;
  std::string_view reason;
  bool (*matches)(const Line& line);
  /// A difference of convention the issue names as right (Exchange's name is a
  /// HELO, never a reverse name): the rdns target is measured without these lines.
  bool convention = false;
};

constexpr std::array kClasses = {
    DifferenceClass{"exchange_from_name_is_helo", Field::rdns,
                    "in Exchange's `from NAME (IP)` the name is the client's EHLO name (Exchange records no reverse "
                    "lookup); SpamAssassin reads the line with its qmail pattern and copies the name into rdns too",
                    exchange_from_name_is_helo, true},
    DifferenceClass{"exchange_https_name_is_no_rdns", Field::rdns,
                    "Exchange Online's `from NAME (IP) by HOST.outlook.com with HTTPS` names the submitting server as "
                    "Exchange knows it, not a reverse lookup; SpamAssassin's qmail pattern copies it into rdns",
                    exchange_https_name_is_no_rdns, true},
    DifferenceClass{"bracketed_address_alone_means_no_rdns", Field::rdns,
                    "`from NAME ([IP])` outside Exim: the writer (Sendmail, Postfix, Gmail) puts the reverse name "
                    "before the bracketed address and had none; SpamAssassin's qmail fallback copies NAME into rdns",
                    bracketed_address_alone_means_no_rdns},
    DifferenceClass{"address_in_rdns_place", Field::rdns,
                    "an address stands where the reverse name goes (`from 1.2.3.4 (EHLO x) (1.2.3.4)`): no name was "
                    "found; SpamAssassin keeps the address as rdns (it empties only `unknown` and `[...]`)",
                    address_in_rdns_place},
    DifferenceClass{"exim_form_not_named", Field::rdns,
                    "Exim's `from rDNS ([IP]:port helo=x)` in a line that does not say `Exim`: the first name is the "
                    "verified reverse lookup; SpamAssassin uses its Exim patterns only on lines naming Exim",
                    exim_form_not_named},
    DifferenceClass{"unknown_taken_as_helo", Field::helo,
                    "`unknown` marks a missing reverse name (`from unknown [IP]`, `from (unknown [IP])`, `from "
                    "unknown (IP)`), not a HELO; SpamAssassin's patterns for these forms take it as the HELO",
                    unknown_taken_as_helo},
    DifferenceClass{"literal_helo_kept", Field::helo,
                    "`from [IP] by HOST`: the bracketed literal in the from slot is the EHLO argument, kept with its "
                    "brackets (an address-literal HELO is itself a spam signal); SpamAssassin reads only the address",
                    literal_helo_kept},
    DifferenceClass{"unnamed_writer_from_name_address", Field::rdns,
                    "`from NAME (IP) by HOST` from a writer not recognisable as qmail (LSMTP, IBM's gateway): only "
                    "qmail puts its reverse lookup there; the trust walk takes a reverse name as a fact, so a name "
                    "the client may have chosen stays a HELO; SpamAssassin assumes qmail",
                    unnamed_writer_from_name_address},
    DifferenceClass{"exim_address_first", Field::helo,
                    "a line read as Exim's (Exim's id shape) starting `from [IP]`: Exim writes the address first for "
                    "a client with no reverse name and quotes the HELO only as helo=; SpamAssassin takes the literal "
                    "for the HELO",
                    exim_address_first},
    DifferenceClass{"address_by_host", Field::relay,
                    "`from IP by HOST`: the client's address, stated plainly; SpamAssassin reads the form only for a "
                    "few writers and skips `from X by HOST;` on purpose (meant for host names)",
                    address_by_host},
    DifferenceClass{"no_receiving_host", Field::relay,
                    "no `by` host (an excerpt cut short, `by ;`, MailEnable's loopback `from ([127.0.0.1]) with "
                    "MailEnable`): SpamAssassin reads a relay only with an address and a `by` host; we keep the "
                    "sending side that is stated",
                    no_receiving_host},
};

const DifferenceClass* classify(const Line& line, Field field) {
  for (const DifferenceClass& difference_class : kClasses)
    if (difference_class.field == field && difference_class.matches(line)) return &difference_class;
  return nullptr;
}

// ---------------------------------------------------------------------------------
// Gathering the lines and asking SpamAssassin.

std::string flattened(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space)
      out += c;
    else if (!out.empty() && out.back() != ' ')
      out += ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

/// The bytes a JSON string of tests/spamassassin_relays.pl stands for: each code
/// point U+0000..U+00FF is one byte (nlohmann hands them over as UTF-8). Returns
/// false on a code point above U+00FF.
bool bytes_of(const json& value, std::string& out) {
  out.clear();
  if (!value.is_string()) return true;
  const std::string& text = value.get_ref<const std::string&>();
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += static_cast<char>(byte);
    } else if ((byte & 0xE0) == 0xC0 && i + 1 < text.size()) {
      out += static_cast<char>(((byte & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F));
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

std::vector<Line> lines_of(const std::vector<std::string>& folders) {
  AnalysisOptions options;
  options.body_urls = false;  // hops do not depend on the body
  options.fallback_time = 1700000000;
  Analyzer analyzer(options);
  std::vector<Line> lines;
  for (const std::string& folder : folders) {
    const std::string root = std::filesystem::path(folder).lexically_normal().string();
    std::vector<Error> problems;
    const auto status = read_messages(
        folder, MailFormat::automatic,
        [&](RawMessage&& raw) {
          std::string file = raw.source.path;
          if (file.starts_with(root)) file.erase(0, root.size());
          while (file.starts_with('/')) file.erase(0, 1);
          if (raw.source.kind == SourceKind::mbox) file += "@" + std::to_string(raw.source.offset);
          const Evidence evidence = analyzer.analyze(raw.bytes, raw.source);
          for (size_t index = 0; index < evidence.hops.size(); ++index) {
            const Hop& hop = evidence.hops[index];
            lines.push_back(Line{file, index, hop, flattened(hop.raw), {}});
          }
          return true;
        },
        problems);
    REQUIRE_MESSAGE(status.has_value(), folder);
  }
  return lines;
}

/// SpamAssassin's verdict on every line, from one run of the Perl script. Returns
/// the SpamAssassin version.
std::string ask_spamassassin(std::vector<Line>& lines) {
  const std::string script = repo_path("tests/spamassassin_relays.pl");
  REQUIRE_MESSAGE(std::filesystem::exists(kPerl), "no ", std::string(kPerl), ": ", std::string(kInstallHint));
  std::string input;
  for (const Line& line : lines) {
    // One value a line: a CR or LF left inside is white space to SpamAssassin too.
    for (char c : line.hop.raw) input += (c == '\n' || c == '\r') ? ' ' : c;
    input += '\n';
  }
  const CommandResult result = run_command({kPerl, script}, input);
  REQUIRE_MESSAGE(result.exit_code == 0, std::string(kInstallHint), "\n", script, " failed: ", result.err);
  if (!result.err.empty()) MESSAGE(script, " warned: ", escape_for_terminal(result.err));
  std::vector<std::string> rows;
  std::istringstream out(result.out);
  for (std::string row; std::getline(out, row);) rows.push_back(row);
  REQUIRE_MESSAGE(rows.size() == lines.size() + 1, script, " answered ", rows.size(), " lines for ", lines.size(),
                  " values");
  const std::string version = json::parse(rows[0]).value("spamassassin", "");
  bool bytes_ok = true;
  for (size_t index = 0; index < lines.size(); ++index) {
    const json verdict = json::parse(rows[index + 1]);
    SaVerdict& sa = lines[index].sa;
    const std::string status = verdict.value("status", "");
    sa.status = status == "relay"     ? SaVerdict::Status::relay
                : status == "skipped" ? SaVerdict::Status::skipped
                                      : SaVerdict::Status::unparseable;
    if (sa.status != SaVerdict::Status::relay) continue;
    for (auto [name, value] : {std::pair{"ip", &sa.ip}, {"rdns", &sa.rdns}, {"helo", &sa.helo}, {"by", &sa.by},
                               {"envfrom", &sa.envfrom}, {"ident", &sa.ident}, {"auth", &sa.auth}})
      bytes_ok &= bytes_of(verdict[name], *value);
  }
  REQUIRE_MESSAGE(bytes_ok, script, " wrote a code point above U+00FF");
  return version;
}

std::string percent(int64_t part, int64_t whole) {
  if (whole == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return text;
}

/// One difference as printed: where, what each side has, and the line itself.
std::string describe(const Line& line, Field field, const Comparison& result) {
  std::ostringstream text;
  text << escape_for_terminal(line.file) << " #" << line.index << " " << kFieldNames[static_cast<size_t>(field)]
       << ": ours '" << escape_for_terminal(result.ours) << "', SA '" << escape_for_terminal(result.theirs) << "'";
  if (field != Field::relay)
    text << " (ours ip=" << our_ip(line.hop) << " rdns=" << escape_for_terminal(line.hop.from_rdns)
         << " helo=" << escape_for_terminal(line.hop.from_helo) << "; SA ip=" << escape_for_terminal(line.sa.ip)
         << " rdns=" << escape_for_terminal(line.sa.rdns) << " helo=" << escape_for_terminal(line.sa.helo) << ")";
  text << "\n      " << escape_for_terminal(line.hop.raw) << "\n";
  return text.str();
}

/// Compares every line, prints the figures and every difference, and checks the
/// targets and that every difference is explained.
void compare_with_spamassassin(const std::vector<std::string>& folders, const std::string& label) {
  std::vector<Line> lines = lines_of(folders);
  REQUIRE(!lines.empty());
  const std::string version = ask_spamassassin(lines);

  std::map<std::string, int64_t> pairings;  // SpamAssassin's verdict and ours
  int64_t relays = 0;
  std::array<int64_t, 3> equal{};
  std::array<int64_t, 3> explained{};  // differing, in a listed class
  std::array<int64_t, 3> convention{};  // differing, in a class of convention
  std::map<std::string_view, std::string> classified;  // class name -> differences
  std::map<std::string_view, int64_t> class_counts;
  std::string unclassified;
  int64_t unclassified_count = 0;
  for (const Line& line : lines) {
    ++pairings["SA " + sa_status(line.sa) + ", ours " + our_status(line.hop)];
    std::vector<Field> fields;
    if (line.sa.status == SaVerdict::Status::relay) {
      ++relays;
      fields = {Field::ip, Field::rdns, Field::helo};
    }
    fields.push_back(Field::relay);
    for (Field field : fields) {
      const Comparison result = compare(line, field);
      if (field != Field::relay) equal[static_cast<size_t>(field)] += result.agree;
      if (result.agree) continue;
      if (const DifferenceClass* found = classify(line, field)) {
        ++class_counts[found->name];
        if (field != Field::relay) ++explained[static_cast<size_t>(field)];
        if (field != Field::relay && found->convention) ++convention[static_cast<size_t>(field)];
        classified[found->name] += "    " + describe(line, field, result);
      } else {
        ++unclassified_count;
        unclassified += "  " + describe(line, field, result);
      }
    }
  }

  std::ostringstream summary;
  summary << "SpamAssassin " << version << " against our parse, " << label << ": " << lines.size()
          << " Received fields\n";
  for (const auto& [pairing, count] : pairings) summary << "  " << pairing << ": " << count << "\n";
  summary << "  relays (SA): " << relays << "\n";
  for (Field field : {Field::ip, Field::rdns, Field::helo}) {
    const auto slot = static_cast<size_t>(field);
    summary << "  " << kFieldNames[slot] << " equal: " << equal[slot] << "/" << relays << " = "
            << percent(equal[slot], relays) << "; equal or in a listed class: " << equal[slot] + explained[slot]
            << " = " << percent(equal[slot] + explained[slot], relays) << "; equal where the conventions meet: "
            << equal[slot] << "/" << relays - convention[slot] << " = "
            << percent(equal[slot], relays - convention[slot]) << "\n";
  }
  for (const DifferenceClass& difference_class : kClasses)
    summary << "  " << kFieldNames[static_cast<size_t>(difference_class.field)] << " differences, "
            << difference_class.name << ": " << class_counts[difference_class.name] << "\n";
  summary << "  unclassified differences: " << unclassified_count << "\n";
  MESSAGE(summary.str());

  std::cout << "Differences from SpamAssassin, " << label << ", by class:\n";
  for (const DifferenceClass& difference_class : kClasses) {
    const auto found = classified.find(difference_class.name);
    if (found == classified.end()) continue;
    std::cout << "  " << difference_class.name << " (" << difference_class.reason << "):\n" << found->second;
  }
  std::cout << "Unclassified differences from SpamAssassin, " << label << ":\n" << unclassified << std::flush;

  CHECK_MESSAGE(equal[0] * 100 >= relays * 99, "ip agreement below 99%: ", percent(equal[0], relays));
  // Exchange's `from NAME (IP)` is the one difference the targets leave out: its
  // name is a HELO (known and right), and Exchange relays alone can be more than 5%
  // of a corpus. Every other difference counts against the target.
  const int64_t rdns_comparable = relays - convention[1];
  CHECK_MESSAGE(equal[1] * 100 >= rdns_comparable * 95, "rdns agreement below 95% where the conventions meet: ",
                percent(equal[1], rdns_comparable));
  CHECK_MESSAGE(equal[2] * 100 >= relays * 95, "helo agreement below 95%: ", percent(equal[2], relays));
  CHECK_MESSAGE(unclassified_count == 0, unclassified_count,
                " differences from SpamAssassin fall into no listed class (printed above)");
}

}  // namespace

TEST_CASE("received: tests/spamassassin_relays.pl hands SpamAssassin's verdicts back line by line, byte for byte") {
  std::vector<Line> lines(4);
  lines[0].hop.raw = "from h\xe9lo (r\xe9v.example [192.0.2.1]) by mx.example (Postfix) with ESMTP id A1";
  lines[1].hop.raw = "(qmail 1234 invoked by uid 89); 1 Jan 2020 00:00:00 -0000";
  lines[2].hop.raw = "from x";
  lines[3].hop.raw = "from [192.0.2.2] (helo=[192.0.2.2])\r\n\tby x.example (Exim 4.96) with esmtp id 1abc";
  const std::string version = ask_spamassassin(lines);
  CHECK(version.starts_with("4."));
  CHECK(lines[0].sa.status == SaVerdict::Status::relay);
  CHECK(lines[0].sa.ip == "192.0.2.1");
  CHECK(lines[0].sa.helo == "h\xe9lo");
  CHECK(lines[0].sa.rdns == "r\xe9v.example");
  CHECK(lines[0].sa.by == "mx.example");
  CHECK(lines[1].sa.status == SaVerdict::Status::skipped);
  CHECK(lines[2].sa.status == SaVerdict::Status::unparseable);
  REQUIRE(lines[3].sa.status == SaVerdict::Status::relay);
  CHECK(lines[3].sa.helo == "!192.0.2.2!");  // SpamAssassin's '!' for brackets
  CHECK(normal_name(lines[3].sa.helo) == normal_name("[192.0.2.2]"));
}

TEST_CASE("received: agrees with SpamAssassin's relay parse on the corpus") {
  compare_with_spamassassin({corpus_path("")}, "the corpus");
}

TEST_CASE("received: agrees with SpamAssassin's relay parse on the extra corpus") {
  const auto extra = extra_corpus();
  if (!extra) return;
  compare_with_spamassassin({*extra + "/phishing_pot", *extra + "/linux-erofs-list-archive"}, "the extra corpus");
}
