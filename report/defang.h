// Defanging: indicators written so that no reader, mail client or Markdown
// renderer turns them into a live link, while a researcher can still read and
// re-fang them.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// `indicator` with every '.' written "[.]" and every '@' "[@]", and the URL
/// schemes http, https and ftp (any case, wherever they start a "://") written
/// hxxp, hxxps and fxp: "103[.]244[.]54[.]137", "example[.]com",
/// "hxxps://example[.]com/a", "user[@]example[.]com". A dot or at sign already
/// inside "[.]" / "[@]" is kept, so defanging twice changes nothing. IPv6
/// addresses are left as they are (a ':' makes no link; "[:]" would only hinder
/// reading); their embedded IPv4 dots are defanged like any other dot. The
/// bytes are otherwise unchanged: escaping for a format is the writer's job.
std::string defang(std::string_view indicator);

}  // namespace sg
