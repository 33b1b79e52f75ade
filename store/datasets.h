// Offline IP-to-ASN datasets in the store: the dataset rows (provenance of every
// edge an enrichment derives from them), their prefixes and AS names, and the
// questions asked of them (`asn ASN`, the chain shown by `show ip`).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace sg {

/// Relations an IP-to-ASN enrichment writes (see enrich/asn/README.md).
inline constexpr Relation kInPrefix{"in-prefix"};          ///< ip -> prefix (most specific)
inline constexpr Relation kOriginatedBy{"originated-by"};  ///< prefix -> asn
inline constexpr Relation kHolder{"holder"};               ///< asn -> org (the AS name)
inline constexpr Relation kCountry{"country"};             ///< prefix -> country (ISO code)
// Network facts from the registries (enrich/registry).
inline constexpr Relation kRegisteredIn{"registered-in"};  ///< ip -> prefix: the registry's most specific network
inline constexpr Relation kAbuseContact{"abuse-contact"};  ///< prefix or asn -> email: where abuse reports go
inline constexpr Relation kMaintainedBy{"mnt-by"};         ///< prefix, asn or route -> maintainer
inline constexpr Relation kRouteObject{"route-object"};    ///< prefix -> route: an IRR object for the prefix
inline constexpr Relation kRouteOrigin{"route-origin"};    ///< route -> asn: the origin it names

/// One row of the dataset table.
struct DatasetInfo {
  int64_t id = 0;          ///< dataset.id (0 until stored)
  std::string name;        ///< e.g. "ip-location-db-asn-ipv4", "pyasn"
  std::string format;      ///< pfx2as, ip2asn, ip-location-db, pyasn, mmdb, mrt (a RIB), mrt-updates
  std::string path;        ///< the file as given
  UnixTime date = 0;       ///< the data's own date: observations derived from it carry this time
  UnixTime imported_at = 0;
  std::string sha256;      ///< of the file's bytes: a file is imported once
  int64_t rows = 0;        ///< prefix rows stored (0 for mmdb, read in place)
};

/// "name YYYY-MM-DD", how answers name a dataset.
std::string dataset_label(const DatasetInfo& dataset);

/// The dataset of `format` whose file hash is `sha256`, if stored (the same bytes may
/// be imported once per format: a file read as the wrong format stores nothing).
Result<std::optional<DatasetInfo>> find_dataset_by_hash(Store& store, const std::string& sha256,
                                                        const std::string& format);
/// Every dataset, oldest id first; only those called `name` when it is not empty.
Result<std::vector<DatasetInfo>> list_datasets(Store& store, const std::string& name = "");
/// Inserts `dataset` (inside a batch) and returns its new id.
Result<int64_t> add_dataset(Store& store, const DatasetInfo& dataset);

// Routing over time. Datasets of one name form a series (daily RIB dumps of one
// collector, pyasn files of several dates): an IP is attributed with the table of
// the day its message arrived. See enrich/asn/README.md, "Which table answers".

/// Whether `format` is a table of prefix rows (pfx2as, ip2asn, ip-location-db, pyasn,
/// mrt): not an mmdb (read in place) and not mrt-updates (events, no table).
bool is_prefix_table_format(std::string_view format);
/// Whole UTC days from the day of `from` to the day of `to` (negative when `to`'s day is earlier).
int64_t utc_day_difference(UnixTime from, UnixTime to);
/// The last second of the UTC day holding `time`.
UnixTime end_of_utc_day(UnixTime time);

/// Groups datasets into series, one per name, each sorted by (date, id).
std::map<std::string, std::vector<DatasetInfo>> dataset_series(std::vector<DatasetInfo> datasets);
/// The dataset of `series` (sorted by (date, id)) that answers for a moment `when`: the
/// one dated nearest `when` among those dated no later than the end of `when`'s UTC day
/// (a table of that day, or the nearest before it); when none is that early, the
/// earliest (a table taken after the moment). Equally near: the one not after `when`;
/// the same date: the highest id (the last imported). Null when `series` is empty.
const DatasetInfo* choose_dataset_for(const std::vector<DatasetInfo>& series, UnixTime when);

/// The times of the messages each IP entity is linked to (message_link, any relation),
/// ascending and distinct; only the IP `ip` when it is not empty. IPs in no message are absent.
Result<std::map<IpAddress, std::vector<UnixTime>>> ip_message_times(Store& store, const std::string& ip = "");

/// Which table of a series answers for one day an IP was seen in mail (`show ip`).
struct RoutingAsOf {
  std::string series;                    ///< the datasets' name
  std::optional<UnixTime> message_time;  ///< the first message of that day; none: the IP is in no message (the latest table answers)
  DatasetInfo dataset;                   ///< the table chosen by choose_dataset_for()
  int64_t gap_seconds = 0;               ///< dataset.date - message_time: negative = the table is older than the message
  int64_t gap_days = 0;                  ///< utc_day_difference(message_time, dataset.date): 0 = the same day
  std::string prefix;                    ///< the prefix the table stated for the IP (in-prefix), "" = none recorded
  std::vector<std::string> origins;      ///< the ASes the table stated for that prefix ("AS58779")
};
/// For each series that stated a prefix for `ip` (in-prefix observations from its
/// datasets), the table chosen for each distinct UTC day of the IP's messages, by
/// message time then series name. An Error when `ip` is not an address.
Result<std::vector<RoutingAsOf>> routing_as_of(Store& store, const std::string& ip);

/// What remove_dataset() took out of the store.
struct DatasetRemoval {
  DatasetInfo dataset;          ///< the removed row
  int64_t observations = 0;     ///< observations whose provenance was the dataset
  int64_t edges_removed = 0;    ///< edges no other source states any more
  int64_t edges_narrowed = 0;   ///< edges kept, with count and times from their other sources
};
/// Removes dataset `id` with its prefix and AS-name rows and every observation it
/// was the provenance of, in one batch; edges only it stated go, the others are
/// re-aggregated from what remains. An Error when there is no such dataset.
Result<DatasetRemoval> remove_dataset(Store& store, int64_t id);

/// Writes one dataset's prefix and AS-name rows with prepared statements; use inside
/// one batch (Store::begin/commit) so a failed import leaves nothing behind.
class DatasetWriter {
 public:
  /// Prepares the statements for dataset `dataset_id` of `store`.
  static Result<DatasetWriter> create(Store& store, int64_t dataset_id);
  /// Stores prefix -> asn (country may be ""; peers: how many BGP peers carried it,
  /// 0 when the source does not say); a repeated (prefix, asn) is kept once.
  Status add_prefix(const std::string& prefix, uint32_t asn, std::string_view country, int64_t peers = 0);
  /// Stores the AS name; the first name given for an AS wins.
  Status add_name(uint32_t asn, std::string_view name);
  /// Sets dataset.rows to the number of distinct prefix rows stored.
  Status finish();
  /// Distinct prefix rows stored so far.
  int64_t rows() const { return rows_; }

 private:
  DatasetWriter() = default;
  sql::Database* db_ = nullptr;
  int64_t dataset_id_ = 0;
  int64_t rows_ = 0;
  std::unordered_set<uint32_t> named_;  ///< ASes whose name is already stored (skips repeated INSERTs)
  uint32_t last_named_ = 0;  ///< the AS of the previous add_name()
  sql::Statement insert_prefix_;
  sql::Statement insert_name_;
};

/// Calls `row` for every prefix row of a dataset, ordered by (prefix text, asn); stops at false.
/// Prefix text is canonical CIDR; views are valid during the call only.
Status for_each_dataset_prefix(
    Store& store, int64_t dataset_id,
    const std::function<bool(std::string_view prefix, uint32_t asn, std::string_view country)>& row);
/// Calls `row` for every AS name of a dataset.
Status for_each_dataset_name(Store& store, int64_t dataset_id,
                             const std::function<void(uint32_t asn, std::string_view name)>& row);

/// "subject-kind\0subject-key\0relation\0object-kind\0object-key" of every edge that
/// already has an observation from dataset `dataset_id`: an enrichment re-run skips them
/// (an edge gets one observation per dataset, whose time is the dataset's date).
Result<std::set<std::string>> edges_observed_from_dataset(Store& store, int64_t dataset_id);
/// The key edges_observed_from_dataset() uses for an observation.
std::string observed_edge_key(const Observation& observation);

/// Every IP entity of the graph (parsed; unparsable keys are skipped).
Result<std::vector<IpAddress>> graph_ips(Store& store);

/// What the datasets say about one AS, and which graph entities sit inside it.
struct AsnReport {
  uint32_t asn = 0;
  struct Name {
    std::string name;
    DatasetInfo dataset;
  };
  std::vector<Name> names;  ///< one per dataset that names it, oldest dataset first
  struct Prefix {
    std::string prefix;   ///< canonical CIDR
    std::string country;  ///< "" when the dataset has none
    DatasetInfo dataset;
  };
  std::vector<Prefix> prefixes;  ///< every dataset's prefixes (v4 then v6, address order, then dataset)
  struct Ip {
    std::string ip;
    std::vector<std::string> prefixes;  ///< the AS's prefixes holding it
    std::vector<std::string> domains;   ///< registrable domains tied to the IP (Store::domains_sharing_ip)
  };
  std::vector<Ip> ips;  ///< graph IPs inside any of the prefixes, in address order
  /// Prefixes learnt from mmdb lookups (edges to the asn entity), with their dataset:
  /// an mmdb is read in place, so only the prefixes the graph touched are known.
  std::vector<Prefix> graph_prefixes;
};

/// The report for `asn`: names, prefixes per dataset, graph IPs and their domains.
Result<AsnReport> asn_report(Store& store, uint32_t asn);

/// The networks the graph's own addresses are in: every prefix an IP entity is
/// in (in-prefix edges) and every AS originating one of them, as (entity id, entity).
struct GraphNetworks {
  std::vector<std::pair<int64_t, EntityRef>> prefixes;
  std::vector<std::pair<int64_t, EntityRef>> asns;
};
Result<GraphNetworks> networks_of_graph_ips(Store& store);

/// One prefix an AS originated, and when, from every source that says so.
struct PrefixHistory {
  std::string prefix;  ///< canonical CIDR
  UnixTime first = 0;  ///< the earliest time any source saw it
  UnixTime last = 0;   ///< the latest
  struct Source {
    /// "ripestat", "cymru", "whois" (lookups by source), "dataset NAME" (imported
    /// prefix-to-AS tables, timed by their dates), "route object RADB" (IRR route
    /// objects naming the AS as origin, timed when they were read), "bgp updates NAME"
    /// (announcements in imported MRT update dumps, timed by the updates)
    std::string source;
    UnixTime first = 0;
    UnixTime last = 0;
  };
  std::vector<Source> sources;  ///< by first time
  /// A table dated after `last` that covers the prefix's address family and does not
  /// list the prefix for this AS: by then it was no longer originated by it. A RIB
  /// dump (format mrt, which may hold only what concerned the graph) counts only when
  /// it lists the AS or the prefix.
  struct Gone {
    DatasetInfo dataset;
    std::vector<uint32_t> origins;  ///< the ASes that table gives the same prefix instead (none: not routed)
  };
  std::vector<Gone> gone;  ///< per series (name), its first such table; oldest first
};

/// The prefixes `asn` originated, from every source (edges prefix -originated-by->
/// AS with their observations' own times, the datasets' prefix rows, route objects,
/// BGP update announcements), in address order, each with the later tables that no
/// longer list it for the AS (PrefixHistory::gone). Empty when nothing is known.
Result<std::vector<PrefixHistory>> asn_prefix_history(Store& store, uint32_t asn);

/// One edge of the chain from an IP to its network, with the datasets that state it.
struct ChainLink {
  EntityRef from;
  Relation relation = kInPrefix;  ///< in-prefix, originated-by, holder, country
  EntityRef to;
  int depth = 0;         ///< 1 for ip -> prefix, 2 for prefix -> asn, ...
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  std::vector<std::string> datasets;  ///< "name YYYY-MM-DD" of each stating dataset (sources that are not datasets named by kind)
};

/// The network chain of an IP: ip -in-prefix-> prefix -originated-by-> asn
/// -holder-> org, and prefix -country-> country, breadth first. Empty when the IP
/// was not enriched; an Error when it is not an IP address.
Result<std::vector<ChainLink>> ip_chain(Store& store, const std::string& ip);

/// The same walk from any entity (an ip, prefix, route or asn): the network facts
/// around it, breadth first, each link with the sources that stated it.
Result<std::vector<ChainLink>> network_chain(Store& store, const EntityRef& entity);

/// Sentences for the route objects of `chain` that a maintainer other than the
/// origin AS's own registered (its name does not hold the AS number and the AS's
/// aut-num does not list it): "route object ... is maintained by MAINT-AS3491, not
/// by AS133027 ...: a proxy registration". Empty when there is none.
std::vector<std::string> route_registration_notes(const std::vector<ChainLink>& chain);

}  // namespace sg
