#include "enrich/ripestat/ripestat.h"

#include <exception>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/ascii.h"
#include "core/utf8.h"
#include "enrich/ripestat/json_fields.h"

namespace sg::ripestat {

using nlohmann::json;

namespace {

bool is_unreserved(char c) {
  return is_ascii_letter(c) || is_ascii_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// Members only the envelope has: their presence tells a full answer from a
// recording of the bare `data` object.
bool looks_like_envelope(const json& root) {
  for (const char* key : {"data", "status", "status_code", "messages", "data_call_name"})
    if (root.contains(key)) return true;
  return false;
}

std::vector<Message> read_messages(const json& root) {
  std::vector<Message> messages;
  const json& list = array_or_empty(root, "messages", "");
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = element_path("messages", i);
    const json& entry = list[i];
    if (!entry.is_array() || entry.size() < 2) throw FieldError{path, "expected [level, text]"};
    Message message;
    message.level = ascii_lowercase(string_value(entry[0], element_path(path, 0)));
    message.text = string_value(entry[1], element_path(path, 1));
    messages.push_back(std::move(message));
  }
  return messages;
}

Envelope read_envelope(const json& root) {
  Envelope envelope;
  envelope.has_envelope = true;
  envelope.status = string_or_empty(root, "status", "");
  const int64_t code = integer_or(root, "status_code", "", 0);
  if (code < 0 || code > 999) throw FieldError{"status_code", "not a status code: " + std::to_string(code)};
  envelope.status_code = static_cast<int>(code);
  envelope.data_call_name = string_or_empty(root, "data_call_name", "");
  envelope.version = string_or_empty(root, "version", "");
  envelope.time = optional_time(root, "time", "");
  envelope.messages = read_messages(root);
  return envelope;
}

const json& element_object(const json& list, size_t index, const std::string& list_path) {
  const json& element = list[index];
  if (!element.is_object()) throw FieldError{element_path(list_path, index), "expected an object"};
  return element;
}

std::optional<Block> read_block(const json& data, const std::string& path) {
  if (!find_member(data, "block")) return std::nullopt;
  const json& object = need_object(data, "block", path);
  const std::string block_path = member_path(path, "block");
  Block block;
  block.resource = string_or_empty(object, "resource", block_path);
  block.description = string_or_empty(object, "desc", block_path);
  block.name = string_or_empty(object, "name", block_path);
  return block;
}

std::optional<uint32_t> optional_asn(const json& data, std::string_view key, const std::string& path) {
  const json* member = find_member(data, key);
  if (!member) return std::nullopt;
  return asn_value(*member, member_path(path, key));
}

// {"prefix": "193.0.0.0/21", "timelines": [{"starttime": ..., "endtime": ...}, ...]}
PrefixTimelines read_prefix_timelines(const json& object, const std::string& path) {
  PrefixTimelines entry;
  entry.prefix = need_prefix(object, "prefix", path);
  const json& timelines = need_array(object, "timelines", path);
  const std::string timelines_path = member_path(path, "timelines");
  entry.timelines.reserve(timelines.size());
  for (size_t i = 0; i < timelines.size(); ++i) {
    const std::string timeline_path = element_path(timelines_path, i);
    const json& item = element_object(timelines, i, timelines_path);
    Timeline timeline;
    timeline.start = need_time(item, "starttime", timeline_path);
    timeline.end = need_time(item, "endtime", timeline_path);
    timeline.full_peers_seeing = optional_number(item, "full_peers_seeing", timeline_path);
    entry.timelines.push_back(timeline);
  }
  return entry;
}

std::vector<PrefixTimelines> read_prefix_list(const json& object, const std::string& path) {
  const json& list = need_array(object, "prefixes", path);
  const std::string list_path = member_path(path, "prefixes");
  std::vector<PrefixTimelines> prefixes;
  prefixes.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    prefixes.push_back(read_prefix_timelines(element_object(list, i, list_path), element_path(list_path, i)));
  return prefixes;
}

NetworkInfo read_network_info(const json& data, const std::string& path) {
  NetworkInfo info;
  // Unrouted addresses come back with no prefix (null or "").
  if (!string_or_empty(data, "prefix", path).empty()) info.prefix = need_prefix(data, "prefix", path);
  const json& asns = need_array(data, "asns", path);
  const std::string asns_path = member_path(path, "asns");
  for (size_t i = 0; i < asns.size(); ++i) info.asns.push_back(asn_value(asns[i], element_path(asns_path, i)));
  return info;
}

PrefixOverview read_prefix_overview(const json& data, const std::string& path) {
  PrefixOverview overview;
  overview.resource = need_string(data, "resource", path);
  overview.prefix = IpPrefix::parse(overview.resource);
  overview.announced = need_bool(data, "announced", path);
  overview.is_less_specific = bool_or(data, "is_less_specific", path, false);
  const json& asns = array_or_empty(data, "asns", path);
  const std::string asns_path = member_path(path, "asns");
  for (size_t i = 0; i < asns.size(); ++i) {
    const std::string as_path = element_path(asns_path, i);
    const json& item = element_object(asns, i, asns_path);
    const json* asn = find_member(item, "asn");
    if (!asn) throw FieldError{member_path(as_path, "asn"), "missing"};
    overview.asns.push_back(
        HolderAs{asn_value(*asn, member_path(as_path, "asn")), string_or_empty(item, "holder", as_path)});
  }
  overview.block = read_block(data, path);
  overview.actual_num_related = integer_or(data, "actual_num_related", path, 0);
  overview.query_time = optional_time(data, "query_time", path);
  return overview;
}

AnnouncedPrefixes read_announced_prefixes(const json& data, const std::string& path) {
  AnnouncedPrefixes announced;
  announced.asn = optional_asn(data, "resource", path);
  announced.prefixes = read_prefix_list(data, path);
  announced.query_start = optional_time(data, "query_starttime", path);
  announced.query_end = optional_time(data, "query_endtime", path);
  return announced;
}

RoutingHistory read_routing_history(const json& data, const std::string& path) {
  RoutingHistory history;
  history.resource = string_or_empty(data, "resource", path);
  const json& origins = need_array(data, "by_origin", path);
  const std::string origins_path = member_path(path, "by_origin");
  history.by_origin.reserve(origins.size());
  for (size_t i = 0; i < origins.size(); ++i) {
    const std::string origin_path = element_path(origins_path, i);
    const json& item = element_object(origins, i, origins_path);
    const json* origin = find_member(item, "origin");
    if (!origin) throw FieldError{member_path(origin_path, "origin"), "missing"};
    OriginHistory entry;
    entry.origin = asn_value(*origin, member_path(origin_path, "origin"));
    entry.prefixes = read_prefix_list(item, origin_path);
    history.by_origin.push_back(std::move(entry));
  }
  history.query_start = optional_time(data, "query_starttime", path);
  history.query_end = optional_time(data, "query_endtime", path);
  return history;
}

AsOverview read_as_overview(const json& data, const std::string& path) {
  AsOverview overview;
  overview.asn = optional_asn(data, "resource", path);
  overview.holder = string_or_empty(data, "holder", path);  // null for an unassigned AS
  overview.announced = need_bool(data, "announced", path);
  overview.block = read_block(data, path);
  return overview;
}

AbuseContacts read_abuse_contacts(const json& data, const std::string& path) {
  AbuseContacts contacts;
  const json& list = need_array(data, "abuse_contacts", path);
  const std::string list_path = member_path(path, "abuse_contacts");
  for (size_t i = 0; i < list.size(); ++i)
    contacts.abuse_contacts.push_back(string_value(list[i], element_path(list_path, i)));
  contacts.authoritative_rir = string_or_empty(data, "authoritative_rir", path);
  return contacts;
}

// Parses the JSON, the envelope if there is one, then the data with `read_data`.
// Every exception of the JSON library or of json_fields.h ends here as an Error.
// `call` is the data call the answer must be of when it names one.
template <typename Data, typename ReadData>
Result<Answer<Data>> parse_answer(std::string_view body, std::string_view call, ReadData read_data) {
  if (body.size() > kMaxBodyBytes)
    return Error{"answer of " + std::to_string(body.size()) + " bytes is larger than the limit", ""};
  try {
    const json root = json::parse(body.begin(), body.end());
    if (!root.is_object()) return Error{"expected a JSON object", ""};
    Answer<Data> answer;
    if (!looks_like_envelope(root)) {
      answer.data = read_data(root, "");
      return answer;
    }
    answer.envelope = read_envelope(root);
    if (!answer.envelope.data_call_name.empty() && answer.envelope.data_call_name != call)
      return Error{"expected an answer of " + std::string(call) + ", got " + answer.envelope.data_call_name,
                   "data_call_name"};
    if (answer.envelope.is_error()) return answer;
    answer.data = read_data(need_object(root, "data", ""), "data");
    return answer;
  } catch (const FieldError& error) {
    return Error{error.message, error.where};
  } catch (const json::exception& error) {
    // what() quotes the bytes read last, which may be anything.
    return Error{"invalid JSON: " + to_valid_utf8(std::string_view(error.what()).substr(0, 200)), ""};
  } catch (const std::exception& error) {
    return Error{to_valid_utf8(error.what()), ""};
  }
}

}  // namespace

std::string url_escape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0x0f];
  }
  return out;
}

std::string ripestat_url(std::string_view base, std::string_view call, std::string_view resource,
                         std::string_view sourceapp) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string url(base);
  url += "/data/";
  url += url_escape(call);
  url += "/data.json?resource=";
  url += url_escape(resource);
  if (!sourceapp.empty()) {
    url += "&sourceapp=";
    url += url_escape(sourceapp);
  }
  return url;
}

bool Envelope::is_error() const {
  if (!status.empty() && status != "ok") return true;
  if (status_code >= 400) return true;
  for (const Message& message : messages)
    if (message.level == "error") return true;
  return false;
}

std::string Envelope::error_text() const {
  if (!is_error()) return "";
  for (const Message& message : messages)
    if (message.level == "error") return message.text;
  return "status " + (status.empty() ? std::string("?") : status) + " (" + std::to_string(status_code) + ")";
}

Result<Answer<NetworkInfo>> parse_network_info(std::string_view body) {
  return parse_answer<NetworkInfo>(body, "network-info", read_network_info);
}

Result<Answer<PrefixOverview>> parse_prefix_overview(std::string_view body) {
  return parse_answer<PrefixOverview>(body, "prefix-overview", read_prefix_overview);
}

Result<Answer<AnnouncedPrefixes>> parse_announced_prefixes(std::string_view body) {
  return parse_answer<AnnouncedPrefixes>(body, "announced-prefixes", read_announced_prefixes);
}

Result<Answer<RoutingHistory>> parse_routing_history(std::string_view body) {
  return parse_answer<RoutingHistory>(body, "routing-history", read_routing_history);
}

Result<Answer<AsOverview>> parse_as_overview(std::string_view body) {
  return parse_answer<AsOverview>(body, "as-overview", read_as_overview);
}

Result<Answer<AbuseContacts>> parse_abuse_contact_finder(std::string_view body) {
  return parse_answer<AbuseContacts>(body, "abuse-contact-finder", read_abuse_contacts);
}

}  // namespace sg::ripestat
