// The few URL operations the network clients need, on libcurl's URL parser so
// that what we check is what libcurl will connect to.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::net {

/// The parts of an absolute URL a request policy looks at.
struct UrlParts {
  std::string scheme;  ///< lowercase, "http" or "https" for anything HttpClient accepts
  std::string host;    ///< lowercase, without brackets for IPv6
  long port = 0;       ///< explicit, or the scheme's default
};

/// Splits an absolute URL; the error names the URL and libcurl's reason.
Result<UrlParts> parse_url(const std::string& url);

/// `url` safe to print: user:password@ and license_key=... values replaced by "***"
/// (MaxMind URLs carry the user's licence key). Errors of the clients use it.
std::string redact_url(const std::string& url);

/// `url` with "name=value" appended to its query (value percent-encoded), unless
/// the query already has a parameter `name`.
std::string with_query_parameter(const std::string& url, std::string_view name, std::string_view value);

}  // namespace sg::net
