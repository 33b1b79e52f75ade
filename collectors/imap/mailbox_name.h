// IMAP mailbox names: servers speak modified UTF-7 (RFC 3501 5.1.3), users UTF-8.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::imap {

/// The UTF-8 form of a mailbox name as the server sends it ("&j,dg0TDhMPww6w-" ->
/// "迷惑メール"). An Error when it is not valid modified UTF-7.
Result<std::string> decode_mailbox_name(std::string_view modified_utf7);

/// The modified UTF-7 form of a UTF-8 mailbox name, for commands. An Error when
/// the name is not valid UTF-8.
Result<std::string> encode_mailbox_name(std::string_view utf8);

/// `name` as an IMAP string argument: quoted, with '"' and '\' escaped. Names
/// holding CR, LF or NUL cannot be quoted and come back as an Error.
Result<std::string> quote_imap_string(std::string_view name);

}  // namespace sg::imap
