// What a campaign report says, gathered from the store (analysis/report_builder.h)
// and written out by report/ as Markdown or HTML. Every string here is already
// masked (the user's own addresses and host names replaced) but neither defanged
// nor escaped: the writer does that for its format.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace sg {

/// The reader's language of a report: labels, dates and numbers.
enum class ReportLanguage { en, ja };

/// A machine that sent the campaign's mail (an origin IP), with its network.
struct SenderRow {
  std::string ip;
  std::string rdns;              ///< reverse name a receiving server recorded or PTR gave; "" when none
  std::string prefix;            ///< routed prefix ("103.244.52.0/22"); "" when unknown
  std::string asn;               ///< "AS58779"; "" when unknown
  std::string as_holder;         ///< "i4HK Limited"; "" when unknown
  std::string country;           ///< ISO code; "" when unknown
  std::string route;             ///< IRR route object ("114.113.195.0/24 AS133027 RADB"); "" when none known
  std::string route_maintainer;  ///< who registered it ("MAINT-AS3491"); "" when unknown
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;
  bool fact = false;  ///< stated by a trusted hop, not only claimed
};

/// A domain the campaign used, by registrable domain.
struct DomainRow {
  std::string domain;               ///< registrable domain ("somach789.xyz")
  std::vector<std::string> roles;   ///< helo, envelope-from, header-from, dkim-domain, url-domain, ...
  std::vector<std::string> ips;     ///< addresses it resolved to or was sent from
  std::optional<UnixTime> registered;  ///< registration date, when a registry said
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;
  bool fact = false;
};

/// A machine that handed the mail on between the origin and the user's servers.
struct RelayRow {
  std::string ip;
  std::string helo;    ///< the name it gave; "" when none
  std::string rdns;
  std::string prefix;  ///< "" when unknown
  std::string asn;     ///< "" when unknown
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;
  bool fact = false;
};

/// One week of the campaign (weeks start on Monday, UTC).
struct TimelineWeek {
  UnixTime week_start = 0;
  int64_t messages = 0;
  int64_t new_indicators = 0;  ///< IPs, domains, prefixes and ASNs first seen that week
};

/// One received message of the campaign.
struct MessageRow {
  UnixTime time = 0;
  std::string subject;      ///< decoded
  std::string header_hash;  ///< SHA-256 hex of the header block
  std::string origin_ip;    ///< "" when none
};

/// A node of the infrastructure graph.
struct GraphNode {
  std::string id;     ///< unique within the report ("ip:103.244.54.137")
  std::string kind;   ///< ip, domain, prefix, asn, org, route, ...
  std::string label;  ///< what a reader sees (not yet defanged)
};

/// An edge of the infrastructure graph.
struct GraphEdge {
  std::string from;      ///< GraphNode::id
  std::string to;        ///< GraphNode::id
  std::string relation;  ///< helo, resolves-to, in-prefix, originated-by, ...
  bool fact = false;
};

/// An indicator that is new in the report's period ("--since").
struct NewIndicator {
  std::string kind;   ///< ip, domain, prefix, asn
  std::string value;
  UnixTime first_seen = 0;
};

/// Everything a campaign report shows.
struct CampaignReport {
  int64_t id = 0;
  std::string name;
  int64_t messages = 0;
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  std::optional<UnixTime> since;  ///< the period starts here (report --since); unset: all time
  UnixTime generated_at = 0;
  std::vector<SenderRow> senders;    ///< by messages, then IP
  std::vector<DomainRow> domains;    ///< by first_seen, then domain
  std::vector<RelayRow> relays;      ///< by messages, then IP
  std::vector<TimelineWeek> weeks;   ///< every week from first to last, empty weeks included
  std::vector<MessageRow> samples;   ///< up to 50 messages, newest first
  std::vector<NewIndicator> new_in_period;  ///< with `since`: what first appeared on or after it
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  int64_t facts = 0;   ///< links stated by the user's own (trusted) servers
  int64_t claims = 0;  ///< links only claimed by servers the sender may control
};

}  // namespace sg
