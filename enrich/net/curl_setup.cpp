#include "enrich/net/curl_setup.h"

#include <algorithm>
#include <mutex>

#ifndef SPAMGRAPH_VERSION
#define SPAMGRAPH_VERSION "0.0.0"
#endif

namespace sg::net {

Status init_curl_once() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK) return Error{std::string("curl_global_init: ") + curl_easy_strerror(code), ""};
  return Ok{};
}

std::string user_agent(std::string_view contact) {
  std::string agent = "spamgraph/" SPAMGRAPH_VERSION;
  if (!contact.empty()) {
    // A header value: no line breaks may reach the request.
    std::string clean;
    for (char c : contact)
      if (c != '\r' && c != '\n') clean += c;
    agent += " (+" + clean + ")";
  }
  return agent;
}

void configure_easy(CURL* curl, const std::string& url, const EasySettings& settings, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  // Timeouts through signals would hit whatever thread runs, not ours.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, settings.follow_redirects ? 1L : 0L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, settings.max_redirects);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, settings.connect_timeout.count())));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, settings.low_speed_bytes);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, settings.low_speed_seconds);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, settings.user_agent.c_str());
}

std::string curl_failure(CURLcode code, const char* error_buffer) {
  std::string text = curl_easy_strerror(code);
  if (error_buffer != nullptr && error_buffer[0] != '\0') text += " (" + std::string(error_buffer) + ")";
  return text;
}

}  // namespace sg::net
