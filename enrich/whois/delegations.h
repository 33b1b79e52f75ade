// Which registry's WHOIS server holds an address block or AS number: the delegation
// tables behind select_server (servers.h), kept apart from the query rules.
#pragma once
#include <cstdint>
#include <string_view>

namespace sg::whois {

/// The WHOIS servers the tables name.
inline constexpr std::string_view kIanaServer = "whois.iana.org";
inline constexpr std::string_view kArinServer = "whois.arin.net";
inline constexpr std::string_view kRipeServer = "whois.ripe.net";
inline constexpr std::string_view kApnicServer = "whois.apnic.net";
inline constexpr std::string_view kAfrinicServer = "whois.afrinic.net";
inline constexpr std::string_view kLacnicServer = "whois.lacnic.net";
inline constexpr std::string_view kJpnicServer = "whois.nic.ad.jp";
inline constexpr std::string_view kKrnicServer = "whois.nic.or.kr";
inline constexpr std::string_view kTwnicServer = "whois.twnic.net";

/// The server for a host-order IPv4 address: the most specific block of the table that
/// holds it; "" when none does (unallocated or special-use space).
std::string_view ipv4_delegation(uint32_t address);

/// The server for an IPv6 address given by its first 32 bits (host order: 0x20010db8
/// for 2001:db8::); "" when no block holds it. No delegation is longer than /32.
std::string_view ipv6_delegation(uint32_t first_32_bits);

/// The server for an AS number; "" for 0, 65535, 4294967295 and unallocated numbers.
std::string_view as_number_delegation(uint32_t asn);

}  // namespace sg::whois
