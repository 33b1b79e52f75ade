// Domain names: normalisation to lowercase A-labels and the registrable domain.
#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace sg {

/// Normalises a host or domain name as found in mail into `out` (core/result.h:
/// `_into`): trims a trailing dot and surrounding brackets/quotes, lowercases,
/// converts U-labels to A-labels (IDNA2008 via libidn2, UTS#46 non-transitional).
/// False when the result is not a plausible DNS name (empty label, label > 63
/// octets, name > 253, bytes outside letters/digits/'-'/'_'), or when it is a
/// bare IP literal or a single label.
bool normalize_domain_into(std::string_view text, std::string& out);

/// As normalize_domain_into, but single-label names ("localhost", "MP61") are accepted.
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

/// Public-suffix answers remembered for registrable_domain: the answer depends on
/// the suffix alone, and the suffixes of the names in mail repeat far more than
/// the names do (every Exchange Online host ends in ".prod.outlook.com"). Fixed
/// in size. Not shared between threads: a caller that asks for name after name
/// (the analysis of a mailbox) keeps one and passes it to every call.
class PublicSuffixCache {
 public:
  PublicSuffixCache();
  ~PublicSuffixCache();
  PublicSuffixCache(const PublicSuffixCache&) = delete;
  PublicSuffixCache& operator=(const PublicSuffixCache&) = delete;

  /// Whether `suffix` (a normalised name) is a public suffix, as libpsl says.
  bool is_public(std::string_view suffix);

 private:
  struct Slot;
  std::unique_ptr<Slot[]> slots_;
};

/// The registrable domain ("eTLD+1") of a normalised name per the Public Suffix
/// List (libpsl's built-in list): "re27.leadw.link" -> "leadw.link". Returns the
/// name itself when it is a public suffix or has no known suffix. With a `cache`,
/// libpsl is asked only about suffixes it has not answered yet.
std::string registrable_domain(std::string_view normalized_name, PublicSuffixCache* cache = nullptr);

}  // namespace sg
