#include "enrich/asn/importers.h"

#include <array>

#include "core/as_number.h"
#include "core/ascii.h"
#include "enrich/asn/ip_key.h"
#include "enrich/asn/line_stream.h"

namespace sg::asn {
namespace {


// Splits `line` at `sep` into at most `max` fields; the last field keeps the rest.
size_t split(std::string_view line, char sep, std::string_view* fields, size_t max) {
  size_t n = 0;
  while (n + 1 < max) {
    const size_t at = line.find(sep);
    if (at == std::string_view::npos) break;
    fields[n++] = line.substr(0, at);
    line.remove_prefix(at + 1);
  }
  fields[n++] = line;
  return n;
}


// Dotted / colon text, or a decimal number of the given family.
std::optional<IpAddress> parse_address(std::string_view text, bool numeric_v6) {
  text = trim_blanks(text);
  if (text.find_first_of(".:") != std::string_view::npos) return IpAddress::parse(text);
  auto key = parse_decimal_key(text, numeric_v6 ? 128 : 32);
  if (!key) return std::nullopt;
  return ip_from_key(*key, !numeric_v6);
}

struct Emitter {
  const AsnRowSink& sink;
  ImportStats& stats;
  bool& stop;
  bool operator()(const IpPrefix& prefix, uint32_t asn, std::string_view name, std::string_view country) {
    ++stats.rows;
    if (!sink(AsnRow{prefix, asn, name, country})) stop = true;
    return !stop;
  }
};

// Splits [first, last] into prefixes and emits each; "" or the reason it is invalid.
std::string emit_range(const IpAddress& first, const IpAddress& last, uint32_t asn, std::string_view name,
                       std::string_view country, Emitter& emit) {
  if (first.family() != last.family()) return "range start and end are of different families";
  const IpKey a = ip_key(first);
  const IpKey b = ip_key(last);
  if (a > b) return "range start is after range end";
  std::vector<IpPrefix> prefixes;
  range_to_prefixes(a, b, first.is_v4(), prefixes);
  for (const IpPrefix& p : prefixes) {
    if (!first.is_v4() && p.network.is_v4()) continue;  // inside ::ffff:0:0/96, not representable
    if (!emit(p, asn, name, country)) break;
  }
  return "";
}

std::string parse_pfx2as(std::string_view line, Emitter& emit) {
  std::array<std::string_view, 3> f;
  if (split(line, '\t', f.data(), 3) != 3) return "expected 3 tab-separated fields";
  auto address = IpAddress::parse(trim_blanks(f[0]));
  if (!address) return "bad address";
  auto length = parse_decimal_key(trim_blanks(f[1]), 32);
  if (!length || *length > static_cast<IpKey>(address->bit_width())) return "bad prefix length";
  const IpPrefix prefix = prefix_from_key(ip_key(*address), static_cast<int>(*length), address->is_v4());
  // MOAS "a_b" and AS sets "a,b" (possibly mixed): one row per distinct ASN.
  std::vector<uint32_t> asns;
  std::string_view rest = f[2];
  while (true) {
    const size_t at = rest.find_first_of("_,");
    auto asn = parse_as_number(trim_blanks(rest.substr(0, at)));
    if (!asn) return "bad AS number";
    bool seen = false;
    for (uint32_t x : asns) seen = seen || x == *asn;
    if (!seen) {
      if (asns.size() >= 64) return "too many origin ASes";
      asns.push_back(*asn);
    }
    if (at == std::string_view::npos) break;
    rest.remove_prefix(at + 1);
  }
  for (uint32_t asn : asns)
    if (!emit(prefix, asn, {}, {})) break;
  return "";
}

std::string parse_pyasn(std::string_view line, Emitter& emit) {
  std::array<std::string_view, 2> f;
  if (split(line, '\t', f.data(), 2) != 2) return "expected prefix<TAB>asn";
  auto prefix = IpPrefix::parse(trim_blanks(f[0]));
  if (!prefix || trim_blanks(f[0]).find('/') == std::string_view::npos) return "bad prefix";
  auto asn = parse_as_number(trim_blanks(f[1]));
  if (!asn) return "bad AS number";
  emit(*prefix, *asn, {}, {});
  return "";
}

std::string parse_ip2asn(std::string_view line, Emitter& emit, ImportStats& stats) {
  std::array<std::string_view, 5> f;
  const size_t n = split(line, '\t', f.data(), 5);
  if (n < 3) return "expected range_start, range_end, AS_number, country, description";
  auto first = IpAddress::parse(trim_blanks(f[0]));
  auto last = IpAddress::parse(trim_blanks(f[1]));
  if (!first || !last) return "bad address";
  auto asn = parse_as_number(trim_blanks(f[2]));
  if (!asn) return "bad AS number";
  if (*asn == 0) {  // not routed
    ++stats.skipped;
    return "";
  }
  std::string_view country = n > 3 ? trim_blanks(f[3]) : std::string_view();
  if (country == "None" || country == "Unknown") country = {};
  const std::string_view name = n > 4 ? trim_blanks(f[4]) : std::string_view();
  return emit_range(*first, *last, *asn, name, country, emit);
}

// One CSV field starting at `line`; handles "quoted, ""escaped"" text". Advances `line`.
bool csv_field(std::string_view& line, std::string& out, bool& more) {
  out.clear();
  more = false;
  if (!line.empty() && line.front() == '"') {
    size_t i = 1;
    while (true) {
      if (i >= line.size()) return false;  // unterminated quote
      if (line[i] == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          out.push_back('"');
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      out.push_back(line[i++]);
    }
    line.remove_prefix(i);
    if (line.empty()) return true;
    if (line.front() != ',') return false;
    line.remove_prefix(1);
    more = true;
    return true;
  }
  const size_t at = line.find(',');
  out.assign(line.substr(0, at));
  if (at == std::string_view::npos) {
    line = {};
  } else {
    line.remove_prefix(at + 1);
    more = true;
  }
  return true;
}

std::string parse_ip_location(std::string_view line, Emitter& emit, const ImportOptions& options,
                              ImportStats& stats) {
  std::array<std::string, 4> f;
  size_t n = 0;
  bool more = true;
  while (more && n < f.size()) {
    if (!csv_field(line, f[n], more)) return "bad CSV quoting";
    ++n;
  }
  if (more) return "too many CSV fields";
  if (n < 3) return "expected start,end,asn,name";
  auto first = parse_address(f[0], options.numeric_v6);
  auto last = parse_address(f[1], options.numeric_v6);
  if (!first || !last) {
    if (f[0] == "start" || f[0] == "ip_range_start") {  // header row
      ++stats.skipped;
      return "";
    }
    return "bad address";
  }
  auto asn = parse_as_number(trim_blanks(f[2]));
  if (!asn) return "bad AS number";
  if (*asn == 0) {
    ++stats.skipped;
    return "";
  }
  return emit_range(*first, *last, *asn, n > 3 ? trim_blanks(f[3]) : std::string_view(), {}, emit);
}

Result<ImportStats> run(bool from_file, std::string_view source, AsnFormat format, const AsnRowSink& sink,
                        std::vector<Error>& problems, const ImportOptions& options) {
  ImportStats stats;
  bool stop = false;
  auto report = [&](size_t number, std::string reason) {
    ++stats.bad_lines;
    if (problems.size() < options.max_problems)
      problems.push_back(Error{std::move(reason), "line " + std::to_string(number)});
  };
  LineHandlers handlers;
  handlers.on_line = [&](size_t number, std::string_view line) {
    std::string reason = parse_asn_line(line, format, sink, options, stats, stop);
    if (!reason.empty()) report(number, std::move(reason));
    return !stop;
  };
  handlers.too_long = [&](size_t number) {
    report(number, "line longer than " + std::to_string(options.max_line) + " bytes");
  };
  auto lines = from_file ? read_lines_from_file(std::string(source), handlers, options.max_line)
                         : read_lines_from_bytes(source, handlers, options.max_line);
  if (!lines) return lines.error();
  stats.lines = *lines;
  return stats;
}

}  // namespace

std::string parse_asn_line(std::string_view line, AsnFormat format, const AsnRowSink& sink,
                           const ImportOptions& options, ImportStats& stats, bool& stop) {
  const std::string_view body = trim_blanks(line);
  if (body.empty() || body.front() == '#' || (format == AsnFormat::pyasn && body.front() == ';')) {
    ++stats.skipped;
    return "";
  }
  Emitter emit{sink, stats, stop};
  switch (format) {
    case AsnFormat::pfx2as:
      return parse_pfx2as(body, emit);
    case AsnFormat::ip2asn:
      return parse_ip2asn(body, emit, stats);
    case AsnFormat::ip_location:
      return parse_ip_location(body, emit, options, stats);
    case AsnFormat::pyasn:
      return parse_pyasn(body, emit);
  }
  return "unknown format";
}

Result<ImportStats> import_asn_file(const std::string& path, AsnFormat format, const AsnRowSink& sink,
                                    std::vector<Error>& problems, const ImportOptions& options) {
  return run(true, path, format, sink, problems, options);
}

Result<ImportStats> import_asn_bytes(std::string_view bytes, AsnFormat format, const AsnRowSink& sink,
                                     std::vector<Error>& problems, const ImportOptions& options) {
  return run(false, bytes, format, sink, problems, options);
}

}  // namespace sg::asn
