// RFC 2047 encoded words and charset conversion, on real Subjects from the
// corpus (tests/data/corpus and the extra corpus, see tests/data/SOURCES.md) and on
// hostile input.
#include <doctest/doctest.h>
#include <iconv.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <utility>

#include "collectors/encoded_words.h"
#include "collectors/header_block.h"
#include "collectors/iso2022jp.h"
#include "tests/helpers.h"
#include "tests/into_results.h"

using namespace sg;

namespace {

// The raw (folded) value of the first Subject of the message at `path`.
std::string raw_subject_at(const std::string& path) {
  const std::string message = read_file(path);
  const HeaderBlock block = into::header_block(message);
  for (const HeaderField& field : block.fields)
    if (field_name_is(field.name, "subject")) return std::string(field.raw_value);
  FAIL("no Subject in " << path);
  return {};
}

// The same for a message of the corpus in the repository.
std::string raw_subject(const std::string& relative) { return raw_subject_at(corpus_path(relative)); }

const std::string kFFFD = "\xEF\xBF\xBD";

// What iconv itself makes of `text` through `cd` (reset first), or nullopt when it
// rejects it: the reference the table-driven decoders are held to.
std::optional<std::string> convert_with_iconv(iconv_t cd, std::string text) {
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  std::string out(4 * text.size() + 16, '\0');
  char* in = text.data();
  size_t in_left = text.size();
  char* o = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

TEST_CASE("decode_header_value_into gives decode_header_value's text over whatever the buffer held") {
  CharsetDecoder decoder;
  std::string out = "a long value left over from the field before this one";
  for (const char* raw : {"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=", "  plain text  ", "",
                          "=?utf-8?q?caf=C3=A9?= and\r\n =?utf-8?B?5pel5pys?=", "=?bogus?Q?x?= y", "\xff raw"}) {
    CAPTURE(raw);
    decoder.decode_header_value_into(raw, out);
    CHECK(out == into::header_value(decoder, raw));
  }
  decoder.decode_header_value_into("\xa4\xa2", out, "EUC-JP");
  CHECK(out == into::header_value(decoder, "\xa4\xa2", "EUC-JP"));
}

TEST_CASE("base64 is decoded leniently") {
  CHECK(into::base64("aGVsbG8=") == "hello");
  CHECK(into::base64("aGVs\r\nbG8") == "hello");           // line break, no padding
  CHECK(into::base64(" a G V s b G 8 = ! ") == "hello");   // blanks and junk skipped
  CHECK(into::base64("QQ==QQ==") == "AA");                 // padding ends a block
  CHECK(into::base64("QUJD-") == "ABC");                   // '-' is junk, not URL-safe 62
  CHECK(into::base64("Q") == "");                           // dangling 6 bits dropped
  CHECK(into::base64("") == "");
}

TEST_CASE("quoted-printable is decoded leniently") {
  CHECK(into::quoted_printable("caf=C3=A9") == "caf\xC3\xA9");
  CHECK(into::quoted_printable("caf=c3=a9") == "caf\xC3\xA9");  // lower-case hex
  CHECK(into::quoted_printable("soft=\r\nbreak") == "softbreak");
  CHECK(into::quoted_printable("soft= \t\nbreak") == "softbreak");  // blanks before the break
  CHECK(into::quoted_printable("a=ZZb") == "a=ZZb");                // malformed: kept
  CHECK(into::quoted_printable("a=4") == "a=4");                    // truncated escape at the end
  CHECK(into::quoted_printable("end=") == "end");
  CHECK(into::quoted_printable("href=3D\"x\"") == "href=\"x\"");
}

TEST_CASE("UTF-8 validation and sanitising") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xE6\x97\xA5\xE6\x9C\xAC"));  // 日本
  CHECK(is_valid_utf8("\xF0\x9F\x8E\x89"));          // 🎉
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));            // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));        // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));    // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE3\x81"));            // truncated
  CHECK(sanitize_utf8("a\xE3\x81" "b") == "a" + kFFFD + "b");  // one U+FFFD for the truncated character
  CHECK(sanitize_utf8("\xFF\xFE") == kFFFD + kFFFD);
  CHECK(sanitize_utf8("\xE6\x97\xA5") == "\xE6\x97\xA5");
}

TEST_CASE("charset labels map to the supersets mail needs") {
  CHECK(iconv_charset_name("gb2312") == "GB18030");
  CHECK(iconv_charset_name("GB2312") == "GB18030");
  CHECK(iconv_charset_name("\"gbk\"") == "GB18030");
  CHECK(iconv_charset_name("Shift_JIS") == "CP932");
  CHECK(iconv_charset_name("euc-jp") == "EUC-JP-MS");
  CHECK(iconv_charset_name("ISO-2022-JP") == "ISO-2022-JP");
  CHECK(iconv_charset_name("iso-8859-1") == "WINDOWS-1252");
  CHECK(iconv_charset_name("ks_c_5601-1987") == "CP949");
  CHECK(iconv_charset_name("iso-8859-8-i") == "ISO-8859-8");
  CHECK(iconv_charset_name("utf-8*en") == "UTF-8");  // RFC 2231 language suffix
  CHECK(iconv_charset_name("us-ascii") == "UTF-8");
  CHECK(iconv_charset_name("") == "UTF-8");
  CHECK(iconv_charset_name("koi8-r") == "KOI8-R");
  CHECK(iconv_charset_name("x-mac-roman") == "MACINTOSH");
  // Never handed to iconv_open: path-like or option-carrying names.
  CHECK(iconv_charset_name("utf-8//TRANSLIT") == "");
  CHECK(iconv_charset_name("../../etc/passwd") == "");
  CHECK(iconv_charset_name(std::string(100, 'a')) == "");
}

TEST_CASE("charsets convert to UTF-8") {
  CharsetDecoder decoder;
  CHECK(decoder.to_utf8("\x82\xA0", "Shift_JIS") == "\xE3\x81\x82");           // あ
  CHECK(decoder.to_utf8("\x87\x40", "shift_jis") == "\xE2\x91\xA0");           // ① (NEC row 13)
  CHECK(decoder.to_utf8("\xA4\xA2", "EUC-JP") == "\xE3\x81\x82");              // あ
  CHECK(decoder.to_utf8("\xC4\xE3\xBA\xC3", "gb2312") == "\xE4\xBD\xA0\xE5\xA5\xBD");  // 你好
  CHECK(decoder.to_utf8("\xA7\x41\xA6\x6E", "big5") == "\xE4\xBD\xA0\xE5\xA5\xBD");    // 你好
  CHECK(decoder.to_utf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r") == "Привет");
  CHECK(decoder.to_utf8("\xCF\xF0\xE8\xE2\xE5\xF2", "windows-1251") == "Привет");
  CHECK(decoder.to_utf8("\xB1", "iso-8859-2") == "ą");
  CHECK(decoder.to_utf8("caf\xE9 \x80", "iso-8859-1") == "café €");  // read as windows-1252
  CHECK(decoder.to_utf8("\xE0", "iso-8859-8-i") == "א");
  CHECK(decoder.to_utf8("\xB0\xA1", "euc-kr") == "가");
  CHECK(decoder.to_utf8(std::string_view("\xFF\xFEh\0i\0", 6), "utf-16") == "hi");
  CHECK(decoder.to_utf8("Hi Mom -+Jjo--!", "utf-7") == "Hi Mom -\xE2\x98\xBA-!");
  CHECK(decoder.to_utf8("\x1B$B$3$s$K$A$O\x1B(B", "iso-2022-jp") == "こんにちは");
}

TEST_CASE("ISO-2022-JP with NEC extensions falls back to CP932 (CP50220)") {
  CharsetDecoder decoder;
  // JIS 0x2D62 is № in NEC row 13: strict ISO-2022-JP has no such character.
  const Conversion conversion = decoder.convert("\x1B$B-b\x1B(B41", "iso-2022-jp");
  CHECK(conversion.text == "№41");
  CHECK(conversion.replaced == 0);
  CHECK(decoder.to_utf8("\x1B$B-!\x1B(B", "ISO-2022-JP") == "①");
  // Half-width katakana by ESC ( I and by SO/SI (CP50221), and "ESC $ @".
  CHECK(decoder.to_utf8("\x1B(I1\x1B(B", "iso-2022-jp") == "ｱ");
  CHECK(decoder.to_utf8("\x0E\x31\x0F" "a", "iso-2022-jp") == "ｱa");
  CHECK(decoder.to_utf8("\x1B$@-b\x1B(B", "iso-2022-jp") == "№");
  // An unknown escape costs one U+FFFD, the rest still decodes.
  const Conversion broken = decoder.convert("\x1B$Z-b\x1B$B-b\x1B(B", "iso-2022-jp");
  CHECK(broken.text.find("№") != std::string::npos);
  CHECK(is_valid_utf8(broken.text));
}

TEST_CASE("undecodable bytes become U+FFFD, unknown charsets are read as UTF-8") {
  CharsetDecoder decoder;
  const Conversion truncated = decoder.convert("\x82", "shift_jis");
  CHECK(truncated.text == kFFFD);
  CHECK(truncated.replaced == 1);
  const Conversion bad = decoder.convert("a\xFF\xFF" "b", "gb2312");
  CHECK(bad.text.find(kFFFD) != std::string::npos);
  CHECK(bad.text.front() == 'a');
  CHECK(bad.text.back() == 'b');
  const Conversion unknown = decoder.convert("ok \xE2\x9C\x93 \xFF", "x-klingon");
  CHECK_FALSE(unknown.known_charset);
  CHECK(unknown.text == "ok \xE2\x9C\x93 " + kFFFD);
  const Conversion injected = decoder.convert("x", "utf-8//IGNORE");
  CHECK_FALSE(injected.known_charset);
  CHECK(injected.text == "x");
}

TEST_CASE("real Subjects from the corpus") {
  const auto extra = extra_corpus();  // linux-erofs-list-archive
  CharsetDecoder decoder;
  // ISO-2022-JP with the NEC character № (php-mime-mail-parser issue116).
  CHECK(into::header_value(decoder, raw_subject("php-mime-mail-parser/tests/mails/issue116")) ==
        "ЖД№41 от 28.09.2016");
  // Japanese labelled gb2312 with a GBK-only pair (the long vowel mark).
  if (extra)
    CHECK(into::header_value(decoder, raw_subject_at(
              *extra + "/linux-erofs-list-archive/messages/1d8072ba01af837c491948791c3030ee5c567a93.eml")) ==
          "E T Cサービスのお知らせ");
  // gb2312 label, GBK content, two folded words.
  CHECK(into::header_value(decoder, raw_subject("spamscope-mail-parser/tests/mails/mail_test_9")) ==
        "我把镜头拉近些，你们看看这个是什么屄，这种场合自然少不了内射");
  // Two ISO-2022-JP B-words mixing Japanese and ASCII.
  CHECK(into::header_value(decoder, raw_subject("mimekit/UnitTests/TestData/messages/japanese.txt")) ==
        "日本語メールテスト (testing Japanese emails)");
  if (extra)
    CHECK(into::header_value(decoder, raw_subject_at(
              *extra + "/linux-erofs-list-archive/messages/7b1cb5555e42bab623ef3e3f180f268aa7cea6ac.eml")) ==
          "取引目的等の確認のお願い");  // Shift_JIS
  CHECK(into::header_value(decoder, raw_subject("sisimai-set-of-emails/maildir/bsd/lhost-office365-04.eml")) ==
        "Undeliverable: ニャーン");
  // Raw text, then an encoded word: the space between them stays.
  CHECK(into::header_value(decoder, raw_subject("php-mime-mail-parser/tests/mails/m0022")) ==
        "[PRJ-OTH] asdf  árvíztűrő tükörfúrógép");
  CHECK(into::header_value(decoder, raw_subject("php-mime-mail-parser/tests/mails/issue149")) ==
        "מענה 'אני לא נמצא': Invoice 02722027");  // iso-8859-8-i
  CHECK(into::header_value(decoder, raw_subject("php-mime-mail-parser/tests/mails/issue212"))
            .rfind("Automatyczna odpowiedź: Piotrze, test z 6 miesięcy", 0) == 0);  // windows-1250
  CHECK(into::header_value(decoder, raw_subject("rspamd/test/functional/messages/spam.eml"))
            .rfind("Аудиоэнциклопедии для детей", 0) == 0);  // windows-1251
  // RFC 2231 language tags, and ž split across two words of one charset.
  CHECK(into::header_value(decoder, raw_subject("spamassassin/t/data/nice/unicode1")) == "Domače omrežje");
  // UTF-8 split over B and Q words, emoji and a URL inside.
  CHECK(into::header_value(decoder, raw_subject("rspamd/test/functional/messages/urlinsubjectencoded.eml")) ==
        "ПОДТВЕРДИТЕ ВЫПЛАТУ - https://example.com/nT6a--Check out our New 🗺️ Geography Themed Set 🏔️");
}

TEST_CASE("raw 8-bit Subject: invalid UTF-8 becomes U+FFFD unless a fallback charset is given") {
  CharsetDecoder decoder;
  const std::string raw = raw_subject("spamassassin/t/data/nice/cjk/big5-base64.1");  // raw Big5 bytes
  const std::string plain = into::header_value(decoder, raw);
  CHECK(is_valid_utf8(plain));
  CHECK(plain.find(kFFFD) != std::string::npos);
  CHECK(plain.rfind("[SLAT-talk] ", 0) == 0);
  const std::string with_fallback = into::header_value(decoder, raw, "big5");
  CHECK(with_fallback.find(kFFFD) == std::string::npos);
  CHECK(with_fallback.find("6月17日") != std::string::npos);
  // Valid raw UTF-8 is kept as is, fallback or not.
  CHECK(into::header_value(decoder, "  Ürün  ", "big5") == "Ürün");
}

TEST_CASE("encoded word rules of RFC 2047") {
  CharsetDecoder decoder;
  // §6.2: whitespace (also folding) between adjacent encoded words is dropped.
  CHECK(into::header_value(decoder, "=?utf-8?q?a?= =?utf-8?q?b?=") == "ab");
  CHECK(into::header_value(decoder, "=?utf-8?q?a?=\r\n\t=?utf-8?q?b?=") == "ab");
  // ... but not between an encoded word and text.
  CHECK(into::header_value(decoder, "=?utf-8?q?a?= b =?utf-8?q?c?=") == "a b c");
  // A multibyte character split across two words of one charset (こ = E3 81 93).
  CHECK(into::header_value(decoder, "=?UTF-8?B?44E=?= =?utf-8?B?kw==?=") == "こ");
  // Different charsets next to each other.
  CHECK(into::header_value(decoder, "=?iso-8859-1?q?caf=E9?= =?utf-8?q?_ok?=") == "café ok");
  CHECK(into::header_value(decoder, "=?utf-8?Q?a_b=3F?=") == "a b?");
  // Glued to text (not allowed, but spam does it) is still decoded.
  CHECK(into::header_value(decoder, "Re:=?utf-8?q?x?=y") == "Re:xy");
  // Malformed words stay literal.
  CHECK(into::header_value(decoder, "=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");
  CHECK(into::header_value(decoder, "=?utf-8?B?YWJj") == "=?utf-8?B?YWJj");
  CHECK(into::header_value(decoder, "=?=?utf-8?q?a?=") == "=?a");
  CHECK(into::header_value(decoder, "=??q?a?=") == "=??q?a?=");
  // Decoded line breaks and NULs do not survive into a one-line value.
  CHECK(into::header_value(decoder, "=?utf-8?q?a=0D=0Ab=00c?=") == "a  b c");
  // Unknown charset in a word: the bytes are read as UTF-8.
  CHECK(into::header_value(decoder, "=?x-unknown-thing?q?ok=FF?=") == "ok" + kFFFD);
}

TEST_CASE("hostile header values stay cheap") {
  CharsetDecoder decoder;
  // 5000 words in 5000 different bogus charsets: only 1000 are decoded.
  std::string value;
  for (int i = 0; i < 5000; ++i) value += "=?x-" + std::to_string(i) + "?q?a?= ";
  const std::string decoded = into::header_value(decoder, value);
  CHECK(decoded.substr(0, 1000) == std::string(1000, 'a'));
  CHECK(decoded.find("=?x-1000?q?a?=") != std::string::npos);
  CHECK(decoder.cached_descriptors() <= 64);
  // A million starts of words that never end.
  std::string junk;
  for (int i = 0; i < 1'000'000; ++i) junk += (i % 2) ? "=?" : "=?u?q?";
  const std::string out = into::header_value(decoder, junk);
  CHECK(is_valid_utf8(out));
  CHECK(out.size() <= junk.size());
}

TEST_CASE("descriptor cache is per decoder and bounded") {
  CharsetDecoder first;
  CharsetDecoder second;
  CHECK(first.to_utf8("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r") == "Привет");
  CHECK(first.cached_descriptors() == 1);
  CHECK(second.cached_descriptors() == 0);  // no shared state
  CHECK(first.to_utf8("\xF0\xD2", "KOI8-R") == "Пр");
  CHECK(first.cached_descriptors() == 1);   // reused
  // Hundreds of distinct (valid and bogus) labels from hostile mail.
  for (int i = 0; i < 300; ++i) {
    first.to_utf8("\xE9", "iso-8859-" + std::to_string(i % 20));
    first.to_utf8("\xE9", "x-bogus-" + std::to_string(i));
  }
  CHECK(first.cached_descriptors() <= 64);
  CHECK(first.to_utf8("\xE9", "iso-8859-15") == "é");
  CHECK(first.to_utf8("\xF0\xD2", "koi8-r") == "Пр");
}

TEST_CASE("arbitrary bytes never break decoding") {
  CharsetDecoder decoder;
  std::mt19937 random(2047);
  const char* charsets[] = {"utf-8", "iso-2022-jp", "shift_jis", "gb2312", "big5", "euc-jp", "utf-16",
                            "utf-7", "koi8-r", "x-unknown", "iso-2022-jp-2", "euc-kr"};
  const std::string pieces[] = {"=?", "?=", "?B?", "?q?", "\x1B$B", "\x1B(B", "\x1B(I", "\x0E", "=E9", "_", " ",
                                "\r\n ", "=?utf-8?b?", "=?iso-2022-jp?B?GyRC", "\xFF", "\x80", "\xE3\x81"};
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    const int length = static_cast<int>(random() % 60);
    for (int i = 0; i < length; ++i) {
      if (random() % 3 == 0) input += pieces[random() % std::size(pieces)];
      else input.push_back(static_cast<char>(random() % 256));
    }
    const std::string charset = charsets[random() % std::size(charsets)];
    CHECK(is_valid_utf8(decoder.to_utf8(input, charset)));
    CHECK(is_valid_utf8(into::header_value(decoder, input)));
    CHECK(is_valid_utf8(into::header_value(decoder, input, charset)));
  }
}

TEST_CASE("the table-driven ISO-2022-JP decoder gives iconv's bytes, or declines") {
  // decode_common_iso2022jp_into (collectors/iso2022jp.h) serves convert() and the URL walk.
  JapaneseTables tables;
  iconv_t cd = iconv_open("UTF-8", "ISO-2022-JP");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  auto by_iconv = [cd](std::string text) { return convert_with_iconv(cd, std::move(text)); };
  std::mt19937 random(7);
  size_t decoded = 0;
  std::string kept;  // reused from round to round: longer texts leave bytes behind
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int pieces = static_cast<int>(random() % 12);
    for (int i = 0; i < pieces; ++i) {
      switch (random() % 6) {
        case 0: text += "\x1B$B"; break;
        case 1: text += "\x1B(B"; break;
        case 2: text += "http://x.example/"; break;
        case 3:  // a JIS X 0208 pair, mostly in the rows real text uses
          text.push_back(static_cast<char>(0x21 + random() % (random() % 4 ? 16 : 94)));
          text.push_back(static_cast<char>(0x21 + random() % 94));
          break;
        case 4: text.push_back(static_cast<char>(random() % 256)); break;  // anything at all
        default: text += "\x1B(I"; break;                                  // half-width katakana: declined
      }
    }
    std::string fast;
    const bool taken = decode_common_iso2022jp_into(text, tables, kept);
    REQUIRE(taken == decode_common_iso2022jp_into(text, tables, fast));
    if (!taken) {
      CHECK(kept.empty());  // declined: the buffer is left empty (core/result.h)
      continue;
    }
    ++decoded;
    CAPTURE(text);
    CHECK(kept == fast);  // exactly the text, whatever a longer one left in the buffer
    const std::optional<std::string> reference = by_iconv(text);
    REQUIRE(reference.has_value());  // what the table takes, iconv takes
    CHECK(fast == *reference);
  }
  iconv_close(cd);
  CHECK(decoded > 500);  // the common form was taken often enough to be tested
  CharsetDecoder decoder;
  CHECK(decoder.to_utf8("\x1B$B$3$s$K$A$O\x1B(B!", "ISO-2022-JP") == "こんにちは!");
}

TEST_CASE("plain_ascii_run stops at the first ESC, SO, SI or 8-bit byte") {
  // Sixteen bytes a step, then bytewise: the stop in every position of both.
  std::mt19937 random(13);
  const char stops[] = {'\x1B', '\x0E', '\x0F', '\x80', '\xFF'};
  const char passes[] = {'a', '<', '\x0D', '\x10', '\x7F', '\x00', '$', '\x0C'};
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 70, ' ');
    for (char& c : text) c = passes[random() % std::size(passes)];
    size_t expected = text.size();
    if (!text.empty() && random() % 4 != 0) {
      expected = random() % text.size();
      text[expected] = stops[random() % std::size(stops)];
      for (size_t i = expected + 1; i < text.size(); ++i)
        if (random() % 3 == 0) text[i] = stops[random() % std::size(stops)];
    }
    CAPTURE(text);
    CHECK(plain_ascii_run(text) == expected);
  }
}

TEST_CASE("the table-driven Shift_JIS decoder gives iconv's CP932 bytes, or declines") {
  // decode_common_cp932_into (collectors/iso2022jp.h) serves convert() for shift_jis labels.
  JapaneseTables tables;
  iconv_t cd = iconv_open("UTF-8", "CP932");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  auto by_iconv = [cd](std::string text) { return convert_with_iconv(cd, std::move(text)); };
  std::mt19937 random(8);
  size_t decoded = 0, declined = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int pieces = static_cast<int>(random() % 12);
    for (int i = 0; i < pieces; ++i) {
      switch (random() % 6) {
        case 0: text += "http://x.example/\\"; break;
        case 1:  // a pair, lead and trail anywhere in their ranges (some are holes iconv rejects)
          text.push_back(static_cast<char>(random() % 2 ? 0x81 + random() % 31 : 0xE0 + random() % 29));
          text.push_back(static_cast<char>(0x40 + random() % 189));
          break;
        case 2: text.push_back(static_cast<char>(0xA1 + random() % 63)); break;  // half-width katakana
        case 3: text += "\x95\x5C\x82\xA0"; break;                                // 表 (trail byte '\\'), あ
        case 4: text.push_back(static_cast<char>(random() % 256)); break;         // anything at all
        default: text.push_back(static_cast<char>(0x81 + random() % 31)); break;  // a lone lead byte
      }
    }
    std::string fast = "left over";
    CAPTURE(text);
    if (!decode_common_cp932_into(text, tables, fast)) {
      CHECK(fast.empty());  // declined: the buffer is left empty (core/result.h)
      ++declined;
      continue;
    }
    ++decoded;
    const std::optional<std::string> reference = by_iconv(text);
    REQUIRE(reference.has_value());  // what the table takes, iconv takes
    CHECK(fast == *reference);
  }
  iconv_close(cd);
  CHECK(decoded > 500);   // clean text was taken often enough to be tested
  CHECK(declined > 100);  // and hostile text left to iconv
  CharsetDecoder decoder;
  CHECK(decoder.to_utf8("\x82\xB1\x82\xF1\x82\xC9\x82\xBF\x82\xCD!", "shift_jis") == "こんにちは!");
}
