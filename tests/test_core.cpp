#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <libpsl.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/as_number.h"
#include "core/ascii.h"
#include "core/domain.h"
#include "core/hash.h"
#include "core/ip.h"
#include "core/time.h"
#include "tests/into_results.h"

using namespace sg;

TEST_CASE("IPv4 and IPv6 parse and print canonically") {
  CHECK(IpAddress::parse("103.244.54.137")->to_string() == "103.244.54.137");
  CHECK(IpAddress::parse("IPv6:2001:DB8:0:0:1:0:0:1")->to_string() == "2001:db8::1:0:0:1");
  CHECK(IpAddress::parse("2001:db8:0:1:1:1:1:1")->to_string() == "2001:db8:0:1:1:1:1:1");  // RFC 5952 4.2.2
  CHECK(IpAddress::parse("fe80::1%eth0")->to_string() == "fe80::1");
  std::string appended = "before ";
  for (const char* text : {"103.244.54.137", "2001:db8::1:0:0:1", "::ffff:114.113.195.11", "::1", "0.0.0.0"}) {
    const std::optional<IpAddress> ip = IpAddress::parse(text);
    REQUIRE(ip);
    const size_t start = appended.size();
    ip->append_to(appended);
    CHECK(appended.substr(start) == ip->to_string());
    appended += ' ';
  }
  CHECK(appended == "before 103.244.54.137 2001:db8::1:0:0:1 114.113.195.11 ::1 0.0.0.0 ");
  auto mapped = IpAddress::parse("::ffff:114.113.195.11");
  REQUIRE(mapped);
  CHECK(mapped->is_v4());
  CHECK(mapped->to_string() == "114.113.195.11");
  CHECK(*mapped == *IpAddress::parse("114.113.195.11"));
  CHECK_FALSE(IpAddress::parse("256.1.1.1"));
  CHECK_FALSE(IpAddress::parse("1.2.3"));
  CHECK_FALSE(IpAddress::parse(""));
  CHECK_FALSE(IpAddress::parse("re27.leadw.link"));
  CHECK_FALSE(IpAddress::parse(std::string(100, '1')));
  CHECK_FALSE(IpAddress::parse(std::string_view("1.2.3.4\0junk", 12)));
}

TEST_CASE("IPv6 text is what glibc's inet_ntop writes, for every shape of zero run") {
  // Each 16-bit group is zero, one, 0xffff or a larger value; all 4^8 patterns cover
  // every run of zeros, ties between runs and the embedded IPv4 forms.
  static constexpr uint16_t kValues[] = {0, 1, 0xffff, 0x0db8};
  for (int pattern = 0; pattern < 1 << 16; ++pattern) {
    std::array<uint8_t, 16> bytes{};
    for (int group = 0; group < 8; ++group) {
      const uint16_t value = kValues[(pattern >> (2 * group)) & 3];
      bytes[2 * group] = static_cast<uint8_t>(value >> 8);
      bytes[2 * group + 1] = static_cast<uint8_t>(value & 0xff);
    }
    char expected[INET6_ADDRSTRLEN];
    REQUIRE(inet_ntop(AF_INET6, bytes.data(), expected, sizeof expected) != nullptr);
    const IpAddress address = IpAddress::v6(bytes);
    if (address.is_v4()) continue;  // IPv4-mapped: stored and printed as IPv4
    INFO("pattern " << pattern);
    REQUIRE(address.to_string() == expected);
  }
}

TEST_CASE("dotted quads are read exactly as glibc's inet_pton reads them") {
  // Short strings of digits and dots (and one other byte), random but reproducible.
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1103515245u + 12345u, state >> 16; };
  static constexpr char kBytes[] = "0123456789..0125x";
  int accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string text;
    if (round % 2 == 0) {  // any short string of these bytes
      const size_t length = 1 + next() % 16;
      for (size_t i = 0; i < length; ++i) text.push_back(kBytes[next() % (sizeof kBytes - 1)]);
    } else {  // four parts of one to three digits, one byte sometimes changed
      for (int part = 0; part < 4; ++part) {
        if (part > 0) text.push_back('.');
        for (unsigned digits = 1 + next() % 3; digits > 0; --digits) text.push_back(static_cast<char>('0' + next() % 10));
      }
      if (next() % 4 == 0) text[next() % text.size()] = kBytes[next() % (sizeof kBytes - 1)];
    }
    in_addr expected{};
    const bool glibc = inet_pton(AF_INET, text.c_str(), &expected) == 1;
    const auto ours = IpAddress::parse(text);
    INFO(text);
    REQUIRE(ours.has_value() == glibc);
    if (!glibc) continue;
    ++accepted;
    REQUIRE(ours->is_v4());
    REQUIRE(std::memcmp(ours->bytes().data(), &expected, 4) == 0);
  }
  CHECK(accepted > 10000);  // the comparison saw valid addresses, not only junk
}

TEST_CASE("private and public addresses") {
  CHECK(IpAddress::parse("10.56.145.42")->is_private());
  CHECK(IpAddress::parse("192.168.1.1")->is_private());
  CHECK(IpAddress::parse("127.0.0.1")->is_private());
  CHECK(IpAddress::parse("::1")->is_private());
  CHECK(IpAddress::parse("fd00::5")->is_private());
  CHECK_FALSE(IpAddress::parse("103.244.54.137")->is_private());
  CHECK_FALSE(IpAddress::parse("192.0.2.10")->is_private());  // documentation ranges stand in for real ones
  CHECK_FALSE(IpAddress::parse("2603:10b6:a03:2b0::19")->is_private());
}

TEST_CASE("prefixes contain what they should") {
  auto prefix = IpPrefix::parse("114.113.195.77/24");
  REQUIRE(prefix);
  CHECK(prefix->to_string() == "114.113.195.0/24");
  CHECK(prefix->contains(*IpAddress::parse("114.113.195.101")));
  CHECK_FALSE(prefix->contains(*IpAddress::parse("114.113.196.1")));
  CHECK_FALSE(prefix->contains(*IpAddress::parse("2001:db8::1")));
  auto v6 = IpPrefix::parse("2001:db8::/33");
  REQUIRE(v6);
  CHECK(v6->contains(*IpAddress::parse("2001:db8:7fff::1")));
  CHECK_FALSE(v6->contains(*IpAddress::parse("2001:db8:8000::1")));
  CHECK(IpPrefix::parse("::ffff:10.0.0.0/104")->to_string() == "10.0.0.0/8");
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/33"));
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/"));
}

TEST_CASE("domain names are normalised to lowercase A-labels") {
  CHECK(into::domain("Static-IP.137.54.244.103.rev.I4HK.com.") == "static-ip.137.54.244.103.rev.i4hk.com");
  CHECK(into::domain("bücher.example") == "xn--bcher-kva.example");
  CHECK(into::domain("例え.jp") == "xn--r8jz45g.jp");
  CHECK_FALSE(into::domain("localhost"));
  CHECK(into::host_name("localhost") == "localhost");
  CHECK_FALSE(into::domain("103.244.54.137"));
  CHECK_FALSE(into::domain("a..b"));
  CHECK_FALSE(into::domain(std::string(70, 'a') + ".com"));
  CHECK_FALSE(into::domain("bad domain.com"));
  CHECK_FALSE(into::domain("********"));
}

TEST_CASE("registrable domains come from the public suffix list") {
  CHECK(registrable_domain("re27.leadw.link") == "leadw.link");
  CHECK(registrable_domain("static-ip.137.54.244.103.rev.i4hk.com") == "i4hk.com");
  CHECK(registrable_domain("mail.example.co.jp") == "example.co.jp");
  CHECK(registrable_domain("kldoqzn6x62p3.top") == "kldoqzn6x62p3.top");
}

TEST_CASE("listed public suffixes: real top-level labels in either form, not made-up ones") {
  CHECK(is_listed_public_suffix("com"));
  CHECK(is_listed_public_suffix("co.uk"));
  CHECK(is_listed_public_suffix("xn--fiqs8s"));  // 中国
  CHECK_FALSE(is_listed_public_suffix("xn--r8jz45g"));  // 例え: no suffix, though the '*' rule would call it one
  CHECK_FALSE(is_listed_public_suffix("invalidtld"));
  CHECK_FALSE(is_listed_public_suffix(std::string("com\0x", 5)));  // not read up to the NUL
}

TEST_CASE("domains for display: A-labels shown in Unicode, the rest as they are") {
  CHECK(domain_for_display("xn--bcher-kva.de") == "bücher.de");
  CHECK(domain_for_display("www.xn--r8jz45g.jp") == "www.例え.jp");
  CHECK(domain_for_display("example.com") == "example.com");
  CHECK(domain_for_display("xn--99999999999.example") == "xn--99999999999.example");  // no punycode
  // A label that decodes to what IDNA refuses (a lone ZERO WIDTH JOINER, an
  // invisible name) is shown as stored.
  CHECK(domain_for_display("xn--1ug.example") == "xn--1ug.example");
  CHECK(domain_for_display(std::string("xn--bcher-kva.de\0x", 18)) == std::string("xn--bcher-kva.de\0x", 18));
}

TEST_CASE("registrable domains agree with libpsl's own answer, rules with wildcards and exceptions included") {
  // registrable_domain, with and without a cache of suffixes, must give what
  // psl_registrable_domain gives.
  PublicSuffixCache cache;
  const char* names[] = {"forgot.his.name", "x.forgot.his.name", "his.name", "a.his.name", "www.city.kawasaki.jp",
                         "city.kawasaki.jp", "a.b.kawasaki.jp", "b.kawasaki.jp", "kawasaki.jp", "jp", "com",
                         "sj2pr79mb8636.namprd13.prod.outlook.com", "mw4pr04ca1022.namprd13.prod.outlook.com",
                         "a.b.c.d.e.f.example.co.uk", "co.uk", "foo.blogspot.com", "x.foo.blogspot.com",
                         "ec2-1-2-3-4.compute-1.amazonaws.com", "x.s3.amazonaws.com", "unknown-tld-name.invalidtld",
                         "a.unknown-tld-name.invalidtld", "xn--r8jz45g.jp", "www.xn--r8jz45g.xn--wgv71a"};
  for (int round = 0; round < 2; ++round) {  // the second round answers from the cache
    for (const char* name : names) {
      const char* expected = psl_registrable_domain(psl_builtin(), name);
      CAPTURE(name);
      CHECK(registrable_domain(name, &cache) == std::string(expected ? expected : name));
      CHECK(registrable_domain(name) == std::string(expected ? expected : name));
    }
  }
}

TEST_CASE("registrable domains stay right when the suffix cache overflows and slots are taken over") {
  // Far more distinct suffixes than the cache holds, asked twice in an order
  // that makes names share slots, plus a name longer than any slot keeps.
  PublicSuffixCache cache;
  const char* tails[] = {"com", "co.jp", "kawasaki.jp", "his.name", "blogspot.com", "invalidtld", "s3.amazonaws.com"};
  std::vector<std::string> names;
  for (int i = 0; i < 6000; ++i)
    names.push_back("h" + std::to_string(i % 97) + ".n" + std::to_string(i) + "." + tails[i % std::size(tails)]);
  names.push_back(std::string(300, 'x') + ".example.com");
  for (int round = 0; round < 2; ++round) {
    for (size_t k = 0; k < names.size(); ++k) {
      const std::string& name = names[round == 0 ? k : names.size() - 1 - k];
      const char* expected = psl_registrable_domain(psl_builtin(), name.c_str());
      CAPTURE(name);
      CHECK(registrable_domain(name, &cache) == std::string(expected ? expected : name));
    }
  }
}

TEST_CASE("mail dates in their many forms") {
  auto utc = [](const char* text) {
    auto parsed = parse_mail_date(text);
    return parsed ? format_iso8601(parsed->utc) : std::string("none");
  };
  CHECK(utc("Tue, 29 Aug 2023 16:20:12 +0000") == "2023-08-29T16:20:12Z");
  CHECK(utc("Tue, 29 Aug 2023 09:20:10 -0700 (PDT)") == "2023-08-29T16:20:10Z");
  CHECK(utc("02 Sep 2023 04:24:06 +0200") == "2023-09-02T02:24:06Z");
  CHECK(utc("Sat, 2 Sep 2023 02:04:03 +0200") == "2023-09-02T00:04:03Z");
  CHECK(utc("29 Aug 23 16:20 GMT") == "2023-08-29T16:20:00Z");
  CHECK(utc("Thu, 1 Jan 2004 09:00:00 JST") == "2004-01-01T00:00:00Z");
  CHECK(utc("Tue Aug 29 16:20:12 2023") == "2023-08-29T16:20:12Z");
  CHECK(utc("2023-09-02T04:24:06Z") == "2023-09-02T04:24:06Z");
  CHECK(utc("") == "none");
  CHECK(utc("not a date at all") == "none");
  CHECK(utc("32 Foo 2023 99:99:99") == "none");
  // The common form is read by a fast path; these edges must read as the general reader reads them.
  CHECK(utc("  Wed, 11 Oct 0023 05:28:01 +0900") == "2023-10-10T20:28:01Z");  // "0023" is 2023
  CHECK(utc("sat, 2 SEP 2023 02:04:03 -0000 (UTC)") == "2023-09-02T02:04:03Z");
  CHECK(utc("Sat, 2 Sep 2023 02:04:03 +1900") == "2023-09-02T02:04:03Z");  // no such zone: UTC
  CHECK(utc("Sat, 2 Sep 2023 02:04:03 +0200 12:00") == "2023-09-02T10:00:03Z");  // a later time of day wins
  CHECK(utc("Sat, 2 Sep 2023 02:04:03 +0200 (CEST") == "2023-09-02T00:04:03Z");  // unclosed comment
  CHECK(utc("Sat, 31 Feb 2023 25:04:03 +0200") == "none");
  CHECK(parse_user_date("2024-01-31").value() == make_utc(2024, 1, 31, 0, 0, 0));
  CHECK(parse_user_date("2024-01-31", true).value() == make_utc(2024, 1, 31, 23, 59, 59));
  CHECK_FALSE(parse_user_date("yesterday"));
}

TEST_CASE("to_hex writes every byte value as two lowercase digits") {
  std::array<unsigned char, 256> bytes;
  std::string expected;
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<unsigned char>(255 - i);
    char digits[3];
    std::snprintf(digits, sizeof digits, "%02x", bytes[i]);
    expected += digits;
  }
  CHECK(into::hex(bytes.data(), bytes.size()) == expected);
  std::string reused = "a longer string left from before, longer than the result";
  to_hex_into(bytes.data(), 3, reused);
  CHECK(reused == "fffefd");
}

TEST_CASE("sha256 matches the standard test vector") {
  CHECK(into::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#include "collectors/header_block.h"

TEST_CASE("header fields split and unfold, whatever the line ends") {
  const std::string message =
      "From sender@example.org Mon Jan  6 10:00:00 2020\n"
      "Received: from a.example\r\n\tby b.example;\r\n Tue, 29 Aug 2023 16:20:12 +0000\r\n"
      "Subject : spaced name\n"
      "not a field line\n"
      "X-Empty:\n"
      "\n"
      "body";
  HeaderBlock block = into::header_block(message);
  REQUIRE(block.fields.size() == 3);
  CHECK(block.fields[0].name == "Received");
  CHECK(block.fields[0].line == 2);
  CHECK(into::unfold(block.fields[0].raw_value) == "from a.example\tby b.example; Tue, 29 Aug 2023 16:20:12 +0000");
  CHECK(block.fields[1].name == "Subject");
  CHECK(into::unfold(block.fields[1].raw_value) == "spaced name");
  CHECK(into::unfold(block.fields[2].raw_value).empty());
  REQUIRE(block.problems.size() == 1);
  CHECK(block.problems[0] == "line 6: not a header field");
  CHECK(message.substr(block.body_offset) == "body");
  CHECK(field_name_is("RECEIVED", "received"));
  CHECK(into::unfold("  \r\n  ") == "");
}

TEST_CASE("unfolded_view: a view into the value when it has no line break, else the unfolded copy") {
  // The plain meaning: trim blanks and line breaks at both ends, drop every CR and LF.
  const auto reference = [](std::string_view raw) {
    const auto edge = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!raw.empty() && edge(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && edge(raw.back())) raw.remove_suffix(1);
    std::string out;
    for (char c : raw)
      if (c != '\r' && c != '\n') out += c;
    return out;
  };
  std::string scratch = "left over from an earlier field";
  for (size_t size = 1; size <= 40; ++size) {
    for (size_t at = 0; at < size; ++at) {
      for (const char stop : {'\r', '\n', ' ', '\t', 'x'}) {
        std::string raw(size, 'v');
        raw[at] = stop;
        const std::string_view view = unfolded_view(raw, scratch);
        CHECK(view == reference(raw));
        const bool inside = view.data() >= raw.data() && view.data() + view.size() <= raw.data() + raw.size();
        const bool breaks_inside = (stop == '\r' || stop == '\n') && at > 0 && at + 1 < size;  // not trimmed away
        CHECK(inside == !breaks_inside);  // copied exactly when a break had to go
      }
    }
  }
  std::string out = "stale";
  unfold_into(" one line ", out);
  CHECK(out == "one line");
  unfold_into("two\r\n lines", out);
  CHECK(out == "two lines");
}

TEST_CASE("field_name_length: every byte a name cannot hold ends it, at any position") {
  // Names long enough for the sixteen-byte scan, with the stop byte in either half.
  const std::string long_name = "X-Microsoft-Antispam-Mailbox-Delivery";
  CHECK(field_name_length(long_name + ": v") == long_name.size());
  CHECK(field_name_length(long_name + " \t: v") == long_name.size());
  CHECK(field_name_length(long_name) == 0);  // no colon at all
  for (const char stop : {'\0', '\t', ' ', '\x7F', '\x80', '\xFF', '\n'}) {
    for (const size_t at : {size_t{0}, size_t{5}, size_t{15}, size_t{16}, size_t{20}}) {
      std::string line = long_name + ": value";
      line[at] = stop;
      CAPTURE(at);
      CAPTURE(static_cast<int>(static_cast<unsigned char>(stop)));
      CHECK(field_name_length(line) == 0);
      line = long_name.substr(0, at) + ":" + std::string(1, stop) + long_name;
      CHECK(field_name_length(line) == at);
    }
  }
  CHECK(field_name_length(":x") == 0);
  CHECK(field_name_length("~!#$%&'*+-.^_`|{}:x") == 17);
}

TEST_CASE("unfold drops every line break byte, wherever it falls in the sixteen-byte scan") {
  // Lengths around one and two blocks, a break at each position: the last
  // block's tail is scanned in an overlapping load, which must not skip one.
  for (size_t length = 1; length <= 40; ++length) {
    for (size_t at = 1; at + 1 < length; ++at) {
      for (const char* line_break : {"\n", "\r\n", "\r"}) {
        std::string value(length, 'v');
        value.replace(at, 1, std::string(line_break) + " ");
        std::string expected(length, 'v');
        expected[at] = ' ';
        CAPTURE(length);
        CAPTURE(at);
        CHECK(into::unfold(value) == expected);
      }
    }
  }
}

TEST_CASE("domain names: every ASCII byte, at every position of a long or a short name, lowered or refused") {
  // A long name (sixteen-byte steps, an overlapping last step) and a short one (one
  // padded step). Letters, digits, '-', '_' and '.' are kept (lowered), all else refused.
  for (const std::string base : {"Abcdefghij0123456789-KLMNOPQRSTUVWxyz_Q", "Ab0-Q_z9Mn"}) {
    for (int c = 1; c < 0x80; ++c) {
      for (size_t at = 1; at + 1 < base.size(); ++at) {
        std::string name = base;
        name[at] = static_cast<char>(c);
        if (c == '.' && (name[at - 1] == '.' || name[at + 1] == '.')) continue;
        const bool kept = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
                          c == '_' || c == '.';
        std::string lowered = name;
        for (char& byte : lowered) byte = ascii_lower(byte);
        CAPTURE(c);
        CAPTURE(at);
        const auto normalized = into::host_name(name);
        CHECK(normalized.has_value() == kept);
        if (kept && normalized) CHECK(*normalized == lowered);
      }
    }
  }
  // Label lengths, with the dots in the sixteen-byte steps, the overlapping last one, or a short name.
  const std::string label63(63, 'a'), label64(64, 'b');
  CHECK(into::domain("x." + label63 + ".com") == "x." + label63 + ".com");
  CHECK_FALSE(into::domain("x." + label64 + ".com"));
  CHECK_FALSE(into::domain(label64 + ".com"));
  CHECK_FALSE(into::host_name(label64));
  CHECK(into::host_name(label63) == label63);
  CHECK(into::domain("abcdefghijklmnopq.rstuvwxyz") == "abcdefghijklmnopq.rstuvwxyz");
  CHECK_FALSE(into::domain("abcdefghijklmnopq..rstuvwxyz"));
  CHECK_FALSE(into::domain("abcdefghijklmnopqrstuvw..xyz"));
  CHECK_FALSE(into::domain(".abcdefghijklmnopqrstuvwxyz"));
  CHECK_FALSE(into::domain(".abc"));
  CHECK_FALSE(into::domain("ab..c"));
  CHECK_FALSE(into::domain("12.34"));
  CHECK(into::domain("12.34x") == "12.34x");
  CHECK_FALSE(into::domain("1234567890123.4567890123456789"));  // digits only: an address, not a name
  CHECK(into::domain("1234567890123.4567890123456789x") == "1234567890123.4567890123456789x");
  CHECK(into::domain("Grüne-Wiese-und-Blumen.Example") == into::domain("grüne-wiese-und-blumen.example"));
  CHECK(into::domain("Grüne-Wiese-und-Blumen.Example")->starts_with("xn--"));
}

namespace {

// A small deterministic generator for the random-text tests below.
uint32_t xorshift32(uint32_t& state) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

}  // namespace

// IpAddress::parse reads IPv6 by hand; it must accept and reject exactly what glibc's
// inet_pton(AF_INET6) does, including the corner cases of "::" and embedded quads.
TEST_CASE("IPv6 parsing agrees with inet_pton, corner cases and random text alike") {
  auto inet_pton_reads = [](const std::string& text) -> std::optional<IpAddress> {
    in6_addr address{};
    if (inet_pton(AF_INET6, text.c_str(), &address) != 1) return std::nullopt;
    std::array<uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &address, 16);
    return IpAddress::v6(bytes);
  };
  const std::vector<std::string> corners = {
      "::", ":::", "::1", "1::", ":1::", "1:", "1::2::3", "::ffff:1.2.3.4", "::1.2.3.4", "1.2.3.4::",
      "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::",
      "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::01.2.3.4", "::256.1.1.1",
      "12345::", "0000:0000:0000:0000:0000:0000:0000:0001", "a:B:c:D:e:F:0:1", "g::", "1:2:3:4:5:6:7:",
      "::1.2.3.4:5", "1::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::ffff:1.2.3.4.", ":", "1"};
  for (const std::string& text : corners) {
    CAPTURE(text);
    CHECK(IpAddress::parse(text) == inet_pton_reads(text));
  }
  uint32_t state = 2463534242u;  // xorshift32: the same texts on every run
  auto next = [&state] { return xorshift32(state); };
  constexpr std::string_view kAlphabet = "0123456789abcdefABCDEFg:.::.";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (uint32_t length = next() % 40; length > 0; --length) text += kAlphabet[next() % kAlphabet.size()];
    text.insert(next() % (text.size() + 1), 1, ':');  // a colon sends the text down the IPv6 path
    CAPTURE(text);
    CHECK(IpAddress::parse(text) == inet_pton_reads(text));
  }
}

TEST_CASE("IPv4 parsing agrees with inet_pton, corner cases and random text alike") {
  auto inet_pton_reads = [](const std::string& text) -> std::optional<IpAddress> {
    in_addr address{};
    if (inet_pton(AF_INET, text.c_str(), &address) != 1) return std::nullopt;
    return IpAddress::v4(ntohl(address.s_addr));
  };
  const std::vector<std::string> corners = {"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.",
                                            ".1.2.3.4", "1..2.3", "01.2.3.4", "1.2.3.00", "1.2.3.0", "1234.1.1.1",
                                            "0001.1.1.1", "1.2.3.4 ", "1.2.3.a", "", "."};
  for (const std::string& text : corners) {
    CAPTURE(text);
    CHECK(IpAddress::parse(text) == inet_pton_reads(text));
  }
  uint32_t state = 88172645u;  // xorshift32: the same texts on every run
  constexpr std::string_view kAlphabet = "0123456789..0125";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (uint32_t length = xorshift32(state) % 18; length > 0; --length)
      text += kAlphabet[xorshift32(state) % kAlphabet.size()];
    CAPTURE(text);
    CHECK(IpAddress::parse(text) == inet_pton_reads(text));
  }
}

TEST_CASE("as numbers: the forms people and datasets write, and nothing else") {
  CHECK(parse_as_number("AS133027") == 133027u);
  CHECK(parse_as_number("as133027") == 133027u);
  CHECK(parse_as_number("ASN133027") == 133027u);
  CHECK(parse_as_number("AS 133027") == 133027u);
  CHECK(parse_as_number("133027") == 133027u);
  CHECK(parse_as_number("4294967295") == 4294967295u);
  CHECK_FALSE(parse_as_number("AS"));
  CHECK_FALSE(parse_as_number(""));
  CHECK_FALSE(parse_as_number("AS4294967296"));
  CHECK_FALSE(parse_as_number("13x"));
  CHECK_FALSE(parse_as_number(" 133027"));
  CHECK_FALSE(parse_as_number("AS-133027"));
  CHECK(as_number_key(133027) == "AS133027");
}

TEST_CASE("ascii helpers: hex digits, trimming and case folding leave other bytes alone") {
  CHECK(hex_digit_value('0') == 0);
  CHECK(hex_digit_value('f') == 15);
  CHECK(hex_digit_value('F') == 15);
  CHECK(hex_digit_value('g') == -1);
  CHECK(hex_digit_value('\xc6') == -1);
  CHECK(trim_blanks(" \t a b \r\n") == "a b");
  CHECK(trim_blanks(" \t\r\n").empty());
  CHECK(trim_if("--x--", [](char c) { return c == '-'; }) == "x");
  CHECK(ascii_lowercase("MiXeD \xc3\x84") == "mixed \xc3\x84");
  CHECK(ends_with_nocase("Mail.Protection.Outlook.COM", ".outlook.com"));
}

TEST_CASE("an _into function overwrites its output exactly, and leaves it empty when it fails") {
  // core/result.h: one contract for every function that writes into a caller's buffer.
  const std::string longer = "a longer value left over from an earlier call, longer than any result below";
  std::string out = longer;
  CHECK(normalize_domain_into("Example.COM.", out));
  CHECK(out == "example.com");
  out = longer;
  CHECK_FALSE(normalize_domain_into("localhost", out));
  CHECK(out.empty());
  out = longer;
  CHECK_FALSE(normalize_host_name_into("bad name", out));
  CHECK(out.empty());
  out = longer;
  CHECK(parse_single_address_into("Name <a@B.example>", out));
  CHECK(out == "a@b.example");
  CHECK_FALSE(parse_single_address_into("<>", out));  // none: what an earlier call found is gone too
  CHECK(out.empty());
  out = longer;
  CHECK_FALSE(parse_single_address_into("<a\x1b" "b@c.example>", out));
  CHECK(out.empty());
  out = longer;
  CHECK_FALSE(parse_message_id_into("<a\x1b" "b@c.example>", out));
  CHECK(out.empty());
  out = longer;
  CHECK_FALSE(normalize_address_into("a\x1b" "b@c.example", out));
  CHECK(out.empty());
  out = longer;
  unfold_into(" folded\r\n value ", out);
  CHECK(out == "folded value");
  out = longer;
  Sha256 sha256;
  sha256.hex_into("abc", out);
  CHECK(out == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  out = longer;
  decode_base64_into("aGVsbG8=", out);
  CHECK(out == "hello");
  out = longer;
  decode_quoted_printable_into("caf=C3=A9", out);
  CHECK(out == "caf\xC3\xA9");
  std::vector<std::string> addresses = {longer, longer, longer};
  parse_address_list_into("a@b.example", addresses);
  CHECK(addresses == std::vector<std::string>{"a@b.example"});
  HeaderBlock block = into::header_block("X: 1\nY: 2\nZ: 3\n\nbody");
  split_header_block_into("A: 1\n\n", block);
  CHECK(block.fields.size() == 1);
  CHECK(block.raw == "A: 1\n\n");
  CHECK(block.body_offset == 6);
}
