// URLs in message bodies: a bounded MIME walk (multipart, nested messages,
// base64 and quoted-printable, any charset) that hands every text part to the
// URL scanner (url_scan.h). URLs are recorded as written, never fetched.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sg {

class CharsetDecoder;
struct HeaderBlock;

/// Bounds of one body walk: spam is written to exhaust parsers.
struct MimeLimits {
  size_t max_depth = 8;                   ///< nesting of multipart / message/rfc822
  size_t max_parts = 256;                 ///< parts visited in total
  size_t max_urls = 1000;                 ///< URLs returned
  size_t max_decoded_bytes = 4u << 20;    ///< text decoded and scanned in total (real mail has far less)
  size_t max_url_length = 2048;           ///< longer URLs are cut here
};

/// What extract_body_urls keeps from walk to walk: decoded text, joined header
/// values and the URLs found, in buffers whose capacity outlives a walk, so that
/// the walk of message after message allocates little. Not shared between
/// threads: the caller that walks bodies (the Analyzer) keeps one.
class BodyUrlScratch {
 public:
  BodyUrlScratch();
  ~BodyUrlScratch();
  BodyUrlScratch(const BodyUrlScratch&) = delete;
  BodyUrlScratch& operator=(const BodyUrlScratch&) = delete;

  struct Buffers;  ///< defined where the walk uses them
  Buffers& buffers() { return *buffers_; }

 private:
  std::unique_ptr<Buffers> buffers_;
};

/// The URLs in the body of one message, in order of first appearance, without
/// duplicates: http, https and ftp URLs plus bare "www." links (returned with
/// "http://" prepended), from text/plain and text/html parts (entities decoded,
/// href/src/action values included) after transfer and charset decoding.
/// `headers` is the message's header block (split_header_block_into), `body`
/// what follows it; the message's Content-Type and Content-Transfer-Encoding are
/// looked for on the lines of headers.fields, then on the lines of headers.raw
/// after the last of them (all of them when `fields` is empty). Scheme and host
/// are lower-cased; a host written in Unicode (UTF-8, the part's single-byte
/// charset, '%' escapes) becomes its A-label ("http://xn--bcher-kva.de/x"), the
/// Unicode text that follows a host in a sentence not taken into it. Control
/// bytes inside a path are percent-encoded; a host holding one, or no valid name
/// once decoded, is not recorded. What could not be read is appended to
/// `problems` as "body: reason". Arbitrary bytes in, bounded work. The URLs are
/// held in `scratch`: valid until its next walk.
std::span<const std::string> extract_body_urls(const HeaderBlock& headers, std::string_view body,
                                               CharsetDecoder& decoder, BodyUrlScratch& scratch,
                                               std::vector<std::string>& problems, const MimeLimits& limits = {});

}  // namespace sg
