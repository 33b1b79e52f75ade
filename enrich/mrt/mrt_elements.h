// The route view of an MRT file: one element per (prefix, peer, path), whatever
// record type carried it (a RIB entry, an announcement, a withdrawal) and one per
// peer state change, with filters applied before the costly decoding.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "enrich/mrt/bgp_attributes.h"
#include "enrich/mrt/mrt_record.h"
#include "enrich/mrt/mrt_stream.h"
#include "enrich/mrt/route_filter.h"

namespace sg::mrt {

/// One route (or state change). Views and vectors are valid during the callback only.
struct MrtElement {
  ElementType type = ElementType::rib;
  uint32_t timestamp = 0;       ///< the record's time (a RIB's dump time)
  uint32_t microseconds = 0;    ///< BGP4MP_ET only
  uint32_t originated = 0;      ///< RIB entries: when the route was learnt
  uint16_t record_type = 0;
  uint16_t record_subtype = 0;
  uint64_t record_offset = 0;   ///< of the record, in the decompressed stream
  WireAddress peer_ip;
  uint32_t peer_as = 0;
  NlriPrefix prefix;            ///< rib, announce, withdraw; path_id set for ADD-PATH
  // Attributes (rib and announce).
  const PathAttributes* attributes = nullptr;
  std::vector<AsSegment> as_path;   ///< AS_PATH with AS4_PATH merged (RFC 6793)
  std::vector<uint32_t> origins;    ///< origin AS(es): last of the path, or a final set's members
  WireAddress next_hop;             ///< NEXT_HOP, or the MP_REACH next hop for its families
  bool has_next_hop = false;
  // State changes.
  uint16_t old_state = 0;
  uint16_t new_state = 0;
};

/// Counts of one read.
struct ElementStats {
  MrtReadStats read;
  uint64_t elements = 0;       ///< handed to the callback
  uint64_t damaged_records = 0;
  std::vector<MrtProblem> problems;  ///< the first ones (framing and record damage), in file order
  uint64_t problem_count = 0;        ///< all of them
};

/// Receives each element that passes the filter; false stops the read.
using ElementHandler = std::function<bool(const MrtElement& element)>;

/// Turns records into elements; keeps the PEER_INDEX_TABLE between records.
class ElementDecoder {
 public:
  explicit ElementDecoder(ElementFilter filter) : filter_(std::move(filter)) {}
  /// Calls `on_element` for each element of `record`; returns the record's damage ("" if none).
  std::string decode(const MrtRecord& record, const ElementHandler& on_element, uint64_t& delivered);
  /// True once a handler returned false.
  bool stopped() const { return stop_; }

 private:
  /// Decodes attributes into element_; false when the origin filter rejects them.
  bool load_attributes(std::string_view data, uint8_t asn_size);
  bool deliver(const ElementHandler& on_element, uint64_t& delivered);
  /// The elements of an UPDATE; NLRI damage goes to `problem` when it is still empty.
  void decode_update(const BgpMessage& message, const ElementHandler& on_element, uint64_t& delivered, bool& go_on,
                     std::string& problem);

  ElementFilter filter_;
  PeerIndexTable peers_;
  bool have_peers_ = false;
  PathAttributes attributes_;
  RibRecord rib_;
  BgpMessage message_;
  MrtElement element_;
  bool stop_ = false;
};

/// Reads every element of `path` that passes `filter`. The Error names the file
/// when it cannot be read at all; damage inside is in the stats' problems.
Result<ElementStats> read_mrt_elements(const std::string& path, const ElementFilter& filter,
                                       const ElementHandler& on_element, size_t keep_problems = 100);

}  // namespace sg::mrt
