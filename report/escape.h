// Text from spam (subjects, HELO names, registry names) made safe for the formats
// a report is written in. Each function first makes the text visible: ill-formed
// UTF-8 bytes, control characters and bidirectional overrides become escapes such
// as "\x0a" or "\u202e" (core/utf8.h, escape_for_terminal), so the result is always
// valid UTF-8 on one line and nothing hides or reorders what follows it.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// `text` made visible (see above) and nothing else.
std::string visible_text(std::string_view text);

/// `text` made visible, then '&', '<', '>', '"' and '\'' written as character
/// references: safe as HTML or XML (SVG) text and inside a quoted attribute value.
std::string escape_html(std::string_view text);

/// `text` made visible, then safe as literal inline text of CommonMark and GFM,
/// also inside a table cell: the punctuation that can start markup
/// (\ ` * _ { } [ ] ( ) # + - ! |) gets a backslash, and '&', '<', '>' and '~'
/// become character references (Python-Markdown would show a backslash before
/// '~'), so that no raw HTML, link, image, emphasis, strike-through or cell
/// boundary can come from the text. It never starts a block: newlines are
/// escaped, and a writer puts it after other text or a "| " cell start.
std::string escape_markdown(std::string_view text);

}  // namespace sg
