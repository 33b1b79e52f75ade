// The words that cross stage contracts: what an entity is, the role an indicator
// played in a message, the relation an edge stands for, where a message came
// from. Typed here so that a misspelt one does not compile; their text forms,
// which the store writes and JSON shows, are defined once, below (to_text), and
// read back by the parse_*() functions of vocabulary.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sg {

/// What an entity of the graph is (entity.kind in the store).
enum class EntityKind : uint8_t {
  message,  ///< a stored message, keyed by its header hash
  ip,       ///< an IPv4 or IPv6 address
  prefix,   ///< an address prefix ("114.113.195.0/24")
  asn,      ///< an autonomous system ("AS133027")
  domain,   ///< a domain name (every FQDN, linked to its registrable domain)
  email,    ///< an e-mail address
  url,      ///< a URL as found (recorded, never fetched)
  org,      ///< an organisation (an AS holder)
  country,  ///< an ISO country code
  source,   ///< who listed indicators (an imported list's label)
  route,    ///< an IRR route object ("114.113.195.0/24 AS133027 RADB": prefix, origin, database)
  maintainer,  ///< an RPSL maintainer ("MAINT-AS3491"), who may change registry objects
};

/// The role an indicator played in a message. Hop roles (origin-ip, relay-ip,
/// helo, rdns) enter the graph through the hop's IP; the others are the relation
/// of the message to the indicator (relation_of()).
enum class Role : uint8_t {
  origin_ip,          ///< the sender of the origin hop
  relay_ip,           ///< the sender of any other hop
  helo,               ///< the name a hop's sender gave in HELO/EHLO
  rdns,               ///< the reverse name a receiving server recorded
  originating_ip,     ///< X-Originating-IP
  envelope_from,      ///< Return-Path, or the envelope sender a trusted hop noted
  header_from,        ///< From (or Authentication-Results header.from)
  sender,             ///< Sender
  reply_to,           ///< Reply-To
  dkim_domain,        ///< DKIM-Signature d= (or Authentication-Results header.d/i)
  message_id_domain,  ///< the domain of the Message-ID
  list_unsubscribe,   ///< a List-Unsubscribe address or URL and its domain
  url,                ///< a URL in the body
  url_domain,         ///< the host of a URL in the body
};

/// How a message was read: the kind of its MessageSource (message.source_kind).
enum class SourceKind : uint8_t {
  eml,             ///< a file holding one message
  maildir,         ///< a Maildir file
  mbox,            ///< a message inside an mbox file (MessageSource::offset is where)
  paste,           ///< an excerpt of pasted headers (MessageSource::offset is where)
  standard_input,  ///< a message or mbox read from standard input ("stdin")
  imap,            ///< a message fetched over IMAP (MessageSource::uidvalidity and uid say which)
  pop3,            ///< a message fetched over POP3 (MessageSource::path ends in "#" and its UIDL)
};

/// What an observation's provenance is (observation.source_kind).
enum class ProvenanceKind : uint8_t {
  message,  ///< a stored message (message.id)
  import,   ///< an imported indicator list (import.id)
  lookup,   ///< an enrichment lookup (lookup.id)
  dataset,  ///< an imported IP-to-ASN dataset (dataset.id)
};

/// The text form the store writes and output shows ("ip", "origin-ip", "mbox").
constexpr std::string_view to_text(EntityKind kind);
constexpr std::string_view to_text(Role role);
constexpr std::string_view to_text(SourceKind kind);
constexpr std::string_view to_text(ProvenanceKind kind);

/// A stored text read back; nullopt for a word this version does not know.
std::optional<EntityKind> parse_entity_kind(std::string_view text);
std::optional<Role> parse_role(std::string_view text);
std::optional<SourceKind> parse_source_kind(std::string_view text);
std::optional<ProvenanceKind> parse_provenance_kind(std::string_view text);

/// The type of an edge, as the store names it ("sent-from", "resolves-to").
/// Open by design: each enrichment source declares the relations it writes as
/// constants next to its code. A Relation is made only from a string literal
/// checked at compile time, or from a Role, so its text is static and names
/// are used through constants, not spelt out where they are used.
class Relation {
 public:
  /// Only at compile time; the text must be lower-case letters, digits and '-'.
  template <size_t N>
  consteval explicit Relation(const char (&text)[N]) : text_(text, N - 1) {
    if (N < 2) throw "a relation needs a name";
    for (char c : text_)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        throw "a relation is lower-case letters, digits and '-'";
  }
  /// The name the store writes (relation.name, edge.relation).
  constexpr std::string_view text() const { return text_; }
  friend constexpr bool operator==(Relation a, Relation b) { return a.text_ == b.text_; }

 private:
  friend constexpr Relation relation_of(Role role);
  struct FromRole {};
  constexpr Relation(FromRole, std::string_view text) : text_(text) {}
  std::string_view text_;
};

/// The relation of a message to an indicator it names in `role`: the role's text
/// ("envelope-from", "url-domain").
constexpr Relation relation_of(Role role);

/// Relations of a message to the IPs of its hops.
inline constexpr Relation kSentFrom{"sent-from"};    ///< message -> ip: the origin of the message
inline constexpr Relation kRelayedBy{"relayed-by"};  ///< message -> ip: any other hop's sender
/// Relations of an IP to the names its hops recorded.
inline constexpr Relation kHelo{"helo"};  ///< ip -> domain: the name it gave in HELO/EHLO
inline constexpr Relation kPtr{"ptr"};    ///< ip -> domain: its reverse name (from a hop, or a PTR lookup)
/// source -> entity: an imported list names the entity.
inline constexpr Relation kLists{"lists"};
/// DNS facts that queries follow across stages (enrich/dns writes them, with the rest in enrich/dns/derive.h).
inline constexpr Relation kResolvesTo{"resolves-to"};  ///< domain -> ip (A/AAAA)
inline constexpr Relation kNs{"ns"};                   ///< domain -> name server domain

// ---- text forms (constexpr, so they cost nothing on the analysis path) ----

constexpr std::string_view to_text(EntityKind kind) {
  switch (kind) {
    case EntityKind::message: return "message";
    case EntityKind::ip: return "ip";
    case EntityKind::prefix: return "prefix";
    case EntityKind::asn: return "asn";
    case EntityKind::domain: return "domain";
    case EntityKind::email: return "email";
    case EntityKind::url: return "url";
    case EntityKind::org: return "org";
    case EntityKind::country: return "country";
    case EntityKind::source: return "source";
    case EntityKind::route: return "route";
    case EntityKind::maintainer: return "maintainer";
  }
  return "";
}

constexpr std::string_view to_text(Role role) {
  switch (role) {
    case Role::origin_ip: return "origin-ip";
    case Role::relay_ip: return "relay-ip";
    case Role::helo: return "helo";
    case Role::rdns: return "rdns";
    case Role::originating_ip: return "originating-ip";
    case Role::envelope_from: return "envelope-from";
    case Role::header_from: return "header-from";
    case Role::sender: return "sender";
    case Role::reply_to: return "reply-to";
    case Role::dkim_domain: return "dkim-domain";
    case Role::message_id_domain: return "message-id-domain";
    case Role::list_unsubscribe: return "list-unsubscribe";
    case Role::url: return "url";
    case Role::url_domain: return "url-domain";
  }
  return "";
}

constexpr std::string_view to_text(SourceKind kind) {
  switch (kind) {
    case SourceKind::eml: return "eml";
    case SourceKind::maildir: return "maildir";
    case SourceKind::mbox: return "mbox";
    case SourceKind::paste: return "paste";
    case SourceKind::standard_input: return "stdin";
    case SourceKind::imap: return "imap";
    case SourceKind::pop3: return "pop3";
  }
  return "";
}

constexpr std::string_view to_text(ProvenanceKind kind) {
  switch (kind) {
    case ProvenanceKind::message: return "message";
    case ProvenanceKind::import: return "import";
    case ProvenanceKind::lookup: return "lookup";
    case ProvenanceKind::dataset: return "dataset";
  }
  return "";
}

constexpr Relation relation_of(Role role) { return Relation(Relation::FromRole{}, to_text(role)); }

}  // namespace sg
