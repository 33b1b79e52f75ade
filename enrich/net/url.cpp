#include "enrich/net/url.h"

#include <curl/curl.h>

#include <memory>

#include "core/ascii.h"

namespace sg::net {
namespace {

struct UrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct TextFree {
  void operator()(char* text) const { curl_free(text); }
};

std::string part(CURLU* url, CURLUPart which, unsigned flags) {
  char* raw = nullptr;
  if (curl_url_get(url, which, &raw, flags) != CURLUE_OK || raw == nullptr) return "";
  std::unique_ptr<char, TextFree> text(raw);
  return text.get();
}

}  // namespace

Result<UrlParts> parse_url(const std::string& url) {
  std::unique_ptr<CURLU, UrlFree> handle(curl_url());
  if (!handle) return Error{"out of memory", redact_url(url)};
  const CURLUcode code = curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0);
  if (code != CURLUE_OK) return Error{std::string("not a URL: ") + curl_url_strerror(code), redact_url(url)};
  UrlParts parts;
  parts.scheme = ascii_lowercase(part(handle.get(), CURLUPART_SCHEME, 0));
  parts.host = ascii_lowercase(part(handle.get(), CURLUPART_HOST, 0));
  if (parts.host.size() > 2 && parts.host.front() == '[' && parts.host.back() == ']')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  parts.port = std::strtol(part(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str(), nullptr, 10);
  if (parts.host.empty()) return Error{"a URL without a host", redact_url(url)};
  return parts;
}

std::string redact_url(const std::string& url) {
  std::string out = url;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t host = scheme + 3;
    const size_t end = out.find_first_of("/?#", host);
    const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= host) out.replace(host, at - host, "***");
  }
  for (size_t key = out.find("license_key="); key != std::string::npos; key = out.find("license_key=", key + 1)) {
    const size_t value = key + 12;
    const size_t end = out.find_first_of("&#", value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

std::string with_query_parameter(const std::string& url, std::string_view name, std::string_view value) {
  const size_t fragment = url.find('#');
  const std::string before = url.substr(0, fragment);
  const std::string after = fragment == std::string::npos ? "" : url.substr(fragment);
  const size_t query = before.find('?');
  if (query != std::string::npos) {
    const std::string wanted = std::string(name) + "=";
    for (size_t at = query; at != std::string::npos; at = before.find('&', at + 1))
      if (before.compare(at + 1, wanted.size(), wanted) == 0) return url;
  }
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : value) {
    if (is_ascii_letter(static_cast<char>(c)) || is_ascii_digit(static_cast<char>(c)) || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  const char separator = query == std::string::npos ? '?' : (before.back() == '?' || before.back() == '&' ? '\0' : '&');
  std::string out = before;
  if (separator != '\0') out += separator;
  out += std::string(name) + "=" + encoded + after;
  return out;
}

}  // namespace sg::net
