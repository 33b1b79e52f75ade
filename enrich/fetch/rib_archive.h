// Where the public BGP archives keep their RIB dumps (MRT files), and which one is
// nearest a requested time: `data fetch routeviews-rib` and `data fetch ris-rib`.
// Pure functions of names, listings and times; the one that reads listings takes
// the reader as an argument, so that the choice is tested without a network.
//
//   RouteViews  BASE[/COLLECTOR]/bgpdata/YYYY.MM/RIBS/rib.YYYYMMDD.HHMM.bz2
//               (route-views2, the default, has no COLLECTOR folder; every 2 hours today)
//   RIPE RIS    BASE/RRC/YYYY.MM/bview.YYYYMMDD.HHMM.gz   (every 8 hours today)
//
// The month folder's Apache-style listing says which dumps exist (older years had
// other times than today's schedule); the schedule is only the fallback.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace sg::fetch {

/// The two archives of RIB dumps.
enum class RibArchive { routeviews, ris };

/// The cap on one month folder's listing (a few hundred links: about 100 kB today).
inline constexpr uint64_t kRibListingMaxSize = uint64_t{4} << 20;

/// A downloaded dump is checked by decompressing it, up to its size cap times this:
/// MRT inflates 5 to 10 times, and is kept and read compressed.
inline constexpr uint64_t kRibInflateFactor = 16;

/// A neighbouring month's listing is read only when its boundary is nearer than
/// the nearest dump of the requested month, and, when that month lists none,
/// nearer than this.
inline constexpr UnixTime kRibEmptyMonthReach = 24 * 3600;

/// "route-views2" or "rrc00": the collector used when none is named.
std::string_view default_rib_collector(RibArchive archive);

/// "--collector" or "--rrc": the flag that names a collector, for errors.
std::string_view rib_collector_flag(RibArchive archive);

/// Checks a collector name: 1 to 64 letters, digits, '.' and '-', starting with a
/// letter or digit (it becomes a URL path segment and a folder name). The error
/// says what is allowed and leaves `where` for the caller to name the flag.
Status check_rib_collector(std::string_view name);

/// Parses --date: "YYYY-MM-DD" (00:00 UTC) or "YYYY-MM-DDTHH:MM" (UTC; a trailing
/// "Z" is allowed), a real calendar date from 1970 on. Nothing else.
std::optional<UnixTime> parse_rib_date(std::string_view text);

/// The URL of the month folder holding `collector`'s dumps of the UTC month of
/// `time`, ending in '/': the listing to read. `base` may end in '/'.
std::string rib_month_url(RibArchive archive, std::string_view base, std::string_view collector, UnixTime time);

/// The archive's name of a dump taken at `time` (seconds dropped):
/// "rib.20200215.0000.bz2", "bview.20200215.0800.gz".
std::string rib_file_name(RibArchive archive, UnixTime time);

/// The time a dump's name gives, or nullopt unless `name` is exactly the archive's
/// prefix, a valid date and time "YYYYMMDD.HHMM", and its suffix.
std::optional<UnixTime> parse_rib_file_name(RibArchive archive, std::string_view name);

/// One dump a listing names.
struct RibFile {
  std::string name;   ///< "rib.20200215.0000.bz2"
  UnixTime time = 0;  ///< from the name
  bool operator==(const RibFile&) const = default;
};

/// The dumps an HTML listing links to: every href (double-, single- or unquoted)
/// whose value is exactly a name parse_rib_file_name accepts; paths, other hosts,
/// queries and bad dates are skipped. Sorted by time, each name once.
std::vector<RibFile> rib_files_in_listing(RibArchive archive, std::string_view html);

/// The dump of `files` nearest `wanted`, the earlier on a tie; nullopt when empty.
std::optional<RibFile> nearest_rib(const std::vector<RibFile>& files, UnixTime wanted);

/// The slot of today's schedule nearest `wanted` (every 2 hours for RouteViews, 8
/// for RIS, from 00:00 UTC), the earlier on a tie: the fallback when no listing helps.
UnixTime scheduled_rib_time(RibArchive archive, UnixTime wanted);

/// Reads a listing: the body at a folder URL, or an error (HTTP 404, over the cap, ...).
using RibListingReader = std::function<Result<std::string>(const std::string& url)>;

/// The dump chosen for a time, and how.
struct RibChoice {
  std::string url;                    ///< the file to download: its month folder + name
  RibFile file;                       ///< its name and time
  bool from_listing = false;          ///< false: the scheduled name, since no listing named a dump
  size_t candidates = 0;              ///< dumps in the listings read
  std::vector<std::string> listings;  ///< the folder URLs asked, in order
  std::vector<std::string> notes;     ///< for people: what was read and why a listing did not help
};

/// Chooses the dump nearest `wanted`: reads the month's listing, then the previous
/// (next) month's when the month boundary is nearer `wanted` than the month's
/// nearest dump (kRibEmptyMonthReach when it has none), and picks the nearest of
/// all, the earlier on a tie. When the month's listing cannot be read, or no
/// listing read names a dump, the choice is the scheduled_rib_time name in its
/// month's folder, with a note saying why. A neighbour's unreadable listing is noted
/// and ignored. Errors only for an unusable `base` or `collector`.
Result<RibChoice> choose_rib(RibArchive archive, std::string_view base, std::string_view collector, UnixTime wanted,
                             const RibListingReader& read);

}  // namespace sg::fetch
