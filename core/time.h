// Timestamps: parsing the dates mail carries, formatting ISO 8601.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg {

/// Seconds since the Unix epoch, UTC.
using UnixTime = int64_t;

/// A parsed date with the offset it was written in (minutes east of UTC).
struct ZonedTime {
  UnixTime utc = 0;
  int offset_minutes = 0;
};

/// Parses an RFC 5322 date-time and the sloppy variants found in Received and
/// Date headers: optional weekday, 2- or 4-digit years, missing seconds, named
/// zones (GMT, UT, EST, PDT, ...), "+0900 (JST)" comments, ISO 8601
/// "2023-09-02T04:24:06Z". Returns nullopt when no plausible date is found.
std::optional<ZonedTime> parse_mail_date(std::string_view text);

/// "2024-01-31T12:00:00Z".
std::string format_iso8601(UnixTime time);

/// Parses a user-given date: "2024-01-31", "2024-01-31T12:00:00Z",
/// "2024-01-31 12:00", or a mail date. `end_of_day` makes a bare date mean
/// 23:59:59 (for --until).
std::optional<UnixTime> parse_user_date(std::string_view text, bool end_of_day = false);

/// Parses an RFC 3339 date-time as registries write it in RDAP and bootstrap files:
/// "2024-07-29T17:23:53Z", with fractional seconds (".000"), with an offset written
/// "+00:00" or "+0000", or with no offset at all (read as UTC, a quirk some servers
/// have). Nothing may follow. Returns nullopt for anything else, including a bare date.
std::optional<UnixTime> parse_rfc3339(std::string_view text);
/// Strict ISO 8601 as data APIs write it: "2015-03-01", "2015-03-01T00:00:00",
/// "2015-03-01 00:00", with optional seconds fraction (".490517") and zone ("Z",
/// "+01:00", "-0500"); a time without a zone is UTC. The whole text must be the
/// date (no blanks or other words around it), else nullopt.
std::optional<UnixTime> parse_iso8601(std::string_view text);

/// Days-from-civil conversion (proleptic Gregorian), no time zone involved.
UnixTime make_utc(int year, int month, int day, int hour, int minute, int second);

}  // namespace sg
