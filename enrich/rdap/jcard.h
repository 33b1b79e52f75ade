// The jCard (RFC 7095) of an RDAP entity: the few properties spamgraph uses.
#pragma once
#include <nlohmann/json.hpp>

#include "enrich/rdap/rdap.h"

namespace sg::rdap {

/// Reads fn, org, kind, email, tel and adr from a vcardArray (["vcard", [[name,
/// params, type, value], ...]]) into `out`. Properties of an unexpected shape are
/// skipped; returns false (and leaves `out` empty) when `vcard` is not a jCard at all.
bool read_jcard_into(const nlohmann::json& vcard, Contact& out);

}  // namespace sg::rdap
