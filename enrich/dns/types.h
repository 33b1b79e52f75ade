// DNS value types shared by the resolver, the wire parser and the helpers.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sg::dns {

/// A resource-record type. The named values are the ones spamgraph asks for;
/// any other 16-bit type value met in an answer is kept as is.
enum class RecordType : uint16_t { A = 1, NS = 2, CNAME = 5, PTR = 12, MX = 15, TXT = 16, AAAA = 28 };

/// "A", "NS", ... or "TYPE<n>" for an unnamed value.
std::string to_string(RecordType type);
/// Parses a type mnemonic ("ptr" and "PTR" both work); nullopt if unknown.
std::optional<RecordType> parse_record_type(std::string_view text);

/// How a query ended: the DNS RCODE when a server answered, else why no answer came.
enum class Status : uint8_t {
  NoError,      ///< RCODE 0 (records may still be empty: "NODATA")
  FormErr,      ///< RCODE 1
  ServFail,     ///< RCODE 2
  NxDomain,     ///< RCODE 3
  NotImp,       ///< RCODE 4
  Refused,      ///< RCODE 5
  OtherRcode,   ///< any other RCODE (see the raw answer)
  Timeout,      ///< no answer within timeout x tries
  ConnRefused,  ///< the server port was closed (ICMP port unreachable / TCP RST)
  BadName,      ///< the query name cannot be encoded (label > 63 bytes, ...)
  Error,        ///< any other local failure (see Answer::error)
};

/// "NOERROR", "NXDOMAIN", "SERVFAIL", "TIMEOUT", "REFUSED", ...
std::string_view to_string(Status status);

/// One answer-section record, decoded.
struct Record {
  std::string name;  ///< owner name, lower case, no trailing dot
  RecordType type = RecordType::A;
  uint32_t ttl = 0;  ///< seconds, as received
  /// A/AAAA: address text; NS/CNAME/PTR/MX: target name (lower case, no trailing
  /// dot); TXT: the character-strings concatenated; other types: empty.
  std::string value;
  uint16_t preference = 0;  ///< MX preference (0 for other types)
  friend bool operator==(const Record&, const Record&) = default;
};

/// A question: a name and a type. Use reverse_name() (reverse.h) for PTR names.
struct Query {
  std::string name;  ///< fully qualified, with or without the trailing dot
  RecordType type = RecordType::A;
  friend bool operator==(const Query&, const Query&) = default;
};

/// Everything learnt from one query, including the bytes needed to re-derive it.
struct Answer {
  Query query;                     ///< as submitted
  Status status = Status::Error;   ///< status of the last hop of the CNAME chain
  /// Answer-section records of every hop, in order (CNAMEs included).
  std::vector<Record> records;
  /// CNAME targets from the query name to the final name (empty when no alias).
  /// The resolver follows a chain itself when the server stops after one step.
  std::vector<std::string> cname_chain;
  /// Raw DNS messages, one per hop, exactly as received (empty for a hop that got
  /// no answer, e.g. a timeout). Kept as evidence for the store.
  std::vector<std::string> raw;
  std::string error;  ///< c-ares message when status is not a server RCODE, else ""
  std::chrono::system_clock::time_point time;  ///< when the first hop was sent
  std::chrono::microseconds elapsed{0};        ///< until the last hop ended

  /// Values of the records of the queried type owned by the final name
  /// (for a CNAME query: the chain itself).
  std::vector<std::string> values() const;
  /// The final name after following CNAMEs (the query name without a trailing dot
  /// when there are none).
  std::string final_name() const;
};

/// Lower-cases ASCII and drops one trailing dot: the form names are compared in.
std::string normalize_name(std::string_view name);

}  // namespace sg::dns
