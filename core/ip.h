// IP addresses and prefixes, IPv4 and IPv6, in one value type.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sg {

/// An IPv4 or IPv6 address. IPv4 is stored as such (IPv4-mapped IPv6 input
/// is normalised to IPv4), so equal addresses compare equal.
class IpAddress {
 public:
  enum class Family : uint8_t { v4, v6 };

  IpAddress() = default;
  /// Parses dotted IPv4 or RFC 4291 IPv6 text (optionally "IPv6:"-prefixed, as in
  /// SMTP address literals, and with a %zone that is dropped). Returns nullopt on
  /// anything else; never reads past `text`.
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(uint32_t host_order);
  static IpAddress v6(const std::array<uint8_t, 16>& bytes);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::v4; }
  /// Network-order bytes; only the first 4 are meaningful for IPv4.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  uint32_t v4_value() const;  ///< host-order IPv4 value (0 for IPv6)
  int bit_width() const { return is_v4() ? 32 : 128; }

  /// Dotted quad, or RFC 5952 canonical IPv6 text.
  std::string to_string() const;
  /// to_string's text appended to `text` (no string of its own).
  void append_to(std::string& text) const;

  /// Not globally routable, so never campaign infrastructure: for IPv4 0/8, 10/8,
  /// 100.64/10 (CGNAT), 127/8, 169.254/16, 172.16/12, 192.168/16 and 224/3 (multicast
  /// and reserved); for IPv6 ::, ::1, fc00::/7, fe80::/10 and ff00::/8. The
  /// documentation ranges (192.0.2/24, 2001:db8::/32, ...) are NOT private: test data
  /// uses them as stand-ins for public addresses.
  bool is_private() const;
  /// Loopback (127/8, ::1).
  bool is_loopback() const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::v4;
  std::array<uint8_t, 16> bytes_{};
};

/// An address prefix such as 114.113.195.0/24 or 2001:db8::/32; host bits are zeroed.
struct IpPrefix {
  IpAddress network;
  int length = 0;

  /// Parses "addr/len", or a bare address as a host prefix (/32 or /128).
  static std::optional<IpPrefix> parse(std::string_view text);
  bool contains(const IpAddress& address) const;
  std::string to_string() const;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace sg
