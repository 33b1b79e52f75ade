#include "collectors/imap/mail_connection.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <mutex>

namespace sg::imap {

namespace {

using Clock = std::chrono::steady_clock;

// libcurl wants curl_global_init once before any handle; it counts calls, so
// other parts of the program calling it too is fine.
Status init_curl() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK) return Error{std::string("curl_global_init: ") + curl_easy_strerror(code), ""};
  return Ok{};
}

// A part of a parsed URL ("" when absent).
std::string url_part(CURLU* url, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

std::string percent_encoded(std::string_view text) {
  char* escaped = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) return std::string(text);
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string scheme_of(const MailServerUrl& url) {
  if (url.protocol == MailProtocol::imap) return url.implicit_tls ? "imaps" : "imap";
  return url.implicit_tls ? "pop3s" : "pop3";
}

std::string host_in_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string seconds(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

std::string MailServerUrl::server_url() const {
  return scheme_of(*this) + "://" + host_in_url(host) + ":" + std::to_string(port) + "/";
}

std::string MailServerUrl::mailbox_url(std::string_view mailbox_name) const {
  return scheme_of(*this) + "://" + percent_encoded(user) + "@" + host_in_url(host) + ":" + std::to_string(port) +
         "/" + std::string(mailbox_name);
}

Result<MailServerUrl> parse_mail_url(std::string_view text) {
  const std::string where = "mail URL";
  if (text.find_first_of(std::string_view("\0\r\n\t ", 5)) != std::string_view::npos)
    return Error{"a mail URL cannot hold spaces or control characters", where};
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed) return Error{"out of memory", where};
  const std::string input(text);
  if (auto code = curl_url_set(parsed.get(), CURLUPART_URL, input.c_str(), CURLU_NON_SUPPORT_SCHEME);
      code != CURLUE_OK)
    return Error{std::string("not a URL: ") + curl_url_strerror(code) +
                     " (expected imap://USER@HOST[:PORT]/MAILBOX, or imaps, pop3, pop3s)",
                 where};
  MailServerUrl url;
  const std::string scheme = url_part(parsed.get(), CURLUPART_SCHEME);
  if (scheme == "imap" || scheme == "imaps") {
    url.protocol = MailProtocol::imap;
  } else if (scheme == "pop3" || scheme == "pop3s") {
    url.protocol = MailProtocol::pop3;
  } else {
    return Error{"the scheme \"" + scheme + "\" is not one of imap, imaps, pop3, pop3s", where};
  }
  url.implicit_tls = scheme.back() == 's';
  if (!url_part(parsed.get(), CURLUPART_PASSWORD).empty())
    return Error{"a password in the URL would be seen in process lists and shell history; put it in ~/.netrc, "
                 "$SPAMGRAPH_MAIL_PASSWORD or the config file (mail-password.USER@HOST = ...)",
                 where};
  url.user = url_part(parsed.get(), CURLUPART_USER, CURLU_URLDECODE);
  if (url.user.empty()) return Error{"no user name: write " + scheme + "://USER@HOST/...", where};
  url.host = url_part(parsed.get(), CURLUPART_HOST);
  if (url.host.size() > 2 && url.host.front() == '[' && url.host.back() == ']')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.host.empty()) return Error{"no host", where};
  const std::string port = url_part(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  url.port = static_cast<uint16_t>(std::clamp(std::atoi(port.c_str()), 0, 65535));
  if (url.port == 0) return Error{"no port", where};
  std::string path = url_part(parsed.get(), CURLUPART_PATH, CURLU_URLDECODE);
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (url.protocol == MailProtocol::pop3 && !path.empty())
    return Error{"a POP3 server has one mailbox: give no path after the host", where};
  url.mailbox = path;
  if (!url_part(parsed.get(), CURLUPART_QUERY).empty() || !url_part(parsed.get(), CURLUPART_FRAGMENT).empty())
    return Error{"a mail URL takes no ?query or #fragment", where};
  return url;
}

MailConnection::~MailConnection() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::unique_ptr<MailConnection>> MailConnection::open(const MailServerUrl& url, const ConnectOptions& options,
                                                            ConnectFailure* failure) {
  ConnectFailure ignored;
  ConnectFailure& kind = failure != nullptr ? *failure : ignored;
  kind = ConnectFailure::network;
  if (auto status = init_curl(); !status) return status.error();
  std::unique_ptr<MailConnection> connection(new MailConnection());
  connection->options_ = options;
  connection->server_ = url.mailbox_url("");
  connection->server_.pop_back();  // no trailing '/'
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Error{"curl_easy_init failed", connection->server_};
  connection->curl_ = curl;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  // The user goes in the URL, not CURLOPT_USERNAME: libcurl consults the netrc
  // file only when that option is unset.
  std::string server_url = url.server_url();
  const size_t host = server_url.find("://") + 3;
  server_url.insert(host, percent_encoded(url.user) + "@");
  curl_easy_setopt(curl, CURLOPT_URL, server_url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "imap,imaps,pop3,pop3s");
  if (!options.password.empty()) {
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options.password.c_str());
  } else {
    curl_easy_setopt(curl, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    if (!options.netrc_file.empty()) curl_easy_setopt(curl, CURLOPT_NETRC_FILE, options.netrc_file.c_str());
  }
  if (!url.implicit_tls) {
    const long use_ssl = options.starttls == StartTls::required     ? CURLUSESSL_ALL
                         : options.starttls == StartTls::if_offered ? CURLUSESSL_TRY
                                                                    : CURLUSESSL_NONE;
    curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl);
  }
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (code == CURLE_OK) {
    kind = ConnectFailure::none;
    return connection;
  }
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_LOGIN_DENIED:
      kind = ConnectFailure::login_denied;
      return Error{"the server refused the login of " + url.user +
                       (options.password.empty() ? " (no password was given: set $SPAMGRAPH_MAIL_PASSWORD, "
                                                   "mail-password." + url.user + "@" + url.host +
                                                   " in the config file, or a machine line in ~/.netrc)"
                                                 : " (wrong user name or password?)"),
                   connection->server_};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      kind = ConnectFailure::tls;
      return Error{"TLS failed: " + detail +
                       (code == CURLE_PEER_FAILED_VERIFICATION
                            ? " (to trust a server's own certificate, name it or its CA with --cacert FILE)"
                            : ""),
                   connection->server_};
    case CURLE_USE_SSL_FAILED:
      kind = ConnectFailure::tls;
      return Error{"the server offers no STARTTLS, and TLS is required", connection->server_};
    case CURLE_OPERATION_TIMEDOUT:
      return Error{"connecting and logging in took longer than " + seconds(options.connect_timeout) + ": " + detail,
                   connection->server_};
    default:
      return Error{"cannot connect: " + detail, connection->server_};
  }
}

Status MailConnection::send(std::string_view bytes) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_socket_t socket = CURL_SOCKET_BAD;
  curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
  while (!bytes.empty()) {
    size_t sent = 0;
    const CURLcode code = curl_easy_send(curl, bytes.data(), bytes.size(), &sent);
    if (code == CURLE_OK) {
      bytes.remove_prefix(sent);
      continue;
    }
    if (code != CURLE_AGAIN) return Error{std::string("sending failed: ") + curl_easy_strerror(code), server_};
    pollfd wait{socket, POLLOUT, 0};
    const int ready = ::poll(&wait, 1, static_cast<int>(options_.idle_timeout.count()));
    if (ready == 0)
      return Error{"the server took nothing from us for " + seconds(options_.idle_timeout), server_};
  }
  return Ok{};
}

Status MailConnection::receive(std::string& buffer, size_t max_bytes, Clock::time_point deadline) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_socket_t socket = CURL_SOCKET_BAD;
  curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
  // Into a chunk of our own, then appended: growing `buffer` to receive in place
  // would zero-fill the room first, every time.
  if (chunk_.size() < kChunk) chunk_.resize(kChunk);
  const size_t want = std::min(max_bytes, chunk_.size());
  for (;;) {
    size_t received = 0;
    // Ask libcurl first: TLS may hold decrypted bytes the socket no longer shows.
    const CURLcode code = curl_easy_recv(curl, chunk_.data(), want, &received);
    if (code == CURLE_OK) {
      if (received == 0) return Error{"the server closed the connection", server_};
      buffer.append(chunk_.data(), received);
      return Ok{};
    }
    if (code != CURLE_AGAIN) return Error{std::string("receiving failed: ") + curl_easy_strerror(code), server_};
    const auto now = Clock::now();
    if (now >= deadline)
      return Error{"the server's answer took longer than " + seconds(options_.response_timeout), server_};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const auto wait_for = std::min(options_.idle_timeout, left + std::chrono::milliseconds(1));
    pollfd wait{socket, POLLIN, 0};
    if (::poll(&wait, 1, static_cast<int>(wait_for.count())) == 0 && wait_for == options_.idle_timeout)
      return Error{"the server sent nothing for " + seconds(options_.idle_timeout), server_};
  }
}

}  // namespace sg::imap
