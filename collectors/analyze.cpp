#include "collectors/analyze.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>

#include "collectors/address.h"
#include "collectors/auth_headers.h"
#include "collectors/encoded_words.h"
#include "collectors/header_block.h"
#include "collectors/mime_urls.h"
#include "collectors/url_scan.h"
#include "collectors/received.h"
#include "collectors/unreadable.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/hash.h"

namespace sg {

namespace {

// Identity must not depend on how the file stored line ends (mbox LF vs .eml CRLF).
// `crlf`: whether raw holds any CR LF (HeaderBlock::crlf), so that an LF file's
// header is hashed as it stands without another pass over it.
void header_identity_into(std::string_view raw, bool crlf, Sha256& sha256, std::string& out) {
  if (!crlf) return sha256.hex_into(raw, out);
  std::string lf;
  lf.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i)
    if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) lf.push_back(raw[i]);
  sha256.hex_into(lf, out);
}

// Lists rebuilt for every message keep their elements, strings and all, from one
// message to the next: elements past this message's count wait in `spare`, so a
// run over a mailbox stops allocating after a few messages.
template <typename T>
T& reused_slot(std::vector<T>& items, std::vector<T>& spare, size_t index) {
  if (index == items.size()) {
    if (spare.empty()) {
      items.emplace_back();
    } else {
      items.push_back(std::move(spare.back()));
      spare.pop_back();
    }
  }
  return items[index];
}
template <typename T>
void trim_keeping_spares(std::vector<T>& items, std::vector<T>& spare, size_t count) {
  while (items.size() > count) {
    spare.push_back(std::move(items.back()));
    items.pop_back();
  }
}

// Collects indicators into a message's list, deduplicated on (kind, value, role);
// trusted wins. A message has a few dozen at most, so a linear scan beats any
// index. Values are written straight into the slot they will occupy, and slots
// keep their strings from one message to the next (in the list, or in Storage
// when a longer message used them), so a run over a mailbox stops allocating here.
class IndicatorSet {
 public:
  // What an IndicatorSet keeps from one message to the next.
  struct Storage {
    std::vector<Indicator> spare;  // slots a longer message used
    std::string domain;            // add_address's normalised domain
  };

  IndicatorSet(std::vector<Indicator>& items, Storage& storage)
      : items_(items), spare_(storage.spare), domain_(storage.domain) {}

  void add(EntityKind kind, std::string_view value, Role role, bool trusted) {
    if (value.empty()) return;
    Indicator& slot = next_slot();
    slot.value.assign(value);
    commit(kind, role, trusted);
  }
  void add_ip(const IpAddress& ip, Role role, bool trusted) {
    Indicator& slot = next_slot();
    slot.value.clear();
    ip.append_to(slot.value);
    commit(EntityKind::ip, role, trusted);
  }
  // False when `name` is no domain name.
  bool add_domain(std::string_view name, Role role, bool trusted) {
    if (!normalize_domain_into(name, next_slot().value)) return false;
    commit(EntityKind::domain, role, trusted);
    return true;
  }
  // A HELO or rDNS name, unless it only names a machine on a private network
  // ("localhost.localdomain", "mx.corp"): the graph keeps none of those either.
  void add_hop_name(std::string_view name, Role role, bool trusted) {
    Indicator& slot = next_slot();
    if (!normalize_domain_into(name, slot.value) || is_local_use_name(slot.value)) return;
    commit(EntityKind::domain, role, trusted);
  }
  // An address yields the address and its domain, both in the same role.
  void add_address(std::string_view address, Role role, bool trusted) {
    const std::string_view domain_part = address_domain(address);
    if (!normalize_domain_into(domain_part, domain_)) return;
    Indicator& email = next_slot();
    email.value.assign(address.substr(0, address.size() - domain_part.size()));
    email.value.append(domain_);
    commit(EntityKind::email, role, trusted);
    add(EntityKind::domain, domain_, role, trusted);
  }
  void add_url(std::string_view url, Role url_role, Role domain_role, bool trusted) {
    // normalize_domain_into lowers an ASCII name itself, so the host is taken in place.
    const std::string_view host = url_host_view(url);
    if (std::any_of(host.begin(), host.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
      return add_unicode_url(url, host, url_role, domain_role, trusted);
    add(EntityKind::url, url, url_role, trusted);
    add_domain(host, domain_role, trusted);
  }
  // A URL whose host (a view into it) is written in Unicode: recorded with the
  // host's A-label in its place, as body URLs are, so one link is one value.
  void add_unicode_url(std::string_view url, std::string_view host, Role url_role, Role domain_role,
                       bool trusted) {
    std::string name;
    if (!normalize_host_name_into(host, name)) {  // no name: kept as written, no domain
      add(EntityKind::url, url, url_role, trusted);
      return;
    }
    const size_t host_begin = static_cast<size_t>(host.data() - url.data());
    std::string rewritten(url.substr(0, host_begin));
    rewritten += name;
    rewritten += url.substr(host_begin + host.size());
    add(EntityKind::url, rewritten, url_role, trusted);
    add_domain(name, domain_role, trusted);
  }
  // Ends the message: the list holds exactly its indicators, the rest wait in `spare`.
  void finish() { trim_keeping_spares(items_, spare_, count_); }

 private:
  // The slot after the last committed one; its value is written before commit().
  Indicator& next_slot() { return reused_slot(items_, spare_, count_); }
  // Keeps the value written into next_slot() unless an earlier indicator has it.
  void commit(EntityKind kind, Role role, bool trusted) {
    Indicator& slot = items_[count_];
    for (size_t i = 0; i < count_; ++i) {
      Indicator& item = items_[i];
      if (item.role == role && item.kind == kind && item.value == slot.value) {
        item.trusted = item.trusted || trusted;
        return;
      }
    }
    slot.kind = kind;
    slot.role = role;
    slot.trusted = trusted;
    ++count_;
  }

  std::vector<Indicator>& items_;
  std::vector<Indicator>& spare_;
  std::string& domain_;
  size_t count_ = 0;  // items_[0, count_) are this message's indicators
};

// The fields analysis reads, recognised once by name.
enum class Field {
  other, received, received_spf, authentication_results, arc_authentication_results, dkim_signature,
  return_path, from, sender, reply_to, message_id, list_unsubscribe, x_originating_ip, x_mailer, subject, date
};

// Do the `Word`-wide pieces of `name` and `lower` at `at` match once bit 5 is
// set in every byte of `name`? For the printable ASCII of a field name against
// lowercase letters and '-', setting that bit folds case and matches nothing else
// (only CR would become '-').
template <typename Word>
bool same_folded_word(std::string_view name, std::string_view lower, size_t at) {
  Word named, wanted;
  std::memcpy(&named, name.data() + at, sizeof(Word));
  std::memcpy(&wanted, lower.data() + at, sizeof(Word));
  return (named | static_cast<Word>(0x2020202020202020ull)) == wanted;
}

// True when `name` (printable ASCII, as split_header_block_into leaves it) is `lower`
// ignoring ASCII case; `lower` holds lowercase letters and '-' only, at least four.
// Whole words at a time: every message brings a few dozen names to classify.
bool same_name(std::string_view name, std::string_view lower) {
  const size_t size = lower.size();
  if (name.size() != size) return false;  // folded away where classify's case label says so
  if (size < 8) return same_folded_word<uint32_t>(name, lower, 0) && same_folded_word<uint32_t>(name, lower, size - 4);
  for (size_t at = 0; at + 8 < size; at += 8)
    if (!same_folded_word<uint64_t>(name, lower, at)) return false;
  return same_folded_word<uint64_t>(name, lower, size - 8);
}

// A message has 20 to 40 fields and most are none of these: the length alone
// rules out nearly all of them without looking at a byte.
Field classify(std::string_view name) {
  switch (name.size()) {
    case 4:
      if (same_name(name, "from")) return Field::from;
      if (same_name(name, "date")) return Field::date;
      break;
    case 6:
      if (same_name(name, "sender")) return Field::sender;
      break;
    case 7:
      if (same_name(name, "subject")) return Field::subject;
      break;
    case 8:
      if (same_name(name, "received")) return Field::received;
      if (same_name(name, "reply-to")) return Field::reply_to;
      if (same_name(name, "x-mailer")) return Field::x_mailer;
      break;
    case 10:
      if (same_name(name, "message-id")) return Field::message_id;
      if (same_name(name, "user-agent")) return Field::x_mailer;
      break;
    case 11:
      if (same_name(name, "return-path")) return Field::return_path;
      break;
    case 12:
      if (same_name(name, "received-spf")) return Field::received_spf;
      break;
    case 14:
      if (same_name(name, "dkim-signature")) return Field::dkim_signature;
      break;
    case 16:
      if (same_name(name, "list-unsubscribe")) return Field::list_unsubscribe;
      if (same_name(name, "x-originating-ip")) return Field::x_originating_ip;
      break;
    case 22:
      if (same_name(name, "authentication-results")) return Field::authentication_results;
      break;
    case 26:
      if (same_name(name, "arc-authentication-results")) return Field::arc_authentication_results;
      break;
    default:
      break;
  }
  return Field::other;
}

// A header other than Received was added by the server whose Received lies just
// below it; it is a fact when that hop is trusted.
bool written_by_trusted(const std::vector<Hop>& hops, size_t received_above) {
  return received_above < hops.size() && hops[received_above].trusted;
}

std::string_view strip_brackets(std::string_view text) {
  while (!text.empty() && (text.front() == '[' || text.front() == ' ' || text.front() == '<')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ']' || text.back() == ' ' || text.back() == '>')) text.remove_suffix(1);
  return text;
}

std::string_view domain_of_identity(std::string_view value) {
  const auto at = value.rfind('@');
  return at == std::string_view::npos ? value : value.substr(at + 1);
}

// With no Return-Path, the envelope sender is the one the first trusted hop noted
// ("(envelope-from <x>)"): a fact, as the hop is. Below the trust boundary the
// sender wrote it, so it stays a claim in its hop. True when one was read.
bool read_trusted_hop_envelope_from(const std::vector<Hop>& hops, std::string& envelope_from) {
  for (const Hop& hop : hops) {
    if (!hop.trusted) {
      if (hop.is_hop) return false;
      continue;  // a local line above the boundary
    }
    if (!hop.envelope_from.empty() && parse_single_address_into(hop.envelope_from, envelope_from)) return true;
  }
  return false;
}

// Notes the parts of a Received field left empty for a control byte in them.
void note_unreadable_parts(const Hop& hop, size_t line, std::vector<std::string>& problems) {
  static constexpr std::pair<HopPart, const char*> kParts[] = {
      {kHopHelo, "HELO name"}, {kHopRdns, "reverse DNS name"}, {kHopBy, "by host"}, {kHopFor, "for address"},
      {kHopEnvelopeFrom, "envelope-from address"}};
  for (const auto& [part, name] : kParts)
    if (hop.unreadable & part)
      problems.push_back("line " + std::to_string(line) + ": Received: " + name + " holds a control byte, not read");
}

// Notes that a field held a value with a control byte (`what`), left unread.
void note_control_byte(std::string_view field, std::string_view what, std::vector<std::string>& problems) {
  problems.push_back(std::string(field) + ": " + std::string(what) + " holds a control byte, not read");
}

// The addresses of an address-list field into `addresses`; those refused for a
// control byte are noted.
void read_addresses(std::string_view value, std::string_view field, std::vector<std::string>& addresses,
                    std::vector<std::string>& problems) {
  size_t unreadable = 0;
  parse_address_list_into(value, addresses, &unreadable);
  if (unreadable != 0) note_control_byte(field, "an address", problems);
}

// A field analysis reads after the trust boundary is known.
struct PendingField {
  Field field;
  std::string_view value;  // unfolded: in the message, or in Analyzer::Scratch::values
  size_t received_above;  // Received fields above it
};

}  // namespace

// Unfolded values live in strings kept from one message to the next: they keep
// their capacity, so a run over a mailbox stops allocating after a few messages.
// So do the buffers and state of the steps analysis calls, passed down to them.
struct Analyzer::Scratch {
  std::deque<std::string> values;  // a deque: growing it leaves views into earlier values valid
  std::vector<PendingField> pending;
  std::vector<std::string> addresses;  // of the From or Reply-To field being read
  std::string address;                 // of the Sender field being read
  Sha256 sha256;                       // for the header hash
  TrustScratch trust;                  // mark_trust's
  BodyUrlScratch body_urls;            // extract_body_urls's
  HeaderBlock block;
  IndicatorSet::Storage indicators;
  std::vector<Hop> spare_hops;  // hops a message with more Received fields used, strings and all

  std::string& next_value(size_t index) {
    if (index == values.size()) values.emplace_back();
    return values[index];
  }

  // A rare giant field, or a message with thousands of URLs, must not pin its
  // memory for the rest of the run.
  void release_large() {
    constexpr size_t kKeep = 64 * 1024;
    for (std::string& value : values)
      if (value.capacity() > kKeep) std::string().swap(value);
    if (addresses.size() > 64) std::vector<std::string>().swap(addresses);  // a From with a thousand
    if (address.capacity() > kKeep) std::string().swap(address);
    if (indicators.spare.size() > 256) std::vector<Indicator>().swap(indicators.spare);
    if (spare_hops.size() > 64) std::vector<Hop>().swap(spare_hops);
    for (Hop& hop : spare_hops)
      if (hop.raw.capacity() > kKeep) std::string().swap(hop.raw);
  }
};

Analyzer::Analyzer(AnalysisOptions options)
    : options_(std::move(options)), decoder_(std::make_unique<CharsetDecoder>()), scratch_(std::make_unique<Scratch>()) {}

Analyzer::~Analyzer() = default;

Evidence Analyzer::analyze(std::string_view message, const MessageSource& source) {
  Evidence evidence;
  analyze(message, source, evidence);
  return evidence;
}

namespace {

// Empties every field of `evidence` the way clear() does: strings and vectors keep
// their capacity for the next message. Keep in step with core/evidence.h.
void reset_keeping_capacity(Evidence& evidence) {
  evidence.header_hash.clear();
  evidence.raw_headers.clear();
  if (evidence.raw_headers.capacity() > (1u << 20)) std::string().swap(evidence.raw_headers);  // a giant one
  // hops and auth_results: overwritten in place by analyze, trimmed to this message's
  // count. What a freak message grew is given back rather than kept for every slot.
  constexpr size_t kKeepBytes = 64 * 1024;
  if (evidence.hops.size() > 64) std::vector<Hop>().swap(evidence.hops);
  for (Hop& hop : evidence.hops)
    if (hop.raw.capacity() > kKeepBytes) std::string().swap(hop.raw);
  if (evidence.auth_results.size() > 64) std::vector<AuthResult>().swap(evidence.auth_results);
  evidence.origin_hop = -1;
  evidence.origin_is_fact = false;
  evidence.spf.reset();
  evidence.dkim.clear();
  evidence.envelope_from.clear();
  evidence.header_from.clear();
  evidence.sender.clear();
  evidence.reply_to.clear();
  evidence.message_id.clear();
  evidence.subject.clear();
  evidence.x_mailer.clear();
  evidence.date.reset();
  evidence.time = 0;
  evidence.time_source.clear();
  // indicators: IndicatorSet reuses the list's slots and trims it at the end
  evidence.problems.clear();
}

}  // namespace

void Analyzer::analyze(std::string_view message, const MessageSource& source, Evidence& evidence) {
  reset_keeping_capacity(evidence);
  evidence.source = source;
  HeaderBlock& block = scratch_->block;
  split_header_block_into(message, block);
  evidence.raw_headers.assign(block.raw);
  header_identity_into(block.raw, block.crlf, scratch_->sha256, evidence.header_hash);
  evidence.problems.assign(block.problems.begin(), block.problems.end());
  // Growing these one by one moves every Hop (a dozen strings) at each step.
  evidence.hops.reserve(8);
  evidence.auth_results.reserve(4);

  std::vector<PendingField>& pending = scratch_->pending;
  pending.clear();
  size_t hop_count = 0;
  for (const HeaderField& header : block.fields) {
    const Field field = classify(header.name);
    if (field == Field::other) continue;
    if (field == Field::received) {
      Hop& hop = reused_slot(evidence.hops, scratch_->spare_hops, hop_count++);
      parse_received_field(header.raw_value, hop);
      if (!hop.parsed)
        evidence.problems.push_back("line " + std::to_string(header.line) + ": Received: not readable");
      if (hop.unreadable != 0) note_unreadable_parts(hop, header.line, evidence.problems);
      continue;
    }
    // Member by member: GCC builds a braced PendingField on the stack and copies it
    // with 16-byte loads that must wait for the narrower stores just made.
    const std::string_view value = unfolded_view(header.raw_value, scratch_->next_value(pending.size()));
    PendingField& item = pending.emplace_back();
    item.field = field;
    item.value = value;
    item.received_above = hop_count;
  }
  trim_keeping_spares(evidence.hops, scratch_->spare_hops, hop_count);
  evidence.origin_hop = mark_trust(evidence.hops, options_.trust, scratch_->trust, evidence.origin_is_fact);

  IndicatorSet indicators(evidence.indicators, scratch_->indicators);
  for (size_t i = 0; i < evidence.hops.size(); ++i) {
    const Hop& hop = evidence.hops[i];
    if (!hop.is_hop) continue;
    if (evidence.origin_is_fact && static_cast<int>(i) < evidence.origin_hop) continue;  // the user's own relays
    if (hop.from_ip && !hop.from_ip->is_private())
      indicators.add_ip(*hop.from_ip, static_cast<int>(i) == evidence.origin_hop ? Role::origin_ip : Role::relay_ip,
                        hop.trusted);
    indicators.add_hop_name(hop.from_helo, Role::helo, hop.trusted);
    indicators.add_hop_name(hop.from_rdns, Role::rdns, hop.trusted);
  }

  std::string spf_envelope_from, auth_mailfrom;
  size_t auth_count = 0;
  for (const PendingField& item : pending) {
    const std::string_view value = item.value;
    const bool trusted = written_by_trusted(evidence.hops, item.received_above);
    switch (item.field) {
      case Field::received_spf: {
        bool unreadable = false;
        auto spf = parse_received_spf(value, &unreadable);
        if (unreadable) note_control_byte("Received-SPF", "a value", evidence.problems);
        if (spf) {
          if (!evidence.spf || (trusted && spf_envelope_from.empty())) {
            if (spf_envelope_from.empty()) spf_envelope_from = spf->envelope_from;
            evidence.spf = std::move(*spf);
          }
        } else {
          evidence.problems.push_back("Received-SPF: not readable");
        }
        break;
      }
      case Field::authentication_results:
      case Field::arc_authentication_results: {
        int instance = 0;
        if (item.field == Field::arc_authentication_results) instance = arc_instance_of(value).value_or(0);
        const size_t first = auth_count;
        auth_count = parse_authentication_results(value, instance, evidence.auth_results, first);
        for (size_t k = first; k < auth_count; ++k) {
          const AuthResult& result = evidence.auth_results[k];
          for (const auto& [property_name, property_value] : result.properties) {
            // As a view: a size test first, then a compare of known length, rather
            // than std::string == "literal", which calls memcmp for every pair.
            const std::string_view property = property_name;
            bool read = true;
            if (property == "header.from")  // also Yahoo's bare "from=": see parse_authentication_results
              read = indicators.add_domain(domain_of_identity(property_value), Role::header_from, trusted);
            else if (property == "header.d" || property == "header.i")
              read = indicators.add_domain(domain_of_identity(property_value), Role::dkim_domain, trusted);
            else if (property == "smtp.mailfrom" && auth_mailfrom.empty())
              auth_mailfrom = property_value;  // kept as written: read below, when no other source has one
            // Only a value that was no name is looked at again: the common one costs nothing.
            if (!read && holds_control_byte(property_value))
              note_control_byte(item.field == Field::authentication_results ? "Authentication-Results"
                                                                          : "ARC-Authentication-Results",
                                property, evidence.problems);
          }
        }
        break;
      }
      case Field::dkim_signature: {
        bool unreadable = false;
        auto dkim = parse_dkim_signature(value, &unreadable);
        if (unreadable) note_control_byte("DKIM-Signature", "a tag", evidence.problems);
        if (dkim) {
          indicators.add_domain(dkim->domain, Role::dkim_domain, false);
          evidence.dkim.push_back(std::move(*dkim));
        }
        break;
      }
      case Field::return_path: {
        bool unreadable = false;
        if (evidence.envelope_from.empty()) parse_single_address_into(value, evidence.envelope_from, &unreadable);
        if (unreadable) note_control_byte("Return-Path", "the address", evidence.problems);
        break;
      }
      case Field::from:
        read_addresses(value, "From", scratch_->addresses, evidence.problems);
        for (const std::string& address : scratch_->addresses) {
          if (evidence.header_from.empty()) evidence.header_from = address;
          indicators.add_address(address, Role::header_from, false);
        }
        break;
      case Field::sender: {
        bool unreadable = false;
        if (parse_single_address_into(value, scratch_->address, &unreadable)) {  // else an earlier one stays
          evidence.sender.assign(scratch_->address);
          indicators.add_address(evidence.sender, Role::sender, false);
        }
        if (unreadable) note_control_byte("Sender", "the address", evidence.problems);
        break;
      }
      case Field::reply_to:
        read_addresses(value, "Reply-To", scratch_->addresses, evidence.problems);
        for (const std::string& address : scratch_->addresses) {
          if (evidence.reply_to.empty()) evidence.reply_to = address;
          indicators.add_address(address, Role::reply_to, false);
        }
        break;
      case Field::message_id:
        if (evidence.message_id.empty()) {
          if (!parse_message_id_into(value, evidence.message_id))
            note_control_byte("Message-ID", "the id", evidence.problems);
          indicators.add_domain(domain_of_identity(evidence.message_id), Role::message_id_domain, false);
        }
        break;
      case Field::list_unsubscribe: {
        size_t unreadable = 0;
        for (const std::string& uri : parse_list_unsubscribe(value, &unreadable)) {
          if (uri.compare(0, 7, "mailto:") == 0) {
            std::string_view address = std::string_view(uri).substr(7);
            address = address.substr(0, address.find('?'));
            indicators.add_address(address, Role::list_unsubscribe, false);
          } else {
            indicators.add_url(uri, Role::list_unsubscribe, Role::list_unsubscribe, false);
          }
        }
        if (unreadable != 0) note_control_byte("List-Unsubscribe", "a URI", evidence.problems);
        break;
      }
      case Field::x_originating_ip:
        if (auto ip = IpAddress::parse(strip_brackets(value)); ip && !ip->is_private())
          indicators.add_ip(*ip, Role::originating_ip, false);
        break;
      case Field::x_mailer:
        if (evidence.x_mailer.empty()) decoder_->decode_header_value_into(value, evidence.x_mailer);
        break;
      case Field::subject:
        if (evidence.subject.empty()) decoder_->decode_header_value_into(value, evidence.subject);
        break;
      case Field::date:
        if (!evidence.date) evidence.date = parse_mail_date(value);
        break;
      case Field::other:
      case Field::received:
        break;
    }
  }
  evidence.auth_results.resize(auth_count);
  if (evidence.envelope_from.empty() && spf_envelope_from.empty() && holds_control_byte(auth_mailfrom)) {
    note_control_byte("Authentication-Results", "smtp.mailfrom", evidence.problems);
    auth_mailfrom.clear();
  }
  bool envelope_from_trusted = !evidence.hops.empty() && evidence.hops.front().trusted;
  if (evidence.envelope_from.empty()) {
    if (read_trusted_hop_envelope_from(evidence.hops, evidence.envelope_from))
      envelope_from_trusted = true;
    else
      evidence.envelope_from = !spf_envelope_from.empty() ? spf_envelope_from : auth_mailfrom;
  }
  if (!evidence.envelope_from.empty())
    indicators.add_address(evidence.envelope_from, Role::envelope_from, envelope_from_trusted);

  if (options_.body_urls && block.body_offset < message.size()) {
    for (const std::string& url : extract_body_urls(block, message.substr(block.body_offset), *decoder_,
                                                    scratch_->body_urls, evidence.problems))
      indicators.add_url(url, Role::url, Role::url_domain, false);
  }
  indicators.finish();
  scratch_->release_large();

  // The receipt time stamped by the first trusted hop, else the Date header.
  for (const Hop& hop : evidence.hops) {
    if (!hop.trusted) break;
    if (hop.date) {
      evidence.time = hop.date->utc;
      evidence.time_source = "trusted-hop";
      break;
    }
  }
  if (evidence.time_source.empty() && evidence.date) {
    evidence.time = evidence.date->utc;
    evidence.time_source = "date-header";
  }
  if (evidence.time_source.empty()) {
    for (const Hop& hop : evidence.hops) {
      if (hop.date) {
        evidence.time = hop.date->utc;
        evidence.time_source = "hop";
        break;
      }
    }
  }
  if (evidence.time_source.empty()) {
    evidence.time = options_.fallback_time;
    evidence.time_source = "ingest";
  }
}

}  // namespace sg
