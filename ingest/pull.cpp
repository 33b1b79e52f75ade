#include "ingest/pull.h"

#include <filesystem>

#include "ingest/pull_pipeline.h"
#include "ingest/pull_sources.h"

namespace sg {

namespace fs = std::filesystem;

bool is_mail_url(const std::string& source) {
  for (const char* scheme : {"imap://", "imaps://", "pop3://", "pop3s://"})
    if (source.rfind(scheme, 0) == 0) return true;
  return false;
}

Result<PullReport> run_pull(Store& store, const PullOptions& options, std::ostream& progress,
                            imap::ConnectFailure* failure) {
  PullReport report;
  pull_detail::BatchStore batches(store, report, progress, options.progress);
  pull_detail::PullContext context{store, options, report, batches};
  Status status = Ok{};
  if (is_mail_url(options.source)) {
    auto url = imap::parse_mail_url(options.source);
    if (!url) return Error{url.error().message, options.source};
    bool connected = false;
    status = url->protocol == imap::MailProtocol::imap ? pull_detail::pull_imap(*url, context, failure, connected)
                                                       : pull_detail::pull_pop3(*url, context, failure, connected);
    if (!status && !connected) return status.error();
  } else {
    std::error_code ec;
    const fs::path path = fs::absolute(options.source, ec);
    if (ec || !fs::exists(path, ec)) return Error{"no such file or folder", options.source};
    if (fs::is_directory(path, ec)) {
      if (!pull_detail::is_maildir(path))
        return Error{"not a Maildir (no cur/ or new/ folder); `ingest` reads other folders", options.source};
      status = pull_detail::pull_maildir(path.lexically_normal(), context);
    } else {
      status = pull_detail::pull_mbox(path.lexically_normal().string(), context);
    }
  }
  batches.finish();
  if (!status) report.stopped = status.error();
  return report;
}

}  // namespace sg
