#include "core/domain.h"

#include <idn2.h>
#include <libpsl.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <unordered_map>

namespace sg {

namespace {

std::string_view trim_decoration(std::string_view text) {
  while (!text.empty() && (text.front() == '[' || text.front() == '"' || text.front() == '<' ||
                           text.front() == '\'' || text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ']' || text.back() == '"' || text.back() == '>' || text.back() == '\'' ||
                           text.back() == ' ' || text.back() == '\t' || text.back() == '.'))
    text.remove_suffix(1);
  return text;
}

// Each byte of a name lowercased, and what kind of byte it is, one table load each.
// Non-ASCII bytes send the name through IDNA.
enum NameByte : uint8_t { kLetterOrDigit = 0, kInvalid = 1, kNonAscii = 2, kDot = 4, kNotDigit = 8 };

struct NameTables {
  std::array<char, 256> lower{};
  std::array<uint8_t, 256> kind{};
};

constexpr NameTables make_name_tables() {
  NameTables tables;
  for (int c = 0; c < 256; ++c) {
    tables.lower[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    tables.kind[c] = c >= 0x80 ? kNonAscii : kInvalid;
  }
  for (int c = 'a'; c <= 'z'; ++c) tables.kind[c] = tables.kind[c - 'a' + 'A'] = kNotDigit;
  for (int c = '0'; c <= '9'; ++c) tables.kind[c] = kLetterOrDigit;
  // '_' occurs in real HELO names and DKIM selectors.
  tables.kind['-'] = tables.kind['_'] = kNotDigit;
  tables.kind['.'] = kDot;
  return tables;
}

constexpr NameTables kName = make_name_tables();

// Whether every dot-separated label of `name` has 1 to 63 bytes.
bool labels_fit(std::string_view name) {
  size_t start = 0;
  for (;;) {
    const size_t dot = name.find('.', start);
    const size_t end = dot == std::string_view::npos ? name.size() : dot;
    if (end == start || end - start > 63) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Lowercases an ASCII name into `out` while checking RFC 1035 lengths and a
// permissive character set. Returns 0 when invalid, -1 when `text` is not ASCII,
// else 1 for a single label and 2 for several. Branch-free per byte: names are
// checked by the dozen in every message.
int lower_and_validate(std::string_view text, std::string& out, bool& all_digits) {
  out.resize(text.size());
  uint8_t kinds = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    out[i] = kName.lower[byte];
    kinds |= kName.kind[byte];
  }
  if (kinds & kInvalid) return 0;
  if (kinds & kNonAscii) return -1;
  if (text.empty() || text.size() > 253) return 0;
  all_digits = !(kinds & kNotDigit);
  if (!(kinds & kDot)) return text.size() > 63 ? 0 : 1;
  return labels_fit(text) ? 2 : 0;
}

bool normalize_into(std::string_view text, bool allow_single_label, std::string& name) {
  text = trim_decoration(text);
  if (text.empty() || text.size() > 1024) return false;
  bool all_digits = true;
  int labels = lower_and_validate(text, name, all_digits);
  if (labels < 0) {
    std::string input(text);
    char* output = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      // Retry with UTS#46 transitional mapping, which accepts more legacy input.
      if (idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_TRANSITIONAL) != IDN2_OK) return false;
    }
    const std::string ascii(output);
    idn2_free(output);
    labels = lower_and_validate(ascii, name, all_digits);
  }
  if (labels <= 0) return false;
  if (labels == 1 && !allow_single_label) return false;
  return !all_digits;  // all digits: an IPv4 literal, not a name
}

std::optional<std::string> normalize(std::string_view text, bool allow_single_label) {
  std::string name;
  if (!normalize_into(text, allow_single_label, name)) return std::nullopt;
  return name;
}

// Whether `suffix` is a public suffix, remembered: the answer depends on the
// suffix alone, and the suffixes of the names in mail repeat far more than the
// names do (every Exchange Online host ends in ".prod.outlook.com").
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

bool is_public_suffix(std::string_view suffix) {
  // Per thread, so no locking; bounded, so a long run cannot grow it without end.
  thread_local std::unordered_map<std::string, bool, StringHash, std::equal_to<>> cache;
  if (auto hit = cache.find(suffix); hit != cache.end()) return hit->second;
  const std::string name(suffix);
  const bool is_public = psl_is_public_suffix(psl_builtin(), name.c_str()) != 0;
  if (cache.size() >= 16384) cache.clear();
  cache.emplace(name, is_public);
  return is_public;
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view text) { return normalize(text, false); }

bool normalize_domain_into(std::string_view text, std::string& out) { return normalize_into(text, false, out); }

bool normalize_host_name_into(std::string_view text, std::string& out) { return normalize_into(text, true, out); }

std::optional<std::string> normalize_host_name(std::string_view text) { return normalize(text, true); }

std::string registrable_domain(std::string_view normalized_name) {
  // libpsl's psl_registrable_domain, step by step: walk the suffixes from the
  // left and stop at the first public one, so that "forgot.his.name" (public,
  // while "his.name" is not) is found. Each step asks the cached is_public_suffix.
  if (normalized_name.empty() || normalized_name.front() == '.') return std::string(normalized_name);
  std::string_view domain = normalized_name;
  std::string_view registrable;
  while (!is_public_suffix(domain)) {
    const size_t dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    registrable = domain;
    domain.remove_prefix(dot + 1);
  }
  return std::string(registrable.empty() ? normalized_name : registrable);
}

}  // namespace sg
