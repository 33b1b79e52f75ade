// Content-Security-Policy pieces for the self-contained HTML report.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// The CSP source expression that allows exactly this inline script:
/// "'sha256-" + base64(SHA-256(script)) + "'" (the bytes between <script> and
/// </script>, as the browser hashes them).
std::string csp_script_hash(std::string_view script);

/// The report's policy: nothing may load (default-src 'none'), inline styles are
/// allowed, the one script whose hash is given may run, images only as data:
/// URLs, no <base>, no form submission (frame-ancestors has no effect in a
/// <meta> policy, so it is not given).
std::string report_csp(std::string_view script);

/// Standard base64 (RFC 4648, with padding) of `bytes`.
std::string base64(std::string_view bytes);

}  // namespace sg
