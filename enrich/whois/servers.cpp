#include "enrich/whois/servers.h"

#include <optional>

#include "core/as_number.h"
#include "core/ascii.h"
#include "core/ip.h"
#include "enrich/whois/delegations.h"

namespace sg::whois {
namespace {

// Only "AS..." text is an AS number here: a bare "3491" is too easily something else.
std::optional<uint32_t> as_number_query(std::string_view text) {
  if (!starts_with_nocase(text, "as")) return std::nullopt;
  return parse_as_number(text);
}

uint32_t v4_from_bytes(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
}

// The IPv4 endpoint a 6to4 (2002:AABB:CCDD::/48) or Teredo (2001:0::/32, client address
// inverted in the last 32 bits) address carries; nullopt for any other address.
std::optional<IpAddress> embedded_ipv4(const IpAddress& address) {
  if (address.is_v4()) return std::nullopt;
  const auto& bytes = address.bytes();
  if (bytes[0] == 0x20 && bytes[1] == 0x02) return IpAddress::v4(v4_from_bytes(&bytes[2]));
  if (bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0)
    return IpAddress::v4(~v4_from_bytes(&bytes[12]));
  return std::nullopt;
}

std::string_view server_for(const IpAddress& address) {
  if (address.is_private()) return kIanaServer;
  const std::string_view server =
      address.is_v4() ? ipv4_delegation(address.v4_value()) : ipv6_delegation(v4_from_bytes(address.bytes().data()));
  return server.empty() ? kIanaServer : server;
}

}  // namespace

Result<WhoisQuery> select_server(std::string_view query) {
  const std::string_view text = trim_blanks(query);
  if (const auto asn = as_number_query(text)) {
    const std::string_view server = as_number_delegation(*asn);
    const std::string_view chosen = server.empty() ? kIanaServer : server;
    return WhoisQuery{std::string(chosen), 43, query_line(chosen, text)};
  }
  const auto prefix = IpPrefix::parse(text);
  if (!prefix) return Error{"not an IP address, prefix or AS number", "whois query '" + std::string(text) + "'"};
  if (const auto endpoint = embedded_ipv4(prefix->network)) {
    const std::string endpoint_text = endpoint->to_string();
    const std::string_view server = server_for(*endpoint);
    return WhoisQuery{std::string(server), 43, query_line(server, endpoint_text)};
  }
  const std::string_view server = server_for(prefix->network);
  return WhoisQuery{std::string(server), 43, query_line(server, text)};
}

std::string query_line(std::string_view server, std::string_view query) {
  const std::string_view text = trim_blanks(query);
  const auto asn = as_number_query(text);
  if (server == kArinServer) {
    if (asn) return "a " + std::to_string(*asn);
    if (IpPrefix::parse(text))
      return (text.find('/') != std::string_view::npos ? "r + = " : "n + ") + ascii_lowercase(text);
    return ascii_lowercase(text);
  }
  if (server == kJpnicServer) {
    if (asn) return "AS " + std::to_string(*asn) + "/e";
    return ascii_lowercase(text) + "/e";
  }
  if (asn) return "as" + std::to_string(*asn);
  return ascii_lowercase(text);
}

}  // namespace sg::whois
