// Gathers what a campaign report shows (analysis/report_model.h) from the store:
// the senders with their networks, the domains, the relays, the weeks, what is
// new in the period, and the infrastructure graph. The user's own names and
// addresses are masked here, before any writer sees the text.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/report_model.h"
#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// What to leave out of a report: the user's own host names, domains, addresses
/// and networks (from the trust configuration and the messages' recipients).
struct ReportMasks {
  std::vector<std::string> texts;    ///< replaced wherever they occur, ignoring case (at least 3 bytes each)
  std::vector<IpPrefix> networks;    ///< addresses inside are replaced
  /// `text` with every mask replaced by "[masked]".
  std::string apply(std::string_view text) const;
  /// Whether an address is one of the user's own.
  bool masks_ip(std::string_view ip) const;
};

/// The period and limits of a report.
struct ReportOptions {
  std::optional<UnixTime> since;  ///< report --since: what is new from here on
  UnixTime now = 0;               ///< generated_at
  size_t max_samples = 50;        ///< sample messages listed
  size_t max_graph_nodes = 150;   ///< nodes of the infrastructure graph
};

/// The report of campaign `campaign_id`.
Result<CampaignReport> build_campaign_report(Store& store, int64_t campaign_id, const ReportOptions& options,
                                             const ReportMasks& masks);

}  // namespace sg
