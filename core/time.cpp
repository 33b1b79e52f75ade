#include "core/time.h"

#include <cstdio>

#include "core/ascii.h"

namespace sg {

namespace {


// RFC 5322 §4.3 obsolete zones plus common ones seen in the wild.
std::optional<int> zone_from_name(std::string_view word) {
  struct Zone {
    const char* name;
    int minutes;
  };
  static constexpr Zone kZones[] = {{"ut", 0},       {"utc", 0},      {"gmt", 0},    {"z", 0},      {"est", -300},
                                    {"edt", -240},   {"cst", -360},   {"cdt", -300}, {"mst", -420}, {"mdt", -360},
                                    {"pst", -480},   {"pdt", -420},   {"jst", 540},  {"cet", 60},   {"cest", 120},
                                    {"bst", 60},     {"met", 60},     {"mest", 120}, {"eet", 120},  {"eest", 180},
                                    {"hkt", 480},    {"kst", 540},    {"ist", 330},  {"msk", 180},  {"aest", 600},
                                    {"aedt", 660}};
  if (word.size() > 4) return std::nullopt;
  for (const Zone& zone : kZones) {
    std::string_view name(zone.name);
    if (name.size() != word.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size(); ++i) same = same && ascii_lower(word[i]) == name[i];
    if (same) return zone.minutes;
  }
  return std::nullopt;
}

struct Scanner {
  std::string_view text;
  size_t pos = 0;

  bool done() const { return pos >= text.size(); }
  void skip_separators() {
    while (pos < text.size()) {
      const char c = text[pos];
      if (c == '(') {  // comment, possibly nested
        int depth = 0;
        while (pos < text.size()) {
          if (text[pos] == '(') ++depth;
          if (text[pos] == ')' && --depth == 0) break;
          ++pos;
        }
        ++pos;
        continue;
      }
      if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
        ++pos;
        continue;
      }
      break;
    }
  }
  std::string_view word() {
    const size_t start = pos;
    while (pos < text.size() && is_ascii_letter(text[pos])) ++pos;
    return text.substr(start, pos - start);
  }
  // Reads up to max_digits digits; returns -1 if none.
  long number(int max_digits, int* count = nullptr) {
    long value = 0;
    int digits = 0;
    while (pos < text.size() && is_ascii_digit(text[pos]) && digits < max_digits) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (count) *count = digits;
    return digits ? value : -1;
  }
};

bool valid_civil(int year, int month, int day, int hour, int minute, int second) {
  return year >= 1970 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 &&
         hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60;
}

// A date from validated fields; nullopt when they name no real time.
std::optional<ZonedTime> zoned_time(long year, long month, long day, long hour, long minute, long second,
                                    int offset_minutes) {
  if (!valid_civil(static_cast<int>(year), static_cast<int>(month), static_cast<int>(day), static_cast<int>(hour),
                   static_cast<int>(minute), static_cast<int>(second)))
    return std::nullopt;
  ZonedTime result;
  result.offset_minutes = offset_minutes;
  result.utc = make_utc(static_cast<int>(year), static_cast<int>(month), static_cast<int>(day),
                        static_cast<int>(hour), static_cast<int>(minute), static_cast<int>(second)) -
               offset_minutes * 60;
  return result;
}

std::optional<ZonedTime> parse_iso(std::string_view text) {
  // YYYY-MM-DD[T ]HH:MM[:SS][Z|±HH[:]MM]
  Scanner s{text};
  s.skip_separators();
  int digits = 0;
  const long year = s.number(4, &digits);
  if (digits != 4 || s.done() || s.text[s.pos] != '-') return std::nullopt;
  ++s.pos;
  const long month = s.number(2);
  if (s.done() || s.text[s.pos] != '-') return std::nullopt;
  ++s.pos;
  const long day = s.number(2);
  long hour = 0, minute = 0, second = 0;
  int offset = 0;
  if (!s.done() && (s.text[s.pos] == 'T' || s.text[s.pos] == ' ')) {
    ++s.pos;
    hour = s.number(2);
    if (s.done() || s.text[s.pos] != ':') return std::nullopt;
    ++s.pos;
    minute = s.number(2);
    if (!s.done() && s.text[s.pos] == ':') {
      ++s.pos;
      second = s.number(2);
      if (!s.done() && s.text[s.pos] == '.')
        for (++s.pos; !s.done() && is_ascii_digit(s.text[s.pos]);) ++s.pos;
    }
    if (!s.done() && (s.text[s.pos] == '+' || s.text[s.pos] == '-')) {
      const int sign = s.text[s.pos] == '-' ? -1 : 1;
      ++s.pos;
      const long oh = s.number(2);
      if (!s.done() && s.text[s.pos] == ':') ++s.pos;
      const long om = s.number(2);
      if (oh < 0) return std::nullopt;
      offset = sign * static_cast<int>(oh * 60 + (om < 0 ? 0 : om));
    }
  }
  return zoned_time(year, month, day, hour, minute, second, offset);
}

// "23" and "0023" mean 2023, "98" 1998.
long full_year(long year) { return year < 100 ? year + (year < 70 ? 2000 : 1900) : year; }

// Three letters lowercased into one number; |0x20 lowercases letters and maps no
// other byte onto one, so the keys of letter names compare as month_from_name does.
uint32_t three_letter_key(std::string_view text, size_t pos) {
  return (uint32_t(static_cast<unsigned char>(text[pos]) | 0x20) << 16) |
         (uint32_t(static_cast<unsigned char>(text[pos + 1]) | 0x20) << 8) |
         uint32_t(static_cast<unsigned char>(text[pos + 2]) | 0x20);
}

constexpr uint32_t key_of(const char (&name)[4]) {
  return (uint32_t(static_cast<unsigned char>(name[0])) << 16) | (uint32_t(static_cast<unsigned char>(name[1])) << 8) |
         uint32_t(static_cast<unsigned char>(name[2]));
}

bool is_weekday_at(std::string_view text, size_t pos) {
  static constexpr uint32_t kWeekdays[] = {key_of("mon"), key_of("tue"), key_of("wed"), key_of("thu"),
                                           key_of("fri"), key_of("sat"), key_of("sun")};
  if (pos + 3 > text.size()) return false;
  const uint32_t key = three_letter_key(text, pos);
  for (uint32_t weekday : kWeekdays)
    if (key == weekday) return true;
  return false;
}

int month_at(const char* at) {
  static constexpr uint32_t kMonths[] = {key_of("jan"), key_of("feb"), key_of("mar"), key_of("apr"),
                                         key_of("may"), key_of("jun"), key_of("jul"), key_of("aug"),
                                         key_of("sep"), key_of("oct"), key_of("nov"), key_of("dec")};
  const uint32_t key = three_letter_key(std::string_view(at, 3), 0);
  for (int i = 0; i < 12; ++i)
    if (key == kMonths[i]) return i + 1;
  return 0;
}

// The month a word (letters only) starts with, 1-12, or 0.
int month_from_name(std::string_view word) { return word.size() < 3 ? 0 : month_at(word.data()); }

// `kCount` digits at `at` into `value`; false when a byte is not a digit.
template <size_t kCount>
bool read_digits(const char* at, long& value) {
  value = 0;
  for (size_t i = 0; i < kCount; ++i) {
    const unsigned digit = static_cast<unsigned char>(at[i]) - unsigned{'0'};  // above 9 for any other byte
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  return true;
}

// What follows the day in the common form, " Mon YYYY HH:MM:SS +ZZZZ": fixed
// places, so each is checked where it must be.
constexpr size_t kAfterDayLength = 24;

/// The form nearly every server writes, "[Ddd, ]D[D] Mon YYYY HH:MM:SS +ZZZZ",
/// then nothing but blanks and comments ("(PDT)"), read in one pass. Sets
/// `matched` only for text of exactly that shape, which the general reader in
/// parse_mail_date reads to the same fields; anything else is left to it.
std::optional<ZonedTime> parse_common_date(std::string_view text, bool& matched) {
  matched = false;
  Scanner s{text};
  s.skip_separators();
  size_t pos = s.pos;
  if (is_weekday_at(text, pos)) {
    if (pos + 5 > text.size() || text[pos + 3] != ',' || text[pos + 4] != ' ') return std::nullopt;
    pos += 5;
  }
  const size_t day_length = pos + 1 < text.size() && text[pos + 1] == ' ' ? 1 : 2;
  long day = 0;
  if (pos + day_length + kAfterDayLength > text.size()) return std::nullopt;
  if (!(day_length == 1 ? read_digits<1>(text.data() + pos, day) : read_digits<2>(text.data() + pos, day)))
    return std::nullopt;
  const char* rest = text.data() + pos + day_length;
  if (rest[0] != ' ' || rest[4] != ' ' || rest[9] != ' ' || rest[12] != ':' || rest[15] != ':' || rest[18] != ' ' ||
      (rest[19] != '+' && rest[19] != '-'))
    return std::nullopt;
  long year = 0, hour = 0, minute = 0, second = 0, zone = 0;
  const int month = month_at(rest + 1);
  if (month == 0 || !read_digits<4>(rest + 5, year) || !read_digits<2>(rest + 10, hour) ||
      !read_digits<2>(rest + 13, minute) || !read_digits<2>(rest + 16, second) || !read_digits<4>(rest + 20, zone))
    return std::nullopt;
  // The general reader ignores an impossible zone and keeps reading: leave those to it.
  if (zone % 100 >= 60 || zone / 100 > 18) return std::nullopt;
  s.pos = pos + day_length + kAfterDayLength;
  if (!s.done() && text[s.pos] != ' ' && text[s.pos] != '(') return std::nullopt;
  s.skip_separators();
  if (!s.done()) return std::nullopt;
  matched = true;
  const int offset = static_cast<int>((zone / 100) * 60 + zone % 100) * (rest[19] == '-' ? -1 : 1);
  return zoned_time(full_year(year), month, day, hour, minute, second, offset);
}

}  // namespace

UnixTime make_utc(int year, int month, int day, int hour, int minute, int second) {
  // Howard Hinnant's days_from_civil.
  year -= month <= 2;
  const long era = (year >= 0 ? year : year - 399) / 400;
  const long yoe = year - era * 400;
  const long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days = era * 146097 + doe - 719468;
  return static_cast<UnixTime>(days) * 86400 + hour * 3600 + minute * 60 + second;
}

std::optional<ZonedTime> parse_mail_date(std::string_view text) {
  if (text.size() > 256) text = text.substr(0, 256);
  bool common = false;
  if (auto date = parse_common_date(text, common); common) return date;
  if (auto iso = parse_iso(text)) return iso;

  Scanner s{text};
  long day = -1, month = 0, year = -1, hour = -1, minute = -1, second = 0;
  std::optional<int> offset;
  // Tokens may come as "Tue, 29 Aug 2023 16:20:12 +0000" or asctime-like
  // "Tue Aug 29 16:20:12 2023"; collect them by shape.
  for (int tokens = 0; !s.done() && tokens < 16; ++tokens) {
    s.skip_separators();
    if (s.done()) break;
    const char c = s.text[s.pos];
    if (is_ascii_letter(c)) {
      const std::string_view word = s.word();
      if (int m = month_from_name(word); m && month == 0 && word.size() <= 9) {
        month = m;
      } else if (hour >= 0 && !offset) {
        if (auto zone = zone_from_name(word)) offset = *zone;
      }
      continue;
    }
    if (c == '+' || c == '-') {
      ++s.pos;
      int digits = 0;
      const long value = s.number(4, &digits);
      if (hour >= 0 && !offset && digits == 4 && value % 100 < 60 && value / 100 <= 18) {
        offset = static_cast<int>((value / 100) * 60 + value % 100) * (c == '-' ? -1 : 1);
      } else if (month && year < 0 && day >= 0 && digits >= 2) {
        year = value;  // "29-Aug-2023"
      }
      continue;
    }
    if (is_ascii_digit(c)) {
      int digits = 0;
      const long value = s.number(4, &digits);
      if (!s.done() && s.text[s.pos] == ':') {  // time of day
        ++s.pos;
        hour = value;
        minute = s.number(2);
        if (!s.done() && s.text[s.pos] == ':') {
          ++s.pos;
          second = s.number(2);
          if (second < 0) second = 0;
        }
        while (!s.done() && (s.text[s.pos] == '.' || is_ascii_digit(s.text[s.pos]))) ++s.pos;  // fractions
        continue;
      }
      if (!s.done() && s.text[s.pos] == '-' && month == 0) {  // "29-Aug-2023"
        day = value;
        ++s.pos;
        continue;
      }
      if (digits == 4 || (day >= 0 && year < 0 && month)) {
        if (year < 0) year = value;
      } else if (day < 0) {
        day = value;
      } else if (year < 0) {
        year = value;
      }
      continue;
    }
    ++s.pos;  // any other byte: skip
  }
  if (year >= 0) year = full_year(year);
  if (day < 0 || month == 0 || year < 0 || hour < 0 || minute < 0) return std::nullopt;
  return zoned_time(year, month, day, hour, minute, second, offset.value_or(0));
}

std::string format_iso8601(UnixTime time) {
  long days = static_cast<long>(time / 86400);
  long seconds = static_cast<long>(time % 86400);
  if (seconds < 0) {
    seconds += 86400;
    --days;
  }
  // civil_from_days
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long doe = days - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long year = yoe + era * 400;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const long day = doy - (153 * mp + 2) / 5 + 1;
  const long month = mp + (mp < 10 ? 3 : -9);
  year += month <= 2;
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ldZ", year, month, day, seconds / 3600,
                (seconds / 60) % 60, seconds % 60);
  return buffer;
}

std::optional<UnixTime> parse_iso8601(std::string_view text) {
  // YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|(+|-)HH[:]MM]], each field its fixed width.
  long year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 10 || !read_digits<4>(text.data(), year) || text[4] != '-' ||
      !read_digits<2>(text.data() + 5, month) || text[7] != '-' || !read_digits<2>(text.data() + 8, day))
    return std::nullopt;
  size_t pos = 10;
  int offset = 0;
  if (pos < text.size()) {
    if ((text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') || text.size() < pos + 6 ||
        !read_digits<2>(text.data() + pos + 1, hour) || text[pos + 3] != ':' ||
        !read_digits<2>(text.data() + pos + 4, minute))
      return std::nullopt;
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (text.size() < pos + 3 || !read_digits<2>(text.data() + pos + 1, second)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == '.') {
        const size_t digits_start = ++pos;
        while (pos < text.size() && is_ascii_digit(text[pos])) ++pos;
        if (pos == digits_start) return std::nullopt;
      }
    }
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
      ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '-' ? -1 : 1;
      long zone_hours = 0, zone_minutes = 0;
      if (text.size() < pos + 3 || !read_digits<2>(text.data() + pos + 1, zone_hours)) return std::nullopt;
      pos += 3;
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (text.size() < pos + 2 || !read_digits<2>(text.data() + pos, zone_minutes)) return std::nullopt;
      pos += 2;
      if (zone_hours > 18 || zone_minutes > 59) return std::nullopt;
      offset = sign * static_cast<int>(zone_hours * 60 + zone_minutes);
    }
    if (pos != text.size()) return std::nullopt;
  }
  const auto zoned = zoned_time(year, month, day, hour, minute, second, offset);
  if (!zoned) return std::nullopt;
  return zoned->utc;
}

std::optional<UnixTime> parse_user_date(std::string_view text, bool end_of_day) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    auto parsed = parse_iso(text);
    if (!parsed) return std::nullopt;
    return parsed->utc + (end_of_day ? 86399 : 0);
  }
  if (auto parsed = parse_iso(text)) return parsed->utc;
  if (auto parsed = parse_mail_date(text)) return parsed->utc;
  return std::nullopt;
}

std::optional<UnixTime> parse_rfc3339(std::string_view text) {
  // An ISO 8601 date-time with its seconds: RFC 3339's profile of it.
  if (text.size() < 19 || text.size() > 64 || text[16] != ':') return std::nullopt;
  return parse_iso8601(text);
}

}  // namespace sg
