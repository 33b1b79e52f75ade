// RDAP answers (RFC 9083; queries RFC 9082, HTTP use RFC 7480) read into plain
// structs: IP networks, autonomous systems, domains, nameservers and entities,
// with the contacts of their entities flattened into one list. A pure function of
// the HTTP status and the body; the caller does the HTTP (and follows redirects).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"

namespace sg::rdap {

/// How the server answered, from the HTTP status (or the errorCode of a 200 body).
enum class Outcome : uint8_t {
  found,         ///< 2xx with an object
  not_found,     ///< 404: the registry holds no such object
  rate_limited,  ///< 429: ask again later
  redirect,      ///< 3xx: the Location header, which the caller has, names the registry to ask
  refused,       ///< any other status (400, 403, 5xx, ...); see Answer::error
};

/// "found", "not found", "rate limited", "redirect", "refused".
std::string_view to_string(Outcome outcome);

/// The objectClassName, or what the fields show when a registry leaves it out (RIPE).
enum class ObjectClass : uint8_t { unknown, ip_network, autnum, domain, nameserver, entity };

/// "ip network", "autnum", "domain", "nameserver", "entity" (RFC 9083 names), "unknown".
std::string_view to_string(ObjectClass object_class);

/// An event: "registration", "expiration", "last changed", "last update of RDAP database", ...
struct Event {
  std::string action;               ///< eventAction as written
  std::string actor;                ///< eventActor, often ""
  std::string date_text;            ///< eventDate as written
  std::optional<UnixTime> date;     ///< eventDate read as RFC 3339; nullopt when unreadable
};

/// A link (RFC 8288 as RDAP writes it).
struct Link {
  std::string rel;    ///< "self", "related", "up", "alternate", ...
  std::string href;   ///< the target
  std::string type;   ///< media type, "application/rdap+json" for RDAP
  std::string value;  ///< the context: the URL the answer was for
};

/// A notice (about the answer) or a remark (about an object).
struct Notice {
  std::string title;
  std::string description;  ///< the description lines joined with "\n"
  std::string type;         ///< e.g. "object truncated due to authorization", often ""
  std::vector<Link> links;
};

/// What an entity's jCard (vcardArray, RFC 7095) says about it.
struct Contact {
  std::string kind;                 ///< "individual", "org", "group", ...
  std::string full_name;            ///< fn
  std::string organisation;         ///< org (components joined with "; ")
  std::vector<std::string> emails;  ///< in the order written
  std::vector<std::string> phones;  ///< tel, as written ("tel:" scheme removed)
  std::string country;              ///< adr's cc parameter, else its country component
  std::string address;              ///< adr's label, else its non-empty components joined with ", "
};

/// An identifier such as {"IANA Registrar ID", "292"}.
struct PublicId {
  std::string type;
  std::string identifier;
};

/// One entity of the answer, wherever it was nested.
struct Entity {
  std::string handle;
  std::vector<std::string> roles;  ///< "registrant", "abuse", "registrar", "technical", ...
  /// The roles of each enclosing entity, outermost first, then this one's; a level
  /// with several roles is written "administrative,technical". So the abuse
  /// contact of a registrant reads {"registrant", "abuse"}.
  std::vector<std::string> role_path;
  int parent = -1;  ///< index in Answer::entities of the enclosing entity, -1 at the top
  int depth = 0;    ///< 0 for an entity of the object itself
  Contact contact;
  std::vector<PublicId> public_ids;
  std::vector<std::string> status;
  std::vector<Event> events;
  std::vector<Link> links;
  std::vector<Notice> remarks;

  bool has_role(std::string_view role) const;
  /// The full name, else the organisation, else the handle.
  const std::string& display_name() const;
  /// The identifier of the public id typed "IANA Registrar ID", "" when none.
  std::string iana_registrar_id() const;
};

/// An IP network object.
struct Network {
  std::optional<IpAddress> start, end;  ///< startAddress, endAddress
  /// The cidr0_cidrs extension when present, else the fewest prefixes covering
  /// start..end (then `cidrs_computed` is true).
  std::vector<IpPrefix> cidrs;
  bool cidrs_computed = false;
  std::string name, type, country, parent_handle;
  std::string ip_version;  ///< "v4" or "v6" as written
};

/// An autonomous-system-number object (a range, often of one).
struct Autnum {
  std::optional<uint32_t> start, end;  ///< startAutnum, endAutnum
  std::string name, type, country;
};

/// A domain object.
struct Domain {
  std::string ldh_name;      ///< as written ("GOOGLE.COM" at Verisign)
  std::string unicode_name;  ///< "" when the registry gives none
  std::vector<std::string> nameservers;  ///< their ldhName, lowercased
  std::optional<bool> delegation_signed;  ///< secureDNS.delegationSigned
};

/// A nameserver object.
struct Nameserver {
  std::string ldh_name, unicode_name;
  std::vector<IpAddress> addresses;  ///< ipAddresses v4 then v6
};

/// The body of an error answer (RFC 9083 §6).
struct ErrorNotice {
  std::optional<int> code;  ///< errorCode
  std::string title;
  std::string description;  ///< lines joined with "\n"
};

/// The registrar of a domain, from the entity with the role "registrar".
struct Registrar {
  std::string name;         ///< fn, else org
  std::string iana_id;      ///< "292" for MarkMonitor
  std::string handle;
  std::string abuse_email;  ///< of its nested abuse contact
};

/// One RDAP answer.
struct Answer {
  int http_status = 0;
  Outcome outcome = Outcome::found;
  ErrorNotice error;  ///< filled for an error body, whatever the status
  ObjectClass object_class = ObjectClass::unknown;

  std::string handle;
  std::string port43;  ///< whois server
  std::vector<std::string> conformance;  ///< rdapConformance
  std::vector<std::string> status;       ///< "active", "client transfer prohibited", ...
  std::vector<Event> events;
  std::vector<Link> links;
  std::vector<Notice> notices;  ///< about the answer (terms of use, ...)
  std::vector<Notice> remarks;  ///< about the object
  /// Every entity, nested ones after their parent (depth-first, capped at 8 levels).
  std::vector<Entity> entities;

  std::optional<Network> network;        ///< when object_class is ip_network
  std::optional<Autnum> autnum;          ///< when autnum
  std::optional<Domain> domain;          ///< when domain
  std::optional<Nameserver> nameserver;  ///< when nameserver
  /// When object_class is entity: the entity itself (its nested ones are in `entities`).
  std::optional<Entity> entity;

  /// Fields that were present but unusable and so left out, as "field: why"
  /// ("entities[1].vcardArray: not a jCard"); at most 64.
  std::vector<std::string> ignored;

  /// The date of the first event with this action ("registration", "expiration",
  /// "last changed", "last update of RDAP database"), nullopt when none or unreadable.
  std::optional<UnixTime> event_date(std::string_view action) const;
  /// The least nested entity with `role`, nullptr when none.
  const Entity* entity_with_role(std::string_view role) const;
  /// The first e-mail of the least nested entity with the role "abuse" that has one
  /// (for a domain that is usually the registrar's abuse desk); "" when none.
  std::string abuse_email() const;
  /// The organisation holding the object: the least nested "registrant", nullptr when none.
  const Entity* holder() const;
  /// The registrar (domains); all fields empty when the answer names none.
  Registrar registrar() const;
  /// Links to RDAP data on another server: rel "related" or "self", an RDAP or
  /// unstated media type, and a host other than the one the answer came from (that
  /// of the self link's value; for a self link, its own value). Verisign's link to
  /// the registrar's RDAP service is one; following it gives the registrar's answer.
  std::vector<Link> referrals() const;
};

/// Reads an RDAP answer. 404, 429 and other error statuses give an Answer with the
/// matching outcome and the error body's text (even when the body is empty or not
/// JSON). An Error only for a 2xx whose body is not an RDAP answer at all: not JSON
/// (the Error gives the offset), too deeply nested, or not a JSON object.
Result<Answer> parse_rdap_answer(int http_status, std::string_view body);

}  // namespace sg::rdap
