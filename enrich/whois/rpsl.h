// Reading a WHOIS or IRR answer in RPSL style (RFC 2622 section 2), the "key: value"
// text RIPE, APNIC, AFRINIC, RADB, ARIN and LACNIC send on port 43.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"

namespace sg::whois {

/// One "key: value" line of an object, with its continuation lines. It owns its text
/// rather than viewing the answer: keys are lowered and continued values joined.
struct RpslAttribute {
  std::string key;    ///< lower-cased ("NetRange" becomes "netrange")
  std::string value;  ///< trimmed; continuation lines are appended after a '\n', each trimmed
};

/// One object: the attributes between two blank lines, in the order sent.
struct RpslObject {
  std::vector<RpslAttribute> attributes;  ///< never empty in a parsed answer

  /// The object's class: its first key ("inetnum", "route", "netrange", ...).
  std::string_view object_class() const;
  /// Its primary key: the value of the first attribute ("62.239.0.0 - 62.239.255.255").
  std::string_view primary_key() const;
  /// The value of the first attribute named `lower_key`, or nullopt when there is none.
  std::optional<std::string_view> first(std::string_view lower_key) const;
  /// The values of every attribute named `lower_key`, in order (repeated keys are kept).
  std::vector<std::string_view> all(std::string_view lower_key) const;
};

/// A whole answer: the objects and the server's remarks around them.
struct RpslAnswer {
  std::vector<RpslObject> objects;
  /// Lines starting with '%' or '#', whole ("% No entries found ..."), without the line
  /// end: an answer with no object is told apart from a refusal by these.
  std::vector<std::string> comments;
  /// Lines that are neither a comment, a "key: value" nor a continuation (HTML, banners).
  std::vector<std::string> stray_lines;
};

/// Splits `text` into objects. Takes any bytes: LF or CRLF line ends, NULs, bytes that
/// are not UTF-8 (kept as they are; convert with core/utf8.h before JSON). A line of
/// blanks ends an object like an empty one; a comment line inside an object does not.
/// A line starting with a space, tab or '+' continues the previous value; with no
/// attribute before it, it is a stray line. A key is 1 to 64 bytes of no blank before
/// the first ':'.
RpslAnswer parse_rpsl(std::string_view text);

/// `value` up to an end-of-line comment ('#' to the end, RFC 2622), trimmed:
/// "AFRINIC # Filtered" gives "AFRINIC". For token values (source, origin, mnt-by);
/// free text such as descr may hold a '#' of its own.
std::string_view without_rpsl_comment(std::string_view value);

/// What kind of answer a server sent, read from its objects and remarks.
enum class AnswerKind : uint8_t {
  objects,     ///< at least one object
  no_entries,  ///< "% No entries found", "%ERROR:101: no entries found", "No match found for ..."
  refused,     ///< another "%ERROR:" (201 access denied, query limits) or a refusal remark
  empty,       ///< nothing to go by: no object and no known remark
};

/// Classifies a parsed answer. "No entries found" is an answer (the registry has nothing),
/// "refused" is not (ask again later), so a caller stores them differently.
AnswerKind classify_answer(const RpslAnswer& answer);

/// A route or route6 object of an IRR (RADB, RIPE, ...), the fields the graph uses.
struct RouteObject {
  IpPrefix prefix;                   ///< route: / route6:
  uint32_t origin = 0;               ///< origin: AS number
  std::vector<std::string> descr;    ///< each descr line, continuation lines split out
  std::vector<std::string> mnt_by;   ///< each maintainer ("MAINT-AS3491"), comma lists split
  std::vector<std::string> remarks;  ///< each remarks line, blank ones kept as ""
  std::string source;                ///< "RADB", without "# Filtered"
  std::string created;               ///< as written; "" when absent
  std::string last_modified;         ///< as written; "" when absent
  std::vector<std::string> changed;  ///< old-style "changed:" lines ("email YYYYMMDD")
};

/// The route and route6 objects of `answer` whose prefix and origin parse; others are
/// skipped (an IRR holds hand-written objects).
std::vector<RouteObject> route_objects(const RpslAnswer& answer);

}  // namespace sg::whois
