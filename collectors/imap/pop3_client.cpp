#include "collectors/imap/pop3_client.h"

#include <algorithm>
#include <chrono>

#include "core/ascii.h"
#include "core/utf8.h"

namespace sg::imap {

namespace {

constexpr size_t kMaxLine = 1u << 20;  // RFC 1939 allows 512 bytes; mail lines can be longer, but not this long
constexpr size_t kReceiveChunk = 256u << 10;

}  // namespace

Pop3Client::Pop3Client(std::unique_ptr<MailConnection> connection, const ClientLimits& limits)
    : connection_(std::move(connection)), limits_(limits) {}

Pop3Client::~Pop3Client() = default;

Result<std::unique_ptr<Pop3Client>> Pop3Client::connect(const MailServerUrl& url, const ConnectOptions& options,
                                                       const ClientLimits& limits, ConnectFailure* failure) {
  auto connection = MailConnection::open(url, options, failure);
  if (!connection) return connection.error();
  std::unique_ptr<Pop3Client> client(new Pop3Client(std::move(*connection), limits));
  if (auto sent = client->connection_->send("CAPA\r\n"); !sent) return sent.error();
  // A server without CAPA answers -ERR: then no pipelining.
  if (client->read_status("CAPA")) {
    std::string capabilities;
    if (auto status = client->read_multiline(capabilities); !status) return status.error();
    size_t start = 0;
    while (start < capabilities.size()) {
      const size_t end = capabilities.find("\r\n", start);
      if (equals_nocase(trim_blanks(std::string_view(capabilities).substr(start, end - start)), "pipelining"))
        client->pipelining_ = true;
      if (end == std::string::npos) break;
      start = end + 2;
    }
  }
  return client;
}

Result<std::string_view> Pop3Client::read_line() {
  if (broken_) return Error{"the connection is unusable after an earlier error", connection_->server()};
  const auto deadline = std::chrono::steady_clock::now() + connection_->options().response_timeout;
  size_t scanned = start_;
  for (;;) {
    const size_t newline = buffer_.find('\n', scanned);
    if (newline != std::string::npos) {
      std::string_view line(buffer_.data() + start_, newline - start_);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      start_ = newline + 1;
      return line;
    }
    if (buffer_.size() - start_ > kMaxLine) {
      broken_ = true;
      return Error{"a line longer than " + std::to_string(kMaxLine) + " bytes", connection_->server()};
    }
    scanned = buffer_.size();
    if (start_ > 0 && start_ >= buffer_.size() / 2) {
      // Earlier lines are done with: drop them before reading more.
      buffer_.erase(0, start_);
      scanned -= start_;
      start_ = 0;
    }
    if (auto status = connection_->receive(buffer_, kReceiveChunk, deadline); !status) {
      broken_ = true;
      return status.error();
    }
  }
}

Status Pop3Client::read_status(const std::string& what) {
  auto line = read_line();
  if (!line) return line.error();
  if (line->substr(0, 3) == "+OK") return Ok{};
  if (line->substr(0, 4) == "-ERR")
    return Error{what + " refused: " + escape_for_terminal(line->substr(0, 300)), connection_->server()};
  broken_ = true;
  return Error{"not a POP3 answer: " + escape_for_terminal(line->substr(0, 100)), connection_->server()};
}

Status Pop3Client::read_multiline(std::string& out) {
  out.clear();
  for (;;) {
    auto line = read_line();
    if (!line) return line.error();
    if (*line == ".") return Ok{};
    std::string_view text = *line;
    if (!text.empty() && text.front() == '.') text.remove_prefix(1);  // dot-stuffing (RFC 1939 3)
    // Past the limit the rest is read and dropped: the session stays in step.
    if (out.size() + text.size() + 2 <= limits_.max_message_size) {
      out.append(text);
      out.append("\r\n");
    }
  }
}

Result<std::vector<Pop3Entry>> Pop3Client::unique_ids() {
  if (auto sent = connection_->send("UIDL\r\n"); !sent) return sent.error();
  if (auto status = read_status("UIDL"); !status) return status.error();
  std::vector<Pop3Entry> entries;
  for (;;) {
    auto line = read_line();
    if (!line) return line.error();
    if (*line == ".") break;
    const size_t space = line->find(' ');
    if (space == std::string_view::npos) return Error{"a damaged UIDL line", connection_->server()};
    Pop3Entry entry;
    for (char c : line->substr(0, space)) {
      if (!is_ascii_digit(c) || entry.number > (uint64_t{1} << 56))
        return Error{"a damaged UIDL line", connection_->server()};
      entry.number = entry.number * 10 + static_cast<uint64_t>(c - '0');
    }
    entry.unique_id = std::string(trim_blanks(line->substr(space + 1)).substr(0, 70));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status Pop3Client::fetch(const std::vector<Pop3Entry>& entries, size_t begin, size_t end, bool full,
                         const std::function<void(size_t index, std::string&& bytes)>& on_message) {
  auto command = [&](size_t index) {
    return (full ? "RETR " : "TOP ") + std::to_string(entries[index].number) + (full ? "\r\n" : " 0\r\n");
  };
  // With PIPELINING the whole batch goes out at once; without, one at a time.
  const size_t step = pipelining_ ? end - begin : 1;
  for (size_t first = begin; first < end; first += step) {
    const size_t last = std::min(end, first + step);
    std::string commands;
    for (size_t i = first; i < last; ++i) commands += command(i);
    if (auto sent = connection_->send(commands); !sent) return sent;
    for (size_t i = first; i < last; ++i) {
      if (auto status = read_status(full ? "RETR" : "TOP"); !status) {
        if (broken_) return status;
        continue;  // deleted by another session meanwhile: nothing to read
      }
      std::string bytes;
      if (auto status = read_multiline(bytes); !status) return status;
      on_message(i, std::move(bytes));
    }
  }
  return Ok{};
}

void Pop3Client::quit() {
  if (!broken_) (void)connection_->send("QUIT\r\n");
}

}  // namespace sg::imap
