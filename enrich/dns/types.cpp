#include "enrich/dns/types.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/ascii.h"

namespace sg::dns {
namespace {

constexpr std::array<std::pair<RecordType, std::string_view>, 7> kTypeNames{{
    {RecordType::A, "A"},
    {RecordType::NS, "NS"},
    {RecordType::CNAME, "CNAME"},
    {RecordType::PTR, "PTR"},
    {RecordType::MX, "MX"},
    {RecordType::TXT, "TXT"},
    {RecordType::AAAA, "AAAA"},
}};

}  // namespace

std::string to_string(RecordType type) {
  for (const auto& [value, name] : kTypeNames) {
    if (value == type) return std::string(name);
  }
  return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::optional<RecordType> parse_record_type(std::string_view text) {
  for (const auto& [value, name] : kTypeNames) {
    if (text.size() == name.size() &&
        std::equal(text.begin(), text.end(), name.begin(), [](char a, char b) { return ascii_lower(a) == ascii_lower(b); })) {
      return value;
    }
  }
  return std::nullopt;
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::NoError: return "NOERROR";
    case Status::FormErr: return "FORMERR";
    case Status::ServFail: return "SERVFAIL";
    case Status::NxDomain: return "NXDOMAIN";
    case Status::NotImp: return "NOTIMP";
    case Status::Refused: return "REFUSED";
    case Status::OtherRcode: return "RCODE";
    case Status::Timeout: return "TIMEOUT";
    case Status::ConnRefused: return "CONNREFUSED";
    case Status::BadName: return "BADNAME";
    case Status::Error: return "ERROR";
  }
  return "ERROR";
}

std::string normalize_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

std::string Answer::final_name() const {
  return cname_chain.empty() ? normalize_name(query.name) : cname_chain.back();
}

std::vector<std::string> Answer::values() const {
  std::vector<std::string> out;
  if (query.type == RecordType::CNAME) return cname_chain;
  const std::string owner = final_name();
  for (const Record& record : records) {
    if (record.type == query.type && record.name == owner) out.push_back(record.value);
  }
  return out;
}

}  // namespace sg::dns
