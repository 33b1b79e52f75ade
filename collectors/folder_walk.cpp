// Walking folders for mail: plain folders recursively, Maildirs (cur/, new/,
// then their subfolders), in a fixed order, reporting every entry passed over.
#include <algorithm>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "collectors/message_sources.h"

namespace sg::mail_detail {

namespace fs = std::filesystem;

namespace {

bool is_maildir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "cur", ec) || fs::is_directory(dir / "new", ec);
}

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

struct Listing {
  std::vector<fs::path> files;
  std::vector<fs::path> folders;
};

// Which entries of a folder a walk reads.
struct Wanted {
  bool files = true;            // else only its folders (files next to Maildirs are no mail)
  bool hidden_folders = false;  // ".Name" folders too: Maildir++ subfolders
};

// Why an entry whose type cannot be determined is passed over.
std::string unreachable(bool link, const std::error_code& ec) {
  if (ec == std::errc::too_many_symbolic_link_levels) return "symlink loop, skipped";
  if (link && ec == std::errc::no_such_file_or_directory) return "broken symlink (its target does not exist), skipped";
  return "cannot read: " + ec.message();
}

// What a file that is not a regular one is, for the report.
std::string special_file(fs::file_type type) {
  switch (type) {
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block:
    case fs::file_type::character: return "a device";
    default: return "not a regular file";
  }
}

// Sorts one folder entry into `listing`, or reports why it is passed over.
// Names starting with '.' are passed over in silence (not mail by convention).
void take_entry(const fs::directory_entry& entry, Wanted wanted, Listing& listing, std::vector<Error>& problems) {
  const fs::path& path = entry.path();
  const bool dot = hidden(path);
  if (dot && !wanted.hidden_folders) return;
  std::error_code ec;
  const bool link = entry.is_symlink(ec);
  const fs::file_status status = fs::status(path, ec);
  if (ec) {
    if (!dot) problems.push_back(make_error(unreachable(link, ec), path.string()));
    return;
  }
  if (fs::is_directory(status)) {
    // Not followed: a link back up would make the walk endless.
    if (link) problems.push_back(make_error("symlinked folder not followed", path.string()));
    else listing.folders.push_back(path);
    return;
  }
  if (dot || !wanted.files) return;
  if (fs::is_regular_file(status)) listing.files.push_back(path);
  // Opening a FIFO or a device could block the walk or never end.
  else problems.push_back(make_error(special_file(status.type()) + ", skipped", path.string()));
}

// Sorted entries of one folder; a folder that cannot be read (or be read to
// its end) is reported.
Listing list_folder(const fs::path& dir, Wanted wanted, std::vector<Error>& problems) {
  Listing listing;
  std::error_code ec;
  std::vector<Error> passed_over;
  fs::directory_iterator it(dir, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec))
    take_entry(*it, wanted, listing, passed_over);
  // An error in increment() also ends the iterator: only ec tells.
  if (ec) problems.push_back(make_error("cannot read folder: " + ec.message(), dir.string()));
  std::sort(listing.files.begin(), listing.files.end());
  std::sort(listing.folders.begin(), listing.folders.end());
  // In path order, as the files are read: not in the file system's order.
  std::sort(passed_over.begin(), passed_over.end(), [](const Error& a, const Error& b) { return a.where < b.where; });
  std::move(passed_over.begin(), passed_over.end(), std::back_inserter(problems));
  return listing;
}

// A folder walked recursively: files detected one by one (unless `files` is
// false: then only Maildirs below it are read), Maildirs read as such.
class FolderSource : public Source {
 public:
  FolderSource(fs::path dir, bool files, size_t depth, const ReaderOptions& options)
      : dir_(std::move(dir)), files_(files), depth_(depth), options_(options) {}
  Step next(RawMessage& into, std::vector<Error>& problems) override;

 private:
  fs::path dir_;
  bool files_;
  size_t depth_;
  ReaderOptions options_;
  bool listed_ = false;
  std::vector<fs::path> entries_;  // files first, then folders (marked by folder_from_)
  size_t folder_from_ = 0;
  size_t index_ = 0;
};

// A Maildir: cur/ and new/ (tmp/ holds deliveries in progress), then its
// subfolders (Maildir++ ".Name" and plain ones).
class MaildirSource : public Source {
 public:
  MaildirSource(fs::path dir, size_t depth, const ReaderOptions& options)
      : dir_(std::move(dir)), depth_(depth), options_(options) {}

  Step next(RawMessage&, std::vector<Error>& problems) override {
    if (!listed_) {
      listed_ = true;
      list(problems);
    }
    Step step;
    if (file_index_ < files_.size()) {
      step.child = file_source(files_[file_index_++].string(), MailFormat::eml, SourceKind::maildir, options_);
      return step;
    }
    if (folder_index_ < folders_.size()) {
      const fs::path& folder = folders_[folder_index_++];
      if (depth_ + 1 > options_.max_depth) {
        problems.push_back(make_error("folder nesting deeper than " + std::to_string(options_.max_depth) + ", skipped",
                                      folder.string()));
        return step;
      }
      step.child = folder_source(folder, false, depth_ + 1, options_);
      return step;
    }
    return done_step();
  }

 private:
  void list(std::vector<Error>& problems) {
    for (const char* sub : {"cur", "new"}) {
      const fs::path folder = dir_ / sub;
      std::error_code ec;
      const fs::file_status status = fs::status(folder, ec);
      if (status.type() == fs::file_type::not_found) continue;  // a Maildir may lack one of them
      if (ec) {
        problems.push_back(make_error("cannot read folder: " + ec.message(), folder.string()));
        continue;
      }
      if (!fs::is_directory(status)) {
        problems.push_back(make_error("not a folder, skipped", folder.string()));
        continue;
      }
      for (fs::path& file : list_folder(folder, Wanted{}, problems).files) files_.push_back(std::move(file));
    }
    for (fs::path& folder : list_folder(dir_, Wanted{false, true}, problems).folders) {
      const std::string name = folder.filename().string();
      if (name == "cur" || name == "new" || name == "tmp") continue;
      if (hidden(folder) && !is_maildir(folder)) continue;  // .git, .cache: not mail
      folders_.push_back(std::move(folder));
    }
  }

  fs::path dir_;
  size_t depth_;
  ReaderOptions options_;
  bool listed_ = false;
  std::vector<fs::path> files_;
  std::vector<fs::path> folders_;
  size_t file_index_ = 0;
  size_t folder_index_ = 0;
};

Step FolderSource::next(RawMessage&, std::vector<Error>& problems) {
  if (!listed_) {
    listed_ = true;
    Listing listing = list_folder(dir_, Wanted{files_, false}, problems);
    if (files_) entries_ = std::move(listing.files);
    folder_from_ = entries_.size();
    for (fs::path& folder : listing.folders) entries_.push_back(std::move(folder));
  }
  Step step;
  if (index_ >= entries_.size()) return done_step();
  const size_t index = index_++;
  const fs::path& path = entries_[index];
  if (index < folder_from_) {
    step.child = file_source(path.string(), MailFormat::automatic, SourceKind::eml, options_);
    return step;
  }
  if (depth_ + 1 > options_.max_depth) {
    problems.push_back(
        make_error("folder nesting deeper than " + std::to_string(options_.max_depth) + ", skipped", path.string()));
    return step;
  }
  step.child = folder_source(path, files_, depth_ + 1, options_);
  return step;
}

}  // namespace

std::unique_ptr<Source> folder_source(fs::path dir, bool files, size_t depth, const ReaderOptions& options) {
  if (is_maildir(dir)) return std::make_unique<MaildirSource>(std::move(dir), depth, options);
  return std::make_unique<FolderSource>(std::move(dir), files, depth, options);
}

}  // namespace sg::mail_detail
