// URLs in decoded text and HTML: the scanner behind extract_body_urls
// (mime_urls.h), and the hosts of URLs. URLs are recorded as written, never fetched.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sg {

class CharsetDecoder;

/// The URLs in already-decoded UTF-8 text (`html`: decode entities first and read
/// attribute values too). Same rules and normalisation as extract_body_urls.
std::vector<std::string> extract_text_urls(std::string_view text, bool html, size_t max_urls = 1000);

/// The host of a URL, lower case, without user info, port, IPv6 brackets or a
/// final dot: "http://a@Evil.COM.:8080/x" -> "evil.com". Also takes "www.x.com/y"
/// without a scheme. "" when there is none.
std::string url_host(std::string_view url);

/// url_host as a view into `url`, case as written (no copy, not lowered).
std::string_view url_host_view(std::string_view url);

namespace mime {

// Work buffers of a UrlCollector, kept by its owner for their capacity.
struct UrlBuffers {
  std::string candidate;   // a URL with its prefix, before its host is checked
  std::string normalized;  // a URL as it is collected
  std::vector<std::string> urls;  // the URLs collected, then spare slots whose strings keep their capacity
};

/// Collects the URLs of the texts it scans, in order, without duplicates, up to
/// a cap, into `buffers`. Internal to collectors/: the body walk's scanner.
class UrlCollector {
 public:
  UrlCollector(size_t max_urls, size_t max_length, UrlBuffers& buffers);
  ~UrlCollector();
  UrlCollector(const UrlCollector&) = delete;
  UrlCollector& operator=(const UrlCollector&) = delete;

  /// Collects the URLs of `text` (`html`: entities decoded, attribute values
  /// read). `charset`, when given, is the single-byte charset `text` is written
  /// in: a host's non-ASCII bytes are read in it (through `decoder`) unless they
  /// are UTF-8.
  void scan(std::string_view text, bool html, CharsetDecoder* decoder = nullptr, std::string_view charset = {});
  /// True once a new URL came after the cap was reached.
  bool full() const;
  /// What could not be read since the last call, as "reason: excerpt"; taken away.
  std::vector<std::string> take_notes();
  /// The URLs collected, in order; valid until the buffers are collected into again.
  std::span<const std::string> urls() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mime

}  // namespace sg
