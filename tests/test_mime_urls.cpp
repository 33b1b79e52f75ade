// URLs in bodies: the MIME walk on real corpus messages, malformed MIME, and
// the bounds that keep hostile bodies cheap.
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/encoded_words.h"
#include "collectors/header_block.h"
#include "collectors/mime_urls.h"
#include "collectors/content_type.h"
#include "collectors/url_scan.h"
#include "collectors/transfer_decoding.h"

#include "tests/helpers.h"
#include "tests/into_results.h"

using namespace sg;

namespace {

struct Extracted {
  std::vector<std::string> urls;
  std::vector<std::string> problems;
  bool has(const std::string& url) const { return std::find(urls.begin(), urls.end(), url) != urls.end(); }
  bool problem_mentions(const std::string& text) const {
    for (const std::string& problem : problems)
      if (problem.find(text) != std::string::npos) return true;
    return false;
  }
};

// extract_body_urls with a scratch of its own, the URLs copied out of it.
std::vector<std::string> body_urls(const HeaderBlock& headers, std::string_view body, CharsetDecoder& decoder,
                                   std::vector<std::string>& problems, const MimeLimits& limits = {}) {
  BodyUrlScratch scratch;
  const std::span<const std::string> urls = extract_body_urls(headers, body, decoder, scratch, problems, limits);
  return {urls.begin(), urls.end()};
}

// The same for a header given only as its raw lines (a block without fields),
// whose Content-Type is then read from every line.
std::vector<std::string> body_urls_from_raw(std::string_view raw, std::string_view body, CharsetDecoder& decoder,
                                            std::vector<std::string>& problems, const MimeLimits& limits = {}) {
  HeaderBlock headers;
  headers.raw = raw;
  return body_urls(headers, body, decoder, problems, limits);
}

Extracted extract_message(const std::string& message, const MimeLimits& limits = {}) {
  CharsetDecoder decoder;
  Extracted out;
  const HeaderBlock block = into::header_block(message);
  out.urls = body_urls_from_raw(block.raw, std::string_view(message).substr(block.body_offset), decoder, out.problems,
                               limits);
  return out;
}

Extracted extract_corpus(const std::string& relative) { return extract_message(read_file(corpus_path(relative))); }

// A message of the extra corpus folder `extra` (see extra_corpus()).
Extracted extract_extra(const std::string& extra, const std::string& relative) {
  return extract_message(read_file(extra + "/" + relative));
}

std::string encode_base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  out.resize(static_cast<size_t>(length));
  return out;
}

bool no_duplicates(std::vector<std::string> urls) {
  std::sort(urls.begin(), urls.end());
  return std::adjacent_find(urls.begin(), urls.end()) == urls.end();
}

}  // namespace

TEST_CASE("url_host") {
  CHECK(url_host("http://Example.COM/path") == "example.com");
  CHECK(url_host("https://user:pw@evil.example:8443/x?y#z") == "evil.example");
  CHECK(url_host("http://paypal.com@evil.example/") == "evil.example");  // the classic trick
  CHECK(url_host("http://[2001:DB8::1]:80/") == "2001:db8::1");
  CHECK(url_host("http://example.com./") == "example.com");
  CHECK(url_host("http://example.com?q=1") == "example.com");
  CHECK(url_host("http://evil.example\\@good.example/") == "evil.example");  // browsers read '\' as '/'
  CHECK(url_host("https:///uirqxck.cn/select/") == "uirqxck.cn");
  CHECK(url_host("www.example.org/a") == "www.example.org");
  CHECK(url_host("//cdn.example.net/x.png") == "cdn.example.net");
  CHECK(url_host("http://") == "");
  CHECK(url_host("") == "");
  // Lower-case http(s) schemes take a shortcut; other spellings must agree with it.
  CHECK(url_host(" \tHTTPS://Host.Example.COM.LONGER-THAN-EIGHT/x\r\n") == "host.example.com.longer-than-eight");
  CHECK(url_host("hTtp://a.example://b.example/") == "a.example");
  CHECK(url_host("https://a.example://b.example/") == "a.example");
  CHECK(url_host("x y://a.example/") == "x");  // no scheme before "://": read as a bare host
  CHECK(url_host("https:") == "https");       // no "//": a host and an empty port
  // Lowered eight bytes a step, the last eight overlapping: every length around those steps.
  std::string host, lowered;
  for (int length = 1; length <= 40; ++length) {
    host += static_cast<char>((length % 3 ? 'A' : 'a') + length % 26);
    lowered += static_cast<char>('a' + length % 26);
    CHECK(url_host("http://" + host + "/Path") == lowered);
    CHECK(extract_text_urls("HTTP://" + host + "/Path", false) == std::vector<std::string>{"http://" + lowered + "/Path"});
  }
}

TEST_CASE("Content-Type parsing") {
  ContentType type = parse_content_type("Multipart/Mixed; boundary=\"----=_Part_1\"; charset=UTF-8");
  CHECK(type.type == "multipart");
  CHECK(type.subtype == "mixed");
  CHECK(type.boundary == "----=_Part_1");
  CHECK(type.charset == "utf-8");
  type = parse_content_type("multipart/alternative;\r\n\tboundary = ----=_NextPart_000_0045");
  CHECK(type.boundary == "----=_NextPart_000_0045");
  type = parse_content_type("text/plain; charset*=iso-8859-1'en'ISO-8859-2");
  CHECK(type.charset == "iso-8859-2");
  type = parse_content_type("text; charset=\"a\\\"b\"; junk; =x; boundary");
  CHECK(type.type == "text");
  CHECK(type.subtype == "");
  CHECK(type.charset == "a\"b");
  CHECK(type.boundary == "");
  type = parse_content_type("");
  CHECK(type.type == "");
}

TEST_CASE("a URL counts when its host has a letter or digit and only name bytes") {
  // Hosts of every length around sixteen bytes (read a block at a time), with
  // a byte no host name has, or none, at every position.
  std::mt19937 random(14);
  const std::string_view name_bytes = "aAzZ09mM.-_";
  const std::string_view foreign_bytes = "%$+=~&[";  // URL bytes no host has; none of them trimmed off its end
  for (int round = 0; round < 4000; ++round) {
    std::string host(1 + random() % 40, 'x');
    for (char& c : host) c = name_bytes[random() % name_bytes.size()];
    if (random() % 3 == 0) host.assign(host.size(), random() % 2 ? '.' : '-');  // no letter or digit
    const bool foreign = random() % 2 == 0;
    if (foreign) host[random() % host.size()] = foreign_bytes[random() % foreign_bytes.size()];
    if (host.front() == '[') host.front() = '%';  // a leading '[' opens an IPv6 literal
    const bool alnum = host.find_first_not_of(".-_%$+=~&[") != std::string::npos;
    CAPTURE(host);
    CHECK(extract_text_urls("see http://" + host + "/x now", false).size() == (alnum && !foreign ? 1u : 0u));
  }
}

TEST_CASE("URLs in text") {
  auto urls = extract_text_urls(
      "See http://Example.COM/a?b=1&c=2. Also (https://x.example/p_(1)) and https://y.example/z), "
      "ftp://files.example/pub, www.bare-link.example/path! and again http://example.com/a?b=1&c=2",
      false);
  CHECK(urls == std::vector<std::string>{"http://example.com/a?b=1&c=2", "https://x.example/p_(1)",
                                         "https://y.example/z", "ftp://files.example/pub",
                                         "http://www.bare-link.example/path"});
  // Japanese text right after a URL ends it; so does a full-width bracket.
  urls = extract_text_urls("こちら→https://amazon-jp.example/login」からログイン", false);
  CHECK(urls == std::vector<std::string>{"https://amazon-jp.example/login"});
  // Not URLs: no host, "www." inside a word or an address, unknown schemes.
  urls = extract_text_urls("http:// x, https://-/, foo.www.example.com, a@www.example.com, mailto:a@b.c, "
                           "javascript:alert(1), www.", false);
  CHECK(urls.empty());
  // Empty path written "/", extra slashes dropped: one URL.
  urls = extract_text_urls("https://uirqxck.cn https:///uirqxck.cn/ HTTPS://UIRQXCK.CN", false);
  CHECK(urls == std::vector<std::string>{"https://uirqxck.cn/"});
  // Path and query keep their case.
  CHECK(extract_text_urls("http://EX.example/Path?Q=A", false) == std::vector<std::string>{"http://ex.example/Path?Q=A"});
}

TEST_CASE("URLs in HTML") {
  const std::string html =
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\">"
      "<a href=\"https://track.example/c?u=1&amp;v=2\">click</a>"
      "<img src='//cdn.example.net/p.gif'>"
      "<a href=h&#116;tp&#x3A;//hidden.example/x>obfuscated</a>"
      "<a HREF = \"www.shop.example\">shop</a>"
      "<p>visit https://text.example/in-html&nbsp;now</p>"
      "<a href=\"https://track.example/c?u=1&v=2\">same link again</a>";
  const auto urls = extract_text_urls(html, true);
  CHECK(urls == std::vector<std::string>{"https://track.example/c?u=1&v=2", "http://cdn.example.net/p.gif",
                                         "http://hidden.example/x", "http://www.shop.example/",
                                         "https://text.example/in-html"});
}

TEST_CASE("corpus: base64 HTML phishing (phishing_pot)") {
  const auto extra = extra_corpus();
  if (!extra) return;
  const Extracted sample = extract_extra(*extra, "phishing_pot/email/sample-1206.eml");
  CHECK(sample.has(
      "https://bafybeig7hxnd7izmejdoiwh6sxusnhf2sdmrgtuhot4bhzvon2v4oddh6u.ipfs.dweb.link/Pagefem345.html"
      "#yigitekincioglu@hotmail.com"));
  CHECK(sample.has("https://audaz.com.py/ios-cn/kr/icon/sav-domain.html#honey@pot"));
  CHECK(sample.has("http://hotmail.com/"));
  CHECK_FALSE(sample.has("http://www.w3.org/TR/html4/loose.dtd"));  // DOCTYPE, not a link
  CHECK(sample.problems.empty());

  const Extracted cbc = extract_extra(*extra, "phishing_pot/email/sample-2330.eml");
  CHECK(cbc.has("https://bykee.shop/dgwh/ajsfguywftgu"));
  CHECK(cbc.urls.size() == 28);
  CHECK(no_duplicates(cbc.urls));
}

TEST_CASE("corpus: quoted-printable soft breaks and scheme-relative images (phishing_pot sample-1225)") {
  const auto extra = extra_corpus();
  if (!extra) return;
  const Extracted sample = extract_extra(*extra, "phishing_pot/email/sample-1225.eml");
  // "<https=\n://freebitco.in/?r=3D52019727>": a soft break inside the scheme.
  CHECK(sample.has("https://freebitco.in/?r=52019727"));
  CHECK(sample.has("https://i.imgur.com/4knGLlI.png"));
  CHECK(sample.has("http://i.imgur.com/4knGLlI.png"));  // src="//i.imgur.com/..."
  CHECK(sample.has("https://www.clonscript.com/o-gnsr-n05-4aaed16913c5562a16f7229a7c583c94"));
}

TEST_CASE("corpus: Japanese phishing, base64 UTF-8 HTML with https:/// (linux-erofs)") {
  const auto extra = extra_corpus();
  if (!extra) return;
  const Extracted sample =
      extract_extra(*extra, "linux-erofs-list-archive/messages/fd5a499f99f725f1f85cc73ed0addf5f7bcd8055.eml");
  CHECK(sample.urls == std::vector<std::string>{"https://uirqxck.cn/select/"});
}

TEST_CASE("corpus: spamassassin spam with quoted-printable but no Content-Transfer-Encoding") {
  const Extracted sample = extract_corpus("spamassassin/t/data/spam/004");
  CHECK(sample.has("http://211.154.134.27/Z/teeth/index.html?cid=1000&mid=3000"));
  CHECK(sample.has("http://vacation.81832.com/"));
  for (const std::string& url : sample.urls) CHECK(url.find("=3D") == std::string::npos);
}

TEST_CASE("extract_body_urls: each walk with one scratch holds exactly its own message's URLs") {
  // Slots a longer body filled are reused, trimmed and re-indexed: a short body
  // after a long one must not show any of the long one's URLs, nor miss a repeat.
  const auto message_with = [](int count, const std::string& host) {
    std::string message = "Content-Type: text/plain\n\n";
    for (int i = 0; i < count; ++i) message += "see http://" + host + ".example/" + std::to_string(i) + " and again\n";
    message += "http://" + host + ".example/0\n";  // a repeat of the first
    return message;
  };
  CharsetDecoder decoder;
  BodyUrlScratch scratch;
  for (const auto& [count, host] : std::vector<std::pair<int, std::string>>{
           {100, "long"}, {2, "short"}, {0, "none"}, {70, "again"}, {17, "seventeen"}, {1, "one"}}) {
    const std::string message = message_with(count, host);
    const HeaderBlock block = into::header_block(message);
    const std::string_view body = std::string_view(message).substr(block.body_offset);
    std::vector<std::string> problems;
    const std::vector<std::string> expected = body_urls_from_raw(block.raw, body, decoder, problems);
    CHECK(expected.size() == static_cast<size_t>(count == 0 ? 1 : count));
    const std::span<const std::string> reused = extract_body_urls(block, body, decoder, scratch, problems);
    CHECK(std::vector<std::string>(reused.begin(), reused.end()) == expected);
  }
}

TEST_CASE("multipart delimiters are found at any offset, and look-alikes are not taken for them") {
  // Part 2 is base64: its URL is found only if its delimiter line is. A look-alike
  // taken for the close delimiter would end the walk before it.
  const std::string decoys[] = {"a--b1--", "--b1x--", "--b1 x", " --b1--", "--b2--", "-", "--"};
  for (size_t pad = 0; pad < 40; ++pad) {
    for (const char* line_end : {"\n", "\r\n"}) {
      std::string message = std::string("Content-Type: multipart/mixed; boundary=b1") + line_end + line_end;
      message += std::string(pad, '-') + line_end;  // preamble
      message += std::string("--b1") + line_end + "Content-Type: text/plain" + line_end + line_end;
      message += std::string(pad, 'p') + " http://one.example/" + line_end;
      for (const std::string& decoy : decoys) message += decoy + line_end;
      message += std::string("--b1") + line_end + "Content-Type: text/plain" + line_end +
                 "Content-Transfer-Encoding: base64" + line_end + line_end;
      message += encode_base64(std::string(pad, 'q') + " http://two.example/") + line_end;
      message += std::string("--b1--") + line_end + "epilogue http://three.example/" + line_end;
      CAPTURE(pad);
      const Extracted found = extract_message(message);
      CHECK(found.urls == std::vector<std::string>{"http://one.example/", "http://two.example/"});
    }
  }
}

TEST_CASE("an undeclared quoted-printable body is recognised by \"=3D\" at any position") {
  // Decoded, "?q=3Dv" is "?q=v"; read as it stands it keeps "=3D". Each escape is
  // put at every offset around the sixteen-byte blocks of the search, and a near
  // miss ("=3E", "=4D", "-3D") must not count.
  const std::string head = "Subject: x\n\n";
  for (size_t pad = 0; pad < 40; ++pad) {
    for (const char* escape : {"=3D", "=3d"}) {
      const std::string body = std::string(pad, 'a') + " http://a.example/?q" + escape + "v\n";
      CHECK(extract_message(head + body).urls == std::vector<std::string>{"http://a.example/?q=v"});
    }
    for (const char* miss : {"=3E", "=4D", "-3D"}) {
      const std::string body = std::string(pad, 'a') + " http://a.example/?q" + miss + "v";
      CHECK(extract_message(head + body).urls == std::vector<std::string>{"http://a.example/?q" + std::string(miss) + "v"});
    }
  }
  // An escape cut short by the end of the body is none.
  CHECK(extract_message(head + "http://a.example/?q=3").urls == std::vector<std::string>{"http://a.example/?q=3"});
}

TEST_CASE("corpus: malformed MIME (spamscope mail_malformed_*)") {
  // Declared boundary "--=_HsWzsKVZkho", parts use "----=_GlSzQZUbRbpVOpy", never closed.
  const Extracted wrong_boundary = extract_corpus("spamscope-mail-parser/tests/mails/mail_malformed_3");
  CHECK(wrong_boundary.has("http://calorsolar.tk/?v=1fda4fa5605d"));
  CHECK(wrong_boundary.has("http://viaje-omv.ip-zone.com/ccm/templates/navidad-3/images/line.gif"));
  CHECK(wrong_boundary.problem_mentions("not found, guessed"));
  CHECK(wrong_boundary.problem_mentions("not closed"));
  // Inner multipart reusing the outer boundary: nothing to read in it, reported.
  const Extracted reused = extract_corpus("spamscope-mail-parser/tests/mails/mail_malformed_1");
  CHECK(reused.urls.empty());
  CHECK(reused.problem_mentions("not found"));
  // A DSN whose returned headers are message/rfc822-headers: no crash, no URL.
  const Extracted dsn = extract_corpus("spamscope-mail-parser/tests/mails/mail_malformed_2");
  CHECK(dsn.urls.empty());
}

TEST_CASE("every corpus message walks without trouble") {
  // A broad smoke test: valid UTF-8 hosts, no duplicates, bounded output.
  const auto extra = extra_corpus();  // phishing_pot
  std::vector<std::string> files = {
      corpus_path("spamassassin/t/data/spam/badmime2.txt"), corpus_path("spamassassin/t/data/spam/utf16.eml"),
      corpus_path("spamassassin/t/data/nice/cjk/iso-2022-jp.1"),
      corpus_path("spamassassin/t/data/nice/cjk/big5-base64.1"),
      corpus_path("sisimai-set-of-emails/maildir/bsd/lhost-sendgrid-01.eml"),
      corpus_path("mimekit/UnitTests/TestData/messages/bounce.txt")};
  if (extra) files.push_back(*extra + "/phishing_pot/email/sample-7272.eml");
  files.push_back(corpus_path("rspamd/test/functional/messages/external_relay.eml"));
  for (const std::string& file : files) {
    CAPTURE(file);
    const Extracted sample = extract_message(read_file(file));
    CHECK(no_duplicates(sample.urls));
    for (const std::string& url : sample.urls) {
      CHECK(is_valid_utf8(url));
      CHECK_FALSE(url_host(url).empty());
    }
  }
  // External relay: "multipart/mixed" with no boundary at all.
  CHECK(extract_corpus("rspamd/test/functional/messages/external_relay.eml")
            .problem_mentions("multipart without boundary, read as text"));
}

TEST_CASE("charsets and encodings of parts") {
  // UTF-16 (with BOM) in base64: unreadable as bytes, found after conversion.
  // ISO-2022-JP around a URL: the escape sequences must not stick to it.
  const std::string message =
      "Content-Type: multipart/alternative; boundary=b\n\n"
      "--b\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
      "//6LiWYwIABoAHQAdABwAHMAOgAvAC8AdQB0AGYAMQA2AC4AZQB4AGEAbQBwAGwAZQAvAHAAYQB0AGgAIABnMFkw\n"
      "--b\nContent-Type: text/plain; charset=ISO-2022-JP\n\n"
      "\x1B$B$3$A$i\x1B(Bhttps://jis.example/a\x1B$B$G$9\x1B(B\n"
      "--b--\n";
  const Extracted sample = extract_message(message);
  CHECK(sample.urls == std::vector<std::string>{"https://utf16.example/path", "https://jis.example/a"});
  CHECK(sample.problems.empty());
  // HTML without a charset parameter: <meta charset> is read (here: a bad one, reported).
  const Extracted meta = extract_message(
      "Content-Type: text/html\n\n<meta charset=\"x-bogus-charset\"><a href=\"http://meta.example/\">x</a>");
  CHECK(meta.urls == std::vector<std::string>{"http://meta.example/"});
  CHECK(meta.problem_mentions("unknown charset \"x-bogus-charset\""));
}

TEST_CASE("missing boundaries, truncated base64, unclosed multipart") {
  // No boundary parameter: the first "--token" line is taken.
  Extracted guessed = extract_message(
      "Content-Type: multipart/mixed\n\n--zz\nContent-Type: text/plain\n\nhttp://guessed.example/\n--zz--\n");
  CHECK(guessed.urls == std::vector<std::string>{"http://guessed.example/"});
  CHECK(guessed.problem_mentions("guessed \"zz\""));
  // Boundary named but absent: the body is read as text.
  Extracted absent = extract_message("Content-Type: multipart/mixed; boundary=nothere\n\nsee http://plain.example/x\n");
  CHECK(absent.urls == std::vector<std::string>{"http://plain.example/x"});
  CHECK(absent.problem_mentions("\"nothere\" not found"));
  // Base64 cut in the middle: what was decoded still counts.
  const std::string encoded =
      "PGEgaHJlZj0iaHR0cHM6Ly90cnVuY2F0ZWQuZXhhbXBsZS9vayI+eDwvYT4gPGEgaHJlZj0iaHR0cHM6Ly9sb3N0LmV4YW1wbGUvIj4=";
  Extracted truncated = extract_message("Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n" +
                                        encoded.substr(0, 50) + "\n");
  CHECK(truncated.urls == std::vector<std::string>{"https://truncated.example/ok"});
  // Not closed: the last part runs to the end and is reported.
  Extracted open_part = extract_message(
      "Content-Type: multipart/mixed; boundary=\"q\"\n\n--q\n\nhttp://first.example/\n--q\n"
      "Content-Type: text/plain\n\nhttp://last.example/");
  CHECK(open_part.urls == std::vector<std::string>{"http://first.example/", "http://last.example/"});
  CHECK(open_part.problem_mentions("not closed"));
  // A part without the blank line after its headers.
  Extracted no_blank = extract_message(
      "Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\nhttp://noblank.example/\n--q--\n");
  CHECK(no_blank.urls == std::vector<std::string>{"http://noblank.example/"});
  // A longer boundary that starts with ours does not split our parts.
  Extracted prefix = extract_message(
      "Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative; boundary=ab\n\n"
      "--ab\n\nhttp://inner.example/\n--ab--\n--a--\n");
  CHECK(prefix.urls == std::vector<std::string>{"http://inner.example/"});
  CHECK(prefix.problems.empty());
  // Attachments are not read; message/rfc822 is.
  Extracted nested = extract_message(
      "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: application/octet-stream\n\n"
      "http://binary.example/\n--m\nContent-Type: message/rfc822\n\nSubject: inner\n"
      "Content-Type: text/plain\n\nhttp://forwarded.example/\n--m--\n");
  CHECK(nested.urls == std::vector<std::string>{"http://forwarded.example/"});
}

TEST_CASE("deep nesting is bounded") {
  // 1000 nested multiparts, a URL at depth 3 and one at the bottom.
  std::string body;
  std::string closing;
  for (int level = 0; level < 1000; ++level) {
    const std::string boundary = "b" + std::to_string(level);
    body += "--" + boundary + "\n";
    if (level == 3) body += "Content-Type: multipart/mixed; boundary=side\n\n--side\n\nhttp://depth3.example/\n--side--\n--" + boundary + "\n";
    body += "Content-Type: multipart/mixed; boundary=b" + std::to_string(level + 1) + "\n\n";
    closing = "--" + boundary + "--\n" + closing;
  }
  body += "--b1000\nContent-Type: text/plain\n\nhttp://bottom.example/\n--b1000--\n" + closing;
  const Extracted deep = extract_message("Content-Type: multipart/mixed; boundary=b0\n\n" + body);
  CHECK(deep.has("http://depth3.example/"));
  CHECK_FALSE(deep.has("http://bottom.example/"));
  CHECK(deep.problem_mentions("nesting deeper than 8"));
  // message/rfc822 inside message/rfc822, 1000 times.
  std::string messages;
  for (int level = 0; level < 1000; ++level) messages += "Content-Type: message/rfc822\n\n";
  messages += "Content-Type: text/plain\n\nhttp://deepest.example/\n";
  const Extracted chain = extract_message(messages);
  CHECK(chain.urls.empty());
  CHECK(chain.problem_mentions("nesting deeper than 8"));
}

TEST_CASE("part, URL and size caps") {
  std::string many_parts = "Content-Type: multipart/mixed; boundary=p\n\n";
  for (int i = 0; i < 1000; ++i) many_parts += "--p\n\nhttp://part" + std::to_string(i) + ".example/\n";
  many_parts += "--p--\n";
  const Extracted parts = extract_message(many_parts);
  CHECK(parts.urls.size() == 255);  // the multipart itself is part 1
  CHECK(parts.problem_mentions("more than 256 MIME parts"));

  std::string many_urls = "Content-Type: text/plain\n\n";
  for (int i = 0; i < 2000; ++i) many_urls += "http://u" + std::to_string(i) + ".example/ ";
  const Extracted urls = extract_message(many_urls);
  CHECK(urls.urls.size() == 1000);
  CHECK(urls.urls.back() == "http://u999.example/");
  CHECK(urls.problem_mentions("more than 1000 URLs"));

  MimeLimits small;
  small.max_decoded_bytes = 100;
  const Extracted cut = extract_message(
      "Content-Type: text/plain\n\nhttp://early.example/ " + std::string(200, 'x') + " http://late.example/", small);
  CHECK(cut.urls == std::vector<std::string>{"http://early.example/"});
  CHECK(cut.problem_mentions("more than 100 bytes of text"));

  const Extracted long_url = extract_message("\nhttp://long.example/" + std::string(5000, 'a'));
  REQUIRE(long_url.urls.size() == 1);
  CHECK(long_url.urls[0].size() == 2048);
}

TEST_CASE("arbitrary bytes never break the MIME walk") {
  CharsetDecoder decoder;
  std::mt19937 random(8);
  const std::string pieces[] = {"--b\n", "--b--\n", "\n", "Content-Type: multipart/mixed; boundary=b\n",
                                "Content-Type: message/rfc822\n", "Content-Transfer-Encoding: base64\n",
                                "Content-Transfer-Encoding: quoted-printable\n", "Content-Type: text/html\n",
                                "http://", "www.", "&amp;", "&#", "=3D", "=\n", "<a href=", "//", "\r\n"};
  for (int round = 0; round < 1500; ++round) {
    std::string message;
    const int length = static_cast<int>(random() % 80);
    for (int i = 0; i < length; ++i) {
      if (random() % 2) message += pieces[random() % std::size(pieces)];
      else message.push_back(static_cast<char>(random() % 256));
    }
    std::vector<std::string> problems;
    const HeaderBlock block = into::header_block(message);
    const auto urls = body_urls_from_raw(block.raw, std::string_view(message).substr(block.body_offset), decoder,
                                        problems);
    CHECK(urls.size() <= 1000);
    CHECK(problems.size() <= 17);
    for (const std::string& url : urls) CHECK(is_valid_utf8(url));
  }
}

namespace {

// The plain byte-at-a-time decoders the fast ones replaced: the oracle for them.
std::string reference_base64(std::string_view text) {
  static const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t accumulator = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') bits = 0;  // padding ends a group
    const size_t value = alphabet.find(c);
    if (c == '\0' || value == std::string_view::npos) continue;
    accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
    }
  }
  return out;
}

std::string reference_quoted_printable(std::string_view text) {
  auto hex = [](char c) { return std::string_view("0123456789ABCDEF").find(static_cast<char>(std::toupper(c))); };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] != '=') {
      out.push_back(text[i++]);
      continue;
    }
    ++i;
    size_t j = i;
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
    if (j < text.size() && (text[j] == '\n' || text[j] == '\r')) {
      i = j + (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n' ? 2 : 1);
      continue;
    }
    if (j == text.size()) break;
    if (i + 1 < text.size() && hex(text[i]) != std::string_view::npos && hex(text[i + 1]) != std::string_view::npos &&
        text[i] != '\0' && text[i + 1] != '\0') {
      out.push_back(static_cast<char>(hex(text[i]) * 16 + hex(text[i + 1])));
      i += 2;
      continue;
    }
    out.push_back('=');
  }
  return out;
}

}  // namespace

TEST_CASE("transfer decodings into a buffer match plain byte-at-a-time decoders") {
  std::mt19937 random(11);
  std::string kept;  // reused from round to round, as the walk reuses its buffers: longer texts leave bytes behind
  const std::string base64_pieces[] = {"QUJD", "ZGVm", "SGVsbG8=", "QQ==", "=", "\r\n", "\n", " ", "!", "Zg", "+/+/"};
  const std::string qp_pieces[] = {"=3D", "=3d", "=E3=81=82", "=\n", "=\r\n", "= \t\n", "=", "=G1", "=4", "abc", "\n"};
  for (int round = 0; round < 3000; ++round) {
    std::string base64, qp;
    const int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) {
      if (random() % 3) {
        base64 += base64_pieces[random() % std::size(base64_pieces)];
        qp += qp_pieces[random() % std::size(qp_pieces)];
      } else {
        base64.push_back(static_cast<char>(random() % 256));
        qp.push_back(static_cast<char>(random() % 256));
      }
    }
    std::string out = "kept";  // appended to, not replaced
    append_base64_decoded(base64, out);
    CHECK(out == "kept" + reference_base64(base64));
    // Into the kept buffer: exactly the decoding, whatever a longer text left there.
    decode_base64_into(base64, kept);
    CHECK(kept == reference_base64(base64));
    decode_quoted_printable_into(qp, kept);
    CHECK(kept == reference_quoted_printable(qp));
  }
}

TEST_CASE("ISO-2022-JP parts give the URLs of their iconv conversion") {
  // The walk decodes common ISO-2022-JP itself and leaves the rest to
  // CharsetDecoder; either way the URLs must be those of convert()'s text.
  CharsetDecoder decoder;
  std::mt19937 random(12);
  const std::string pieces[] = {"\x1B$B", "\x1B(B", "\x1B(J", "\x1B$@", "\x1B(I", "\x0E", "\x0F", "$3$A$i", "F|K\\",
                                "\x22\x2E", "\x7E\x7E", "\x21", "\n", "http://jis.example/", "<!DOCTYPE ", "www.x.jp",
                                "<a href=\"//cdn.example/i\">", "https://", ".", "\x80\xA0"};
  for (int round = 0; round < 2000; ++round) {
    std::string raw = "Text: ";  // so that HTML is sniffed alike (looks_like_html reads the unconverted bytes)
    const int length = static_cast<int>(random() % 30);
    for (int i = 0; i < length; ++i) raw += pieces[random() % std::size(pieces)];
    const bool html = random() % 2;
    const std::string type = html ? "text/html" : "text/plain";
    const Extracted jis = extract_message("Content-Type: " + type + "; charset=iso-2022-jp\n\n" + raw);
    const std::string utf8 = decoder.convert(raw, "iso-2022-jp").text;
    const Extracted reference = extract_message("Content-Type: " + type + "; charset=utf-8\n\n" + utf8);
    CHECK(jis.urls == reference.urls);
  }
}

TEST_CASE("repeated URLs are dropped past the linear search") {
  // Beyond a few URLs the collector switches to an index: order and uniqueness hold.
  std::string text = "Content-Type: text/plain\n\n";
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    const std::string url = "http://r" + std::to_string(i) + ".example/";
    text += url + " " + url + " http://r0.example/ ";
    expected.push_back(url);
  }
  const Extracted repeated = extract_message(text);
  CHECK(repeated.urls == expected);
  CHECK(repeated.problems.empty());
}

TEST_CASE("a split header block gives what its raw header gives") {
  // extract_body_urls(block, ...) reads the top-level Content-Type and
  // Content-Transfer-Encoding from block.fields; the raw form reads every line.
  CharsetDecoder decoder;
  auto both = [&](const std::string& message, size_t max_fields) {
    CAPTURE(message);
    const HeaderBlock block = into::header_block(message, max_fields);
    const std::string_view body = std::string_view(message).substr(block.body_offset);
    std::vector<std::string> raw_problems, block_problems;
    const std::vector<std::string> from_raw = body_urls_from_raw(block.raw, body, decoder, raw_problems);
    const std::vector<std::string> from_block = body_urls(block, body, decoder, block_problems);
    CHECK(from_block == from_raw);
    CHECK(block_problems == raw_problems);
    return from_block;
  };
  // The body is <a href="//cdn.example/i">x</a> https://Example.COM/a in base64.
  const std::string base64_html =
      "Content-Transfer-Encoding: base64\r\n"
      "content-type : text/html;\r\n\tcharset=utf-8\r\n"
      "Content-Type: text/plain\r\n"  // only the first counts
      "\r\n"
      "PGEgaHJlZj0iLy9jZG4uZXhhbXBsZS9pIj54PC9hPiBodHRwczovL0V4YW1wbGUuQ09NL2E=\r\n";
  CHECK(both(base64_html, 4096) == std::vector<std::string>{"http://cdn.example/i", "https://example.com/a"});
  // Fields past the bound of the split are still read, from the lines after the last one kept.
  const std::string late = "A: 1\nB: 2\nC: 3\nContent-Type: multipart/mixed; boundary=b\n\n"
                           "--b\nContent-Type: text/plain\n\nhttp://late.example/\n--b--\n";
  CHECK(both(late, 2) == std::vector<std::string>{"http://late.example/"});
  CHECK(both("Content-Type: text/plain\nContent-Type://x\n\nwww.example.org/", 4096) ==
        std::vector<std::string>{"http://www.example.org/"});
  if (const auto extra = extra_corpus()) both(read_file(*extra + "/phishing_pot/email/sample-7272.eml"), 4096);
  for (const char* file : {"spamassassin/t/data/nice/cjk/iso-2022-jp.1", "mimekit/UnitTests/TestData/messages/bounce.txt"})
    both(read_file(corpus_path(file)), 4096);
}

// Hosts written in Unicode are recorded as their A-labels, whatever the part's
// encoding, charset or markup; what cannot be a host is reported, never cut.
namespace {

using namespace std::string_literals;

std::string text_part(const std::string& charset, const std::string& encoding, const std::string& body,
                      const std::string& subtype = "plain") {
  std::string message = "From: a@example.org\nContent-Type: text/" + subtype + "; charset=" + charset + "\n";
  if (!encoding.empty()) message += "Content-Transfer-Encoding: " + encoding + "\n";
  return message + "\n" + body;
}

}  // namespace

TEST_CASE("body URLs: a host in Unicode becomes its A-label, not the ASCII bytes before it") {
  const Extracted plain = extract_message(text_part(
      "utf-8", "", "see http://b\xC3\xBC" "cher.de/x, http://\xE4\xBE\x8B\xE3\x81\x88.jp/path and www.b\xC3\xBC" "cher.de/w\n"));
  CHECK(plain.urls == std::vector<std::string>{"http://xn--bcher-kva.de/x", "http://xn--r8jz45g.jp/path",
                                               "http://www.xn--bcher-kva.de/w"});
  CHECK(plain.problems.empty());
  // Upper case and the ideographic full stop are what IDNA maps them to.
  CHECK(extract_text_urls("http://B\xC3\x9C" "CHER.DE/x http://\xE4\xBE\x8B\xE3\x81\x88\xE3\x80\x82jp/y", false) ==
        std::vector<std::string>{"http://xn--bcher-kva.de/x", "http://xn--r8jz45g.jp/y"});
  // User info and port stay around the converted host.
  CHECK(extract_text_urls("https://u@b\xC3\xBC" "cher.de:8443/p", false) ==
        std::vector<std::string>{"https://u@xn--bcher-kva.de:8443/p"});
}

TEST_CASE("body URLs: Japanese text right after a host is not part of it, a Unicode top-level label is") {
  // "詳しくは" glued to the host, or after an ideographic full stop: the host ends before it.
  CHECK(extract_text_urls("\xE8\xA9\xB3\xE3\x81\x97\xE3\x81\x8Fhttp://example.jp\xE8\xA9\xB3\xE3\x81\x97\xE3\x81\x8F",
                          false) == std::vector<std::string>{"http://example.jp/"});
  CHECK(extract_text_urls("http://\xE4\xBE\x8B\xE3\x81\x88.jp\xE3\x80\x82\xE6\xAC\xA1\xE3\x81\xB8", false) ==
        std::vector<std::string>{"http://xn--r8jz45g.jp/"});
  CHECK(extract_text_urls("http://b\xC3\xBC" "cher.de\xE8\xA9\xB3", false) ==
        std::vector<std::string>{"http://xn--bcher-kva.de/"});
  // 中国 is a listed top-level label: it belongs to the host.
  CHECK(extract_text_urls("http://\xE4\xBE\x8B\xE3\x81\x88.\xE4\xB8\xAD\xE5\x9B\xBD/x", false) ==
        std::vector<std::string>{"http://xn--r8jz45g.xn--fiqs8s/x"});
  // Unicode after the path ends the URL as it always did.
  CHECK(extract_text_urls("http://example.com/x\xE8\xA9\xB3", false) == std::vector<std::string>{"http://example.com/x"});
}

TEST_CASE("body URLs: Unicode hosts in HTML, as text, entities, percent escapes and scheme-relative links") {
  const Extracted html = extract_message(text_part(
      "utf-8", "",
      "<a href=\"http://b\xC3\xBC" "cher.de/raw\">a</a> <a href=\"http://b&#252;cher.de/entity\">b</a>"
      " <a href=\"http://b%C3%BCcher.de/percent\">c</a> <a href=\"http://%65vil.example/ascii\">d</a>"
      " <img src=\"//\xE4\xBE\x8B\xE3\x81\x88.jp/i.png\">\n",
      "html"));
  CHECK(html.urls == std::vector<std::string>{"http://xn--bcher-kva.de/raw", "http://xn--bcher-kva.de/entity",
                                              "http://xn--bcher-kva.de/percent", "http://evil.example/ascii",
                                              "http://xn--r8jz45g.jp/i.png"});
  CHECK(html.problems.empty());
}

TEST_CASE("body URLs: Unicode hosts in quoted-printable and base64 parts, and in other charsets") {
  CHECK(extract_message(text_part("utf-8", "quoted-printable", "see http://b=C3=BCcher.de/qp now\n")).urls ==
        std::vector<std::string>{"http://xn--bcher-kva.de/qp"});
  CHECK(extract_message(text_part("utf-8", "base64", encode_base64("see http://b\xC3\xBC" "cher.de/b64 now\n"))).urls ==
        std::vector<std::string>{"http://xn--bcher-kva.de/b64"});
  // Latin-1 is scanned without converting the text: the host's bytes are read in it.
  const Extracted latin1 = extract_message(text_part("iso-8859-1", "quoted-printable", "see http://b=FCcher.de/l1\n"));
  CHECK(latin1.urls == std::vector<std::string>{"http://xn--bcher-kva.de/l1"});
  CHECK(latin1.problems.empty());
  // An entity decodes to UTF-8 even in a Latin-1 part.
  CHECK(extract_message(text_part("iso-8859-1", "", "<a href=\"http://b&#252;cher.de/e\">x</a>\n", "html")).urls ==
        std::vector<std::string>{"http://xn--bcher-kva.de/e"});
  CHECK(extract_message(text_part("shift_jis", "", "http://\x97\xE1\x82\xA6.jp/sj\n")).urls ==
        std::vector<std::string>{"http://xn--r8jz45g.jp/sj"});
  CHECK(extract_message(text_part("iso-2022-jp", "", "http://\x1b$BNc$(\x1b(B.jp/jis\n")).urls ==
        std::vector<std::string>{"http://xn--r8jz45g.jp/jis"});
}

TEST_CASE("body URLs: a host that cannot be one is reported, not cut to the bytes before it") {
  // Not UTF-8 in a UTF-8 part, no valid name under IDNA (U+FFFD), a broken escape.
  const Extracted bad = extract_message(
      text_part("utf-8", "", "http://b\xFC" "cher.de/x http://a\xEF\xBF\xBD" "b.example/replaced http://b%zzcher.de/p\n"));
  CHECK(bad.urls.empty());
  CHECK(bad.problem_mentions("body: URL not read, its host is neither UTF-8 nor in the part's charset: http://b\\xfccher.de/x"));
  CHECK(bad.problem_mentions("host is no valid internationalised name: http://a\\xef\\xbf\\xbdb.example/replaced"));
  CHECK(bad.problem_mentions("host holds a '%' that escapes nothing: http://b%zzcher.de/p"));
}

TEST_CASE("body URLs: a control byte in a host makes the URL unreadable, in a path it is percent-encoded") {
  const Extracted hosts = extract_message(text_part(
      "utf-8", "", "http://ev\0il.example/x http://evil\x1b[31m.top/y http://%00evil.example/z\n"s));
  CHECK(hosts.urls.empty());  // before: "http://ev/", "http://evil/"
  CHECK(hosts.problem_mentions("body: URL not read, its host holds a control byte: http://ev\\x00il.example/x"));
  CHECK(hosts.problem_mentions("host holds a control byte: http://evil\\x1b[31m.top/y"));
  CHECK(hosts.problem_mentions("host holds a control byte: http://%00evil.example/z"));
  const Extracted paths = extract_message(
      text_part("utf-8", "", "http://good.example/a\0b?c\x7f" "d next http://ok.example/e\0 end\n"s));
  CHECK(paths.urls == std::vector<std::string>{"http://good.example/a%00b?c%7Fd", "http://ok.example/e"});
  CHECK(paths.problems.empty());
}
