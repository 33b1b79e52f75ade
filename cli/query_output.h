// Printing answers of store queries, as tables for people and JSON for tools.
// Stored values came from spam and downloaded data: tables show them through
// escape_for_terminal(), JSON holds them as valid UTF-8 (cli/json_output.h).
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/evidence.h"
#include "store/datasets.h"
#include "store/store.h"

namespace sg {

/// `shares` as JSON: an array of {"domain"|"ip", "roles", "via", "first_seen", "last_seen", "messages", "trusted"},
/// domains with "names" (how many names a registrable domain stands for; 1 listing names).
nlohmann::json shares_to_json(const std::vector<SharedLink>& links, bool values_are_domains);
/// `shares` as a table with a heading naming the query; domains grouped by family get a NAMES column.
void print_shares(const std::string& query, const std::vector<SharedLink>& links, bool values_are_domains,
                  ShareGrouping grouping, std::ostream& out);

nlohmann::json stats_to_json(const StoreStats& stats);
void print_stats(const StoreStats& stats, std::ostream& out);

/// `show`: for a message, `analysis` is its stored header block analysed again
/// (with the current trust settings) and supplies the hops; for an IP, `chain` (from
/// ip_chain()) adds the network it sits in: prefix -> AS -> holder, and country, and
/// `routing` (from routing_as_of()) which day's table answers for each message day.
/// The entity's enrichment lookups (EntityReport::lookups) are printed when present.
nlohmann::json report_to_json(const EntityReport& report, const Evidence* analysis = nullptr,
                              const std::vector<ChainLink>* chain = nullptr,
                              const std::vector<RoutingAsOf>* routing = nullptr);
void print_report(const EntityReport& report, std::ostream& out, const Evidence* analysis = nullptr,
                  const std::vector<ChainLink>* chain = nullptr, const std::vector<RoutingAsOf>* routing = nullptr);

/// The `routing` array of `show ip --json`: {"series", "dataset", "date", "format",
/// "message_time" (null: the IP is in no message), "gap_seconds", "gap_days", "prefix", "origins"}.
nlohmann::json routing_to_json(const std::vector<RoutingAsOf>& routing);
/// "routing as of pyasn-ipasn 2014-05-13 for the message of 2014-05-20 (7 days before it)".
std::string routing_sentence(const RoutingAsOf& row);

/// The `chain` array of `show ip --json`: {"depth", "from", "relation", "to", "first_seen", "last_seen", "datasets"}.
nlohmann::json chain_to_json(const std::vector<ChainLink>& chain);
/// `asn ASN` as JSON: {"asn", "names": [{"name", "dataset", "date"}], "prefixes": [{"prefix",
/// "country", "dataset", "date", "format"}], "graph_prefixes" (from mmdb lookups), "ips": [{"ip", "prefixes", "domains"}]}.
nlohmann::json asn_report_to_json(const AsnReport& report);
/// `asn ASN` for people: names, prefixes grouped by dataset, graph IPs and their domains.
void print_asn_report(const AsnReport& report, std::ostream& out);

/// `asn ASN --history` as JSON: {"asn", "history": [{"prefix", "first", "last",
/// "sources": [{"source", "first", "last"}], "gone": [{"dataset", "date", "format",
/// "origins"}]}]}, times in ISO 8601.
nlohmann::json prefix_history_to_json(uint32_t asn, const std::vector<PrefixHistory>& history);
/// `asn ASN --history` for people: a line per prefix with its span, the later tables
/// that no longer list it ("gone by NAME DATE"), and its sources.
void print_prefix_history(uint32_t asn, const std::vector<PrefixHistory>& history, std::ostream& out);

}  // namespace sg
