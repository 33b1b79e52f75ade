#include "report/escape.h"

#include "core/utf8.h"

namespace sg {

std::string visible_text(std::string_view text) { return escape_for_terminal(text); }

std::string escape_html(std::string_view text) {
  const std::string visible = visible_text(text);
  std::string out;
  out.reserve(visible.size() + visible.size() / 8);
  for (const char c : visible) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string escape_markdown(std::string_view text) {
  const std::string visible = visible_text(text);
  std::string out;
  out.reserve(visible.size() + visible.size() / 4);
  for (const char c : visible) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '~': out += "&#126;"; break;  // Python-Markdown keeps a backslash before '~'
      case '\\': case '`': case '*': case '_': case '{': case '}': case '[': case ']':
      case '(': case ')': case '#': case '+': case '-': case '!': case '|':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace sg
