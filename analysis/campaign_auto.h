// `campaign auto`: groups every stored message into campaigns by the
// infrastructure the messages share, and stores the result so that campaigns
// that continue keep their ids and names.
//
// Each message has features with weights: its origin IP, the registrable
// domains it names as sender, signer or link target, the HELO its origin gave
// (1.0 each); the origin's /24 (IPv6: /48), a relay, the Message-ID domain, the
// reverse name's domain and a sender domain's name servers (0.5); the routed
// prefix and the AS of the origin (0.25). Two messages are linked when the
// features they share weigh at least `min_weight`; clusters are the connected
// components (union-find). A feature shared by too many unrelated parties (a
// hub) links nothing: see CampaignAutoOptions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "core/time.h"
#include "store/campaigns.h"
#include "store/store.h"

namespace sg {

/// How `campaign auto` clusters.
struct CampaignAutoOptions {
  double min_weight = 1.0;   ///< shared features must weigh this much to link two messages
  /// A feature is a hub when it links more distinct counterparts than this: for a
  /// network feature (IP, /24, prefix, AS), sender domains; for a domain, origin /24s.
  int64_t hub_degree = 500;
  int64_t min_messages = 2;  ///< smaller clusters form no campaign
  bool known_hubs = true;    ///< also suppress the built-in list (analysis/known_hubs.h)
  std::vector<EntityRef> extra_hubs;  ///< the user's own additions (their own domains, say)
  UnixTime now = 0;          ///< creation and update time of what is written
};

/// What a run did.
struct CampaignAutoSummary {
  int64_t messages = 0;   ///< messages in the store
  int64_t clustered = 0;  ///< messages now in some campaign
  int64_t campaigns = 0;  ///< campaigns after the run
  int64_t continued = 0;  ///< of them, campaigns that existed before (same id and name)
  int64_t created = 0;    ///< new campaigns
  int64_t removed = 0;    ///< automatic campaigns that no longer form
  int64_t features = 0;   ///< distinct features seen
  std::vector<CampaignHub> hubs;  ///< what was suppressed, and why
};

/// Clusters the whole store and writes the campaigns. Reads one snapshot while
/// other processes go on writing; mail stored meanwhile is left for the next run.
/// Campaigns made or changed by hand (pinned) keep their messages; new mail that
/// clusters with them joins them.
Result<CampaignAutoSummary> cluster_campaigns(Store& store, const CampaignAutoOptions& options);

}  // namespace sg
