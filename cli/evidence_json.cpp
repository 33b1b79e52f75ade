#include "cli/evidence_json.h"

#include "cli/json_output.h"
#include "core/utf8.h"

namespace sg {

namespace {

// Every text of Evidence came from the message, so all of it goes through
// json_text(): one Latin-1 byte in a HELO must not make the output unwritable.

nlohmann::json ip_json(const std::optional<IpAddress>& ip) {
  return ip ? nlohmann::json(ip->to_string()) : nlohmann::json();
}

nlohmann::json source_json(const MessageSource& source) {
  return {{"kind", json_text(to_text(source.kind))}, {"path", json_text(source.path)}, {"offset", source.offset}};
}

nlohmann::json origin_json(const Evidence& evidence) {
  if (evidence.origin_hop < 0) return nullptr;
  const Hop& hop = evidence.hops[static_cast<size_t>(evidence.origin_hop)];
  return {{"ip", ip_json(hop.from_ip)},
          {"helo", json_optional_text(hop.from_helo)},
          {"rdns", json_optional_text(hop.from_rdns)},
          {"by", json_optional_text(hop.by)},
          {"hop", evidence.origin_hop},
          {"fact", evidence.origin_is_fact}};
}

nlohmann::json spf_json(const std::optional<SpfVerdict>& spf) {
  if (!spf) return nullptr;
  return {{"result", json_text(spf->result)},
          {"client_ip", json_optional_text(spf->client_ip)},
          {"envelope_from", json_optional_text(spf->envelope_from)},
          {"helo", json_optional_text(spf->helo)},
          {"receiver", json_optional_text(spf->receiver)},
          {"identity", json_optional_text(spf->identity)},
          {"comment", json_optional_text(spf->comment)}};
}

nlohmann::json auth_result_json(const AuthResult& result) {
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [name, value] : result.properties) properties[to_valid_utf8(name)] = json_text(value);
  nlohmann::json item = {{"authserv_id", json_text(result.authserv_id)},
                         {"method", json_text(result.method)},
                         {"result", json_text(result.result)},
                         {"properties", std::move(properties)}};
  if (result.arc_instance) item["arc_instance"] = result.arc_instance;
  return item;
}

nlohmann::json dkim_json(const DkimSignature& dkim) {
  return {{"d", json_text(dkim.domain)},
          {"s", json_text(dkim.selector)},
          {"i", json_optional_text(dkim.identity)},
          {"a", json_optional_text(dkim.algorithm)}};
}

nlohmann::json indicator_json(const Indicator& indicator) {
  return {{"kind", json_text(to_text(indicator.kind))},
          {"value", json_text(indicator.value)},
          {"role", json_text(to_text(indicator.role))},
          {"trusted", indicator.trusted}};
}

nlohmann::json time_json(const std::optional<ZonedTime>& time) {
  return time ? nlohmann::json(format_iso8601(time->utc)) : nlohmann::json();
}

}  // namespace

nlohmann::json hop_to_json(const Hop& hop) {
  return {{"from_ip", ip_json(hop.from_ip)},
          {"from_helo", json_optional_text(hop.from_helo)},
          {"from_rdns", json_optional_text(hop.from_rdns)},
          {"by", json_optional_text(hop.by)},
          {"with", json_optional_text(hop.with)},
          {"id", json_optional_text(hop.id)},
          {"for", json_optional_text(hop.for_addr)},
          {"envelope_from", json_optional_text(hop.envelope_from)},
          {"date", time_json(hop.date)},
          {"trusted", hop.trusted},
          {"dialect", json_text(hop.dialect)},
          {"parsed", hop.parsed},
          {"is_hop", hop.is_hop},
          {"pickup", hop.pickup}};
}

nlohmann::json evidence_to_json(const Evidence& evidence) {
  nlohmann::json out;
  out["source"] = source_json(evidence.source);
  out["header_hash"] = json_text(evidence.header_hash);
  out["origin"] = origin_json(evidence);
  out["hops"] = nlohmann::json::array();
  for (const Hop& hop : evidence.hops) out["hops"].push_back(hop_to_json(hop));
  out["envelope_from"] = json_optional_text(evidence.envelope_from);
  out["header_from"] = json_optional_text(evidence.header_from);
  out["sender"] = json_optional_text(evidence.sender);
  out["reply_to"] = json_optional_text(evidence.reply_to);
  out["message_id"] = json_optional_text(evidence.message_id);
  out["subject"] = json_optional_text(evidence.subject);
  out["x_mailer"] = json_optional_text(evidence.x_mailer);
  out["date"] = time_json(evidence.date);
  out["time"] = format_iso8601(evidence.time);
  out["time_source"] = json_text(evidence.time_source);
  out["spf"] = spf_json(evidence.spf);
  out["auth_results"] = nlohmann::json::array();
  for (const AuthResult& result : evidence.auth_results) out["auth_results"].push_back(auth_result_json(result));
  out["dkim"] = nlohmann::json::array();
  for (const DkimSignature& dkim : evidence.dkim) out["dkim"].push_back(dkim_json(dkim));
  out["indicators"] = nlohmann::json::array();
  for (const Indicator& indicator : evidence.indicators) out["indicators"].push_back(indicator_json(indicator));
  out["problems"] = json_texts(evidence.problems);
  return out;
}

}  // namespace sg
