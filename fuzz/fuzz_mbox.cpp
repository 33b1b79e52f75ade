// libFuzzer target: the streaming mbox reader (and paste detection) over a file
// whose bytes are the input, read in tiny chunks so separators straddle chunks.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "collectors/mail_source.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("fuzz-mbox", 0);
  if (fd < 0) return 0;
  for (size_t written = 0; written < size;) {
    const ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  sg::ReaderOptions options;
  options.chunk_size = 61;
  options.max_message_size = 4096;
  for (sg::MailFormat format : {sg::MailFormat::mbox, sg::MailFormat::automatic}) {
    std::vector<sg::Error> problems;
    size_t total = 0;
    (void)sg::read_messages(
        path, format,
        [&](sg::RawMessage&& message) {
          total += message.bytes.size() + message.source.offset;
          return true;
        },
        problems, options);
    sink = total + problems.size();
  }
  close(fd);
  return 0;
}
