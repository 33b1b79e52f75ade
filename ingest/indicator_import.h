// Someone else's list of indicators (domains, IPs, URLs, ...) into the store.
#pragma once
#include "core/result.h"
#include "ingest/ingest.h"
#include "store/store.h"

namespace sg {

/// Stores every indicator of the lists at options.paths ("-" = standard input) as
/// listed by options.source_label (default: the file name), as an import with
/// its time and path: the provenance. `read` counts indicators, `stored` the ones
/// not listed by that source before; bad lines and unreadable files are counted
/// as unreadable. Each list is one transaction; fails only when the store fails.
Result<IngestReport> import_indicator_lists(Store& store, const IngestOptions& options);

}  // namespace sg
