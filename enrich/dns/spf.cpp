#include "enrich/dns/spf.h"

#include "core/ascii.h"

namespace sg::dns {
namespace {

/// If `term` is `name` alone or `name` + separator + value, stores the value.
bool take(std::string_view term, std::string_view name, char separator, std::vector<std::string>& out,
          bool bare_allowed) {
  if (!starts_with_nocase(term, name)) return false;
  const std::string_view rest = term.substr(name.size());
  if (rest.empty()) {
    if (!bare_allowed) return false;
    out.emplace_back();
    return true;
  }
  if (rest.front() == separator) {
    out.emplace_back(rest.substr(1));
    return true;
  }
  if (bare_allowed && rest.front() == '/') {  // "a/24": the domain itself with a length
    out.emplace_back(rest);
    return true;
  }
  return false;
}

}  // namespace

std::optional<SpfTerms> parse_spf(std::string_view txt) {
  constexpr std::string_view kVersion = "v=spf1";
  if (!starts_with_nocase(txt, kVersion)) return std::nullopt;
  if (txt.size() > kVersion.size() && txt[kVersion.size()] != ' ') return std::nullopt;
  SpfTerms terms;
  size_t pos = kVersion.size();
  while (pos < txt.size()) {
    const size_t space = txt.find(' ', pos);
    std::string_view term = txt.substr(pos, space == std::string_view::npos ? std::string_view::npos : space - pos);
    pos = space == std::string_view::npos ? txt.size() : space + 1;
    if (term.empty()) continue;
    if (term.front() == '+' || term.front() == '-' || term.front() == '~' || term.front() == '?') {
      term.remove_prefix(1);
    }
    std::vector<std::string> redirect;
    if (take(term, "ip4", ':', terms.ip4, false) || take(term, "ip6", ':', terms.ip6, false) ||
        take(term, "include", ':', terms.includes, false) || take(term, "a", ':', terms.a, true) ||
        take(term, "mx", ':', terms.mx, true)) {
      continue;
    }
    if (take(term, "redirect", '=', redirect, false)) terms.redirect = redirect.front();
  }
  return terms;
}

}  // namespace sg::dns
