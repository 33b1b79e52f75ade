#include "collectors/indicator_list.h"

#include "collectors/address.h"
#include "collectors/mime_urls.h"
#include "collectors/url_scan.h"
#include "core/as_number.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/ip.h"

namespace sg {

namespace {

constexpr size_t kMaxLineLength = 4096;

// Blanks and the quotes and separators of lists pasted from CSV or prose.
std::string_view trim(std::string_view text) {
  return trim_if(text, [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '"' || c == '\'' || c == ',' || c == ';';
  });
}

// "AS133027", "as 133027", "ASN133027" -> "AS133027".
// A bare number is not taken for an AS number in a list: it needs its prefix.
std::string as_number(std::string_view text) {
  if (!starts_with_nocase(text, "as")) return {};
  const auto number = parse_as_number(text);
  return number ? as_number_key(*number) : std::string();
}

}  // namespace

std::string refang(std::string_view text) {
  struct Rewrite {
    std::string_view from, to;
  };
  static constexpr Rewrite kRewrites[] = {{"[.]", "."}, {"(.)", "."},  {"{.}", "."},  {"[dot]", "."}, {"(dot)", "."},
                                          {"[:]", ":"}, {"[@]", "@"},  {"[at]", "@"}, {"(at)", "@"},  {"[/]", "/"}};
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool rewritten = false;
    for (const Rewrite& rewrite : kRewrites) {
      if (starts_with_nocase(text.substr(i), rewrite.from)) {
        out += rewrite.to;
        i += rewrite.from.size();
        rewritten = true;
        break;
      }
    }
    if (!rewritten) out += text[i++];
  }
  if (starts_with_nocase(out, "hxxp")) out.replace(0, 4, "http");
  if (starts_with_nocase(out, "fxp")) out.replace(0, 3, "ftp");
  return out;
}

std::optional<ListedIndicator> parse_indicator(std::string_view text, std::string& problem) {
  const std::string value = refang(trim(text));
  if (auto ip = IpAddress::parse(value)) return ListedIndicator{EntityKind::ip, ip->to_string(), 0};
  if (auto prefix = IpPrefix::parse(value); prefix && value.find('/') != std::string::npos)
    return ListedIndicator{EntityKind::prefix, prefix->to_string(), 0};
  if (std::string asn = as_number(value); !asn.empty()) return ListedIndicator{EntityKind::asn, asn, 0};
  if (value.find("://") != std::string::npos) {
    if (url_host(value).empty()) {
      problem = "URL without a host: " + value;
      return std::nullopt;
    }
    return ListedIndicator{EntityKind::url, value, 0};
  }
  if (value.find('@') != std::string::npos) {
    std::string address, domain;
    if (!parse_single_address_into(value, address) || !normalize_domain_into(address_domain(address), domain)) {
      problem = "not an e-mail address: " + value;
      return std::nullopt;
    }
    const std::string_view local = std::string_view(address).substr(0, address.size() - address_domain(address).size());
    return ListedIndicator{EntityKind::email, std::string(local) + domain, 0};
  }
  if (std::string domain; normalize_domain_into(value, domain))
    return ListedIndicator{EntityKind::domain, std::move(domain), 0};
  problem = "not a domain, IP, prefix, AS number, e-mail address or URL: " + value;
  return std::nullopt;
}

std::vector<ListedIndicator> parse_indicator_list(std::string_view text, std::vector<std::string>& problems) {
  std::vector<ListedIndicator> indicators;
  size_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_number);
    if (line.size() > kMaxLineLength) {
      problems.push_back(where + ": longer than " + std::to_string(kMaxLineLength) + " bytes");
      continue;
    }
    std::string problem;
    auto indicator = parse_indicator(line, problem);
    if (!indicator) {
      problems.push_back(where + ": " + problem);
      continue;
    }
    indicator->line = line_number;
    indicators.push_back(std::move(*indicator));
  }
  return indicators;
}

}  // namespace sg
