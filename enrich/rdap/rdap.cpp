#include "enrich/rdap/rdap.h"

#include <exception>

#include "core/as_number.h"
#include "core/ascii.h"
#include "enrich/rdap/address_range.h"
#include "enrich/rdap/jcard.h"
#include "enrich/rdap/json_reading.h"

namespace sg::rdap {
namespace {

using nlohmann::json;

// Registries nest entities two or three levels (a registrar's abuse contact); the
// caps bound what hostile answers can make us build.
constexpr int kMaxEntityDepth = 8;
constexpr size_t kMaxEntities = 1000;
constexpr size_t kMaxItems = 1000;  // per array: events, links, status, notices, ...
constexpr size_t kMaxIgnored = 64;
constexpr size_t kMaxCidrs = 256;

Outcome outcome_for_status(int status) {
  if (status >= 200 && status < 300) return Outcome::found;
  if (status >= 300 && status < 400) return Outcome::redirect;
  if (status == 404) return Outcome::not_found;
  if (status == 429) return Outcome::rate_limited;
  return Outcome::refused;
}

ObjectClass object_class_named(std::string_view name) {
  const std::string lower = ascii_lowercase(name);
  if (lower == "ip network") return ObjectClass::ip_network;
  if (lower == "autnum") return ObjectClass::autnum;
  if (lower == "domain") return ObjectClass::domain;
  if (lower == "nameserver") return ObjectClass::nameserver;
  if (lower == "entity") return ObjectClass::entity;
  return ObjectClass::unknown;
}

// The class an object's fields show, for registries that leave objectClassName out.
ObjectClass object_class_guessed(const json& object) {
  if (find_member(object, "startAddress") || find_member(object, "endAddress") || find_member(object, "ipVersion"))
    return ObjectClass::ip_network;
  if (find_member(object, "startAutnum") || find_member(object, "endAutnum")) return ObjectClass::autnum;
  if (find_member(object, "nameservers") || find_member(object, "secureDNS")) return ObjectClass::domain;
  if (find_member(object, "ipAddresses")) return ObjectClass::nameserver;
  if (find_member(object, "vcardArray") || find_member(object, "roles")) return ObjectClass::entity;
  if (find_member(object, "ldhName")) return ObjectClass::domain;
  return ObjectClass::unknown;
}

std::string host_of(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') {
    url = url.substr(0, url.find(']') + 1);
  } else if (const size_t colon = url.find(':'); colon != std::string_view::npos) {
    url = url.substr(0, colon);
  }
  return ascii_lowercase(url);
}

// An unsigned number up to 2^32-1, from a JSON number or (a quirk) a string.
std::optional<uint32_t> as_uint32(const json& value) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<uint64_t>();
    if (number <= UINT32_MAX) return static_cast<uint32_t>(number);
    return std::nullopt;
  }
  if (value.is_number_integer()) {
    const auto number = value.get<int64_t>();
    if (number >= 0 && number <= UINT32_MAX) return static_cast<uint32_t>(number);
    return std::nullopt;
  }
  if (value.is_string()) return parse_as_number(value.get_ref<const std::string&>());
  return std::nullopt;
}

// Fills an Answer from the parsed body, noting what it had to leave out.
class Reader {
 public:
  explicit Reader(Answer& answer) : answer_(answer) {}

  // The field being read, for the Error should anything throw after all.
  const std::string& current_field() const { return current_; }

  void read(const json& root) {
    current_ = "errorCode";
    read_error(root);
    current_ = "rdapConformance";
    answer_.conformance = strings(root, "rdapConformance", "rdapConformance");
    current_ = "notices";
    answer_.notices = notices(root, "notices", "notices");

    const std::string class_name = string_member(root, "objectClassName");
    answer_.object_class = class_name.empty() ? object_class_guessed(root) : object_class_named(class_name);
    if (answer_.object_class == ObjectClass::unknown && !class_name.empty())
      ignore("objectClassName", "unknown class \"" + class_name + "\"");

    current_ = "object";
    answer_.handle = string_member(root, "handle");
    answer_.port43 = string_member(root, "port43");
    answer_.status = strings(root, "status", "status");
    answer_.events = events(root, "events");
    answer_.links = links(root, "links");
    answer_.remarks = notices(root, "remarks", "remarks");
    current_ = "entities";
    entities(root, "entities", -1, 0, {});

    switch (answer_.object_class) {
      case ObjectClass::ip_network: current_ = "network"; answer_.network = network(root); break;
      case ObjectClass::autnum: current_ = "autnum"; answer_.autnum = autnum(root); break;
      case ObjectClass::domain: current_ = "domain"; answer_.domain = domain(root); break;
      case ObjectClass::nameserver: current_ = "nameserver"; answer_.nameserver = nameserver(root, "object"); break;
      case ObjectClass::entity: current_ = "entity"; answer_.entity = entity(root, "object"); break;
      case ObjectClass::unknown: break;
    }
  }

 private:
  void ignore(const std::string& field, std::string_view why) {
    if (answer_.ignored.size() < kMaxIgnored) answer_.ignored.push_back(field + ": " + std::string(why));
  }

  // The array member `key`, nullptr (noted) when present but not an array.
  const json* array_member(const json& object, const char* key, const std::string& field) {
    const json* member = find_member(object, key);
    if (member && !member->is_array()) {
      ignore(field, "not an array but " + std::string(type_name(*member)));
      return nullptr;
    }
    return member;
  }

  // A string member, noted when present with another type.
  std::string text(const json& object, const char* key, const std::string& field) {
    const json* member = find_member(object, key);
    if (member && !member->is_string()) ignore(field, "not a string but " + std::string(type_name(*member)));
    return member ? string_value(*member) : std::string();
  }

  std::vector<std::string> strings(const json& object, const char* key, const std::string& field) {
    std::vector<std::string> out;
    const json* items = array_member(object, key, field);
    if (!items) return out;
    for (const json& item : *items) {
      if (out.size() >= kMaxItems) break;
      if (item.is_string()) out.push_back(string_value(item));
    }
    return out;
  }

  // A description: lines joined with "\n" (a bare string is accepted too).
  std::string lines(const json& object, const char* key) {
    const json* member = find_member(object, key);
    if (!member) return {};
    if (member->is_string()) return string_value(*member);
    std::string out;
    if (!member->is_array()) return out;
    size_t count = 0;
    for (const json& line : *member) {
      if (++count > kMaxItems) break;
      if (!line.is_string()) continue;
      if (!out.empty()) out += '\n';
      out += string_value(line);
    }
    return out;
  }

  std::vector<Event> events(const json& object, const std::string& field) {
    std::vector<Event> out;
    const json* items = array_member(object, "events", field + ".events");
    if (!items) return out;
    for (size_t i = 0; i < items->size() && out.size() < kMaxItems; ++i) {
      const json& item = (*items)[i];
      if (!item.is_object()) continue;
      Event event;
      event.action = ascii_lowercase(string_member(item, "eventAction"));
      event.actor = string_member(item, "eventActor");
      event.date_text = string_member(item, "eventDate");
      event.date = parse_rfc3339(trim_blanks(event.date_text));
      if (!event.date && !event.date_text.empty())
        ignore(field + ".events[" + std::to_string(i) + "].eventDate", "not an RFC 3339 date");
      out.push_back(std::move(event));
    }
    return out;
  }

  std::vector<Link> links(const json& object, const std::string& field) {
    std::vector<Link> out;
    const json* items = array_member(object, "links", field + ".links");
    if (!items) return out;
    for (const json& item : *items) {
      if (out.size() >= kMaxItems) break;
      if (!item.is_object()) continue;
      Link link{ascii_lowercase(string_member(item, "rel")), string_member(item, "href"),
                ascii_lowercase(string_member(item, "type")), string_member(item, "value")};
      if (!link.href.empty()) out.push_back(std::move(link));
    }
    return out;
  }

  std::vector<Notice> notices(const json& object, const char* key, const std::string& field) {
    std::vector<Notice> out;
    auto read_one = [&](const json& item, const std::string& item_field) {
      if (!item.is_object()) return;
      Notice notice;
      notice.title = string_member(item, "title");
      notice.description = lines(item, "description");
      notice.type = string_member(item, "type");
      notice.links = links(item, item_field);
      out.push_back(std::move(notice));
    };
    // Verisign's pilot wrote one notice as a bare object instead of a list of one.
    if (const json* single = find_member(object, key); single && single->is_object()) {
      read_one(*single, field);
      return out;
    }
    const json* items = array_member(object, key, field);
    if (!items) return out;
    for (size_t i = 0; i < items->size() && out.size() < kMaxItems; ++i)
      read_one((*items)[i], field + "[" + std::to_string(i) + "]");
    return out;
  }

  void read_error(const json& root) {
    if (const json* code = find_member(root, "errorCode")) {
      if (auto number = as_uint32(*code); number && *number < 1000) answer_.error.code = static_cast<int>(*number);
      else ignore("errorCode", "not an HTTP status code");
    }
    answer_.error.title = string_member(root, "title");
    answer_.error.description = lines(root, "description");
    // Some servers answer 200 with an error body; its code says what happened.
    if (answer_.outcome == Outcome::found && answer_.error.code && !find_member(root, "objectClassName")) {
      const Outcome by_code = outcome_for_status(*answer_.error.code);
      if (by_code != Outcome::found) answer_.outcome = by_code;
    }
  }

  // One entity's own fields, without the entities nested in it.
  Entity entity(const json& object, const std::string& field) {
    Entity out;
    out.handle = text(object, "handle", field + ".handle");
    out.roles = strings(object, "roles", field + ".roles");
    for (std::string& role : out.roles) ascii_lowercase_in_place(role);
    if (const json* vcard = find_member(object, "vcardArray"); vcard && !read_jcard_into(*vcard, out.contact))
      ignore(field + ".vcardArray", "not a jCard");
    if (const json* ids = array_member(object, "publicIds", field + ".publicIds")) {
      for (const json& id : *ids) {
        if (out.public_ids.size() >= kMaxItems) break;
        if (id.is_object()) out.public_ids.push_back({string_member(id, "type"), string_member(id, "identifier")});
      }
    }
    out.status = strings(object, "status", field + ".status");
    out.events = events(object, field);
    out.links = links(object, field);
    out.remarks = notices(object, "remarks", field + ".remarks");
    return out;
  }

  // The entities of `object`, depth-first, each followed by those nested in it.
  void entities(const json& object, const std::string& field, int parent, int depth,
                const std::vector<std::string>& parent_path) {
    const json* items = array_member(object, "entities", field);
    if (!items) return;
    if (depth >= kMaxEntityDepth) {
      ignore(field, "nested deeper than " + std::to_string(kMaxEntityDepth) + " entities");
      return;
    }
    for (size_t i = 0; i < items->size(); ++i) {
      if (answer_.entities.size() >= kMaxEntities) {
        ignore(field, "more than " + std::to_string(kMaxEntities) + " entities");
        return;
      }
      const json& item = (*items)[i];
      const std::string item_field = field + "[" + std::to_string(i) + "]";
      if (!item.is_object()) {
        ignore(item_field, "not an object");
        continue;
      }
      Entity found = entity(item, item_field);
      found.parent = parent;
      found.depth = depth;
      found.role_path = parent_path;
      std::string level;
      for (const std::string& role : found.roles) level += (level.empty() ? "" : ",") + role;
      found.role_path.push_back(std::move(level));
      const std::vector<std::string> path = found.role_path;
      answer_.entities.push_back(std::move(found));
      entities(item, item_field + ".entities", static_cast<int>(answer_.entities.size() - 1), depth + 1, path);
    }
  }

  std::optional<IpAddress> address(const json& object, const char* key) {
    const json* member = find_member(object, key);
    if (!member) return std::nullopt;
    auto parsed = member->is_string() ? parse_registry_address(member->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) ignore(key, "not an IP address");
    return parsed;
  }

  Network network(const json& object) {
    Network out;
    out.start = address(object, "startAddress");
    out.end = address(object, "endAddress");
    out.name = text(object, "name", "name");
    out.type = text(object, "type", "type");
    out.country = text(object, "country", "country");
    out.parent_handle = text(object, "parentHandle", "parentHandle");
    out.ip_version = text(object, "ipVersion", "ipVersion");
    if (const json* cidrs = array_member(object, "cidr0_cidrs", "cidr0_cidrs")) {
      for (size_t i = 0; i < cidrs->size() && out.cidrs.size() < kMaxCidrs; ++i) {
        const json& cidr = (*cidrs)[i];
        std::string prefix = string_member(cidr, "v4prefix");
        if (prefix.empty()) prefix = string_member(cidr, "v6prefix");
        const json* length = find_member(cidr, "length");
        const auto bits = length ? as_uint32(*length) : std::nullopt;
        const auto parsed = bits && *bits <= 128 ? IpPrefix::parse(prefix + "/" + std::to_string(*bits)) : std::nullopt;
        if (parsed) out.cidrs.push_back(*parsed);
        else ignore("cidr0_cidrs[" + std::to_string(i) + "]", "not a prefix");
      }
    }
    if (out.cidrs.empty() && out.start && out.end) {
      out.cidrs = covering_prefixes(*out.start, *out.end);
      out.cidrs_computed = !out.cidrs.empty();
    }
    return out;
  }

  std::optional<uint32_t> autnum_number(const json& object, const char* key) {
    const json* member = find_member(object, key);
    if (!member) return std::nullopt;
    auto number = as_uint32(*member);
    if (!number) ignore(key, "not an AS number");
    return number;
  }

  Autnum autnum(const json& object) {
    Autnum out;
    out.start = autnum_number(object, "startAutnum");
    out.end = autnum_number(object, "endAutnum");
    out.name = text(object, "name", "name");
    out.type = text(object, "type", "type");
    out.country = text(object, "country", "country");
    return out;
  }

  Domain domain(const json& object) {
    Domain out;
    out.ldh_name = text(object, "ldhName", "ldhName");
    out.unicode_name = text(object, "unicodeName", "unicodeName");
    if (const json* servers = array_member(object, "nameservers", "nameservers")) {
      for (const json& server : *servers) {
        if (out.nameservers.size() >= kMaxItems) break;
        std::string name = ascii_lowercase(string_member(server, "ldhName"));
        if (!name.empty()) out.nameservers.push_back(std::move(name));
      }
    }
    if (const json* secure = find_member(object, "secureDNS")) {
      const json* signed_flag = find_member(*secure, "delegationSigned");
      if (signed_flag && signed_flag->is_boolean()) out.delegation_signed = signed_flag->get<bool>();
      else if (signed_flag) ignore("secureDNS.delegationSigned", "not a boolean");
    }
    return out;
  }

  Nameserver nameserver(const json& object, const std::string& field) {
    Nameserver out;
    out.ldh_name = ascii_lowercase(text(object, "ldhName", field + ".ldhName"));
    out.unicode_name = text(object, "unicodeName", field + ".unicodeName");
    if (const json* addresses = find_member(object, "ipAddresses")) {
      for (const char* family : {"v4", "v6"})
        for (const std::string& written : strings(*addresses, family, std::string("ipAddresses.") + family))
          if (auto parsed = parse_registry_address(written)) out.addresses.push_back(*parsed);
    }
    return out;
  }

  Answer& answer_;
  std::string current_ = "top level";
};

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::found: return "found";
    case Outcome::not_found: return "not found";
    case Outcome::rate_limited: return "rate limited";
    case Outcome::redirect: return "redirect";
    case Outcome::refused: return "refused";
  }
  return "refused";
}

std::string_view to_string(ObjectClass object_class) {
  switch (object_class) {
    case ObjectClass::ip_network: return "ip network";
    case ObjectClass::autnum: return "autnum";
    case ObjectClass::domain: return "domain";
    case ObjectClass::nameserver: return "nameserver";
    case ObjectClass::entity: return "entity";
    case ObjectClass::unknown: return "unknown";
  }
  return "unknown";
}

bool Entity::has_role(std::string_view role) const {
  for (const std::string& mine : roles)
    if (mine == role) return true;
  return false;
}

const std::string& Entity::display_name() const {
  if (!contact.full_name.empty()) return contact.full_name;
  if (!contact.organisation.empty()) return contact.organisation;
  return handle;
}

std::string Entity::iana_registrar_id() const {
  for (const PublicId& id : public_ids)
    if (ascii_lowercase(id.type) == "iana registrar id") return id.identifier;
  return {};
}

std::optional<UnixTime> Answer::event_date(std::string_view action) const {
  const std::string wanted = ascii_lowercase(action);
  for (const Event& event : events)
    if (event.action == wanted) return event.date;
  return std::nullopt;
}

const Entity* Answer::entity_with_role(std::string_view role) const {
  const Entity* best = nullptr;
  for (const Entity& candidate : entities)
    if (candidate.has_role(role) && (!best || candidate.depth < best->depth)) best = &candidate;
  return best;
}

std::string Answer::abuse_email() const {
  const Entity* best = nullptr;
  for (const Entity& candidate : entities)
    if (candidate.has_role("abuse") && !candidate.contact.emails.empty() && (!best || candidate.depth < best->depth))
      best = &candidate;
  return best ? best->contact.emails.front() : std::string();
}

const Entity* Answer::holder() const { return entity_with_role("registrant"); }

Registrar Answer::registrar() const {
  Registrar out;
  const Entity* found = entity_with_role("registrar");
  if (!found) return out;
  out.name = found->contact.full_name.empty() ? found->contact.organisation : found->contact.full_name;
  out.iana_id = found->iana_registrar_id();
  out.handle = found->handle;
  const int index = static_cast<int>(found - entities.data());
  for (const Entity& nested : entities)
    if (nested.parent == index && nested.has_role("abuse") && !nested.contact.emails.empty()) {
      out.abuse_email = nested.contact.emails.front();
      break;
    }
  return out;
}

std::vector<Link> Answer::referrals() const {
  // The host the answer came from: the context of its self link. Some registries set
  // a related link's own value to its target, so that value cannot serve for it.
  std::string own_host;
  for (const Link& link : links)
    if (link.rel == "self") {
      own_host = host_of(link.value.empty() ? link.href : link.value);
      break;
    }
  std::vector<Link> out;
  for (const Link& link : links) {
    if (link.rel != "related" && link.rel != "self") continue;
    if (!link.type.empty() && link.type.find("rdap+json") == std::string::npos) continue;
    const std::string context = link.rel == "self" || own_host.empty() ? host_of(link.value) : own_host;
    const std::string target = host_of(link.href);
    if (!target.empty() && !context.empty() && target != context) out.push_back(link);
  }
  return out;
}

Result<Answer> parse_rdap_answer(int http_status, std::string_view body) {
  Answer answer;
  answer.http_status = http_status;
  answer.outcome = outcome_for_status(http_status);
  const bool success = answer.outcome == Outcome::found;
  auto parsed = parse_json(body, "body");
  if (!parsed) {
    if (success) return parsed.error();
    return answer;  // an error status says enough without a readable body
  }
  if (!parsed->is_object()) {
    if (success) return Error{"expected a JSON object, got " + std::string(type_name(*parsed)), "body: top level"};
    return answer;
  }
  Reader reader(answer);
  try {
    reader.read(*parsed);
  } catch (const std::exception& error) {
    return Error{std::string("unreadable: ") + error.what(), "body: " + reader.current_field()};
  }
  return answer;
}

}  // namespace sg::rdap
