// core/utf8.h: valid UTF-8 for JSON, visible escapes for terminals.
#include <doctest/doctest.h>

#include <string>

#include "core/utf8.h"

using namespace sg;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

TEST_CASE("utf8: each ill-formed sequence becomes one U+FFFD, valid text stays") {
  CHECK(to_valid_utf8("caf\xe9.fr") == "caf" + kReplacement + ".fr");
  CHECK(to_valid_utf8("\xe2\x82") == kReplacement);                           // truncated: one subpart
  CHECK(to_valid_utf8("a\xc0\xafz") == "a" + kReplacement + kReplacement + "z");  // overlong '/'
  CHECK(to_valid_utf8("\xed\xa0\x80") == kReplacement + kReplacement + kReplacement);  // a surrogate
  CHECK(to_valid_utf8("\xf4\x90\x80\x80") == kReplacement + kReplacement + kReplacement + kReplacement);
  CHECK(to_valid_utf8("\xf5") == kReplacement);
  const std::string japanese = "\xe8\xbf\xb7\xe6\x83\x91\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab \xf0\x9f\x93\xa7";
  CHECK(to_valid_utf8(japanese) == japanese);
  CHECK(is_well_formed_utf8(japanese));
  CHECK_FALSE(is_well_formed_utf8("caf\xe9"));
  CHECK(is_well_formed_utf8(to_valid_utf8("\xff\xfe\xc3")));
}

TEST_CASE("utf8: escape_for_terminal shows controls, C1, bidi overrides and bad bytes as escapes") {
  CHECK(escape_for_terminal("\x1b]0;owned\x07\x1b[2J") == "\\x1b]0;owned\\x07\\x1b[2J");
  CHECK(escape_for_terminal("a\rb\nc\td\x7f") == "a\\x0db\\x0ac\\x09d\\x7f");
  CHECK(escape_for_terminal(std::string("nul\0", 4)) == "nul\\x00");
  CHECK(escape_for_terminal("\xc2\x9b" "31m") == "\\xc2\\x9b31m");  // CSI as a C1 control
  CHECK(escape_for_terminal("caf\xe9") == "caf\\xe9");
  CHECK(escape_for_terminal("\xe2\x80\xaegnp.exe") == "\\u202egnp.exe");  // RIGHT-TO-LEFT OVERRIDE
  const std::string printable = "caf\xc3\xa9 \xe8\xbf\xb7\xe6\x83\x91\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab \xc2\xa0!";
  CHECK(escape_for_terminal(printable) == printable);
}
