// Domain names: normalisation to lowercase A-labels and the registrable domain.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace sg {

/// Normalises a host or domain name as found in mail: trims a trailing dot and
/// surrounding brackets/quotes, lowercases, converts U-labels to A-labels (IDNA2008
/// via libidn2, UTS#46 non-transitional). Returns nullopt when the result is not a
/// plausible DNS name (empty label, label > 63 octets, name > 253, bytes outside
/// letters/digits/'-'/'_'), or when it is a bare IP literal or a single label.
std::optional<std::string> normalize_domain(std::string_view text);

/// As normalize_domain, into `out` (its capacity reused); false when normalize_domain
/// would return nullopt, and then `out` holds nothing meaningful.
bool normalize_domain_into(std::string_view text, std::string& out);

/// As normalize_domain, but single-label names ("localhost", "MP61") are accepted.
std::optional<std::string> normalize_host_name(std::string_view text);

/// As normalize_host_name, into `out` (its capacity reused); false when it would
/// return nullopt, and then `out` holds nothing meaningful.
bool normalize_host_name_into(std::string_view text, std::string& out);

/// Whether a normalised name (lowercase A-labels) is a suffix the Public Suffix
/// List names ("com", "co.uk", "xn--fiqs8s"), without the list's implicit rule
/// that makes every unknown top-level label public: "xn--tckwe" (a made-up
/// U-label) is not one. For telling a real top-level label from text that
/// merely follows a name.
bool is_listed_public_suffix(std::string_view normalized_name);

/// The form of a normalised name to show people: its A-labels as Unicode
/// ("xn--bcher-kva.example" -> "bücher.example") when libidn2 decodes them, else
/// the name as it is. Stored values keep the A-labels: this is for display only,
/// where look-alike letters can pass for others.
std::string domain_for_display(std::string_view normalized_name);

/// Whether a normalised name can only mean a machine on a private network:
/// "localhost" and the special-use or private top-level names ("localdomain",
/// "local", "lan", "internal", "intranet", "corp", "home", "home.arpa",
/// "invalid", "localhost"). Mail servers record them for local hops; they name
/// nothing a campaign could share, so the graph keeps no entity for them.
bool is_local_use_name(std::string_view normalized_name);

/// The registrable domain ("eTLD+1") of a normalised name per the Public Suffix
/// List (libpsl's built-in list): "re27.leadw.link" -> "leadw.link". Returns the
/// name itself when it is a public suffix or has no known suffix.
std::string registrable_domain(std::string_view normalized_name);

}  // namespace sg
