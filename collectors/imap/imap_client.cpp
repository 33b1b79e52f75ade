#include "collectors/imap/imap_client.h"

#include <algorithm>
#include <ctime>

#include "collectors/imap/mailbox_name.h"
#include "core/ascii.h"
#include "core/utf8.h"

namespace sg::imap {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReceiveChunk = 256u << 10;
// Room for the FETCH line around a literal of max_message_size.
constexpr size_t kLiteralSlack = 64u << 10;

// "7-Dec-2026": the date form SEARCH SINCE takes (RFC 3501 section 9, date).
std::string imap_date(UnixTime time) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  return std::to_string(parts.tm_mday) + "-" + kMonths[parts.tm_mon] + "-" + std::to_string(parts.tm_year + 1900);
}

// The server's words in an error, safe to print.
std::string server_text(const Response& response) {
  std::string text(response.text.substr(0, 300));
  if (!response.code.empty()) text = "[" + std::string(response.code.substr(0, 100)) + "] " + text;
  return escape_for_terminal(text);
}

}  // namespace

ImapClient::ImapClient(std::unique_ptr<MailConnection> connection, const ClientLimits& limits)
    : connection_(std::move(connection)),
      limits_(limits),
      framer_(ResponseLimits{limits.max_line, limits.max_message_size + kLiteralSlack, 64}) {}

ImapClient::~ImapClient() = default;

Result<std::unique_ptr<ImapClient>> ImapClient::connect(const MailServerUrl& url, const ConnectOptions& options,
                                                       const ClientLimits& limits, ConnectFailure* failure) {
  auto connection = MailConnection::open(url, options, failure);
  if (!connection) return connection.error();
  std::unique_ptr<ImapClient> client(new ImapClient(std::move(*connection), limits));
  auto status = client->run("CAPABILITY", "CAPABILITY", [&](const Response& response) -> Status {
    if (!equals_nocase(response.name, "capability")) return Ok{};
    for (const Value& value : response.values)
      if (is_atom(value, "ESEARCH")) client->esearch_ = true;
    return Ok{};
  });
  if (!status) return status.error();
  return client;
}

Result<uint64_t> ImapClient::send_command(const std::string& command) {
  if (broken_) return Error{"the connection is unusable after an earlier error", connection_->server()};
  const uint64_t tag = next_tag_++;
  const std::string line = "s" + std::to_string(tag) + " " + command + "\r\n";
  if (auto status = connection_->send(line); !status) {
    broken_ = true;
    return status.error();
  }
  return tag;
}

Result<Response> ImapClient::next_response() {
  start_ += pending_;
  pending_ = 0;
  // Keep the buffer from growing without end: drop what was read once it is
  // most of the buffer (a memmove of the unread tail).
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  const auto deadline = Clock::now() + connection_->options().response_timeout;
  for (;;) {
    auto complete = framer_.complete_length(std::string_view(buffer_).substr(start_));
    if (!complete) {
      broken_ = true;
      return Error{complete.error().message, connection_->server()};
    }
    if (*complete > 0) {
      pending_ = *complete;
      auto response = parse_response(std::string_view(buffer_).substr(start_, *complete));
      if (!response) {
        broken_ = true;
        return Error{response.error().to_string(), connection_->server()};
      }
      return response;
    }
    // Inside a large literal, make room for the rest of it at once.
    if (const size_t remaining = framer_.literal_remaining(buffer_.size() - start_); remaining > 0)
      buffer_.reserve(buffer_.size() + remaining);
    if (auto status = connection_->receive(buffer_, kReceiveChunk, deadline); !status) {
      broken_ = true;
      return status.error();
    }
  }
}

Status ImapClient::finish(uint64_t tag, const std::string& what,
                          const std::function<Status(const Response&)>& on_untagged) {
  const std::string expected = "s" + std::to_string(tag);
  for (;;) {
    auto response = next_response();
    if (!response) return response.error();
    if (response->kind == Response::Kind::tagged) {
      if (response->tag != expected) {
        broken_ = true;
        return Error{"the server answered a command it was not asked (tag " +
                         escape_for_terminal(std::string(response->tag.substr(0, 40))) + ")",
                     connection_->server()};
      }
      if (equals_nocase(response->name, "ok")) return Ok{};
      return Error{what + " refused: " + server_text(*response), connection_->server()};
    }
    if (response->kind == Response::Kind::continuation) {
      broken_ = true;
      return Error{"the server asked for more of a command that was complete", connection_->server()};
    }
    if (equals_nocase(response->name, "bye")) {
      broken_ = true;
      return Error{"the server ended the session: " + server_text(*response), connection_->server()};
    }
    if (auto status = on_untagged(*response); !status) {
      broken_ = true;
      return status;
    }
  }
}

Status ImapClient::run(const std::string& command, const std::string& what,
                       const std::function<Status(const Response&)>& on_untagged) {
  auto tag = send_command(command);
  if (!tag) return tag.error();
  return finish(*tag, what, on_untagged);
}

Result<std::vector<MailboxEntry>> ImapClient::list_mailboxes() {
  std::vector<MailboxEntry> mailboxes;
  auto status = run("LIST \"\" \"*\"", "LIST", [&](const Response& response) -> Status {
    if (!equals_nocase(response.name, "list")) return Ok{};
    auto listed = read_list(response);
    if (!listed) return Error{listed.error().message, connection_->server()};
    MailboxEntry entry;
    entry.raw_name = std::move(listed->raw_name);
    auto name = decode_mailbox_name(entry.raw_name);
    // A name that is not modified UTF-7 (some servers send raw UTF-8) is kept as sent.
    entry.name = name ? *name : entry.raw_name;
    entry.delimiter = std::move(listed->delimiter);
    entry.flags = std::move(listed->flags);
    for (const std::string& flag : entry.flags)
      if (equals_nocase(flag, "\\noselect") || equals_nocase(flag, "\\nonexistent")) entry.selectable = false;
    mailboxes.push_back(std::move(entry));
    return Ok{};
  });
  if (!status) return status.error();
  return mailboxes;
}

Result<MailboxStatus> ImapClient::examine(const std::string& name) {
  auto encoded = encode_mailbox_name(name);
  if (!encoded) return encoded.error();
  auto quoted = quote_imap_string(*encoded);
  if (!quoted) return quoted.error();
  MailboxStatus mailbox;
  auto status = run("EXAMINE " + *quoted, "EXAMINE " + escape_for_terminal(name), [&](const Response& response) {
    if (equals_nocase(response.name, "exists") && response.number) mailbox.exists = *response.number;
    if (equals_nocase(response.name, "ok")) {
      if (auto value = code_number(response.code, "UIDVALIDITY")) mailbox.uidvalidity = *value;
      if (auto value = code_number(response.code, "UIDNEXT")) mailbox.uidnext = *value;
    }
    return Status(Ok{});
  });
  if (!status) return status.error();
  return mailbox;
}

Result<std::vector<uint64_t>> ImapClient::search_uids(uint64_t after_uid, std::optional<UnixTime> since) {
  std::string criteria = "UID " + std::to_string(after_uid + 1) + ":*";
  if (since) criteria += " SINCE " + imap_date(*since);
  const std::string command = esearch_ ? "UID SEARCH RETURN (ALL) " + criteria : "UID SEARCH " + criteria;
  std::vector<uint64_t> uids;
  auto status = run(command, "UID SEARCH", [&](const Response& response) -> Status {
    if (!equals_nocase(response.name, "search") && !equals_nocase(response.name, "esearch")) return Ok{};
    auto read = read_search(response, uids, limits_.max_search_results);
    if (!read) return Error{read.error().message, connection_->server()};
    return Ok{};
  });
  if (!status) return status.error();
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  // "N:*" also matches the highest UID when it is below N (RFC 3501 6.4.8): drop it.
  uids.erase(uids.begin(), std::upper_bound(uids.begin(), uids.end(), after_uid));
  return uids;
}

Result<uint64_t> ImapClient::request(const std::vector<uint64_t>& uids, size_t begin, size_t end, bool full) {
  const std::string limit = "<0." + std::to_string(limits_.max_message_size) + ">";
  const std::string section = full ? "BODY.PEEK[]" + limit : "BODY.PEEK[HEADER]" + limit;
  return send_command("UID FETCH " + sequence_set(uids, begin, end) + " (UID RFC822.SIZE INTERNALDATE " + section +
                      ")");
}

Status ImapClient::collect(uint64_t ticket, const std::function<void(FetchedMessage&&)>& on_message) {
  return finish(ticket, "UID FETCH", [&](const Response& response) -> Status {
    if (!equals_nocase(response.name, "fetch")) return Ok{};
    auto item = read_fetch(response);
    if (!item) return Error{item.error().message, connection_->server()};
    // A FETCH the server sends on its own (a flag change by another client) has no body.
    const auto& body = item->whole ? item->whole : item->header;
    if (!item->uid || !body) return Ok{};
    FetchedMessage message;
    message.uid = *item->uid;
    message.bytes.assign(body->data(), body->size());
    message.internal_date.assign(item->internal_date.data(), item->internal_date.size());
    message.size = item->size.value_or(message.bytes.size());
    message.truncated = message.bytes.size() >= limits_.max_message_size && message.size > message.bytes.size();
    on_message(std::move(message));
    return Ok{};
  });
}

void ImapClient::logout() {
  // Polite, but not worth a wait: closing the connection ends the session too.
  if (!broken_) (void)send_command("LOGOUT");
}

}  // namespace sg::imap
