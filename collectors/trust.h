// The trust boundary: which Received hops were written by the user's own servers.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/evidence.h"
#include "core/ip.h"
#include "core/result.h"

namespace sg {

/// The user's own servers and networks, as SpamAssassin's trusted_networks.
struct TrustConfig {
  std::vector<std::string> hosts;     ///< exact host names, normalised
  std::vector<std::string> suffixes;  ///< from "*.example.net": ".example.net"
  std::vector<IpPrefix> networks;     ///< CIDR prefixes (a bare address is a /32 or /128)

  /// Parses a comma- or whitespace-separated list of host names, "*.suffix"
  /// wildcards and CIDR prefixes; the error names the item that is none of them.
  static Result<TrustConfig> parse(std::string_view list);
  /// Adds the items of another list (e.g. the config file's, then --trusted).
  Status add(std::string_view list);

  bool empty() const { return hosts.empty() && suffixes.empty() && networks.empty(); }
  /// True when `name` (a host name or an address literal) is one of ours.
  bool trusts_host(std::string_view name) const;
  bool trusts_ip(const IpAddress& address) const;
};

/// What mark_trust keeps from call to call: buffers whose capacity outlives a
/// call, and the public-suffix answers it looked up. Not shared between threads:
/// the caller that marks message after message (the Analyzer) keeps one and
/// passes it to every call.
class TrustScratch {
 public:
  TrustScratch();
  ~TrustScratch();
  TrustScratch(const TrustScratch&) = delete;
  TrustScratch& operator=(const TrustScratch&) = delete;

  struct Buffers;  ///< defined where mark_trust uses them
  Buffers& buffers() { return *buffers_; }

 private:
  std::unique_ptr<Buffers> buffers_;
};

/// Marks Hop::trusted on every hop and returns the index of the origin hop (-1
/// if none). With a configuration: a hop is trusted when its `by` is ours and
/// every hop above it is trusted and had a trusted sender. Without one, the
/// boundary is inferred: the topmost hop with a `by` is ours, and so are relays
/// with the same registrable domain or private addresses. The origin is the
/// sender of the first trusted hop whose sender is not trusted; `origin_is_fact`
/// tells whether it was found that way or, when no hop is trusted, inferred as the
/// deepest public sender that the chain claims. A mailbox pickup (Hop::pickup)
/// above the boundary is trusted and starts the walk afresh below it. Exchange
/// Online's hand-overs between its own machines are followed by host label (a
/// sender naming itself as the machine that wrote the hop below), and in the
/// inferred mode its frontend (`by *.mail.protection.outlook.com`) always marks
/// an outside sender. `scratch` holds what the call reuses.
int mark_trust(std::vector<Hop>& hops, const TrustConfig& config, TrustScratch& scratch, bool& origin_is_fact);

}  // namespace sg
