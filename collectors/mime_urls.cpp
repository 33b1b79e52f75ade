#include "collectors/mime_urls.h"

#include <algorithm>
#include <memory>
#include <span>

#include "collectors/content_type.h"
#include "collectors/encoded_words.h"
#include "collectors/header_block.h"
#include "collectors/iso2022jp.h"
#include "collectors/mime_fields.h"
#include "collectors/mime_text.h"
#include "collectors/transfer_decoding.h"
#include "collectors/url_scan.h"

namespace sg {

using namespace mime;

namespace {

constexpr size_t kMaxProblems = 16;  // one broken message must not flood the report

std::string_view first_token(std::string_view value) {
  value = trim(value);
  size_t end = 0;
  while (end < value.size() && !is_blank(value[end]) && value[end] != ';' && value[end] != '(') ++end;
  return value.substr(0, end);
}

// charset= from <meta charset> or <meta http-equiv content="...; charset=">.
std::string sniff_html_charset(std::string_view html) {
  const std::string head = to_lower(html.substr(0, 4096));
  size_t pos = 0;
  while ((pos = head.find("charset", pos)) != std::string::npos) {
    size_t i = pos + 7;
    pos = i;
    while (i < head.size() && is_blank(head[i])) ++i;
    if (i >= head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() && (is_blank(head[i]) || head[i] == '"' || head[i] == '\'')) ++i;
    size_t end = i;
    while (end < head.size() && (is_alnum(head[end]) || head[end] == '-' || head[end] == '_' || head[end] == '.' ||
                                 head[end] == ':'))
      ++end;
    if (end > i) return head.substr(i, end - i);
  }
  return {};
}

bool looks_like_html(std::string_view text) {
  const std::string_view start = trim(text.substr(0, 512));
  return has_at(start, 0, "<!doctype html") || has_at(start, 0, "<html") || has_at(start, 0, "<head") ||
         has_at(start, 0, "<body") || has_at(start, 0, "<div") || has_at(start, 0, "<table") ||
         has_at(start, 0, "<p>") || has_at(start, 0, "<a ");
}

// A delimiter line "--boundary" (or the close "--boundary--") found in a body.
struct Delimiter {
  size_t start = std::string_view::npos;  // first byte of the line
  size_t next = 0;                        // first byte after the line
  bool close = false;
};

Delimiter find_delimiter(std::string_view body, size_t from, std::string_view delimiter) {
  // A delimiter starts a line, and every one starts with "--" (the caller makes
  // it "--" + boundary): only lines that begin so are compared.
  const auto delimiter_at = [&](size_t pos) -> Delimiter {
    if (body.substr(pos, delimiter.size()) != delimiter) return {};
    const Line line = line_at(body, pos);
    std::string_view rest = line.text.substr(delimiter.size());
    const bool close = rest.substr(0, 2) == "--";
    if (close) rest.remove_prefix(2);
    // A longer boundary that merely starts with ours is not ours (nested parts).
    if (close || trim(rest).empty()) return {pos, line.next, close};
    return {};
  };
  if (from == 0)
    if (const Delimiter first = delimiter_at(0); first.start != std::string_view::npos) return first;
  for (size_t line_break = find_trigram(body, from == 0 ? 0 : from - 1, '\n', '-', '-', false);
       line_break != std::string_view::npos; line_break = find_trigram(body, line_break + 1, '\n', '-', '-', false))
    if (const Delimiter found = delimiter_at(line_break + 1); found.start != std::string_view::npos) return found;
  return {};
}

// The text before the line break that precedes a delimiter belongs to the
// delimiter (RFC 2046 §5.1.1).
std::string_view part_before(std::string_view body, size_t begin, size_t delimiter_start) {
  size_t end = delimiter_start;
  if (end > begin && body[end - 1] == '\n') --end;
  if (end > begin && body[end - 1] == '\r') --end;
  return body.substr(begin, end - begin);
}

// For a multipart without boundary=: the first "--token" line, when one exists.
std::string guess_boundary(std::string_view body) {
  size_t pos = 0;
  for (int lines = 0; pos < body.size() && lines < 200; ++lines) {
    const Line line = line_at(body, pos);
    pos = line.next;
    const std::string_view text = trim(line.text);
    if (text.size() > 2 && text.size() <= 72 && text.substr(0, 2) == "--" &&
        text.find_first_of(" \t") == std::string_view::npos) {
      std::string_view token = text.substr(2);
      if (token.size() > 2 && token.substr(token.size() - 2) == "--") token.remove_suffix(2);
      if (!token.empty()) return std::string(token);
    }
  }
  return {};
}

// How a part's body is transfer-encoded, as far as the walk cares.
enum class TransferEncoding { other, base64, quoted_printable };

TransferEncoding transfer_encoding(std::string_view field_value) {
  const std::string_view token = first_token(field_value);
  if (iequals(token, "base64")) return TransferEncoding::base64;
  if (iequals(token, "quoted-printable")) return TransferEncoding::quoted_printable;
  return TransferEncoding::other;
}

// What the walk of one part keeps while its children are walked: its views
// point in here. One per nesting depth.
struct PartBuffers {
  FoldedFields folded;
  ParameterBuffers parameters;
  std::string boundary_guess;
  std::string delimiter;  // "--" + boundary
  std::string message;    // a transfer-encoded message/rfc822 part, decoded
};

}  // namespace

// The buffers of a walk, kept from part to part and (by the caller's scratch)
// from message to message, so decoded text and joined header values cost an
// allocation only when a part is larger than any before it.
struct BodyUrlScratch::Buffers {
  std::string text;       // transfer-decoded text of the current text part
  std::string converted;  // the same in UTF-8, when decoded here rather than by the decoder
  UrlBuffers urls;
  std::vector<std::unique_ptr<PartBuffers>> parts;  // by depth; growing it moves no buffer a view points into
  std::string last_label;             // the last charset label names_iso2022jp was asked about
  bool last_label_iso2022jp = false;  // (the empty label is UTF-8)

  // Whether iconv_charset_name(label) is "ISO-2022-JP". Parts of one sender
  // repeat their label: the answer for the last one is kept.
  bool names_iso2022jp(std::string_view label) {
    if (label != last_label) {
      last_label.assign(label);
      last_label_iso2022jp = iconv_charset_name(label) == "ISO-2022-JP";
    }
    return last_label_iso2022jp;
  }

  PartBuffers& at_depth(size_t depth) {
    while (parts.size() <= depth) parts.push_back(std::make_unique<PartBuffers>());
    return *parts[depth];
  }

  // A rare giant part, or a body with a thousand URLs, must not pin its memory for
  // the rest of the scratch's life. Called before a walk: the last one's URLs are
  // in use until then.
  void release_large() {
    constexpr size_t kKeepUrls = 64;
    if (urls.urls.size() > kKeepUrls) urls.urls.resize(kKeepUrls);
    for (std::string& url : urls.urls)
      if (url.capacity() > 4096) std::string().swap(url);
    constexpr size_t kKeep = 64 * 1024;
    const auto release = [](std::string& buffer) {
      if (buffer.capacity() > kKeep) std::string().swap(buffer);
    };
    release(text);
    release(converted);
    if (last_label.capacity() > kKeep) {  // back to the empty label, which is UTF-8
      std::string().swap(last_label);
      last_label_iso2022jp = false;
    }
    release(urls.candidate);
    release(urls.normalized);
    for (const std::unique_ptr<PartBuffers>& part : parts) {
      for (std::string* buffer :
           {&part->folded.content_type, &part->folded.transfer_encoding, &part->parameters.boundary,
            &part->parameters.charset, &part->parameters.unescaped, &part->boundary_guess, &part->delimiter,
            &part->message})
        release(*buffer);
    }
  }
};

BodyUrlScratch::BodyUrlScratch() : buffers_(std::make_unique<Buffers>()) {}
BodyUrlScratch::~BodyUrlScratch() = default;

namespace {

using WalkBuffers = BodyUrlScratch::Buffers;

class Walker {
 public:
  Walker(CharsetDecoder& decoder, std::vector<std::string>& problems, const MimeLimits& limits, WalkBuffers& buffers)
      : decoder_(decoder),
        problems_(problems),
        limits_(limits),
        buffers_(buffers),
        urls_(limits.max_urls, limits.max_url_length, buffers.urls) {}

  // Walks the entity of `body` whose header says `fields` (views into the header
  // or into buffers at `depth`).
  void entity(const PartFields& fields, std::string_view body, size_t depth, bool digest) {
    if (stop_) return;
    if (++parts_ > limits_.max_parts) {
      problem("more than " + std::to_string(limits_.max_parts) + " MIME parts, rest ignored");
      stop_ = true;
      return;
    }
    PartBuffers& part = buffers_.at_depth(depth);
    ContentTypeView type = read_content_type(fields.content_type, part.parameters);
    if (type.type.empty()) {
      type.type = digest ? "message" : "text";
      type.subtype = digest ? "rfc822" : "plain";
    }
    const TransferEncoding encoding = transfer_encoding(fields.transfer_encoding);
    if (iequals(type.type, "multipart")) {
      if (depth >= limits_.max_depth) return too_deep();
      multipart(type, body, depth);
    } else if (iequals(type.type, "message") && (iequals(type.subtype, "rfc822") || iequals(type.subtype, "global"))) {
      if (depth >= limits_.max_depth) return too_deep();
      std::string_view inner = body;
      if (encoding != TransferEncoding::other) inner = transfer_decode(body, encoding, part.message);
      if (inner.substr(0, 5) == "From ") inner = inner.substr(line_at(inner, 0).next);  // mbox envelope line
      PartFields nested;
      const std::string_view nested_body = split_entity(inner, nested, buffers_.at_depth(depth + 1).folded);
      entity(nested, nested_body, depth + 1, false);
    } else if (iequals(type.type, "text") && !iequals(type.subtype, "rfc822-headers")) {
      text(type, encoding, body);
    }
    // Other types (images, archives, ...) hold no readable links: skipped.
  }

  std::span<const std::string> finish() {
    if (urls_.full()) problem("more than " + std::to_string(limits_.max_urls) + " URLs, rest ignored");
    return urls_.urls();
  }

 private:
  void problem(const std::string& reason) {
    if (reported_.size() >= kMaxProblems) {
      if (!overflow_) problems_.push_back("body: further MIME problems not listed");
      overflow_ = true;
      return;
    }
    std::string text = "body: " + reason;
    if (std::find(reported_.begin(), reported_.end(), text) != reported_.end()) return;
    reported_.push_back(text);
    problems_.push_back(std::move(text));
  }

  void too_deep() {
    problem("MIME nesting deeper than " + std::to_string(limits_.max_depth) + " levels, inner parts ignored");
  }

  void multipart(const ContentTypeView& type, std::string_view body, size_t depth) {
    PartBuffers& part = buffers_.at_depth(depth);
    std::string_view boundary = type.boundary;
    if (boundary.empty()) {
      part.boundary_guess = guess_boundary(body);
      boundary = part.boundary_guess;
      if (boundary.empty()) {
        problem("multipart without boundary, read as text");
        return text(kPlainText, TransferEncoding::other, body);
      }
      problem("multipart without boundary parameter, guessed \"" + std::string(boundary) + "\"");
    }
    std::string& delimiter = part.delimiter;
    delimiter.assign("--").append(boundary);
    Delimiter current = find_delimiter(body, 0, delimiter);
    if (current.start == std::string_view::npos) {
      // Spam generators sometimes declare one boundary and use another.
      const std::string guess = guess_boundary(body);
      if (!guess.empty() && guess != boundary) current = find_delimiter(body, 0, "--" + guess);
      if (current.start == std::string_view::npos) {
        problem("boundary \"" + std::string(boundary) + "\" not found, read as text");
        return text(kPlainText, TransferEncoding::other, body);
      }
      problem("boundary \"" + std::string(boundary) + "\" not found, guessed \"" + guess + "\"");
      part.boundary_guess = guess;
      boundary = part.boundary_guess;
      delimiter.assign("--").append(guess);
    }
    const bool digest = iequals(type.subtype, "digest");
    while (!current.close && !stop_) {
      const Delimiter next = find_delimiter(body, current.next, delimiter);
      if (next.start == std::string_view::npos) {
        problem("multipart \"" + std::string(boundary) + "\" not closed");
        PartFields child;
        const std::string_view child_body =
            split_entity(body.substr(current.next), child, buffers_.at_depth(depth + 1).folded);
        entity(child, child_body, depth + 1, digest);
        return;
      }
      PartFields child;
      const std::string_view child_body =
          split_entity(part_before(body, current.next, next.start), child, buffers_.at_depth(depth + 1).folded);
      entity(child, child_body, depth + 1, digest);
      current = next;
    }
  }

  // The decoded body: in `storage` (a buffer kept for its capacity), or `body`
  // itself when nothing needed decoding (7bit/8bit bodies are most of the text;
  // copying them would be waste).
  static std::string_view transfer_decode(std::string_view body, TransferEncoding encoding, std::string& storage) {
    if (encoding == TransferEncoding::base64) {
      decode_base64_into(body, storage);
      return storage;
    }
    if (encoding == TransferEncoding::quoted_printable || has_qp_escape(body)) {
      decode_quoted_printable_into(body, storage);
      return storage;
    }
    return body;
  }

  // Mailers that forget the header still write quoted-printable: "=3D" (or "=3d")
  // gives them away.
  static bool has_qp_escape(std::string_view body) {
    return find_trigram(body, 0, '=', '3', 'd', true) != std::string_view::npos;
  }

  static constexpr ContentTypeView kPlainText = {"text", "plain", {}, {}};

  void text(const ContentTypeView& type, TransferEncoding encoding, std::string_view body) {
    if (decoded_ >= limits_.max_decoded_bytes) {
      problem("more than " + std::to_string(limits_.max_decoded_bytes) + " bytes of text, rest ignored");
      stop_ = true;
      return;
    }
    const size_t budget = limits_.max_decoded_bytes - decoded_;
    // base64 shrinks by 3/4; the other encodings never grow.
    const size_t input_budget = encoding == TransferEncoding::base64 ? budget / 3 * 4 + 4 : budget;
    if (body.size() > input_budget) {
      body = body.substr(0, input_budget);
      problem("more than " + std::to_string(limits_.max_decoded_bytes) + " bytes of text, rest ignored");
      stop_ = true;
    }
    const std::string_view raw = transfer_decode(body, encoding, buffers_.text);
    const bool html = iequals(type.subtype, "html") || looks_like_html(raw);
    std::string_view charset = type.charset;  // any case: every use below ignores it
    std::string sniffed;
    if (charset.empty() && html) charset = sniffed = sniff_html_charset(raw);
    // URLs are ASCII and the scanner stops at the first byte >= 0x80, so text in
    // UTF-8 or a single-byte ASCII superset is scanned as it is; only charsets that
    // put URL-like ASCII bytes inside other characters (ISO-2022-*, UTF-16/7, ...)
    // need converting first.
    if (scans_as_is(charset)) {
      decoded_ += raw.size();
      // A host in a single-byte charset is read in it (the rest of the text needs no converting).
      if (is_utf8_label(charset))
        urls_.scan(raw, html);
      else
        urls_.scan(raw, html, &decoder_, charset);
      take_notes();
      return;
    }
    if (buffers_.names_iso2022jp(charset) &&
        decode_common_iso2022jp_into(raw, decoder_.japanese_tables(), buffers_.converted)) {
      decoded_ += buffers_.converted.size();
      urls_.scan(buffers_.converted, html);
      take_notes();
      return;
    }
    Conversion converted = decoder_.convert(raw, charset);
    if (!converted.known_charset) problem("unknown charset \"" + to_lower(charset) + "\", read as UTF-8");
    decoded_ += converted.text.size();
    urls_.scan(converted.text, html);
    take_notes();
  }

  // Reports the URLs the last scan could not read.
  void take_notes() {
    for (const std::string& note : urls_.take_notes()) problem(note);
  }

  // Labels of text that is UTF-8 already (ASCII is).
  static bool is_utf8_label(std::string_view charset) {
    return charset.empty() || iequals(charset, "utf-8") || iequals(charset, "utf8") || iequals(charset, "us-ascii") ||
           iequals(charset, "ascii");
  }

  static bool scans_as_is(std::string_view charset) {
    auto starts = [&](std::string_view prefix) {
      if (charset.size() < prefix.size()) return false;
      for (size_t i = 0; i < prefix.size(); ++i)
        if ((charset[i] | 0x20) != prefix[i]) return false;
      return true;
    };
    if (charset.empty()) return true;
    return starts("utf-8") || starts("utf8") || starts("us-ascii") || starts("ascii") || starts("iso-8859-") ||
           starts("windows-125") || starts("cp125") || starts("latin");
  }

  CharsetDecoder& decoder_;
  std::vector<std::string>& problems_;
  const MimeLimits& limits_;
  WalkBuffers& buffers_;
  UrlCollector urls_;
  std::vector<std::string> reported_;  // what this walk reported, for de-duplication
  bool overflow_ = false;
  size_t parts_ = 0;
  size_t decoded_ = 0;
  bool stop_ = false;
};

}  // namespace

std::span<const std::string> extract_body_urls(const HeaderBlock& headers, std::string_view body,
                                               CharsetDecoder& decoder, BodyUrlScratch& scratch,
                                               std::vector<std::string>& problems, const MimeLimits& limits) {
  WalkBuffers& buffers = scratch.buffers();
  buffers.release_large();
  const PartFields fields = header_fields(headers, buffers.at_depth(0).folded);
  Walker walker(decoder, problems, limits, buffers);
  walker.entity(fields, body, 0, false);
  return walker.finish();
}

}  // namespace sg
