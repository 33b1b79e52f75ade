#include "enrich/asn/dataset_import.h"

#include <sys/stat.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "core/hash.h"
#include "enrich/asn/ip_key.h"
#include "enrich/asn/line_stream.h"

namespace sg::asn {
namespace {

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

bool valid_date(int year, int month, int day) {
  return year >= 1980 && year <= 2200 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

std::optional<AsnFormat> parse_format_name(std::string_view name) {
  if (name == "pfx2as") return AsnFormat::pfx2as;
  if (name == "ip2asn") return AsnFormat::ip2asn;
  if (name == "ip-location-db") return AsnFormat::ip_location;
  if (name == "pyasn") return AsnFormat::pyasn;
  return std::nullopt;
}

std::string format_name(AsnFormat format) {
  switch (format) {
    case AsnFormat::pfx2as:
      return "pfx2as";
    case AsnFormat::ip2asn:
      return "ip2asn";
    case AsnFormat::ip_location:
      return "ip-location-db";
    case AsnFormat::pyasn:
      return "pyasn";
  }
  return "";
}

std::optional<UnixTime> date_from_name(std::string_view name) {
  size_t i = 0;
  while (i < name.size()) {
    if (name[i] < '0' || name[i] > '9') {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
    if (end - i >= 8) {
      auto number = [&](size_t at, size_t n) {
        int value = 0;
        for (size_t k = at; k < at + n; ++k) value = value * 10 + (name[k] - '0');
        return value;
      };
      const int year = number(i, 4), month = number(i + 4, 2), day = number(i + 6, 2);
      if (valid_date(year, month, day)) return make_utc(year, month, day, 0, 0, 0);
    }
    i = end;
  }
  return std::nullopt;
}

std::string default_dataset_name(AsnFormat format, const std::string& path) {
  std::string stem = file_name(path);
  // Strip data and compression extensions, innermost last: "x.dat.gz" -> "x".
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (const char* ext : {".gz", ".bz2", ".xz", ".csv", ".tsv", ".txt", ".dat", ".pfx2as"}) {
      const std::string e(ext);
      if (stem.size() > e.size() && stem.compare(stem.size() - e.size(), e.size(), e) == 0) {
        stem.resize(stem.size() - e.size());
        stripped = true;
      }
    }
  }
  // Drop the date (it is the dataset's date, not its name), a time right after it
  // ("-1200"), and the separators left over.
  std::string name;
  for (size_t i = 0; i < stem.size();) {
    size_t end = i;
    while (end < stem.size() && std::isdigit(static_cast<unsigned char>(stem[end]))) ++end;
    if (end - i >= 8 && date_from_name(stem.substr(i, end - i))) {
      i = end;
      size_t time_end = i + 1;
      while (time_end < stem.size() && std::isdigit(static_cast<unsigned char>(stem[time_end]))) ++time_end;
      if (i < stem.size() && (stem[i] == '-' || stem[i] == '_' || stem[i] == '.') && time_end - i - 1 >= 4)
        i = time_end;
      continue;
    }
    if (end == i) ++end;
    const std::string part = stem.substr(i, end - i);
    const bool separator = part == "-" || part == "_" || part == ".";
    if (!(separator && (name.empty() || name.back() == '-' || name.back() == '_' || name.back() == '.')))
      name += part;
    i = end;
  }
  while (!name.empty() && (name.back() == '-' || name.back() == '_' || name.back() == '.')) name.pop_back();
  const std::string format_text = format_name(format);
  if (name.empty()) return format_text;
  if (name.find(format_text) != std::string::npos) return name;
  return format_text + "-" + name;
}

Result<std::string> file_sha256(const std::string& path) { return file_digest_hex(path, "SHA256"); }

Result<bool> detect_numeric_v6(const std::string& path) {
  const std::string name = file_name(path);
  if (name.find("ipv6") != std::string::npos || name.find("-v6") != std::string::npos) return true;
  if (name.find("ipv4") != std::string::npos || name.find("-v4") != std::string::npos) return false;
  bool v6 = false;
  LineHandlers handlers;
  handlers.on_line = [&](size_t, std::string_view line) {
    const size_t comma = line.find(',');
    const std::string_view first = line.substr(0, comma);
    if (first.empty() || first.front() == '#') return true;  // keep looking
    if (first.find_first_of(".:") != std::string_view::npos) return false;  // text addresses
    v6 = !parse_decimal_key(first, 32) && parse_decimal_key(first, 128);
    return false;
  };
  handlers.too_long = [](size_t) {};
  auto read = read_lines_from_file(path, handlers, 4096);
  if (!read) return read.error();
  return v6;
}

Result<DatasetImportResult> import_dataset(Store& store, const DatasetImportRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  DatasetImportResult result;
  auto sha = file_sha256(request.path);
  if (!sha) return sha.error();

  DatasetInfo& dataset = result.dataset;
  dataset.name = request.name.empty() ? default_dataset_name(request.format, request.path) : request.name;
  dataset.format = format_name(request.format);
  dataset.path = request.path;
  dataset.sha256 = *sha;
  dataset.imported_at = static_cast<UnixTime>(std::time(nullptr));
  if (request.date) {
    dataset.date = *request.date;
  } else if (auto date = date_from_name(file_name(request.path))) {
    dataset.date = *date;
  } else if (auto folder = date_from_name(std::filesystem::path(request.path).parent_path().filename().string())) {
    dataset.date = *folder;
  } else {
    struct stat info {};
    if (::stat(request.path.c_str(), &info) != 0) return Error{"cannot stat", request.path};
    dataset.date = static_cast<UnixTime>(info.st_mtime);
  }

  ImportOptions options;
  options.max_problems = request.max_problems;
  if (request.format == AsnFormat::ip_location) {
    if (request.numeric_v6) {
      options.numeric_v6 = *request.numeric_v6;
    } else {
      auto v6 = detect_numeric_v6(request.path);
      if (!v6) return v6.error();
      options.numeric_v6 = *v6;
    }
  }

  if (auto begun = store.begin(); !begun) return begun.error();
  // Everything below either commits whole or is rolled back.
  auto fail = [&](Error error) -> Result<DatasetImportResult> {
    store.rollback();
    return error;
  };
  // Checked under the write lock: two processes importing one file store it once.
  auto existing = find_dataset_by_hash(store, *sha, dataset.format);
  if (!existing) return fail(existing.error());
  if (*existing) {
    store.rollback();
    result.dataset = **existing;
    result.already_imported = true;
    return result;
  }
  auto id = add_dataset(store, dataset);
  if (!id) return fail(id.error());
  dataset.id = *id;
  auto writer = DatasetWriter::create(store, dataset.id);
  if (!writer) return fail(writer.error());

  std::optional<Error> store_error;
  std::string prefix_text;
  const AsnRowSink sink = [&](const AsnRow& row) {
    prefix_text = row.prefix.to_string();
    if (auto added = writer->add_prefix(prefix_text, row.asn, row.country); !added) {
      store_error = added.error();
      return false;
    }
    if (auto named = writer->add_name(row.asn, row.name); !named) {
      store_error = named.error();
      return false;
    }
    return true;
  };
  std::vector<Error> problems;
  auto stats = import_asn_file(request.path, request.format, sink, problems, options);
  if (store_error) return fail(*store_error);
  if (!stats) return fail(Error{stats.error().message, stats.error().where.empty() ? request.path : stats.error().where});
  result.stats = *stats;
  for (Error& problem : problems) {
    problem.where = request.path + ":" + problem.where;
    result.problems.push_back(std::move(problem));
  }
  if (auto finished = writer->finish(); !finished) return fail(finished.error());
  dataset.rows = writer->rows();
  if (dataset.rows == 0) {
    // Registering it would make "already imported" refuse the right format later.
    std::string why = "no row could be read as " + dataset.format + " (" + std::to_string(stats->lines) + " lines";
    if (!result.problems.empty()) why += "; first problem: " + result.problems.front().to_string();
    return fail(Error{why + ")", request.path});
  }
  if (auto committed = store.commit(); !committed) return fail(committed.error());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace sg::asn
