// The contract between header analysis (collectors/) and the store: what one
// message says about the infrastructure that sent it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/ip.h"
#include "core/time.h"
#include "core/vocabulary.h"

namespace sg {

/// Where a raw message came from, so every observation can point back to it.
struct MessageSource {
  SourceKind kind = SourceKind::eml;  ///< how it was read: a file, Maildir, mbox, paste, stdin or IMAP
  std::string path;         ///< file path (mbox/eml/paste), Maildir file, or IMAP mailbox
  uint64_t offset = 0;      ///< byte offset of the message in an mbox file, or of the excerpt in a paste
  uint64_t uidvalidity = 0; ///< IMAP only
  uint64_t uid = 0;         ///< IMAP only
};

/// Parts of a Received field, as bits of Hop::unreadable.
enum HopPart : uint8_t { kHopHelo = 1, kHopRdns = 2, kHopBy = 4, kHopFor = 8, kHopEnvelopeFrom = 16 };

/// One Received header, parsed. Empty strings mean "not stated".
struct Hop {
  std::string raw;        ///< the unfolded header value as written
  std::string from_helo;  ///< name (or literal) the sender gave in HELO/EHLO
  std::string from_rdns;  ///< reverse DNS name the receiving server recorded
  std::optional<IpAddress> from_ip;  ///< connecting address the receiving server recorded
  std::string by;         ///< receiving host as it named itself
  std::string with;       ///< protocol (SMTP, ESMTPS, LMTP, HTTP, ...)
  std::string id;         ///< queue id
  std::string for_addr;   ///< envelope recipient, without angle brackets
  std::string envelope_from;  ///< envelope sender the receiving server noted ("(envelope-from <x>)"), without brackets
  std::optional<ZonedTime> date;  ///< time stamp after the ';'
  std::string dialect;    ///< best guess of the writer: "postfix", "exim", "qmail", ...
  bool parsed = true;     ///< false when nothing useful could be read
  bool is_hop = true;     ///< false for lines that are not a network hop (qmail "invoked by uid", pickups)
  bool pickup = false;    ///< a mailbox pickup (fetchmail's "with POP3", "with IMAP"): a local re-injection
  bool trusted = false;   ///< the `by` server is one of the user's own (its statements are facts)
  uint8_t unreadable = 0; ///< HopPart bits: parts stated with a control byte (NUL, ESC), left empty, not cut
};

/// The SPF verdict recorded in Received-SPF (RFC 7208 §9.1).
struct SpfVerdict {
  std::string result;         ///< pass, fail, softfail, neutral, none, temperror, permerror
  std::string client_ip;      ///< client-ip=
  std::string envelope_from;  ///< envelope-from=
  std::string helo;           ///< helo=
  std::string receiver;       ///< receiver=
  std::string identity;       ///< identity= (mailfrom, helo)
  std::string comment;        ///< the free-text comment, if any
};

/// One method result of Authentication-Results / ARC-Authentication-Results (RFC 8601).
struct AuthResult {
  std::string authserv_id;  ///< the server that made the statement
  std::string method;       ///< spf, dkim, dmarc, arc, iprev, auth, domainkeys, ...
  std::string result;       ///< pass, fail, none, neutral, ...
  std::vector<std::pair<std::string, std::string>> properties;  ///< ptype.property -> value
  int arc_instance = 0;     ///< i= of an ARC-Authentication-Results header, else 0
};

/// The identifying tags of a DKIM-Signature header.
struct DkimSignature {
  std::string domain;    ///< d=
  std::string selector;  ///< s=
  std::string identity;  ///< i=
  std::string algorithm; ///< a=
};

/// An indicator with the role it played in the message (helo, envelope-from, ...).
struct Indicator {
  EntityKind kind = EntityKind::domain;  ///< ip, domain, email or url
  std::string value;  ///< normalised value
  Role role = Role::origin_ip;  ///< origin-ip, relay-ip, helo, rdns, envelope-from, header-from, ...
  bool trusted = false;  ///< stated by a trusted server (a fact), not by the sender
};

/// Everything header analysis found in one message. A pure function of the bytes
/// and the trust configuration.
struct Evidence {
  MessageSource source;
  std::string header_hash;   ///< hex SHA-256 of the raw header block: the message identity
  std::string raw_headers;   ///< the header block exactly as read

  std::vector<Hop> hops;     ///< every Received field, top (newest) first
  int origin_hop = -1;       ///< index into hops of the origin, -1 if none
  bool origin_is_fact = false;  ///< origin decided by a trusted hop, not inferred from claims

  std::optional<SpfVerdict> spf;
  std::vector<AuthResult> auth_results;
  std::vector<DkimSignature> dkim;

  std::string envelope_from;  ///< Return-Path address (or Received-SPF envelope-from)
  std::string header_from;    ///< From address
  std::string sender;         ///< Sender address
  std::string reply_to;       ///< Reply-To address
  std::string message_id;     ///< Message-ID without angle brackets
  std::string subject;        ///< decoded to UTF-8
  std::string x_mailer;       ///< X-Mailer / User-Agent
  std::optional<ZonedTime> date;  ///< Date header

  UnixTime time = 0;          ///< receipt time (see time_source)
  std::string time_source;    ///< "trusted-hop", "date-header", "hop", "ingest"

  std::vector<Indicator> indicators;
  std::vector<std::string> problems;  ///< what could not be read, "field: reason"
};

}  // namespace sg
