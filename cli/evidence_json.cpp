#include "cli/evidence_json.h"

namespace sg {

namespace {

nlohmann::json optional_text(const std::string& text) { return text.empty() ? nlohmann::json() : nlohmann::json(text); }

nlohmann::json origin_json(const Evidence& evidence) {
  if (evidence.origin_hop < 0) return nullptr;
  const Hop& hop = evidence.hops[static_cast<size_t>(evidence.origin_hop)];
  return {{"ip", hop.from_ip ? nlohmann::json(hop.from_ip->to_string()) : nlohmann::json()},
          {"helo", optional_text(hop.from_helo)},
          {"rdns", optional_text(hop.from_rdns)},
          {"by", optional_text(hop.by)},
          {"hop", evidence.origin_hop},
          {"fact", evidence.origin_is_fact}};
}

}  // namespace

nlohmann::json hop_to_json(const Hop& hop) {
  return {{"from_ip", hop.from_ip ? nlohmann::json(hop.from_ip->to_string()) : nlohmann::json()},
          {"from_helo", optional_text(hop.from_helo)},
          {"from_rdns", optional_text(hop.from_rdns)},
          {"by", optional_text(hop.by)},
          {"with", optional_text(hop.with)},
          {"id", optional_text(hop.id)},
          {"for", optional_text(hop.for_addr)},
          {"date", hop.date ? nlohmann::json(format_iso8601(hop.date->utc)) : nlohmann::json()},
          {"trusted", hop.trusted},
          {"dialect", hop.dialect},
          {"parsed", hop.parsed},
          {"is_hop", hop.is_hop}};
}

nlohmann::json evidence_to_json(const Evidence& evidence) {
  nlohmann::json out;
  out["source"] = {{"kind", evidence.source.kind}, {"path", evidence.source.path}, {"offset", evidence.source.offset}};
  out["header_hash"] = evidence.header_hash;
  out["origin"] = origin_json(evidence);
  out["hops"] = nlohmann::json::array();
  for (const Hop& hop : evidence.hops) out["hops"].push_back(hop_to_json(hop));
  out["envelope_from"] = optional_text(evidence.envelope_from);
  out["header_from"] = optional_text(evidence.header_from);
  out["sender"] = optional_text(evidence.sender);
  out["reply_to"] = optional_text(evidence.reply_to);
  out["message_id"] = optional_text(evidence.message_id);
  out["subject"] = optional_text(evidence.subject);
  out["x_mailer"] = optional_text(evidence.x_mailer);
  out["date"] = evidence.date ? nlohmann::json(format_iso8601(evidence.date->utc)) : nlohmann::json();
  out["time"] = format_iso8601(evidence.time);
  out["time_source"] = evidence.time_source;
  if (evidence.spf) {
    const SpfVerdict& spf = *evidence.spf;
    out["spf"] = {{"result", spf.result},          {"client_ip", optional_text(spf.client_ip)},
                  {"envelope_from", optional_text(spf.envelope_from)}, {"helo", optional_text(spf.helo)},
                  {"receiver", optional_text(spf.receiver)},           {"identity", optional_text(spf.identity)},
                  {"comment", optional_text(spf.comment)}};
  } else {
    out["spf"] = nullptr;
  }
  out["auth_results"] = nlohmann::json::array();
  for (const AuthResult& result : evidence.auth_results) {
    nlohmann::json properties = nlohmann::json::object();
    for (const auto& [name, value] : result.properties) properties[name] = value;
    nlohmann::json item = {{"authserv_id", result.authserv_id},
                           {"method", result.method},
                           {"result", result.result},
                           {"properties", properties}};
    if (result.arc_instance) item["arc_instance"] = result.arc_instance;
    out["auth_results"].push_back(std::move(item));
  }
  out["dkim"] = nlohmann::json::array();
  for (const DkimSignature& dkim : evidence.dkim)
    out["dkim"].push_back({{"d", dkim.domain}, {"s", dkim.selector}, {"i", optional_text(dkim.identity)},
                           {"a", optional_text(dkim.algorithm)}});
  out["indicators"] = nlohmann::json::array();
  for (const Indicator& indicator : evidence.indicators)
    out["indicators"].push_back({{"kind", indicator.kind},
                                 {"value", indicator.value},
                                 {"role", indicator.role},
                                 {"trusted", indicator.trusted}});
  out["problems"] = evidence.problems;
  return out;
}

}  // namespace sg
