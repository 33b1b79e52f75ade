// Received header parsing. A Received field is a list of clauses ("from", "by",
// "via", "with", "id", "for") and comments, then "; date" (RFC 5321 §4.4). The
// grammar is simple; what varies between writers is what the words inside the
// from-clause mean. Postfix and Sendmail write "from HELO (rDNS [ip])", Exim writes
// "from rDNS ([ip] helo=HELO)", qmail "from rDNS (HELO x) (ip)". So the parser first
// reads the clauses and the facts of the from-clause without interpreting them,
// then guesses the writer, and only then decides which name is the HELO and which
// the reverse DNS.
//
// Everything works on string_views into the input and fixed-size token arrays: the
// only allocations are the output strings.
#include "collectors/received.h"

#include <array>
#include <optional>

#include "collectors/header_block.h"
#include "collectors/received_lexer.h"
#include "collectors/unreadable.h"
#include "core/byte_scan.h"

namespace sg {

namespace {

using received_detail::find_last;
using received_detail::holds_id_or_for;
using received_detail::icontains;
using received_detail::iends_with;
using received_detail::iequals;
using received_detail::istarts_with;
using received_detail::is_unclosed_comment;
using received_detail::lex;
using received_detail::Lexed;
using received_detail::looks_like_host_name;
using received_detail::Token;
using received_detail::TokenKind;
using received_detail::trim_punctuation;
using received_detail::trim_trailing_dots;

// Real fields stay under 1 KiB; the cap bounds the work spent on hostile input.
constexpr size_t kMaxParsedBytes = 16 * 1024;
constexpr size_t kMaxTokens = 64;
constexpr size_t kMaxCommentTokens = 32;
// A DNS name has at most 253 octets; anything longer in a host field is junk.
constexpr size_t kMaxHostLength = 253;
constexpr size_t kMaxFieldLength = 512;

using Tokens = std::span<const Token>;

// ---------------------------------------------------------------------------
// Clauses

enum class Keyword : uint8_t { none, from, by, via, with, id, for_ };

Keyword keyword_of(const Token& token) {
  const std::string_view word = token.text();
  if (token.kind != TokenKind::word || word.size() < 2 || word.size() > 4) return Keyword::none;
  // Dispatch on the first letter: this runs for every token, date words included.
  switch (word[0] | 0x20) {
    case 'f':
      if (iequals(word, "from")) return Keyword::from;
      return iequals(word, "for") ? Keyword::for_ : Keyword::none;
    case 'b': return iequals(word, "by") ? Keyword::by : Keyword::none;
    case 'v': return iequals(word, "via") ? Keyword::via : Keyword::none;
    case 'w': return iequals(word, "with") ? Keyword::with : Keyword::none;
    case 'i': return iequals(word, "id") ? Keyword::id : Keyword::none;
    default: return Keyword::none;
  }
}

/// The tokens after a keyword, up to the next clause.
struct Clause {
  bool present = false;
  Tokens tokens;

  /// The word, literal or angle address right after the keyword (the host after
  /// "by", the id after "id"); nullptr when a comment or nothing comes first.
  const Token* value() const {
    if (tokens.empty()) return nullptr;
    const TokenKind kind = tokens.front().kind;
    return kind == TokenKind::comment || kind == TokenKind::semicolon ? nullptr : &tokens.front();
  }
};

struct Clauses {
  Clause from, by, via, with, id, for_;

  Clause* of(Keyword keyword) {
    switch (keyword) {
      case Keyword::from: return &from;
      case Keyword::by: return &by;
      case Keyword::via: return &via;
      case Keyword::with: return &with;
      case Keyword::id: return &id;
      case Keyword::for_: return &for_;
      case Keyword::none: return nullptr;
    }
    return nullptr;
  }
};

// Only the first occurrence of a keyword opens a clause: in "via smail from stdin"
// or "by alpha by uid 7791" the repeated word belongs to the clause it sits in.
Clauses split_clauses(Tokens tokens) {
  Clauses clauses;
  Clause* open = nullptr;
  size_t open_begin = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Clause* next = clauses.of(keyword_of(tokens[i]));
    if (next == nullptr || next->present) continue;
    if (open) open->tokens = tokens.subspan(open_begin, i - open_begin);
    next->present = true;
    open = next;
    open_begin = i + 1;
  }
  if (open) open->tokens = tokens.subspan(open_begin);
  return clauses;
}

// ---------------------------------------------------------------------------
// Addresses as servers write them

bool is_digits_and_dots(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  return true;
}

size_t count_of(std::string_view text, char wanted) {
  size_t count = 0;
  for (char c : text) count += c == wanted;
  return count;
}

// The bytes an address is written with: hex digits, the '.' and ':' between its
// parts, and the '%' that starts an IPv6 zone.
enum AddressByte : uint8_t { kHexDigit = 1, kAddressSeparator = 2, kZoneStart = 4 };

constexpr std::array<uint8_t, 256> kAddressBytes = [] {
  std::array<uint8_t, 256> table{};
  for (unsigned char c : std::string_view("0123456789abcdefABCDEF")) table[c] = kHexDigit;
  table['.'] = table[':'] = kAddressSeparator;
  table['%'] = kZoneStart;
  return table;
}();

/// Hex digits, '.', ':' and an optional "IPv6:" prefix or "%zone" suffix: most
/// words fail here, before the costlier parse.
bool has_address_bytes(std::string_view text) {
  if (istarts_with(text, "IPv6:")) text.remove_prefix(5);
  uint8_t seen = 0;
  size_t i = 0;
  for (; i < text.size(); ++i) {
    const uint8_t kind = kAddressBytes[static_cast<unsigned char>(text[i])];
    if ((kind & (kHexDigit | kAddressSeparator)) == 0) break;
    seen |= kind;
  }
  // Only a "%zone", which IpAddress::parse drops, may follow the address.
  if (i < text.size() && text[i] != '%') return false;
  return (seen & kAddressSeparator) != 0;
}

/// Reads an address written plainly, "IPv6:"-prefixed, with a port ("1.2.3.4:25"),
/// or inside stray parentheses ("[(1.2.3.4)]"). `bracketed` text also accepts
/// Exim 3's "1.2.3.4.port", which would be ambiguous with a version number outside
/// brackets.
std::optional<IpAddress> read_address(std::string_view text, bool bracketed) {
  while (!text.empty() && (text.front() == '(' || text.front() == ' ')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ')' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (!has_address_bytes(text)) return std::nullopt;
  if (auto address = IpAddress::parse(text)) return address;
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && count_of(text, ':') == 1 && is_digits_and_dots(text.substr(0, colon)))
    return IpAddress::parse(text.substr(0, colon));
  if (bracketed && is_digits_and_dots(text) && count_of(text, '.') == 4)
    return IpAddress::parse(text.substr(0, text.rfind('.')));
  return std::nullopt;
}

/// An address in a word: "1.2.3.4", "2001:db8::1", or "ident@1.2.3.4" (qmail,
/// Yahoo: the part before '@' is the remote user, not a host).
struct WordAddress {
  std::optional<IpAddress> address;
  bool after_ident = false;
};

WordAddress read_word_address(std::string_view word) {
  word = trim_punctuation(word);
  if (const size_t at = find_last(word, '@'); at != std::string_view::npos)
    return {read_address(word.substr(at + 1), false), true};
  return {read_address(word, false), false};
}

/// The host in "IDENT:user@host", "user@host" or "host".
std::string_view host_part(std::string_view word) {
  word = trim_punctuation(word);
  if (istarts_with(word, "IDENT:")) word.remove_prefix(6);
  if (const size_t at = find_last(word, '@'); at != std::string_view::npos) word.remove_prefix(at + 1);
  return word;
}

// ---------------------------------------------------------------------------
// The from-clause, read without interpretation

/// What the from-clause states. Which of these names is the HELO and which the
/// reverse DNS depends on the writer; see sender_helo and receiver_rdns.
struct FromFacts {
  std::string_view first;                     ///< the word or literal right after "from"
  bool first_is_literal = false;              ///< written in brackets
  std::optional<IpAddress> first_address;     ///< `first` read as an address
  std::optional<IpAddress> recorded_address;  ///< an address the receiver wrote after `first`
  bool address_after_ident = false;           ///< recorded as ident@address (qmail family)
  bool address_alone = false;                 ///< recorded as "(1.2.3.4)": qmail's form, smtpd's "name(1.2.3.4)"
  std::string_view comment_name;              ///< "(name [ip])", "(IDENT:u@name [ip])" or "(name)"
  bool comment_name_alone = false;            ///< the comment held only the name
  bool has_helo = false;                      ///< the receiver quoted the HELO explicitly
  std::string_view helo;                      ///< ... and this is it (may be empty: "(EHLO )")
  bool helo_is_literal = false;               ///< ... written in brackets ("helo=[1.2.3.4]")
  bool helo_from_command = false;             ///< quoted as "(HELO x)" (qmail family), not "helo=x"
  bool helo_from_assignment = false;          ///< quoted as "helo=x" (Exim family)
  bool local_pickup = false;                  ///< "from mail pickup service" (MS SMTPSVC)
  bool sendmail_marks = false;                ///< "(may be forged)", "IDENT:user@host"
  bool courier_marks = false;                 ///< "(AUTH: ...)", "(IDENT: user, [ip])", "softdnserr"
  bool web_client = false;                    ///< "(SquirrelMail authenticated user x)"
};

bool is_helo_command(std::string_view word) {
  return iequals(word, "HELO") || iequals(word, "EHLO") || iequals(word, "LHLO");
}

bool is_argument(const Token& token) { return token.kind == TokenKind::word || token.kind == TokenKind::literal; }

void note_helo(FromFacts& facts, std::string_view helo, bool literal = false) {
  if (facts.has_helo) return;
  facts.has_helo = true;
  facts.helo = helo;
  facts.helo_is_literal = literal;
}

/// "(HELO name)": returns the index of the last token consumed.
size_t read_helo_command(Tokens tokens, size_t at, FromFacts& facts) {
  const bool has_argument = at + 1 < tokens.size() && is_argument(tokens[at + 1]);
  note_helo(facts, has_argument ? tokens[at + 1].text() : std::string_view{},
            has_argument && tokens[at + 1].kind == TokenKind::literal);
  facts.helo_from_command = true;
  return has_argument ? at + 1 : at;
}

/// "helo=name", or "helo=" followed by a literal ("helo=[1.2.3.4]").
size_t read_helo_assignment(Tokens tokens, size_t at, FromFacts& facts) {
  std::string_view value = tokens[at].text().substr(5);
  size_t last = at;
  if (value.empty() && at + 1 < tokens.size() && tokens[at + 1].kind == TokenKind::literal) {
    value = tokens[at + 1].text();
    last = at + 1;
  }
  note_helo(facts, trim_punctuation(value), last != at);
  facts.helo_from_assignment = true;
  return last;
}

/// What one comment of the from-clause says: "(rdns [ip])", "(HELO x) (ip)",
/// "([ip] helo=x ident=y)", "(user@ip)", "(rdns)", "(account x HELO y)" ...
struct CommentFacts {
  std::optional<IpAddress> address;
  bool after_ident = false;
  bool address_alone = false;  ///< the comment held only the address, unbracketed
  std::string_view name;
  bool name_alone = false;
};

/// A name in a name's place: a host name as a server may have recorded it,
/// single labels ("localhost", "casper") included, and not an address. The flags
/// some servers write where a name would be ("(unverified [ip])") are no names.
bool is_recorded_name(std::string_view name) {
  name = trim_trailing_dots(name);
  return looks_like_host_name(name) && !iequals(name, "unverified") && !iequals(name, "verified") &&
         !read_address(name, false).has_value();
}

/// A fully qualified name: where a lone word could also be a flag ("(unverified)"),
/// only a name with a dot is taken for one.
bool is_qualified_name(std::string_view name) {
  return is_recorded_name(name) && trim_trailing_dots(name).find('.') != std::string_view::npos;
}

// A name directly before the bracketed address is the receiver's reverse lookup,
// but only in first position: in "(account seiz [ip] verified)" or
// "(IDENT: user, [ip])" the word before the address is a user.
void read_comment_literal(Tokens tokens, size_t at, CommentFacts& comment) {
  const bool named = at == 1 && (tokens[0].kind == TokenKind::word || tokens[0].kind == TokenKind::angle);
  if (named && comment.name.empty() && is_recorded_name(host_part(tokens[0].text())))
    comment.name = host_part(tokens[0].text());
  if (!comment.address) comment.address = read_address(tokens[at].text(), true);
}

void read_comment_word(const Token& token, CommentFacts& comment) {
  if (comment.address) return;
  const WordAddress found = read_word_address(token.text());
  comment.address = found.address;
  comment.after_ident = found.address && found.after_ident;
}

void merge_comment(const CommentFacts& comment, FromFacts& facts) {
  if (comment.address && !facts.recorded_address) {
    facts.recorded_address = comment.address;
    facts.address_after_ident = comment.after_ident;
    facts.address_alone = comment.address_alone;
  }
  if (!comment.name.empty() && facts.comment_name.empty()) {
    facts.comment_name = comment.name;
    facts.comment_name_alone = comment.name_alone;
  }
}

/// Sendmail writes "(rdns [ip] (may be forged))" and "(IDENT:user@rdns [ip])";
/// Courier "(AUTH: user, ...)", "(IDENT: user, [ip])" and "softdnserr".
void note_writer_marks(Tokens tokens, FromFacts& facts) {
  if (tokens.empty()) return;
  const std::string_view first = tokens[0].text();
  if (tokens[0].kind == TokenKind::word && istarts_with(first, "IDENT:"))
    (first.size() == 6 ? facts.courier_marks : facts.sendmail_marks) = true;
  if (tokens[0].kind == TokenKind::word && iequals(first, "AUTH:")) facts.courier_marks = true;
  // SquirrelMail and NaSMail: "(SquirrelMail authenticated user x)".
  if (tokens.size() >= 3 && iequals(tokens[1].text(), "authenticated") && iequals(tokens[2].text(), "user"))
    facts.web_client = true;
  for (const Token& token : tokens) {
    if (token.kind == TokenKind::comment && iequals(token.text(), "may be forged")) facts.sendmail_marks = true;
    if (token.kind == TokenKind::word && iequals(token.text(), "softdnserr")) facts.courier_marks = true;
  }
}

void read_from_comment(std::string_view inside, FromFacts& facts) {
  std::array<Token, kMaxCommentTokens> buffer;
  const Tokens tokens(buffer.data(), lex(inside, buffer).count);
  note_writer_marks(tokens, facts);
  CommentFacts comment;
  bool consumed_as_helo = false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind == TokenKind::literal) {
      read_comment_literal(tokens, i, comment);
    } else if (token.kind != TokenKind::word) {
      continue;
    } else if (is_helo_command(token.text())) {
      i = read_helo_command(tokens, i, facts);
      consumed_as_helo = true;
    } else if (istarts_with(token.text(), "helo=")) {
      i = read_helo_assignment(tokens, i, facts);
      consumed_as_helo = true;
    } else if (istarts_with(token.text(), "ident=")) {
      if (token.text().size() == 6 && i + 1 < tokens.size() && tokens[i + 1].kind == TokenKind::literal) ++i;
    } else {
      read_comment_word(token, comment);
    }
  }
  // "(scv3.apple.com)", "(user@host.example)": a lone host name is the receiver's
  // name for the client. A lone word without a dot is a flag ("(unverified)").
  if (tokens.size() == 1 && tokens[0].kind == TokenKind::word && !comment.address && !consumed_as_helo &&
      is_qualified_name(host_part(tokens[0].text()))) {
    comment.name = host_part(tokens[0].text());
    comment.name_alone = true;
  }
  comment.address_alone = tokens.size() == 1 && tokens[0].kind == TokenKind::word && comment.address && !comment.after_ident;
  merge_comment(comment, facts);
}

void read_first(const Token& token, FromFacts& facts) {
  facts.first_is_literal = token.kind == TokenKind::literal;
  facts.first = token.kind == TokenKind::word ? trim_punctuation(token.text()) : token.text();
  facts.first_address = read_address(facts.first, facts.first_is_literal);
}

/// obtuse smtpd: `from host(ip), claiming to be "helo"`.
bool read_claimed_helo(Tokens tokens, size_t at, FromFacts& facts) {
  if (at + 3 >= tokens.size() || !iequals(tokens[at].text(), "claiming") || !iequals(tokens[at + 1].text(), "to") ||
      !iequals(tokens[at + 2].text(), "be") || tokens[at + 3].kind != TokenKind::word)
    return false;
  note_helo(facts, trim_punctuation(tokens[at + 3].text()));
  return true;
}

FromFacts read_from_clause(Tokens tokens) {
  FromFacts facts;
  size_t i = 0;
  // "from ([ip])" and "from (AUTH: x)" have no first word.
  if (!tokens.empty() && tokens[0].kind != TokenKind::comment && tokens[0].kind != TokenKind::semicolon) {
    read_first(tokens[0], facts);
    i = 1;
  }
  for (; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind == TokenKind::comment) {
      read_from_comment(token.text(), facts);
    } else if (token.kind == TokenKind::literal) {
      // Exim 3 and fetchmail: "from name [ip]".
      if (!facts.recorded_address) facts.recorded_address = read_address(token.text(), true);
    } else if (token.kind == TokenKind::word) {
      if (read_claimed_helo(tokens, i, facts)) i += 3;
      if (i == 1 && iequals(facts.first, "mail") && iequals(token.text(), "pickup")) facts.local_pickup = true;
    }
  }
  return facts;
}

// ---------------------------------------------------------------------------
// The writer

enum class Dialect : uint8_t {
  postfix, sendmail, exim, qmail, courier, exchange, gmail, yahoo, smtpsvc, smtpd, paste, other
};

std::string_view dialect_name(Dialect dialect) {
  switch (dialect) {
    case Dialect::postfix: return "postfix";
    case Dialect::sendmail: return "sendmail";
    case Dialect::exim: return "exim";
    case Dialect::qmail: return "qmail";
    case Dialect::courier: return "courier";
    case Dialect::exchange: return "exchange";
    case Dialect::gmail: return "gmail";
    case Dialect::yahoo: return "yahoo";
    case Dialect::smtpsvc: return "smtpsvc";
    case Dialect::smtpd: return "smtpd";
    case Dialect::paste: return "paste";
    case Dialect::other: return "other";
  }
  return "other";
}

/// Everything the parser has read from one field before interpreting it.
struct Field {
  Tokens tokens;       ///< the whole field before the date
  Clauses clauses;
  Tokens from_tokens;  ///< the from-clause (possibly taken from a "(from ...)" comment)
  FromFacts from;
  bool id_after_date = false;  ///< Courier writes "; date id X"
};

/// "(8.11.6/8.11.6)", "(SGI-8.9.3/8.8.7)", "(8.12.11/8.12.11/Submit)": Sendmail 8
/// names its version and its configuration's.
bool looks_like_sendmail_version(std::string_view comment) {
  size_t i = 0;
  while (i < comment.size() && ((comment[i] >= 'A' && comment[i] <= 'Z') || comment[i] == '-')) ++i;
  const size_t slash = comment.find('/', i);
  if (slash == std::string_view::npos) return false;
  const std::string_view version = comment.substr(i, slash - i);
  return version.starts_with("8.") && is_digits_and_dots(version);
}

/// Exim message ids: "1GFbZc-0006QV-L8" (6-6-2) and, since 4.97, 6-11-4.
bool looks_like_exim_id(std::string_view id) {
  auto alnum_run = [&](size_t from, size_t length) {
    if (from + length > id.size()) return false;
    for (size_t i = from; i < from + length; ++i) {
      const char c = id[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
    }
    return true;
  };
  if (id.size() == 16) return alnum_run(0, 6) && id[6] == '-' && alnum_run(7, 6) && id[13] == '-' && alnum_run(14, 2);
  if (id.size() == 23) return alnum_run(0, 6) && id[6] == '-' && alnum_run(7, 11) && id[18] == '-' && alnum_run(19, 4);
  return false;
}

/// What the writer's own comments ("(Postfix)", "(Exim 4.50)", "(qmail-ldap-1.03)",
/// "(8.11.6/8.11.6)") name.
struct WriterMarks {
  bool postfix = false;
  bool exim = false;
  bool qmail = false;  ///< qmail itself or qpsmtpd, which writes qmail's form
  bool courier = false;
  bool sendmail = false;
  bool exchange = false;
  bool from_userid = false;  ///< Postfix's "(Postfix, from userid 1002)"
};

// The caller has matched the first letter; the second is checked inline because
// most words merely start with a common letter.
bool mentions_at(std::string_view text, size_t at, std::string_view needle) {
  return at + 1 < text.size() && (text[at + 1] | 0x20) == needle[1] && iequals(text.substr(at, needle.size()), needle);
}

// Notes the name that starts at `i`, if one does; its first letter picks the candidates.
void note_mark_at(std::string_view comment, size_t i, WriterMarks& marks) {
  switch (comment[i] | 0x20) {  // ASCII lowercase; other bytes match no case below
    case 'p': marks.postfix = marks.postfix || mentions_at(comment, i, "postfix"); break;
    case 'e': marks.exim = marks.exim || mentions_at(comment, i, "exim"); break;
    case 'q':
      marks.qmail = marks.qmail || mentions_at(comment, i, "qmail") || mentions_at(comment, i, "qpsmtpd");
      break;
    case 'c': marks.courier = marks.courier || mentions_at(comment, i, "courier"); break;
    case 's': marks.sendmail = marks.sendmail || mentions_at(comment, i, "sendmail"); break;
    case 'm': marks.exchange = marks.exchange || mentions_at(comment, i, "microsoft exchange"); break;
    case 'f': marks.from_userid = marks.from_userid || mentions_at(comment, i, "from userid"); break;
    default: break;
  }
}

// One bit for each of the 16 positions from `at` where the first two letters of a
// name stand (lowercased as note_mark_at does); reads the 17 bytes from `at`.
// Letter pairs are rare in TLS details and envelope addresses, single letters not.
unsigned name_starts_in(const char* at) {
  const scan::Block case_bit = scan::splat(0x20);
  const scan::Block first = scan::load(at) | case_bit;
  const scan::Block second = scan::load(at + 1) | case_bit;
  scan::Block starts{};
  for (const char* pair : {"po", "ex", "qm", "qp", "co", "se", "mi", "fr"})
    starts = starts | (scan::equal(first, pair[0]) & scan::equal(second, pair[1]));
  return scan::mask(starts);
}

// One pass per comment, sixteen positions a step while seventeen bytes remain,
// then byte by byte; only where a name's first two letters stand is it compared.
void note_marks_in(std::string_view comment, WriterMarks& marks) {
  constexpr size_t kBlock = 16;
  size_t i = 0;
  for (; i + kBlock + 1 <= comment.size(); i += kBlock)
    for (unsigned found = name_starts_in(comment.data() + i); found != 0; found &= found - 1)
      note_mark_at(comment, i + static_cast<size_t>(__builtin_ctz(found)), marks);
  for (; i < comment.size(); ++i) note_mark_at(comment, i, marks);
}

// The software is named after "by" ("by host (Postfix)") or after "with" ("with
// esmtp (Exim 4.50)"); other comments (TLS details, envelope-from) are not read.
WriterMarks read_writer_marks(const Clauses& clauses) {
  WriterMarks marks;
  for (const Clause* clause : {&clauses.by, &clauses.with}) {
    for (const Token& token : clause->tokens) {
      if (token.kind != TokenKind::comment) continue;
      note_marks_in(token.text(), marks);
      if (clause == &clauses.by && looks_like_sendmail_version(token.text())) marks.sendmail = true;
    }
  }
  return marks;
}

/// The words of the with-clause: "Microsoft SMTPSVC(6.0...)", "Microsoft SMTP Server".
bool with_clause_says(const Field& field, std::string_view first, std::string_view second) {
  const Tokens words = field.clauses.with.tokens;
  if (words.empty() || !istarts_with(words[0].text(), first)) return false;
  if (second.empty()) return true;
  return words.size() > 1 && words[1].kind == TokenKind::word && istarts_with(words[1].text(), second);
}

std::string_view by_host(const Field& field) {
  const Token* value = field.clauses.by.value();
  return value ? trim_trailing_dots(trim_punctuation(value->text())) : std::string_view{};
}

bool is_microsoft(const Field& field, const WriterMarks& marks) {
  // Outlook.com's internal hops say only "with HTTPS" or "with mapi".
  return with_clause_says(field, "Microsoft", "SMTP") || with_clause_says(field, "mapi", "") || marks.exchange ||
         iends_with(by_host(field), ".outlook.com");
}

bool is_exim(const Field& field, const WriterMarks& marks) {
  const Token* id = field.clauses.id.value();
  return marks.exim || (id && looks_like_exim_id(id->text())) || field.from.helo_from_assignment;
}

bool is_gmail(const Field& field) {
  const std::string_view by = by_host(field);
  return iends_with(by, "google.com") || iends_with(by, "gmail.com") ||
         (!field.clauses.from.present && read_address(by, true).has_value());
}

bool is_yahoo(const Field& field) {
  const std::string_view by = by_host(field);
  return icontains(by, ".yahoo.") || with_clause_says(field, "NNFMP", "");
}

/// qmail-smtpd writes "from rdns (HELO x) (ident@ip) by host with SMTP" and leaves
/// out what it lacks; "from name (ip) by host with SMTP" (or QMQP), with no id, is
/// what remains when the HELO equalled the name and there was no ident.
bool has_qmail_shape(const Field& field) {
  const Token* with = field.clauses.with.value();
  return field.from.address_alone && !field.clauses.id.present && with && field.clauses.with.tokens.size() == 1 &&
         (iequals(with->text(), "SMTP") || iequals(with->text(), "QMQP"));
}

/// The TIS firewall toolkit's smtpd: "from name(ip) via SMTP by host, id smtpdX".
bool is_smtpd(const Field& field) {
  const Token* via = field.clauses.via.value();
  return via && iequals(via->text(), "SMTP") && field.from.address_alone;
}

bool is_qmail_family(const Field& field, const WriterMarks& marks) {
  return marks.qmail || with_clause_says(field, "qmail-scanner", "") || has_qmail_shape(field) ||
         field.from.helo_from_command ||
         field.from.address_after_ident;
}

// Order matters: the strongest, software-named marks first; shapes shared by
// several writers ("(HELO x)") last.
Dialect guess_dialect(const Field& field, const WriterMarks& marks) {
  if (with_clause_says(field, "Microsoft", "SMTPSVC") || field.from.local_pickup) return Dialect::smtpsvc;
  if (is_microsoft(field, marks)) return Dialect::exchange;
  if (marks.postfix) return Dialect::postfix;
  if (is_exim(field, marks)) return Dialect::exim;
  if (marks.sendmail || field.from.sendmail_marks) return Dialect::sendmail;
  if (marks.courier || field.from.courier_marks || field.id_after_date) return Dialect::courier;
  if (is_gmail(field)) return Dialect::gmail;
  if (is_yahoo(field)) return Dialect::yahoo;
  if (is_qmail_family(field, marks)) return Dialect::qmail;
  if (is_smtpd(field)) return Dialect::smtpd;
  return Dialect::other;
}

/// The label: a line without a "by" part is a truncated paste whatever its shape
/// (the writer guess still decides how its from-clause is read).
std::string_view dialect_label(const Field& field, Dialect writer) {
  return field.clauses.by.present ? dialect_name(writer) : dialect_name(Dialect::paste);
}

// ---------------------------------------------------------------------------
// Interpretation

/// The conventional "no name" markers in a name's place: Postfix's and qmail's
/// "unknown", Courier's "softdnserr". Any other name is reported as recorded,
/// "localhost" included; which names become graph entities is the graph's choice.
bool is_placeholder_name(std::string_view name) {
  return iequals(name, "unknown") || iequals(name, "softdnserr");
}

/// Web-mail submissions ("from ip (SquirrelMail authenticated user x) by host with
/// HTTP", "by host (via HTTP)") carry no HELO: the client spoke HTTP. Outlook.com's
/// internal "with HTTPS" hops are Exchange's and read as Exchange's.
bool is_web_submission(const Field& field, Dialect dialect) {
  if (dialect == Dialect::exchange) return false;
  if (field.from.web_client) return true;
  if (const Token* with = field.clauses.with.value(); with && istarts_with(with->text(), "HTTP")) return true;
  if (const Token* via = field.clauses.via.value(); via && istarts_with(via->text(), "HTTP")) return true;
  for (const Clause* clause : {&field.clauses.by, &field.clauses.with})
    for (const Token& token : clause->tokens)
      if (token.kind == TokenKind::comment && istarts_with(token.text(), "via HTTP")) return true;
  return false;
}

/// Whether the client spoke SMTP or LMTP, so that it said HELO, EHLO or LHLO: the
/// protocol says so ("ESMTPS", "Microsoft SMTP Server"), or is not named.
/// Yahoo's internal "with NNFMP" has no HELO.
bool speaks_smtp(const Clauses& clauses) {
  const Token* with = clauses.with.value();
  return !with || icontains(with->text(), "SMTP") || icontains(with->text(), "LMTP");
}

/// The name the sender gave in HELO/EHLO. A bracketed address literal ("[1.2.3.4]")
/// is reported with its brackets, by interpret_from.
std::string_view sender_helo(const FromFacts& from, Dialect dialect, bool web, bool smtp) {
  if (web) return {};
  if (from.has_helo) return from.helo;
  // Exim 3 writes "from rdns (helo) [ip]".
  if (dialect == Dialect::exim && from.comment_name_alone) return from.comment_name;
  if (from.local_pickup) return {};
  // smtpd's "from name(ip) via SMTP" names the client by its reverse lookup only.
  if (dialect == Dialect::smtpd) return {};
  // Exim's "from <login> by ..." names the local user (sender_ident), not a host,
  // and its "from [ip]" a client with no name.
  if (dialect == Dialect::exim && ((!from.recorded_address && !from.first_address) || from.first_is_literal))
    return {};
  // "from user@host by ...": a local user or envelope sender (AOL, Juno, Sendmail).
  if (from.first.find('@') != std::string_view::npos) return {};
  // "from [ip] by ..." is the EHLO argument when the client spoke SMTP; a bare
  // "from ip by ..." is only the client.
  if (from.first_address && !from.recorded_address && (!from.first_is_literal || !smtp)) return {};
  // Postfix writes "unknown" when the client sent no HELO at all.
  if (iequals(from.first, "unknown")) return {};
  return from.first;
}

/// Exim, qmail and their kin write the receiver's name for the client first and
/// quote the HELO separately (omitting it when equal); so does smtpd, which never
/// quotes it.
bool first_is_receivers_name(const FromFacts& from, Dialect dialect) {
  const bool writer_puts_rdns_first = dialect == Dialect::exim || from.has_helo || from.address_after_ident ||
                                      ((dialect == Dialect::qmail || dialect == Dialect::smtpd) && from.address_alone);
  // Inferred from the shape alone, so a single label ("itrqtnlnq", which Yahoo's
  // "(user@ip with login)" form puts there) counts only as "localhost".
  return writer_puts_rdns_first && from.recorded_address && !from.first_is_literal &&
         (is_qualified_name(from.first) || iequals(from.first, "localhost")) && !is_placeholder_name(from.first);
}

/// The reverse-DNS name the receiver recorded.
std::string_view receiver_rdns(const FromFacts& from, Dialect dialect, bool web) {
  const bool comment_is_helo = dialect == Dialect::exim && from.comment_name_alone;
  if (!from.comment_name.empty() && !comment_is_helo)
    return is_placeholder_name(trim_trailing_dots(from.comment_name)) ? std::string_view{} : from.comment_name;
  // A web submission's first word is the client's as the web application saw it:
  // a host, an address or an account ("from MjA3NDc4Mg (unknown) ... with HTTP").
  if (web) return {};
  return first_is_receivers_name(from, dialect) ? from.first : std::string_view{};
}

// Masked parts ("********") and over-long junk are not names; leave the field empty.
void assign_host(std::string& out, std::string_view text) {
  text = trim_trailing_dots(trim_punctuation(text));
  if (text.size() > kMaxHostLength || text.find('*') != std::string_view::npos) return;
  out.assign(text);
}

// A name with a control byte in it is unreadable: whatever part of it were kept
// would be the sender's choice. Left empty, and `part` marked in hop.unreadable.
bool readable(Hop& hop, std::string_view text, HopPart part) {
  if (!holds_control_byte(text)) return true;
  hop.unreadable |= part;
  return false;
}

// "**": how a writer masks part of a value.
bool has_double_star(std::string_view text) {
  for (size_t star = text.find('*'); star != std::string_view::npos; star = text.find('*', star + 1))
    if (star + 1 < text.size() && text[star + 1] == '*') return true;
  return false;
}

void assign_field(std::string& out, std::string_view text) {
  text = trim_punctuation(text);
  if (text.size() > kMaxFieldLength || has_double_star(text)) return;
  out.assign(text);
}

/// "ESMTP/TLS/DHE-RSA-..." -> "ESMTP"; "Microsoft SMTPSVC(6.0)" -> "Microsoft SMTPSVC";
/// "Microsoft SMTP Server" as it is.
void assign_protocol(std::string& out, const Clause& with) {
  const Token* value = with.value();
  if (!value) return;
  auto protocol_word = [](std::string_view word) { return word.substr(0, word.find('/')); };
  assign_field(out, value->kind == TokenKind::word ? protocol_word(value->text()) : value->text());
  if (!iequals(out, "Microsoft")) return;
  for (size_t i = 1; i < with.tokens.size() && i < 3 && with.tokens[i].kind == TokenKind::word; ++i) {
    out += ' ';
    out += protocol_word(with.tokens[i].text());
  }
}

void assign_clause_text(std::string& out, const Clause& clause) {
  if (const Token* value = clause.value()) assign_field(out, value->text());
}

// The envelope recipient: an address, so unreadable with a control byte.
void assign_for(const Clause& for_, Hop& hop) {
  if (const Token* value = for_.value(); value && readable(hop, value->text(), kHopFor))
    assign_field(hop.for_addr, value->text());
}

/// Courier writes "; date id X", and some writers "; date for <x>". `after` holds
/// room for the tokens the field's buffer has left after the date's ';'.
void read_after_date(std::string_view date_text, std::span<Token> after, Hop& hop, bool& id_after_date) {
  // Only the words "id" and "for" matter here: a date without them is not lexed.
  if (after.empty() || !holds_id_or_for(date_text)) return;
  const Clauses clauses = split_clauses(Tokens(after.data(), lex(date_text, after).count));
  if (hop.id.empty() && clauses.id.value()) {
    assign_clause_text(hop.id, clauses.id);
    id_after_date = true;
  }
  if (hop.for_addr.empty() && !(hop.unreadable & kHopFor)) assign_for(clauses.for_, hop);
}

bool is_weekday(std::string_view word) {
  static constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  for (std::string_view weekday : kWeekdays)
    if (iequals(word, weekday)) return true;
  return false;
}

/// "2021-07-07", the start of an ISO 8601 time stamp.
bool is_iso_date(std::string_view word) {
  if (word.size() < 10 || word[4] != '-' || word[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (word[i] < '0' || word[i] > '9') return false;
  return true;
}

/// Some writers forget the ';' ("id BQB0hUH2 Thu, 20 Feb 2003 16:13:20 -0700",
/// SendGrid's "id X 2021-07-07 12:44:41.739 +0000 UTC"): the date then starts at the
/// weekday or the ISO date.
std::optional<ZonedTime> date_without_separator(std::string_view text, Tokens tokens) {
  for (const Token& token : tokens)
    if (token.kind == TokenKind::word && (is_weekday(token.text()) || is_iso_date(token.text())))
      return parse_mail_date(text.substr(static_cast<size_t>(token.text().data() - text.data())));
  return std::nullopt;
}

/// "(qmail 1234 invoked by uid 0)", "(qmail 1234 invoked from network)": a note by
/// qmail-inject or qmail-smtpd, not a hop between hosts.
bool is_qmail_note(Tokens tokens) {
  return !tokens.empty() && tokens[0].kind == TokenKind::comment && istarts_with(tokens[0].text(), "qmail") &&
         icontains(tokens[0].text(), "invoked");
}

/// Local submissions have no network sender: Postfix's "(Postfix, from userid 1002)",
/// MS "mail pickup service", Exim's "with local", "with local-esmtp", a user instead
/// of a host ("(from root@localhost)", qmail-scanner's "from sender@domain"), and
/// qmail-scanner's "with qmail-scanner-1.24", which restates the hand-over below it.
bool is_local_submission(const Field& field, const WriterMarks& marks, const Hop& hop) {
  const FromFacts& from = field.from;
  const bool from_a_user =
      from.first.find('@') != std::string_view::npos && !from.recorded_address && !from.first_address;
  return from.local_pickup || from_a_user || istarts_with(hop.with, "local") ||
         istarts_with(hop.with, "qmail-scanner") || (!field.clauses.from.present && marks.from_userid);
}

void interpret_from(const FromFacts& from, Dialect dialect, bool web, bool smtp, Hop& hop) {
  hop.from_ip = from.recorded_address ? from.recorded_address : from.first_address;
  const std::string_view helo = sender_helo(from, dialect, web, smtp);
  if (readable(hop, helo, kHopHelo)) {
    // An address literal stays recognisable as one: a bare-address HELO is itself a signal.
    const bool literal = !helo.empty() && (from.has_helo ? from.helo_is_literal
                                                         : from.first_is_literal && helo.data() == from.first.data());
    if (literal && helo.size() <= kMaxHostLength && helo.find('*') == std::string_view::npos) {
      hop.from_helo.assign(1, '[');
      hop.from_helo.append(helo);
      hop.from_helo.push_back(']');
    } else if (!literal) {
      assign_host(hop.from_helo, helo);
    }
  }
  const std::string_view rdns = receiver_rdns(from, dialect, web);
  if (readable(hop, rdns, kHopRdns)) assign_host(hop.from_rdns, rdns);
}

/// The envelope sender a receiving server noted in a comment: Exim's and
/// Sendmail's "(envelope-from <user@domain>)", qmail-ldap's "(envelope-sender <x>)".
/// The null sender "<>" leaves it empty.
void read_envelope_from(Tokens tokens, Hop& hop) {
  for (const Token& token : tokens) {
    if (token.kind != TokenKind::comment || token.size < 14 || (token.text()[0] | 0x20) != 'e') continue;
    std::string_view text = token.text();
    if (istarts_with(text, "envelope-from")) {
      text.remove_prefix(13);
    } else if (istarts_with(text, "envelope-sender")) {
      text.remove_prefix(15);
    } else {
      continue;
    }
    if (text.empty() || !(text[0] == ' ' || text[0] == '=' || text[0] == ':' || text[0] == '<')) continue;
    std::array<Token, 4> inner;
    const Tokens words(inner.data(), lex(text.substr(text[0] == '<' ? 0 : 1), inner).count);
    if (words.empty() || (words[0].kind != TokenKind::word && words[0].kind != TokenKind::angle)) continue;
    const std::string_view address = words[0].text();
    if (address.find('@') == std::string_view::npos) continue;  // "<>" or a local name
    if (readable(hop, address, kHopEnvelopeFrom)) assign_field(hop.envelope_from, address);
    return;
  }
}

/// Sendmail and Postfix on FreeBSD write "; date (envelope-from x)".
void read_envelope_from_after_date(std::string_view date_text, Hop& hop) {
  if (!icontains(date_text, "envelope-")) return;
  std::array<Token, 16> buffer;
  read_envelope_from(Tokens(buffer.data(), lex(date_text, buffer).count), hop);
}

/// A mailbox pickup: fetchmail's and getmail's "by localhost with POP3" or "with
/// IMAP". The mail was fetched from the user's own mailbox and re-injected; the
/// hops below it are the mailbox provider's.
bool is_mailbox_pickup(const Clauses& clauses) {
  const Token* with = clauses.with.value();
  return with && with->kind == TokenKind::word && (istarts_with(with->text(), "POP") || istarts_with(with->text(), "IMAP"));
}

bool read_anything(const Field& field, const Hop& hop) {
  return !hop.from_helo.empty() || !hop.from_rdns.empty() || hop.from_ip || !hop.by.empty() ||
         (field.clauses.from.present && !field.from.first.empty());
}

/// The field cut at the ';' that introduces the date.
struct DateSplit {
  Tokens body;                 ///< the tokens before the ';' (all of them when there is none)
  std::string_view date_text;  ///< the text after it
  std::span<Token> after;      ///< the buffer's room for the tokens after it (empty: not to be read)
  bool found = false;
};

size_t offset_in(std::string_view text, const Token& token) {
  return static_cast<size_t>(token.text().data() - text.data());
}

/// Cuts the field at the last ';' outside comments. Usually that is the last ';'
/// of the text, and lexing the text before it meets nothing that would read on
/// past it (an unclosed comment or bracket): the tokens are then those of the
/// whole field, and the date is not lexed at all. Otherwise the whole field is
/// lexed, and two rarer cases look at the text itself: tokens beyond the buffer
/// (the ';' is in the part not lexed), and an unclosed comment that ran to the end
/// and swallowed the ';' (a truncated "(host [ip] by x; date"), which is cut there
/// and lexed again.
DateSplit split_at_date(std::string_view text, std::span<Token> buffer) {
  const size_t last = find_last(text, ';');
  if (last != std::string_view::npos) {
    const std::span<Token> before = buffer.first(buffer.size() - 1);  // room for the ';' token
    const Lexed body = lex(text.substr(0, last), before);
    if (body.consumed == last && !body.unclosed)
      return {Tokens(buffer.data(), body.count), text.substr(last + 1), buffer.subspan(body.count + 1), true};
  }
  const Lexed lexed = lex(text, buffer);
  const Tokens tokens(buffer.data(), lexed.count);
  if (last != std::string_view::npos && last >= lexed.consumed) return {tokens, text.substr(last + 1), {}, true};
  for (size_t i = tokens.size(); i-- > 0;) {
    if (tokens[i].kind == TokenKind::semicolon) {
      // The tokens after it are lexed again when wanted, into the same place.
      return {tokens.first(i), text.substr(offset_in(text, tokens[i]) + 1), buffer.subspan(i + 1), true};
    }
  }
  if (last == std::string_view::npos) return {tokens, {}, {}, false};
  if (!tokens.empty() && is_unclosed_comment(tokens.back(), text)) {
    const Tokens cut(buffer.data(), lex(text.substr(0, last), buffer).count);
    return {cut, text.substr(last + 1), {}, true};
  }
  return {tokens, {}, {}, false};
}

/// Finds the from-clause: after "from", or inside a leading "(from host [ip])"
/// comment (NAVGW, Sendmail -bs), whose tokens then live in `wrapped`.
void locate_from_clause(Field& field, std::span<Token> wrapped) {
  Clause& from = field.clauses.from;
  if (!from.present && !field.tokens.empty() && field.tokens[0].kind == TokenKind::comment &&
      istarts_with(field.tokens[0].text(), "from ")) {
    const Tokens inner(wrapped.data(), lex(field.tokens[0].text(), wrapped).count);
    from = {true, inner.subspan(1)};
  }
  field.from_tokens = from.tokens;
}

/// "id 846CF2117for  <x@y>": a writer dropped the blank before "for".
void split_glued_for(const Clause& id, Hop& hop) {
  if (!hop.for_addr.empty() || hop.id.size() <= 3 || !iends_with(hop.id, "for") || id.tokens.size() < 2 ||
      id.tokens[1].kind != TokenKind::angle)
    return;
  hop.id.resize(hop.id.size() - 3);
  if (readable(hop, id.tokens[1].text(), kHopFor)) assign_field(hop.for_addr, id.tokens[1].text());
}

void read_clause_values(const Clauses& clauses, Hop& hop) {
  if (const Token* by = clauses.by.value(); by && readable(hop, by->text(), kHopBy)) assign_host(hop.by, by->text());
  assign_protocol(hop.with, clauses.with);
  assign_clause_text(hop.id, clauses.id);
  assign_for(clauses.for_, hop);
  split_glued_for(clauses.id, hop);
}

// Every field back to what a new Hop holds, the strings keeping their capacity.
// A field added to Hop must be reset here as well.
void reset_keeping_capacity(Hop& hop) {
  hop.raw.clear();
  hop.from_helo.clear();
  hop.from_rdns.clear();
  hop.from_ip.reset();
  hop.by.clear();
  hop.with.clear();
  hop.id.clear();
  hop.for_addr.clear();
  hop.envelope_from.clear();
  hop.date.reset();
  hop.dialect.clear();
  hop.parsed = true;
  hop.is_hop = true;
  hop.pickup = false;
  hop.trusted = false;
  hop.unreadable = 0;
}

// Parses the value already in hop.raw into the rest of `hop`, which
// reset_keeping_capacity has emptied.
void parse_raw(Hop& hop) {
  const std::string_view text = std::string_view(hop.raw).substr(0, kMaxParsedBytes);

  std::array<Token, kMaxTokens> buffer;
  const DateSplit split = split_at_date(text, buffer);
  Field field;
  field.tokens = split.body;
  field.clauses = split_clauses(field.tokens);
  read_clause_values(field.clauses, hop);
  if (split.found) {
    hop.date = parse_mail_date(split.date_text);
    read_after_date(split.date_text, split.after, hop, field.id_after_date);
  } else {
    hop.date = date_without_separator(text, field.tokens);
  }

  if (is_qmail_note(field.tokens)) {
    hop.dialect = "qmail";
    hop.is_hop = false;
    return;
  }

  std::array<Token, kMaxCommentTokens> wrapped;
  locate_from_clause(field, wrapped);
  field.from = read_from_clause(field.from_tokens);

  const WriterMarks marks = read_writer_marks(field.clauses);
  const Dialect dialect = guess_dialect(field, marks);
  interpret_from(field.from, dialect, is_web_submission(field, dialect), speaks_smtp(field.clauses), hop);
  read_envelope_from(field.tokens, hop);
  if (split.found && hop.envelope_from.empty()) read_envelope_from_after_date(split.date_text, hop);
  hop.pickup = is_mailbox_pickup(field.clauses);
  hop.is_hop = !hop.pickup && !is_local_submission(field, marks, hop);
  hop.parsed = read_anything(field, hop);
  hop.dialect = hop.parsed ? dialect_label(field, dialect) : "unparsed";
}

}  // namespace

Hop parse_received(std::string_view value) {
  Hop hop;
  parse_received(value, hop);
  return hop;
}

void parse_received(std::string_view value, Hop& hop) {
  reset_keeping_capacity(hop);
  hop.raw.assign(value);
  parse_raw(hop);
}

void parse_received_field(std::string_view raw_value, Hop& hop) {
  reset_keeping_capacity(hop);
  unfold_into(raw_value, hop.raw);
  parse_raw(hop);
}

}  // namespace sg
