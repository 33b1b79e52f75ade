#include "collectors/message_sources.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sg::mail_detail {

Fd& Fd::operator=(Fd&& other) noexcept {
  std::swap(fd_, other.fd_);
  std::swap(owned_, other.owned_);
  return *this;
}

Fd::~Fd() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

ssize_t read_some(int fd, char* data, size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, data, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

bool read_up_to(int fd, std::string& out, size_t limit, size_t chunk, int& error) {
  std::array<char, 64 * 1024> buffer;  // growing `out` in place would zero-fill it first
  while (out.size() < limit) {
    const size_t want = std::min({chunk, limit - out.size(), buffer.size()});
    const ssize_t n = read_some(fd, buffer.data(), want);
    if (n <= 0) {
      if (n < 0) error = errno;
      return n == 0;
    }
    out.append(buffer.data(), static_cast<size_t>(n));
  }
  return true;
}

std::string errno_text(int error) { return std::strerror(error); }

Error make_error(std::string message, std::string where) { return Error{std::move(message), std::move(where)}; }

std::string mib(size_t bytes) {
  return bytes % (1u << 20) == 0 ? std::to_string(bytes >> 20) + " MiB" : std::to_string(bytes) + " bytes";
}

std::string_view strip_line_end(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Step done_step() {
  Step step;
  step.done = true;
  return step;
}

Step message_step() {
  Step step;
  step.message = true;
  return step;
}

Step message_step(RawMessage& into, RawMessage message) {
  into = std::move(message);
  return message_step();
}

}  // namespace sg::mail_detail
