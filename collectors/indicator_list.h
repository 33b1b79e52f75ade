// Indicator lists from elsewhere (another researcher's list, a blog post, a feed):
// one domain, IP, prefix, AS number, e-mail address or URL per line.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vocabulary.h"

namespace sg {

/// One indicator read from a list, normalised.
struct ListedIndicator {
  EntityKind kind = EntityKind::domain;  ///< domain, ip, prefix, asn, email or url
  std::string value;  ///< normalised: lowercase A-label domain, RFC 5952 IP, "AS133027", ...
  size_t line = 0;    ///< 1-based line number in the list
};

/// Undoes the usual defanging: "103[.]244[.]54[.]137", "example(.)com",
/// "example[dot]com", "hxxps://", "user[@]example.com", "[:]//".
std::string refang(std::string_view text);

/// Reads one indicator, defanged or not ("103[.]244[.]54[.]137", "hxxp://x[.]y/",
/// "AS133027", "114.113.195.0/24"); nullopt with `problem` saying why when it is none.
std::optional<ListedIndicator> parse_indicator(std::string_view text, std::string& problem);

/// Reads a list: '#' starts a comment, blank lines are skipped, surrounding
/// quotes and commas are ignored. Lines that are none of the kinds are reported
/// in `problems` as "line N: ..."; arbitrary bytes are safe.
std::vector<ListedIndicator> parse_indicator_list(std::string_view text, std::vector<std::string>& problems);

}  // namespace sg
