// Campaigns in the store: named groups of messages (a message belongs to at most
// one), made by `campaign auto` or by hand, and the hubs the last automatic
// clustering left out. The clustering itself is analysis/campaign_auto.h.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// One campaign with its extent.
struct CampaignSummary {
  int64_t id = 0;
  std::string name;
  bool pinned = false;       ///< made or changed by hand: `campaign auto` only adds new mail to it
  int64_t messages = 0;
  UnixTime first_seen = 0;   ///< time of its first message (0 when it has none)
  UnixTime last_seen = 0;
  UnixTime created = 0;
  UnixTime updated = 0;
};

/// An entity `campaign auto` would not cluster by, and why.
struct CampaignHub {
  std::string key;     ///< "domain gmail.com", "asn AS13335", "ip 8.8.8.8", "net 192.0.2.0/24"
  std::string reason;  ///< "large mail provider", "linked 812 sender domains (limit 200)", ...
  int64_t degree = 0;  ///< distinct counterparts it linked
};

/// Every campaign, by id.
Result<std::vector<CampaignSummary>> list_campaigns(Store& store);
/// A campaign by its numeric id ("12") or its name; an error naming `id_or_name` when none.
Result<CampaignSummary> find_campaign(Store& store, std::string_view id_or_name);

/// Creates an empty campaign (inside a batch). Names must be unique, non-empty, at most
/// 200 bytes of valid UTF-8 without control characters, and not all digits (an id).
Result<int64_t> create_campaign(Store& store, std::string_view name, bool pinned, UnixTime now);
/// Renames a campaign (inside a batch) and pins it.
Status rename_campaign(Store& store, int64_t id, std::string_view name, UnixTime now);
/// Moves messages (by message.id) into a campaign, out of whichever held them (inside a batch).
Status assign_messages(Store& store, int64_t campaign_id, const std::vector<int64_t>& message_ids, UnixTime now);
/// The same without counting the campaigns again: adds to `changed` the campaigns whose
/// totals refresh_campaign_totals() must count (a caller moving many batches counts once).
Status move_messages(Store& store, int64_t campaign_id, const std::vector<int64_t>& message_ids, UnixTime now,
                     std::set<int64_t>& changed);
/// Deletes a campaign; its messages belong to none afterwards (inside a batch).
Status delete_campaign(Store& store, int64_t id);
/// Counts the campaign's messages and their span again, onto its row (assign_messages
/// does it for every campaign it changes; a writer that removes messages directly calls it).
Status refresh_campaign_totals(Store& store, int64_t id);
/// Marks a campaign as changed by hand (inside a batch).
Status pin_campaign(Store& store, int64_t id, UnixTime now);
/// The message ids of a campaign, ascending.
Result<std::vector<int64_t>> campaign_message_ids(Store& store, int64_t id);
/// Every (message id, campaign id, pinned) assignment, by message id.
struct CampaignAssignment {
  int64_t message_id = 0;
  int64_t campaign_id = 0;
  bool pinned = false;
};
Result<std::vector<CampaignAssignment>> campaign_assignments(Store& store);

/// Replaces the recorded hubs by those of the latest `campaign auto` (inside a batch).
Status replace_campaign_hubs(Store& store, const std::vector<CampaignHub>& hubs, UnixTime now);
/// The hubs the latest `campaign auto` suppressed, most linked first.
Result<std::vector<CampaignHub>> list_campaign_hubs(Store& store);

/// The ids of the messages that name `entity`: as one of their links (for a domain,
/// also its subdomains when it is a registrable domain), as a HELO or reverse name
/// their hops gave, or through the IP they were sent from or relayed by (the IP lies
/// in the prefix; the prefix is originated by the AS). Ascending.
Result<std::vector<int64_t>> messages_naming(Store& store, const EntityRef& entity);

}  // namespace sg
