// The one libcurl configuration of spamgraph: every easy handle, whether
// `data fetch` downloads a dataset or HttpClient asks a registry, is set up here.
//
// Proxies: nothing here sets CURLOPT_PROXY or CURLOPT_NOPROXY, so libcurl reads
// the standard variables (http_proxy, https_proxy, all_proxy, no_proxy and their
// upper-case forms but HTTP_PROXY) as users expect. Keep it that way.
#pragma once
#include <curl/curl.h>

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::net {

/// curl_global_init, run once per process however many clients there are
/// (libcurl requires it before any handle and it is not thread-safe).
Status init_curl_once();

/// "spamgraph/VERSION", and " (+CONTACT)" when a contact (an e-mail address or a
/// URL) is given, so a registry's operator can reach whoever runs the tool.
std::string user_agent(std::string_view contact);

/// The settings shared by every handle.
struct EasySettings {
  std::string user_agent;                                                ///< see user_agent()
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(30);  ///< per connection attempt
  long low_speed_bytes = 100;    ///< abort when slower than this many bytes per second...
  long low_speed_seconds = 60;   ///< ...for this long (a slow drip)
  bool follow_redirects = true;  ///< libcurl follows Location itself (HttpClient follows by hand)
  long max_redirects = 5;        ///< Location hops when libcurl follows
};

/// Applies `settings` to `curl` for `url`: only http and https, for the URL and
/// for redirects; no signals; `error_buffer` (CURL_ERROR_SIZE bytes, owned by
/// the caller for the handle's life) receives libcurl's detail.
void configure_easy(CURL* curl, const std::string& url, const EasySettings& settings, char* error_buffer);

/// libcurl's reason for `code`, with the detail of the error buffer when any.
std::string curl_failure(CURLcode code, const char* error_buffer);

}  // namespace sg::net
