#include "enrich/fetch/rib_archive.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/ascii.h"
#include "enrich/fetch/download.h"

namespace sg::fetch {
namespace {

/// How an archive names its dumps.
struct Layout {
  std::string_view prefix;
  std::string_view suffix;
  UnixTime interval;  ///< today's schedule, in seconds
};

Layout layout(RibArchive archive) {
  if (archive == RibArchive::ris) return {"bview.", ".gz", 8 * 3600};
  return {"rib.", ".bz2", 2 * 3600};
}

struct Civil {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};

Civil civil(UnixTime time) {
  const std::time_t seconds = static_cast<std::time_t>(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return {utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min};
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

/// The time of a valid date, or nullopt.
std::optional<UnixTime> checked_time(int year, int month, int day, int hour, int minute) {
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59)
    return std::nullopt;
  return make_utc(year, month, day, hour, minute, 0);
}

/// `count` digits at text[at...] as a number; false when any is not a digit.
bool digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (!is_ascii_digit(text[i])) return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

/// 00:00 UTC of the first day of the month `months` after the month of `time`.
UnixTime month_start(UnixTime time, int months) {
  const Civil date = civil(time);
  const int index = date.year * 12 + (date.month - 1) + months;
  return make_utc(index / 12, index % 12 + 1, 1, 0, 0, 0);
}

UnixTime distance(UnixTime a, UnixTime b) { return a > b ? a - b : b - a; }

/// "0 min", "1 h 10 min", "3 days 2 h": how far a dump is from the requested time.
std::string gap_text(UnixTime seconds) {
  const long long minutes = seconds / 60;
  char text[64];
  if (minutes < 60)
    std::snprintf(text, sizeof text, "%lld min", minutes);
  else if (minutes < 48 * 60)
    std::snprintf(text, sizeof text, "%lld h %lld min", minutes / 60, minutes % 60);
  else
    std::snprintf(text, sizeof text, "%lld days %lld h", minutes / 1440, minutes / 60 % 24);
  return text;
}

/// The value of the attribute whose "=" is at html[at] (blanks around it allowed):
/// quoted by " or ', or unquoted up to a blank or '>'. `end` is where scanning resumes.
std::string_view attribute_value(std::string_view html, size_t at, size_t& end) {
  size_t pos = at + 1;
  while (pos < html.size() && is_blank_or_newline(html[pos])) ++pos;
  if (pos >= html.size()) {
    end = html.size();
    return {};
  }
  const char quote = html[pos];
  size_t start = pos, stop = pos;
  if (quote == '"' || quote == '\'') {
    start = pos + 1;
    stop = html.find(quote, start);
    if (stop == std::string_view::npos) {  // unterminated: no value
      end = html.size();
      return {};
    }
    end = stop + 1;
  } else {
    while (stop < html.size() && !is_blank_or_newline(html[stop]) && html[stop] != '>') ++stop;
    end = stop;
  }
  return html.substr(start, stop - start);
}

}  // namespace

std::string_view default_rib_collector(RibArchive archive) {
  return archive == RibArchive::ris ? "rrc00" : "route-views2";
}

std::string_view rib_collector_flag(RibArchive archive) { return archive == RibArchive::ris ? "--rrc" : "--collector"; }

Status check_rib_collector(std::string_view name) {
  static constexpr const char* kRule =
      "a collector name has 1 to 64 letters, digits, '.' and '-', and starts with a letter or digit";
  if (name.empty() || name.size() > 64 || !(is_ascii_letter(name[0]) || is_ascii_digit(name[0])))
    return Error{kRule, ""};
  for (char c : name)
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '.' && c != '-') return Error{kRule, ""};
  return Ok{};
}

std::optional<UnixTime> parse_rib_date(std::string_view text) {
  if (text.size() == 17 && text.back() == 'Z') text.remove_suffix(1);
  if (text.size() != 10 && text.size() != 16) return std::nullopt;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  if (!digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day))
    return std::nullopt;
  if (text.size() == 16 &&
      (text[10] != 'T' || !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute)))
    return std::nullopt;
  return checked_time(year, month, day, hour, minute);
}

std::string rib_month_url(RibArchive archive, std::string_view base, std::string_view collector, UnixTime time) {
  while (base.ends_with('/')) base.remove_suffix(1);
  const Civil date = civil(time);
  char month[40];
  std::snprintf(month, sizeof month, "%04d.%02d", date.year, date.month);
  std::string url(base);
  if (archive == RibArchive::ris) return url.append("/").append(collector).append("/").append(month).append("/");
  // RouteViews keeps its first collector's dumps at the top of the archive.
  if (collector != "route-views2") url.append("/").append(collector);
  return url.append("/bgpdata/").append(month).append("/RIBS/");
}

std::string rib_file_name(RibArchive archive, UnixTime time) {
  const Layout names = layout(archive);
  const Civil date = civil(time);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02d.%02d%02d", date.year, date.month, date.day, date.hour, date.minute);
  return std::string(names.prefix).append(stamp).append(names.suffix);
}

std::optional<UnixTime> parse_rib_file_name(RibArchive archive, std::string_view name) {
  const Layout names = layout(archive);
  if (name.size() != names.prefix.size() + 13 + names.suffix.size() || !name.starts_with(names.prefix) ||
      !name.ends_with(names.suffix))
    return std::nullopt;
  const std::string_view stamp = name.substr(names.prefix.size(), 13);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
  if (!digits(stamp, 0, 4, year) || !digits(stamp, 4, 2, month) || !digits(stamp, 6, 2, day) || stamp[8] != '.' ||
      !digits(stamp, 9, 2, hour) || !digits(stamp, 11, 2, minute))
    return std::nullopt;
  return checked_time(year, month, day, hour, minute);
}

std::vector<RibFile> rib_files_in_listing(RibArchive archive, std::string_view html) {
  std::vector<RibFile> files;
  size_t pos = 0;
  while (pos + 4 < html.size()) {
    const size_t found = html.find_first_of("hH", pos);
    if (found == std::string_view::npos) break;
    pos = found + 1;
    // An attribute of its own ("<a href"), not the end of another name ("data-href").
    if (found == 0 || !is_blank_or_newline(html[found - 1]) || !starts_with_nocase(html.substr(found), "href"))
      continue;
    size_t equals = found + 4;
    while (equals < html.size() && is_blank_or_newline(html[equals])) ++equals;
    if (equals >= html.size() || html[equals] != '=') continue;
    size_t end = equals + 1;
    const std::string_view value = attribute_value(html, equals, end);
    pos = std::max(pos, end);
    if (auto time = parse_rib_file_name(archive, value)) files.push_back({std::string(value), *time});
  }
  std::sort(files.begin(), files.end(),
            [](const RibFile& a, const RibFile& b) { return a.time != b.time ? a.time < b.time : a.name < b.name; });
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

std::optional<RibFile> nearest_rib(const std::vector<RibFile>& files, UnixTime wanted) {
  const RibFile* best = nullptr;
  for (const RibFile& file : files) {
    const UnixTime gap = distance(file.time, wanted);
    if (!best || gap < distance(best->time, wanted) || (gap == distance(best->time, wanted) && file.time < best->time))
      best = &file;
  }
  if (!best) return std::nullopt;
  return *best;
}

UnixTime scheduled_rib_time(RibArchive archive, UnixTime wanted) {
  // Both intervals divide a day, so the slots since the epoch fall on 00:00 UTC.
  const UnixTime interval = layout(archive).interval;
  UnixTime slot = wanted - ((wanted % interval) + interval) % interval;
  if (wanted - slot > interval / 2) slot += interval;
  return slot;
}

Result<RibChoice> choose_rib(RibArchive archive, std::string_view base, std::string_view collector, UnixTime wanted,
                             const RibListingReader& read) {
  const std::string flag(rib_collector_flag(archive));
  if (auto checked = check_rib_collector(collector); !checked)
    return Error{checked.error().message, flag + " " + std::string(collector)};
  if (base.empty() || base.find_first_of("?#") != std::string_view::npos)
    return Error{"the archive's base URL is the folder above the collectors, without a query",
                 redact_url(std::string(base))};
  const std::string pattern =
      std::string(layout(archive).prefix).append("YYYYMMDD.HHMM").append(layout(archive).suffix);
  RibChoice choice;
  // Each dump with the folder it was listed in.
  std::vector<RibFile> found;
  std::vector<std::string> folders;
  auto read_month = [&](UnixTime time) -> Result<size_t> {
    const std::string url = rib_month_url(archive, base, collector, time);
    choice.listings.push_back(url);
    auto body = read(url);
    if (!body) return body.error();
    const std::vector<RibFile> files = rib_files_in_listing(archive, *body);
    for (const RibFile& file : files) {
      found.push_back(file);
      folders.push_back(url);
    }
    return files.size();
  };
  auto scheduled = [&](std::string why) -> RibChoice {
    const UnixTime slot = scheduled_rib_time(archive, wanted);
    choice.file = {rib_file_name(archive, slot), slot};
    choice.url = rib_month_url(archive, base, collector, slot) + choice.file.name;
    choice.notes.push_back(why + "; trying the scheduled name " + choice.file.name);
    return choice;
  };

  auto month = read_month(wanted);
  if (!month)
    return scheduled("the listing " + redact_url(choice.listings.back()) + " could not be read (" +
                     month.error().message + ")");
  if (*month == 0)
    choice.notes.push_back("the listing " + redact_url(choice.listings.back()) + " names no " + pattern + " file");
  const auto in_month = nearest_rib(found, wanted);
  const UnixTime reach = in_month ? distance(in_month->time, wanted) : kRibEmptyMonthReach;
  // A dump across a month boundary can only be nearer when the boundary is.
  const UnixTime this_month = month_start(wanted, 0), next_month = month_start(wanted, 1);
  auto read_neighbour = [&](UnixTime time) {
    if (auto listed = read_month(time); !listed)
      choice.notes.push_back("the listing " + redact_url(choice.listings.back()) + " could not be read (" +
                             listed.error().message + "); ignored");
  };
  if (wanted - this_month < reach) read_neighbour(this_month - 1);
  if (next_month - wanted < reach) read_neighbour(next_month);
  const auto best = nearest_rib(found, wanted);
  if (!best) return scheduled("no listing read names a " + pattern + " file");
  const size_t index = static_cast<size_t>(std::find(found.begin(), found.end(), *best) - found.begin());
  choice.file = *best;
  choice.url = folders[index] + best->name;
  choice.from_listing = true;
  choice.candidates = found.size();
  const UnixTime gap = distance(best->time, wanted);
  choice.notes.push_back("chose " + best->name + " from " + redact_url(folders[index]) + ": of " +
                         std::to_string(found.size()) + " listed, the nearest to " + format_iso8601(wanted) + " (" +
                         (gap == 0 ? "that very time" : gap_text(gap) + (best->time < wanted ? " before" : " after")) +
                         ")");
  return choice;
}

}  // namespace sg::fetch
