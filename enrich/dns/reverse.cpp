#include "enrich/dns/reverse.h"

#include <array>
#include <cstdint>
#include <vector>

#include "core/ascii.h"
#include "enrich/dns/types.h"

namespace sg::dns {
namespace {

constexpr std::string_view kV4Suffix = ".in-addr.arpa";
constexpr std::string_view kV6Suffix = ".ip6.arpa";

std::vector<std::string_view> split_labels(std::string_view text) {
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t dot = text.find('.', start);
    const size_t end = dot == std::string_view::npos ? text.size() : dot;
    labels.push_back(text.substr(start, end - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels;
}

}  // namespace

std::string reversed_labels(const IpAddress& address) {
  const auto& bytes = address.bytes();
  std::string out;
  if (address.is_v4()) {
    for (int i = 3; i >= 0; --i) out += std::to_string(bytes[static_cast<size_t>(i)]) + (i ? "." : "");
    return out;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    const uint8_t b = bytes[static_cast<size_t>(i)];
    out += kHex[b & 0x0f];
    out += '.';
    out += kHex[b >> 4];
    if (i) out += '.';
  }
  return out;
}

std::string reverse_name(const IpAddress& address) {
  return reversed_labels(address) + (address.is_v4() ? ".in-addr.arpa" : ".ip6.arpa");
}

std::optional<IpAddress> address_from_reverse_name(std::string_view name) {
  const std::string norm = normalize_name(name);
  const std::string_view text = norm;
  if (text.ends_with(kV4Suffix)) {
    const auto labels = split_labels(text.substr(0, text.size() - kV4Suffix.size()));
    if (labels.size() != 4) return std::nullopt;
    std::string dotted;
    for (size_t i = labels.size(); i-- > 0;) dotted += std::string(labels[i]) + (i ? "." : "");
    return IpAddress::parse(dotted);
  }
  if (text.ends_with(kV6Suffix)) {
    const auto labels = split_labels(text.substr(0, text.size() - kV6Suffix.size()));
    if (labels.size() != 32) return std::nullopt;
    std::array<uint8_t, 16> bytes{};
    for (size_t i = 0; i < 32; ++i) {
      if (labels[i].size() != 1 || hex_digit_value(labels[i][0]) < 0) return std::nullopt;
      const auto nibble = static_cast<uint8_t>(hex_digit_value(labels[i][0]));
      const size_t byte = 15 - i / 2;
      bytes[byte] = static_cast<uint8_t>(bytes[byte] | (i % 2 == 0 ? nibble : nibble << 4));
    }
    return IpAddress::v6(bytes);
  }
  return std::nullopt;
}

}  // namespace sg::dns
