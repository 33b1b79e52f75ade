// The RIPEstat Data API (https://stat.ripe.net/docs/data-api/): the URL of a data
// call and pure parsers of its JSON answers. No network here: the fetcher stores
// the body first, then derive calls these, so a parser fix re-reads old answers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"

namespace sg::ripestat {

/// The public API's host; tests and mirrors pass their own base instead.
inline constexpr std::string_view kDefaultBase = "https://stat.ripe.net";

/// Bodies longer than this are refused before parsing (the largest real answers,
/// routing-history of a big AS, are a few MB).
inline constexpr size_t kMaxBodyBytes = 64u << 20;

/// "<base>/data/<call>/data.json?resource=<resource>&sourceapp=<sourceapp>", the
/// resource and sourceapp percent-encoded; a trailing '/' of base is dropped and
/// an empty sourceapp leaves its parameter out.
std::string ripestat_url(std::string_view base, std::string_view call, std::string_view resource,
                         std::string_view sourceapp);

/// `text` percent-encoded for a URL query value: every byte but the RFC 3986
/// unreserved ones (letters, digits, "-._~") becomes %XX.
std::string url_escape(std::string_view text);

/// One entry of "messages": ["info", "Results exclude ..."].
struct Message {
  std::string level;  ///< "info", "warning", "error", ... as sent, lower-cased
  std::string text;
};

/// What every answer carries around its `data`. Files holding only the `data`
/// member (older recordings) have no envelope: has_envelope is false and the
/// rest stays empty.
struct Envelope {
  bool has_envelope = false;
  std::string status;            ///< "ok", "error", ... ("" when absent)
  int status_code = 0;           ///< HTTP-like code in the body (0 when absent)
  std::string data_call_name;    ///< "announced-prefixes", ... (absent in 2021 answers)
  std::string version;           ///< the data call's version, "1.2"
  std::optional<UnixTime> time;  ///< when the server answered ("time")
  std::vector<Message> messages;

  /// True when the server says the call failed: a status other than "ok", a
  /// status_code of 400 or more, or a message of level "error".
  bool is_error() const;
  /// The text of the first "error" message, else the status and code ("" when
  /// the answer is no error).
  std::string error_text() const;
};

/// A parsed answer: the envelope, and the data unless the envelope reports an
/// error (then `data` is empty and the envelope says why). A body that is not
/// such an answer at all (bad JSON, a field of the wrong type) is an Error instead.
template <typename Data>
struct Answer {
  Envelope envelope;
  std::optional<Data> data;
};

/// A period during which a route was seen, both ends included.
struct Timeline {
  UnixTime start = 0;
  UnixTime end = 0;
  /// routing-history only: the average number of full-feed RIS peers that saw it.
  std::optional<double> full_peers_seeing;
};

/// A prefix with every period it was seen (announced-prefixes, routing-history).
struct PrefixTimelines {
  IpPrefix prefix;
  std::vector<Timeline> timelines;
};

/// The IANA block a resource lies in ("193.0.0.0/8", "RIPE NCC (Status: ALLOCATED)").
struct Block {
  std::string resource;
  std::string description;  ///< "desc"
  std::string name;
};

/// network-info: the announced prefix covering an address and its origin ASes.
struct NetworkInfo {
  std::optional<IpPrefix> prefix;  ///< empty when no route covers the address
  std::vector<uint32_t> asns;
};

/// An origin AS with its registered holder (prefix-overview).
struct HolderAs {
  uint32_t asn = 0;
  std::string holder;
};

/// prefix-overview: a prefix or address, who announces it, the IANA block.
struct PrefixOverview {
  std::string resource;            ///< as answered ("193.0.0.0/21")
  std::optional<IpPrefix> prefix;  ///< `resource` read as a prefix, when it is one
  bool announced = false;
  bool is_less_specific = false;  ///< the answer is for a covering prefix
  std::vector<HolderAs> asns;
  std::optional<Block> block;
  int64_t actual_num_related = 0;
  std::optional<UnixTime> query_time;
};

/// announced-prefixes: what an AS announced in the query window, with when.
struct AnnouncedPrefixes {
  std::optional<uint32_t> asn;  ///< the queried AS ("resource")
  std::vector<PrefixTimelines> prefixes;
  std::optional<UnixTime> query_start;
  std::optional<UnixTime> query_end;
};

/// One origin AS of routing-history with the prefixes it originated.
struct OriginHistory {
  uint32_t origin = 0;
  std::vector<PrefixTimelines> prefixes;
};

/// routing-history: who originated a resource (or what an AS originated) over time.
struct RoutingHistory {
  std::string resource;
  std::vector<OriginHistory> by_origin;
  std::optional<UnixTime> query_start;
  std::optional<UnixTime> query_end;
};

/// as-overview: an AS's holder and whether it is announced.
struct AsOverview {
  std::optional<uint32_t> asn;  ///< "resource"
  std::string holder;
  bool announced = false;
  std::optional<Block> block;
};

/// abuse-contact-finder: where to report abuse of a resource.
struct AbuseContacts {
  std::vector<std::string> abuse_contacts;
  std::string authoritative_rir;  ///< "ripe", "arin", ... ("" when absent)
};

/// Parsers of one data call's answer each: a full envelope or a bare `data`
/// object. Errors name the field ("data.prefixes[3].timelines[0].starttime").
Result<Answer<NetworkInfo>> parse_network_info(std::string_view body);
Result<Answer<PrefixOverview>> parse_prefix_overview(std::string_view body);
Result<Answer<AnnouncedPrefixes>> parse_announced_prefixes(std::string_view body);
Result<Answer<RoutingHistory>> parse_routing_history(std::string_view body);
Result<Answer<AsOverview>> parse_as_overview(std::string_view body);
Result<Answer<AbuseContacts>> parse_abuse_contact_finder(std::string_view body);

}  // namespace sg::ripestat
