#include "enrich/cymru/cymru.h"

#include "core/as_number.h"
#include "core/ascii.h"
#include "core/utf8.h"
#include "enrich/dns/reverse.h"

namespace sg::cymru {
namespace {

// The "|"-separated fields of a line, blanks around each trimmed. At most
// `max_fields`: the last one keeps any further '|' (an AS name may hold one).
std::vector<std::string_view> split_fields(std::string_view line, size_t max_fields) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < max_fields) {
    const size_t bar = line.find('|');
    if (bar == std::string_view::npos) break;
    fields.push_back(trim_blanks(line.substr(0, bar)));
    line.remove_prefix(bar + 1);
  }
  fields.push_back(trim_blanks(line));
  return fields;
}

// "2014-05-20"; "" means not given. Anything else is an error in `where`.
Result<std::optional<UnixTime>> read_date(std::string_view text, const std::string& where) {
  if (text.empty()) return std::optional<UnixTime>();
  if (auto time = parse_iso8601(text)) return std::optional<UnixTime>(*time);
  return Error{"not a date: '" + to_valid_utf8(text.substr(0, 64)) + "'", where};
}

// The AS numbers of "23028" or "23028 3356" (MOAS).
Result<std::vector<uint32_t>> read_asns(std::string_view text) {
  std::vector<uint32_t> asns;
  while (!text.empty()) {
    const size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    if (!word.empty()) {
      auto asn = parse_as_number(word);
      if (!asn) return Error{"not an AS number: '" + to_valid_utf8(word.substr(0, 64)) + "'", "asn"};
      asns.push_back(*asn);
    }
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  if (asns.empty()) return Error{"missing", "asn"};
  return asns;
}

// Country codes and registries are short ASCII words; keep them printable.
std::string short_word(std::string_view text) { return to_valid_utf8(text.substr(0, 32)); }

// "NA" stands for an empty field in bulk answers for unrouted addresses.
bool is_not_available(std::string_view field) { return field == "NA" || field.empty(); }

constexpr std::string_view kBulkHeader = "Bulk mode;";

// The time in "Bulk mode; whois.cymru.com [2024-05-01 12:00:00 +0000]".
std::optional<UnixTime> header_time(std::string_view line) {
  const size_t open = line.find('[');
  const size_t close = line.rfind(']');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  const std::string_view inside = line.substr(open + 1, close - open - 1);
  if (auto time = parse_iso8601(inside)) return time;
  // "2024-05-01 12:00:00 +0000": the zone after a blank.
  const size_t blank = inside.rfind(' ');
  if (blank == std::string_view::npos) return std::nullopt;
  std::string joined(inside.substr(0, blank));
  joined += inside.substr(blank + 1);
  return parse_iso8601(joined);
}

Result<CymruBulkRow> read_bulk_row(std::string_view line) {
  const auto fields = split_fields(line, 7);
  if (fields.size() != 7) return Error{"expected 7 fields, got " + std::to_string(fields.size()), ""};
  CymruBulkRow row;
  if (!is_not_available(fields[0])) {
    auto asn = parse_as_number(fields[0]);
    if (!asn) return Error{"not an AS number: '" + to_valid_utf8(fields[0].substr(0, 64)) + "'", "AS"};
    row.asn = *asn;
  }
  auto address = IpAddress::parse(fields[1]);
  if (!address) return Error{"not an address: '" + to_valid_utf8(fields[1].substr(0, 64)) + "'", "IP"};
  row.address = *address;
  if (!is_not_available(fields[2])) {
    row.prefix = IpPrefix::parse(fields[2]);
    if (!row.prefix) return Error{"not a prefix: '" + to_valid_utf8(fields[2].substr(0, 64)) + "'", "BGP Prefix"};
  }
  if (!is_not_available(fields[3])) row.country = short_word(fields[3]);
  if (!is_not_available(fields[4])) row.registry = short_word(fields[4]);
  auto allocated = read_date(is_not_available(fields[5]) ? std::string_view() : fields[5], "Allocated");
  if (!allocated) return allocated.error();
  row.allocated = *allocated;
  if (!is_not_available(fields[6])) row.as_name = to_valid_utf8(fields[6]);
  return row;
}

}  // namespace

std::string cymru_origin_name(const IpAddress& address) {
  return dns::reversed_labels(address) + (address.is_v4() ? ".origin.asn.cymru.com" : ".origin6.asn.cymru.com");
}

std::string cymru_as_name(uint32_t asn) { return as_number_key(asn) + ".asn.cymru.com"; }

// Blanks and the quotes a TXT string is shown in ("\"133027 | ...\"").
std::string_view unquote(std::string_view text) {
  return trim_if(text, [](char c) { return is_blank_or_newline(c) || c == '"'; });
}

Result<CymruOrigin> parse_cymru_origin_txt(std::string_view text) {
  const auto fields = split_fields(unquote(text), 5);
  if (fields.size() < 2) return Error{"expected 'ASN | prefix | CC | registry | date'", ""};
  CymruOrigin origin;
  auto asns = read_asns(fields[0]);
  if (!asns) return asns.error();
  origin.asns = std::move(*asns);
  auto prefix = IpPrefix::parse(fields[1]);
  if (!prefix) return Error{"not a prefix: '" + to_valid_utf8(fields[1].substr(0, 64)) + "'", "prefix"};
  origin.prefix = *prefix;
  if (fields.size() > 2) origin.country = short_word(fields[2]);
  if (fields.size() > 3) origin.registry = short_word(fields[3]);
  if (fields.size() > 4) {
    auto allocated = read_date(fields[4], "allocated");
    if (!allocated) return allocated.error();
    origin.allocated = *allocated;
  }
  return origin;
}

Result<CymruAs> parse_cymru_as_txt(std::string_view text) {
  const auto fields = split_fields(unquote(text), 5);
  if (fields.size() < 2) return Error{"expected 'ASN | CC | registry | date | name'", ""};
  CymruAs as;
  auto asn = parse_as_number(fields[0]);
  if (!asn) return Error{"not an AS number: '" + to_valid_utf8(fields[0].substr(0, 64)) + "'", "asn"};
  as.asn = *asn;
  as.country = short_word(fields[1]);
  if (fields.size() > 2) as.registry = short_word(fields[2]);
  if (fields.size() > 3) {
    auto allocated = read_date(fields[3], "allocated");
    if (!allocated) return allocated.error();
    as.allocated = *allocated;
  }
  if (fields.size() > 4) as.name = to_valid_utf8(fields[4]);
  return as;
}

std::string cymru_bulk_request(const std::vector<IpAddress>& addresses) {
  std::string request = "begin\nverbose\n";
  for (const IpAddress& address : addresses) {
    address.append_to(request);
    request += '\n';
  }
  request += "end\n";
  return request;
}

Result<CymruBulkAnswer> parse_cymru_bulk(std::string_view answer) {
  CymruBulkAnswer result;
  bool seen_header = false;
  size_t line_number = 0;
  auto add_problem = [&](Error problem) {
    if (result.problems.size() < kMaxBulkProblems) result.problems.push_back(std::move(problem));
  };
  while (!answer.empty()) {
    const size_t newline = answer.find('\n');
    const std::string_view raw_line = answer.substr(0, newline);
    answer.remove_prefix(newline == std::string_view::npos ? answer.size() : newline + 1);
    ++line_number;
    const std::string_view line = trim_blanks(raw_line);
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_number);
    if (!seen_header) {
      if (!line.starts_with(kBulkHeader))
        return Error{"expected the 'Bulk mode;' header line, got '" + to_valid_utf8(line.substr(0, 64)) + "'", where};
      seen_header = true;
      result.time = header_time(line);
      continue;
    }
    if (starts_with_nocase(line, "error:")) {
      add_problem(Error{to_valid_utf8(line.substr(0, 256)), where});
      continue;
    }
    // The column titles: "AS      | IP               | BGP Prefix ..."
    if (starts_with_nocase(line, "as") && line.find("| IP") != std::string_view::npos &&
        line.find("AS Name") != std::string_view::npos)
      continue;
    auto row = read_bulk_row(line);
    if (!row) {
      const Error& error = row.error();
      add_problem(Error{error.message, error.where.empty() ? where : where + ": " + error.where});
      continue;
    }
    result.rows.push_back(std::move(*row));
  }
  if (!seen_header) return Error{"empty answer: no 'Bulk mode;' header line", ""};
  return result;
}

}  // namespace sg::cymru
