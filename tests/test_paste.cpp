// Pasted header excerpts: the seed case (a Japanese blog quoting two sets of
// headers), lost folding, quoting artefacts, and the paste/message decision.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "collectors/header_block.h"
#include "collectors/paste.h"
#include "tests/helpers.h"
#include "tests/into_results.h"

using namespace sg;

namespace {

// The blog post (not in the repository: see extra_seed()).
std::string seed_blog(const std::string& extra) { return read_file(extra + "/blog-ja-cks-part2.txt"); }
std::string bundled(const std::string& name) { return read_file(std::string(SPAMGRAPH_SOURCE_DIR) + "/data/seed/" + name); }

std::vector<std::string> field_names(const std::string& headers) {
  std::vector<std::string> names;
  for (const HeaderField& field : into::header_block(headers).fields) names.emplace_back(field.name);
  return names;
}

std::string field_value(const std::string& headers, size_t index) {
  const HeaderBlock block = into::header_block(headers);
  REQUIRE(index < block.fields.size());
  return into::unfold(block.fields[index].raw_value);
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const std::string& problem : problems)
    if (problem.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the bundled seed pastes are the blog's excerpt lines, byte for byte") {
  const auto extra = extra_seed();
  if (!extra) return;
  const std::string blog = seed_blog(*extra);
  // Each excerpt is the four lines from "Received-SPF:" on, as the blog has them.
  const size_t first = blog.find("Received-SPF: pass (re27.leadw.link: domain of bounce-********@g0zs8omwfqere.link");
  const size_t second = blog.find("Received-SPF: pass (re27.leadw.link: domain of bounce-********@authoranz.xyz");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  auto four_lines = [&](size_t from) {
    size_t end = from;
    for (int i = 0; i < 4; ++i) end = blog.find('\n', end) + 1;
    return blog.substr(from, end - from);
  };
  CHECK(bundled("jacks-1.txt") == four_lines(first));
  CHECK(bundled("jacks-2.txt") == four_lines(second));
  // The web page kept the double spaces as U+00A0 + space.
  CHECK(bundled("jacks-1.txt").find("********\xC2\xA0 from=kldoqzn6x62p3.top") != std::string::npos);
}

TEST_CASE("seed paste jacks-1: four fields, NBSP turned into a space, masks kept") {
  std::vector<std::string> problems;
  const std::vector<PasteExcerpt> excerpts = split_paste(bundled("jacks-1.txt"), problems);
  CHECK(problems.empty());
  REQUIRE(excerpts.size() == 1);
  CHECK(excerpts[0].fields == 4);
  CHECK(excerpts[0].line == 1);
  CHECK(excerpts[0].offset == 0);
  const std::string& headers = excerpts[0].headers;
  CHECK(field_names(headers) ==
        std::vector<std::string>{"Received-SPF", "Authentication-Results", "Received", "Received"});
  CHECK(into::header_block(headers).problems.empty());
  CHECK(headers.find("\xC2\xA0") == std::string::npos);
  CHECK(field_value(headers, 0) ==
        "pass (re27.leadw.link: domain of bounce-********@g0zs8omwfqere.link designates 114.113.195.101 as "
        "permitted sender) receiver=re27.leadw.link; client-ip=114.113.195.101; "
        "envelope-from=bounce-********@g0zs8omwfqere.link;");
  CHECK(field_value(headers, 1) ==
        "********  from=kldoqzn6x62p3.top; domainkeys=neutral (no sig); dkim=neutral (no sig); "
        "header.i=@kldoqzn6x62p3.top");
  CHECK(field_value(headers, 2) == "from 114.113.195.101  (EHLO re27.leadw.link) (114.113.195.101)");
  CHECK(field_value(headers, 3) ==
        "from kldoqzn6x62p3.top (static-ip.137.54.244.103.rev.i4hk.com [103.244.54.137])");
  CHECK(looks_like_paste(bundled("jacks-1.txt")));
}

TEST_CASE("seed paste jacks-2") {
  std::vector<std::string> problems;
  const std::string headers = normalize_paste(bundled("jacks-2.txt"), problems);
  CHECK(problems.empty());
  CHECK(field_names(headers).size() == 4);
  CHECK(field_value(headers, 0).find("envelope-from=bounce-********@authoranz.xyz;") != std::string::npos);
  CHECK(field_value(headers, 1).find("from=somach789.xyz;") != std::string::npos);
  CHECK(field_value(headers, 2) == "from 114.113.195.11  (EHLO re27.leadw.link) (114.113.195.11)");
  CHECK(looks_like_paste(bundled("jacks-2.txt")));
}

TEST_CASE("the whole blog post: two excerpts, prose dropped and reported") {
  const auto extra = extra_seed();
  if (!extra) return;
  const std::string blog = seed_blog(*extra);
  std::vector<std::string> problems;
  const std::vector<PasteExcerpt> excerpts = split_paste(blog, problems);
  REQUIRE(excerpts.size() == 2);
  CHECK(excerpts[0].line == 19);
  CHECK(excerpts[1].line == 52);
  CHECK(blog.compare(excerpts[0].offset, 13, "Received-SPF:") == 0);
  CHECK(blog.compare(excerpts[1].offset, 13, "Received-SPF:") == 0);
  CHECK(excerpts[0].headers == normalize_paste(bundled("jacks-1.txt"), problems));
  CHECK(excerpts[1].headers == normalize_paste(bundled("jacks-2.txt"), problems));
  CHECK(mentions(problems, "lines 1-16: not a header field, dropped"));
  // The domain list between the excerpts (ASCII lines after prose) is prose too.
  CHECK(excerpts[0].headers.find("jonjokojon789.shop") == std::string::npos);
  std::vector<std::string> ignored;
  CHECK(field_names(normalize_paste(blog, ignored)).size() == 8);
  CHECK(looks_like_paste(blog));
}

TEST_CASE("lost folding is re-joined to its field") {
  const std::string paste =
      "Received: from mail.example.net (mail.example.net [192.0.2.7])\n"
      "by mx.example.org (Postfix) with ESMTP id 4A1B2C3D\n"
      "for <user@example.org>; Tue, 1 Jan 2019 10:00:00 +0000\n"
      "Subject: hello\n";
  std::vector<std::string> problems;
  const std::string headers = normalize_paste(paste, problems, "\r\n");
  CHECK(problems.empty());
  CHECK(headers ==
        "Received: from mail.example.net (mail.example.net [192.0.2.7])\r\n"
        " by mx.example.org (Postfix) with ESMTP id 4A1B2C3D\r\n"
        " for <user@example.org>; Tue, 1 Jan 2019 10:00:00 +0000\r\n"
        "Subject: hello\r\n");
  CHECK(field_value(headers, 0) ==
        "from mail.example.net (mail.example.net [192.0.2.7]) by mx.example.org (Postfix) with ESMTP id "
        "4A1B2C3D for <user@example.org>; Tue, 1 Jan 2019 10:00:00 +0000");
  CHECK(looks_like_paste(paste));  // header lines only, one of them no field
}

TEST_CASE("quoted, indented and double-spaced pastes") {
  // A forum quote: every line indented, folds indented deeper, blank lines between lines.
  const std::string paste =
      "\n\n    Return-Path: <bounce@spam.example>\n\n"
      "    Received: from unknown (HELO spam.example) (198.51.100.9)\n\n"
      "        by mx.example.org with SMTP; 2 Jan 2020 03:04:05 -0000\n\n"
      "    Received: from relay.example (relay.example [203.0.113.5])\n"
      "\n"
      "by relay2.example with ESMTP id 77\n"
      "\xE3\x80\x80\xE3\x80\x80Message-ID: <abc@spam.example>\n";  // ideographic spaces
  std::vector<std::string> problems;
  const std::string headers = normalize_paste(paste, problems);
  CHECK(problems.empty());
  CHECK(field_names(headers) == std::vector<std::string>{"Return-Path", "Received", "Received", "Message-ID"});
  CHECK(field_value(headers, 1) == "from unknown (HELO spam.example) (198.51.100.9) by mx.example.org with SMTP; "
                                   "2 Jan 2020 03:04:05 -0000");
  CHECK(field_value(headers, 2) == "from relay.example (relay.example [203.0.113.5]) by relay2.example with ESMTP id 77");
  CHECK(looks_like_paste(paste));
}

TEST_CASE("prose, omission marks and names that are not headers") {
  const std::string paste =
      "Here are the headers of the spam I got:\n"
      "Note: some parts are hidden\n"
      "Received: from a.example (a.example [192.0.2.1])\n"
      "...\n"
      "Received: from b.example (b.example [192.0.2.2])\n"
      "(snip)\n"
      "（略）\n"
      "X-Mailer: Foxmail 7\n"
      "\n"
      "The second one:\n"
      "\n"
      "Received: from c.example (c.example [192.0.2.3])\n";
  std::vector<std::string> problems;
  const std::vector<PasteExcerpt> excerpts = split_paste(paste, problems);
  REQUIRE(excerpts.size() == 2);
  CHECK(field_names(excerpts[0].headers) == std::vector<std::string>{"Received", "Received", "X-Mailer"});
  CHECK(field_names(excerpts[1].headers) == std::vector<std::string>{"Received"});
  CHECK(excerpts[1].line == 12);
  CHECK(mentions(problems, "lines 1-2: not a header field, dropped"));  // "Note:" is not a header name
  CHECK(mentions(problems, "line 4: omission mark dropped"));
  CHECK(mentions(problems, "line 6: omission mark dropped"));
  CHECK(mentions(problems, "line 7: omission mark dropped"));
  CHECK(mentions(problems, "line 10: not a header field, dropped"));
  // A Japanese sentence right after a field is prose, not a lost fold.
  problems.clear();
  const std::string headers =
      normalize_paste("Received: from x.example (x.example [192.0.2.9])\n↑ここが送信元のサーバーです。\n", problems);
  CHECK(field_value(headers, 0) == "from x.example (x.example [192.0.2.9])");
  CHECK(mentions(problems, "line 2: not a header field"));
  // So is an English sentence.
  problems.clear();
  const std::string english =
      normalize_paste("Received: from y.example (y.example [192.0.2.8])\nThis is the server that sent it.\n"
                      "X-Mailer: Foxmail 7\n", problems);
  CHECK(field_value(english, 0) == "from y.example (y.example [192.0.2.8])");
  CHECK(field_names(english).size() == 2);
  CHECK(split_paste("Received: from y\nThis is the server that sent it.\nX-Mailer: z\n", problems).size() == 1);
  // Nothing usable.
  problems.clear();
  CHECK(normalize_paste("just some text\nno headers here\n", problems).empty());
  CHECK(split_paste("", problems).empty());
}

TEST_CASE("paste or message: the real corpus is never taken for a paste") {
  size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_path(""))) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name == "SOURCES.md" || name == "MANIFEST.tsv" || entry.path().extension() == ".json") continue;
    std::string start = read_file(entry.path().string()).substr(0, 65536);
    CAPTURE(entry.path().string());
    CHECK_FALSE(looks_like_paste(start));
    ++files;
  }
  CHECK(files >= 192);
  // Header-only text that a real message would be: has From/Date, all lines fields.
  CHECK_FALSE(looks_like_paste("From: a@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: x\n"));
  // No field at all: not a paste either (nothing to read).
  CHECK_FALSE(looks_like_paste("hello\nworld\n"));
  CHECK_FALSE(looks_like_paste(""));
  // Starts with prose or blank lines, then fields.
  CHECK(looks_like_paste("Look at this:\nReceived: from x (x [192.0.2.1])\n"));
  CHECK(looks_like_paste("\n\nReceived: from x (x [192.0.2.1])\n"));
  // Trace fields only, no body.
  CHECK(looks_like_paste("Received: from x (x [192.0.2.1])\nReceived-SPF: pass\n"));
  // Same, but with a body: a (strange) message.
  CHECK_FALSE(looks_like_paste("Received: from x (x [192.0.2.1])\n\nbody\n"));
}

TEST_CASE("arbitrary bytes give a clean header block") {
  std::mt19937 random(5322);
  const std::string pieces[] = {"Received: ", "X-A: ", "\n", "\r\n", "  ", "\t", "\xC2\xA0", "\xE3\x80\x80",
                                "...", "by ", "：", ":", "From ", "(snip)", "\xEF\xBB\xBF", "略"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 60);
    for (int i = 0; i < length; ++i) {
      if (random() % 2) text += pieces[random() % std::size(pieces)];
      else text.push_back(static_cast<char>(random() % 256));
    }
    std::vector<std::string> problems;
    const std::string headers = normalize_paste(text, problems);
    const HeaderBlock block = into::header_block(headers);
    CHECK(block.problems.empty());
    CHECK(block.body_offset == headers.size());  // no empty line inside
    (void)looks_like_paste(text);
  }
}

TEST_CASE("paste or message: a header block larger than the window is a message's, whatever fields it holds") {
  // Trace fields only, no body: an excerpt when small...
  std::string trace;
  for (int i = 0; trace.size() < 2000; ++i)
    trace += "Received: from relay" + std::to_string(i) + ".example (relay.example [192.0.2.1])\n";
  CHECK(looks_like_paste(trace));
  // ...but its sender chooses the size of a header block: one that fills the
  // window may have a body past it, so it is read as a message.
  std::string huge = trace;
  while (huge.size() < 200 * 1024) huge += trace;
  CHECK_FALSE(looks_like_paste(huge));
  CHECK_FALSE(looks_like_paste(huge + "\nhttps://body.example/\n"));
  // Lines that are no field (lost folding, in an excerpt) do not change that.
  CHECK_FALSE(looks_like_paste("X-Odd: 1\nnot a field\n" + huge));
  // A small header block, then blank lines past the window, then a body.
  CHECK_FALSE(looks_like_paste(trace + std::string(100 * 1024, '\n') + "https://body.example/\n"));
  // What starts with prose is a paste, however long.
  CHECK(looks_like_paste("Look at this:\n" + huge));
}
