// The one-line-per-route text of `bgpdump -m` (RIPE NCC libbgpdump 1.6), byte for
// byte, so people can diff `spamgraph bgp dump` against the tool they know. Where
// bgpdump's output depends on a quirk (a missing next hop, a legacy record's
// community field), the quirk is kept; where bgpdump gives up on a record that can
// be read (RIB_GENERIC, the multi-entry RIS TABLE_DUMP of 2000), we print what is
// there and count it in `beyond_bgpdump`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "enrich/mrt/bgp_attributes.h"
#include "enrich/mrt/mrt_record.h"
#include "enrich/mrt/route_filter.h"

namespace sg::mrt {

/// Appends `address` as inet_ntop(3) writes it (IPv4 dotted; IPv6 RFC 5952 with
/// glibc's embedded-IPv4 forms "::a.b.c.d" and "::ffff:a.b.c.d").
void append_address(const WireAddress& address, std::string& out);
/// Appends a host-order IPv4 value as a dotted quad.
void append_ipv4(uint32_t value, std::string& out);
/// Appends an AS path as bgpdump writes it: members space-separated, sets in
/// {a,b}, confederation sequences in (a b), confederation sets in [a,b];
/// "! Error !" for a malformed path.
void append_as_path(const std::vector<AsSegment>& path, bool well_formed, std::string& out);

/// Turns records into `bgpdump -m` lines. Keeps the PEER_INDEX_TABLE between records.
class BgpdumpFormatter {
 public:
  /// Prints only the routes `filter` keeps (every route by default).
  explicit BgpdumpFormatter(ElementFilter filter = {}) : filter_(std::move(filter)) {}

  /// Appends the lines for `record` to `out` (none for the records bgpdump -m is
  /// silent about: OPEN, KEEPALIVE, PEER_INDEX_TABLE, ...). Returns the damage
  /// found in the record ("" when none).
  std::string format(const MrtRecord& record, std::string& out);

  uint64_t beyond_bgpdump = 0;  ///< lines bgpdump 1.6 would not print (records it cannot read)

 private:
  void table_dump(const MrtRecord& record, std::string& out, std::string& problem);
  void rib(const MrtRecord& record, std::string& out, std::string& problem);
  void bgp4mp(const MrtRecord& record, std::string& out, std::string& problem);
  void legacy(const MrtRecord& record, std::string& out, std::string& problem);
  /// Decodes the current attributes' path into path_ (and origins_ when a filter needs them).
  void decode_path();
  /// True when the route passes the filter's origin test (decode_path() first).
  bool origin_passes();
  /// "aspath|origin" of the decoded path.
  void path_and_origin(std::string& out);
  /// "KIND" time "|B|peer|peer_as|prefix|": the start of a RIB line.
  void rib_line_head(const char* kind, const WireAddress& peer, uint32_t peer_as, const NlriPrefix& prefix,
                     std::string& out);
  /// "|local_pref|med|" (the last '|' only when `separated`), then tail() and the newline.
  void preference_and_tail(std::string& out, bool separated = true);
  /// "KIND" time "|STATE|peer|peer_as|old|new", when the filter keeps state changes.
  void state_line(const char* kind, const std::string& time, const StateChange& change, std::string& out);
  /// "comm|AG|aggregator|" of the current attributes.
  void tail(std::string& out);

  ElementFilter filter_;
  PeerIndexTable peers_;
  bool have_peers_ = false;
  PathAttributes attributes_;
  RibRecord rib_;
  std::vector<TableDumpEntry> entries_;
  BgpMessage message_;
  std::vector<AsSegment> path_;
  bool path_well_formed_ = true;
  std::vector<uint32_t> origins_;
  std::string time_;
};

}  // namespace sg::mrt
