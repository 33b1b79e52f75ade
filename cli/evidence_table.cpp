// `parse` without --json: a header-analyser style table.
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/utf8.h"

namespace sg {

namespace {

// Every text of Evidence came from the message: the table shows it escaped, so a
// Subject cannot send escape sequences to the reader's terminal.
std::string shown(std::string_view text) { return escape_for_terminal(text); }

std::string or_dash(const std::string& text) { return text.empty() ? "-" : shown(text); }

std::string delay_text(const Hop& newer, const Hop& older) {
  if (!newer.date || !older.date) return "";
  const int64_t seconds = newer.date->utc - older.date->utc;
  if (seconds < 0) return fmt::format("{}s (clock skew)", seconds);
  if (seconds < 120) return fmt::format("+{}s", seconds);
  if (seconds < 7200) return fmt::format("+{}m", seconds / 60);
  return fmt::format("+{}h", seconds / 3600);
}

}  // namespace

void print_evidence_table(const Evidence& evidence, std::ostream& out) {
  out << "Message " << shown(evidence.header_hash.substr(0, 16)) << "  (" << shown(to_text(evidence.source.kind)) << " "
      << shown(evidence.source.path) << ")\n";
  if (!evidence.subject.empty()) out << "  Subject: " << shown(evidence.subject) << "\n";
  out << "  Time:    " << format_iso8601(evidence.time) << " (" << shown(evidence.time_source) << ")\n";
  if (evidence.origin_hop >= 0) {
    const Hop& origin = evidence.hops[static_cast<size_t>(evidence.origin_hop)];
    out << "  Origin:  " << (origin.from_ip ? origin.from_ip->to_string() : "-") << "  helo "
        << or_dash(origin.from_helo) << "  rdns " << or_dash(origin.from_rdns) << "  ("
        << (evidence.origin_is_fact ? "handed to a trusted server: fact" : "claimed by the chain, no trusted hop")
        << ")\n";
  } else {
    out << "  Origin:  unknown\n";
  }
  out << "\n  Hops, newest first (trusted = written by your own server):\n";
  out << fmt::format("  {:>2} {:<7} {:<39} {:<28} {:<28} {:<12}\n", "#", "TRUST", "FROM IP", "HELO", "RDNS", "DELAY");
  for (size_t i = 0; i < evidence.hops.size(); ++i) {
    const Hop& hop = evidence.hops[i];
    const std::string delay = i + 1 < evidence.hops.size() ? delay_text(hop, evidence.hops[i + 1]) : "";
    std::string mark = hop.trusted ? "trusted" : "claim";
    if (!hop.is_hop) mark = hop.pickup ? "pickup" : "local";
    if (!hop.parsed) mark = "??";
    out << fmt::format("  {:>2} {:<7} {:<39} {:<28} {:<28} {:<12}\n", i, mark,
                       hop.from_ip ? hop.from_ip->to_string() : "-", or_dash(hop.from_helo), or_dash(hop.from_rdns),
                       delay);
    out << fmt::format("     by {}{}{}\n", or_dash(hop.by), hop.with.empty() ? "" : " with " + shown(hop.with),
                       hop.date ? "  " + format_iso8601(hop.date->utc) : "");
  }
  out << "\n";
  if (!evidence.envelope_from.empty()) out << "  Envelope from: " << shown(evidence.envelope_from) << "\n";
  if (!evidence.header_from.empty()) out << "  Header from:   " << shown(evidence.header_from) << "\n";
  if (!evidence.reply_to.empty()) out << "  Reply-To:      " << shown(evidence.reply_to) << "\n";
  if (!evidence.message_id.empty()) out << "  Message-ID:    " << shown(evidence.message_id) << "\n";
  if (evidence.spf)
    out << "  SPF:           " << shown(evidence.spf->result) << " client-ip=" << or_dash(evidence.spf->client_ip)
        << " envelope-from=" << or_dash(evidence.spf->envelope_from) << "\n";
  for (const AuthResult& result : evidence.auth_results)
    out << "  Auth:          " << shown(result.method) << "=" << shown(result.result) << " (by "
        << or_dash(result.authserv_id)
        << (result.arc_instance ? ", ARC i=" + std::to_string(result.arc_instance) : "") << ")\n";
  for (const DkimSignature& dkim : evidence.dkim)
    out << "  DKIM:          d=" << shown(dkim.domain) << " s=" << shown(dkim.selector) << "\n";
  out << "\n  Indicators:\n";
  for (const Indicator& indicator : evidence.indicators)
    out << fmt::format("    {:<7} {:<22} {}{}\n", to_text(indicator.kind), to_text(indicator.role), shown(indicator.value),
                       indicator.trusted ? "  (fact)" : "");
  if (!evidence.problems.empty()) {
    out << "\n  Could not read:\n";
    for (const std::string& problem : evidence.problems) out << "    " << shown(problem) << "\n";
  }
}

}  // namespace sg
