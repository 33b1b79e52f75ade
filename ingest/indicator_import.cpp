#include "ingest/indicator_import.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "collectors/indicator_list.h"

namespace sg {

Result<IngestReport> import_indicator_lists(Store& store, const IngestOptions& options) {
  IngestReport report;
  for (const std::string& path : options.paths) {
    std::string text;
    if (path == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        ++report.unreadable;
        ++report.unreadable_reasons["cannot read file"];
        report.note_error(path + ": cannot read file");
        continue;
      }
      text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    std::vector<std::string> problems;
    const std::vector<ListedIndicator> indicators = parse_indicator_list(text, problems);
    for (const std::string& problem : problems) {
      ++report.unreadable;
      ++report.unreadable_reasons["not an indicator"];
      report.note_error(path + ": " + problem);
    }
    const std::string label =
        options.source_label.empty() ? std::filesystem::path(path).filename().string() : options.source_label;
    const UnixTime time = options.import_time ? options.import_time : static_cast<UnixTime>(std::time(nullptr));
    if (auto status = store.begin(); !status) return status.error();
    auto import_id = store.add_import(label, path, time);
    if (!import_id) {
      store.rollback();
      return import_id.error();
    }
    for (const ListedIndicator& indicator : indicators) {
      ++report.read;
      const Observation listed{EntityRef{EntityKind::source, label}, kLists, EntityRef{indicator.kind, indicator.value},
                               time, false};
      auto added = store.observe_import(listed, *import_id);
      if (!added) {
        store.rollback();
        return added.error();
      }
      ++(*added ? report.stored : report.duplicates);
    }
    if (auto status = store.commit(); !status) return status.error();
  }
  return report;
}

}  // namespace sg
