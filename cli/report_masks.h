// What a published report must not show of the user: their own servers and
// networks (the trust configuration, and the hops their servers wrote) and the
// addresses the mail was sent to.
#pragma once
#include <vector>

#include "analysis/report_builder.h"
#include "collectors/analyze.h"
#include "core/result.h"
#include "store/store.h"

namespace sg {

/// The masks for a report over messages `message_ids`: the configured trusted
/// hosts, suffixes and networks; of every message (re-analysed from its stored
/// header block) the names and addresses of the hops its trusted servers wrote, and
/// the recipients (To, Cc, Delivered-To, X-Original-To, Envelope-To, Received "for").
Result<ReportMasks> report_masks(Store& store, const std::vector<int64_t>& message_ids, const AnalysisOptions& analysis);

}  // namespace sg
