// Evidence as JSON: the `parse --json` output and the hops `show message` prints.
// Every text is valid UTF-8: ill-formed bytes from the message become U+FFFD.
#pragma once
#include <nlohmann/json.hpp>

#include "core/evidence.h"

namespace sg {

/// The full analysis of one message: origin, hops (top first, with trust marks),
/// envelope_from, header_from, spf, auth_results, dkim, indicators, time, problems.
nlohmann::json evidence_to_json(const Evidence& evidence);


/// One hop as JSON ({"from_ip", "from_helo", "from_rdns", "by", "with", "id", "for",
/// "envelope_from", "date", "trusted", "dialect", "parsed", "is_hop", "pickup"}).
nlohmann::json hop_to_json(const Hop& hop);

}  // namespace sg
