#include "collectors/imap/mailbox_name.h"

#include <iconv.h>

#include <cerrno>

namespace sg::imap {

namespace {

// glibc (2.36 and later) converts modified UTF-7 itself, as "UTF-7-IMAP".
Result<std::string> convert(std::string_view text, const char* to, const char* from, const char* what) {
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return Error{std::string("this system's iconv cannot convert ") + from +
                                                            " to " + to, "mailbox name"};
  std::string out;
  std::string input(text);
  char* in_ptr = input.data();
  size_t in_left = input.size();
  char buffer[256];
  Status status = Ok{};
  bool flushing = false;  // after the input, one call without it ends a pending shift sequence
  for (;;) {
    char* out_ptr = buffer;
    size_t out_left = sizeof buffer;
    const size_t done = flushing ? iconv(cd, nullptr, nullptr, &out_ptr, &out_left)
                                 : iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    out.append(buffer, static_cast<size_t>(out_ptr - buffer));
    if (done == static_cast<size_t>(-1)) {
      if (errno == E2BIG) continue;
      status = Error{std::string("not valid ") + what + " at byte " + std::to_string(input.size() - in_left),
                     "mailbox name"};
      break;
    }
    if (flushing) break;
    flushing = true;
  }
  iconv_close(cd);
  if (!status) return status.error();
  return out;
}

}  // namespace

Result<std::string> decode_mailbox_name(std::string_view modified_utf7) {
  // iconv accepts a shift that the name's end cuts off; RFC 3501 wants its '-'.
  for (size_t i = 0; i < modified_utf7.size(); ++i) {
    if (modified_utf7[i] != '&') continue;
    const size_t end = modified_utf7.find('-', i);
    if (end == std::string_view::npos) return Error{"a '&' shift without its closing '-'", "mailbox name"};
    i = end;
  }
  return convert(modified_utf7, "UTF-8", "UTF-7-IMAP", "modified UTF-7");
}

Result<std::string> encode_mailbox_name(std::string_view utf8) {
  return convert(utf8, "UTF-7-IMAP", "UTF-8", "UTF-8");
}

Result<std::string> quote_imap_string(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '\r' || c == '\n' || c == '\0') return Error{"a mailbox name cannot hold CR, LF or NUL", "mailbox name"};
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace sg::imap
