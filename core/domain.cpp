#include "core/domain.h"

#include <idn2.h>
#include <libpsl.h>

#include <cstdlib>
#include <unordered_map>

namespace sg {

namespace {

bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80) return false;
  return true;
}

std::string_view trim_decoration(std::string_view text) {
  while (!text.empty() && (text.front() == '[' || text.front() == '"' || text.front() == '<' ||
                           text.front() == '\'' || text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ']' || text.back() == '"' || text.back() == '>' || text.back() == '\'' ||
                           text.back() == ' ' || text.back() == '\t' || text.back() == '.'))
    text.remove_suffix(1);
  return text;
}

// Checks RFC 1035 lengths and a permissive character set ('_' occurs in real
// HELO names and DKIM selectors). Returns the number of labels, 0 if invalid.
int validate(const std::string& name) {
  if (name.empty() || name.size() > 253) return 0;
  int labels = 1;
  size_t label_length = 0;
  for (char c : name) {
    if (c == '.') {
      if (label_length == 0) return 0;
      label_length = 0;
      ++labels;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label_length > 63) return 0;
  }
  return label_length == 0 ? 0 : labels;
}

bool all_digits_and_dots(const std::string& name) {
  for (char c : name)
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  return true;
}

std::optional<std::string> normalize(std::string_view text, bool allow_single_label) {
  text = trim_decoration(text);
  if (text.empty() || text.size() > 1024) return std::nullopt;
  std::string name;
  if (is_ascii(text)) {
    name.resize(text.size());  // lower-cased while copied: one pass, not two
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      name[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  } else {
    std::string input(text);
    char* output = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      // Retry with UTS#46 transitional mapping, which accepts more legacy input.
      if (rc != IDN2_OK && idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_TRANSITIONAL) != IDN2_OK)
        return std::nullopt;
    }
    name = output;
    idn2_free(output);
    for (char& c : name)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const int labels = validate(name);
  if (labels == 0) return std::nullopt;
  if (labels == 1 && !allow_single_label) return std::nullopt;
  if (all_digits_and_dots(name)) return std::nullopt;  // an IPv4 literal, not a name
  return name;
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view text) { return normalize(text, false); }

std::optional<std::string> normalize_host_name(std::string_view text) { return normalize(text, true); }

std::string registrable_domain(std::string_view normalized_name) {
  // Mail from one mailbox names the same few receiving servers again and again,
  // and a PSL lookup costs far more than a hash lookup: remember recent answers.
  // Per thread, so no locking; bounded, so a long run cannot grow it without end.
  thread_local std::unordered_map<std::string, std::string> cache;
  std::string name(normalized_name);
  if (auto hit = cache.find(name); hit != cache.end()) return hit->second;
  const char* registrable = psl_registrable_domain(psl_builtin(), name.c_str());
  std::string result = registrable ? std::string(registrable) : name;
  if (cache.size() >= 4096) cache.clear();
  cache.emplace(std::move(name), result);
  return result;
}

}  // namespace sg
