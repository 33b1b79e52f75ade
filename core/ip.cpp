#include "core/ip.h"

#include <cstring>

#include "core/ascii.h"

namespace sg {

namespace {

// One part of a dotted quad at `i`, advancing `i` past it: one to three digits
// (a fourth could only make a leading zero or a value past 255), no leading zero.
bool read_octet(std::string_view text, size_t& i, uint8_t& out) {
  const size_t start = i;
  unsigned value = 0;
  while (i < text.size() && i - start < 3 && text[i] >= '0' && text[i] <= '9')
    value = value * 10 + static_cast<unsigned>(text[i++] - '0');
  const size_t digits = i - start;
  if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
  out = static_cast<uint8_t>(value);
  return true;
}

// Dotted quads exactly as glibc's inet_pton(AF_INET) reads them: four decimal parts,
// each 0-255 without leading zeros, nothing else; so "010.1.1.1" is rejected, not
// misread. By hand because every Received field has addresses and inet_pton needs
// a NUL-terminated copy.
bool parse_v4(std::string_view text, std::array<uint8_t, 16>& out) {
  uint8_t parts[4];
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (i == text.size() || text[i++] != '.')) return false;
    if (!read_octet(text, i, parts[part])) return false;
  }
  if (i != text.size()) return false;
  std::memcpy(out.data(), parts, 4);
  return true;
}

// IPv6 text exactly as glibc's inet_pton(AF_INET6) reads it (its inet_pton6, step
// for step): groups of one to four hex digits, at most one "::", and an optional
// dotted quad in place of the last two groups. By hand for the reason parse_v4 is.
bool parse_v6(std::string_view text, std::array<uint8_t, 16>& out) {
  std::array<uint8_t, 16> bytes{};
  size_t filled = 0;                                   // bytes of `bytes` written so far
  size_t gap = std::string_view::npos;                 // where "::" stands, in bytes
  size_t i = 0;
  if (text.empty()) return false;
  if (text[0] == ':') {  // a leading ':' must be the start of "::"
    if (text.size() < 2 || text[1] != ':') return false;
    i = 1;
  }
  size_t group_start = i;
  unsigned digits = 0, value = 0;
  while (i < text.size()) {
    const char c = text[i++];
    if (const int digit = hex_digit_value(c); digit >= 0) {
      if (digits == 4) return false;
      value = value << 4 | static_cast<unsigned>(digit);
      ++digits;
      continue;
    }
    if (c == ':') {
      group_start = i;
      if (digits == 0) {
        if (gap != std::string_view::npos) return false;
        gap = filled;
        continue;
      }
      if (i == text.size() || filled + 2 > bytes.size()) return false;
      bytes[filled++] = static_cast<uint8_t>(value >> 8);
      bytes[filled++] = static_cast<uint8_t>(value);
      digits = value = 0;
      continue;
    }
    if (c != '.' || filled + 4 > bytes.size()) return false;
    std::array<uint8_t, 16> quad{};
    if (!parse_v4(text.substr(group_start), quad)) return false;
    std::memcpy(bytes.data() + filled, quad.data(), 4);
    filled += 4;
    digits = 0;
    break;
  }
  if (digits > 0) {
    if (filled + 2 > bytes.size()) return false;
    bytes[filled++] = static_cast<uint8_t>(value >> 8);
    bytes[filled++] = static_cast<uint8_t>(value);
  }
  if (gap != std::string_view::npos) {
    if (filled == bytes.size()) return false;  // "::" would stand for no group at all
    const size_t tail = filled - gap;
    std::memmove(bytes.data() + bytes.size() - tail, bytes.data() + gap, tail);
    std::memset(bytes.data() + gap, 0, bytes.size() - tail - gap);
    filled = bytes.size();
  }
  if (filled != bytes.size()) return false;
  out = bytes;
  return true;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (starts_with_nocase(text, "ipv6:")) text.remove_prefix(5);
  if (auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
  if (text.empty() || text.size() > 45) return std::nullopt;
  // No search for ':' to pick the family, nor for NUL: parse_v4 rejects any ':',
  // parse_v6 any text without one, and both any NUL.
  IpAddress result;
  if (parse_v4(text, result.bytes_)) {
    result.family_ = Family::v4;
    return result;
  }
  std::array<uint8_t, 16> bytes;
  if (!parse_v6(text, bytes)) return std::nullopt;
  return v6(bytes);
}

IpAddress IpAddress::v4(uint32_t host_order) {
  IpAddress result;
  result.family_ = Family::v4;
  result.bytes_[0] = static_cast<uint8_t>(host_order >> 24);
  result.bytes_[1] = static_cast<uint8_t>(host_order >> 16);
  result.bytes_[2] = static_cast<uint8_t>(host_order >> 8);
  result.bytes_[3] = static_cast<uint8_t>(host_order);
  return result;
}

IpAddress IpAddress::v6(const std::array<uint8_t, 16>& bytes) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  IpAddress result;
  if (std::memcmp(bytes.data(), kMapped, 12) == 0) {
    result.family_ = Family::v4;
    std::memcpy(result.bytes_.data(), bytes.data() + 12, 4);
    return result;
  }
  result.family_ = Family::v6;
  result.bytes_ = bytes;
  return result;
}

uint32_t IpAddress::v4_value() const {
  if (!is_v4()) return 0;
  return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) | (uint32_t{bytes_[2]} << 8) |
         uint32_t{bytes_[3]};
}

namespace {

// Appends `value` in decimal (0-255).
void append_decimal_octet(std::string& text, unsigned value) {
  if (value >= 100) text.push_back(static_cast<char>('0' + value / 100));
  if (value >= 10) text.push_back(static_cast<char>('0' + value / 10 % 10));
  text.push_back(static_cast<char>('0' + value % 10));
}

void append_dotted_quad(std::string& text, const uint8_t* bytes) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) text.push_back('.');
    append_decimal_octet(text, bytes[i]);
  }
}

// RFC 5952 text, exactly as glibc's inet_ntop writes it (which the stored data
// and the tests were made with): lowercase hex without leading zeros, the first
// longest run of two or more zero groups as "::", and the IPv4-compatible and
// IPv4-mapped forms with a dotted quad. By hand because inet_ntop costs more than
// parsing the whole Received field the address came from.
void append_ipv6_text(std::string& text, const std::array<uint8_t, 16>& bytes) {
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int end = i;
    while (end < 8 && groups[end] == 0) ++end;
    if (end - i > best_length) {
      best_start = i;
      best_length = end - i;
    }
    i = end;
  }
  if (best_length < 2) best_start = -1;
  const bool embedded_v4 = best_start == 0 && (best_length == 6 || (best_length == 7 && groups[7] != 1) ||
                                              (best_length == 5 && groups[5] == 0xffff));
  static constexpr char kHex[] = "0123456789abcdef";
  text.reserve(text.size() + 39);
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      text.push_back(':');
      i += best_length - 1;
      if (i == 7) text.push_back(':');
      continue;
    }
    if (i > 0) text.push_back(':');
    if (i == 6 && embedded_v4) {
      append_dotted_quad(text, bytes.data() + 12);
      break;
    }
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = groups[i] >> shift & 15;
      if (digit == 0 && !started && shift > 0) continue;
      started = true;
      text.push_back(kHex[digit]);
    }
  }
}

}  // namespace

std::string IpAddress::to_string() const {
  std::string text;
  append_to(text);
  return text;
}

void IpAddress::append_to(std::string& text) const {
  if (!is_v4()) return append_ipv6_text(text, bytes_);
  // Dotted decimal by hand too: glibc's inet_ntop formats IPv4 with sprintf.
  text.reserve(text.size() + 15);
  append_dotted_quad(text, bytes_.data());
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes_[0] == 127;
  static constexpr uint8_t kLoop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return std::memcmp(bytes_.data(), kLoop, 16) == 0;
}

bool IpAddress::is_private() const {
  if (is_v4()) {
    const uint8_t a = bytes_[0], b = bytes_[1];
    return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (b & 0xf0) == 16) ||
           (a == 192 && b == 168) || (a == 100 && (b & 0xc0) == 64) || a >= 224;
  }
  const uint8_t a = bytes_[0], b = bytes_[1];
  bool all_zero = true;
  for (int i = 0; i < 15; ++i) all_zero = all_zero && bytes_[i] == 0;
  if (all_zero) return true;                       // :: and ::1
  if ((a & 0xfe) == 0xfc) return true;             // fc00::/7 unique local
  if (a == 0xfe && (b & 0xc0) == 0x80) return true;  // fe80::/10 link local
  return a == 0xff;                                // multicast
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  int length = address->bit_width();
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    length = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      length = length * 10 + (c - '0');
    }
    // "::ffff:1.2.3.0/120" names an IPv4 /24.
    if (address->is_v4() && text.substr(0, slash).find(':') != std::string_view::npos) length -= 96;
    if (length < 0 || length > address->bit_width()) return std::nullopt;
  }
  std::array<uint8_t, 16> bytes = address->bytes();
  const int width = address->bit_width();
  for (int bit = length; bit < width; ++bit) bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  IpPrefix prefix;
  prefix.network = address->is_v4() ? IpAddress::v4((uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                                                    (uint32_t{bytes[2]} << 8) | bytes[3])
                                    : IpAddress::v6(bytes);
  prefix.length = length;
  return prefix;
}

bool IpPrefix::contains(const IpAddress& address) const {
  if (address.family() != network.family()) return false;
  const auto& a = address.bytes();
  const auto& n = network.bytes();
  int bit = 0;
  for (; bit + 8 <= length; bit += 8)
    if (a[bit / 8] != n[bit / 8]) return false;
  if (bit < length) {
    const uint8_t mask = static_cast<uint8_t>(0xff00u >> (length - bit));
    if ((a[bit / 8] & mask) != n[bit / 8]) return false;
  }
  return true;
}

std::string IpPrefix::to_string() const { return network.to_string() + "/" + std::to_string(length); }

}  // namespace sg
