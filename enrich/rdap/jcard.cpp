#include "enrich/rdap/jcard.h"

#include <string>

#include "core/ascii.h"
#include "enrich/rdap/json_reading.h"

namespace sg::rdap {
namespace {

using nlohmann::json;

// A contact card lists a few dozen properties; the cap bounds hostile ones.
constexpr size_t kMaxProperties = 256;
constexpr size_t kMaxValuesPerKind = 16;

// A text value, or the non-empty strings of a structured one joined with `separator`.
std::string joined_text(const json& value, std::string_view separator) {
  if (value.is_string()) return string_value(value);
  std::string out;
  if (!value.is_array()) return out;
  size_t count = 0;
  for (const json& part : value) {
    if (++count > kMaxProperties) break;
    const std::string text = part.is_array() ? joined_text(part.empty() ? json() : part[0], separator)
                                             : string_value(part);
    if (text.empty()) continue;
    if (!out.empty()) out += separator;
    out += text;
  }
  return out;
}

void add_limited(std::vector<std::string>& values, std::string value) {
  if (!value.empty() && values.size() < kMaxValuesPerKind) values.push_back(std::move(value));
}

void read_address(const json& params, const json& value, Contact& out) {
  if (!out.country.empty() || !out.address.empty()) return;  // the first adr is the one meant
  out.country = string_member(params, "cc");
  for (char& c : out.country) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);  // "us" -> "US"
  // Components: post-office box, extended, street, locality, region, code, country.
  if (out.country.empty() && value.is_array() && value.size() >= 7)
    out.country = std::string(trim_blanks(joined_text(value[6], " ")));
  out.address = string_member(params, "label");
  if (out.address.empty()) out.address = joined_text(value, ", ");
}

}  // namespace

bool read_jcard_into(const json& vcard, Contact& out) {
  out = Contact{};
  if (!vcard.is_array() || vcard.size() < 2 || string_value(vcard[0]) != "vcard" || !vcard[1].is_array())
    return false;
  size_t count = 0;
  for (const json& property : vcard[1]) {
    if (++count > kMaxProperties) break;
    if (!property.is_array() || property.size() < 4 || !property[0].is_string()) continue;
    const std::string name = ascii_lowercase(string_value(property[0]));
    const json& params = property[1];
    const json& value = property[3];
    if (name == "fn") {
      if (out.full_name.empty()) out.full_name = joined_text(value, " ");
    } else if (name == "org") {
      if (out.organisation.empty()) out.organisation = joined_text(value, "; ");
    } else if (name == "kind") {
      if (out.kind.empty()) out.kind = ascii_lowercase(joined_text(value, " "));
    } else if (name == "email") {
      add_limited(out.emails, std::string(trim_blanks(joined_text(value, " "))));
    } else if (name == "tel") {
      const std::string text = joined_text(value, " ");
      std::string_view phone = trim_blanks(text);
      if (starts_with_nocase(phone, "tel:")) phone.remove_prefix(4);
      add_limited(out.phones, std::string(phone));
    } else if (name == "adr") {
      read_address(params, value, out);
    }
  }
  return true;
}

}  // namespace sg::rdap
