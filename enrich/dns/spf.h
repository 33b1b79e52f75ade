// Extracting the network-naming terms of an SPF record (RFC 7208) from TXT data.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sg::dns {

/// The terms of one SPF record that point at infrastructure. Values are the text
/// after the colon or equals sign, as written (a CIDR length stays attached);
/// qualifiers (+ - ~ ?) are dropped.
struct SpfTerms {
  std::vector<std::string> ip4;       ///< "114.113.195.0/24"
  std::vector<std::string> ip6;       ///< "2001:db8::/32"
  std::vector<std::string> includes;  ///< include:DOMAIN
  std::vector<std::string> a;         ///< a:DOMAIN[/len]; a bare "a" is recorded as ""
  std::vector<std::string> mx;        ///< mx:DOMAIN[/len]; a bare "mx" is recorded as ""
  std::optional<std::string> redirect;  ///< redirect=DOMAIN
  friend bool operator==(const SpfTerms&, const SpfTerms&) = default;
};

/// Parses one TXT string. Returns nullopt unless it starts with "v=spf1"
/// (case-insensitive) followed by a space or its end. Unknown terms are ignored.
std::optional<SpfTerms> parse_spf(std::string_view txt);

}  // namespace sg::dns
