#include "store/sqlite.h"

#include <chrono>
#include <thread>
#include <utility>

namespace sg::sql {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK) {
    error_ = sqlite3_errmsg(db);
    stmt_ = nullptr;
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), error_(std::move(other.error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    error_ = std::move(other.error_);
  }
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC: callers keep the bytes alive until the statement is reset, which
  // saves a copy per value on the ingest path.
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

bool Statement::run() {
  error_.clear();
  while (step()) {
  }
  const bool ok = error_.empty();
  reset();
  return ok;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::text(int column) const { return std::string(text_view(column)); }

std::string_view Statement::text_view(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!data) return {};
  return std::string_view(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

StatementLease::StatementLease(Statement* cached, bool* in_use) : statement_(cached), in_use_(in_use) {
  *in_use_ = true;
}

StatementLease::StatementLease(Statement owned) : owned_(std::move(owned)), statement_(&owned_), in_use_(nullptr) {}

StatementLease::StatementLease(StatementLease&& other) noexcept
    : owned_(std::move(other.owned_)),
      statement_(other.in_use_ != nullptr ? other.statement_ : &owned_),
      in_use_(std::exchange(other.in_use_, nullptr)) {
  other.statement_ = nullptr;
}

StatementLease::~StatementLease() {
  if (in_use_ == nullptr) return;  // owned (finalised with owned_) or moved from
  statement_->reset();
  statement_->clear_error();
  *in_use_ = false;
}

StatementLease Database::cached(std::string_view sql) {
  auto found = cache_.find(std::string(sql));
  if (found == cache_.end()) {
    Statement statement(db_, sql);
    if (!statement.ok()) return StatementLease(std::move(statement));
    found = cache_.emplace(std::string(sql), std::make_unique<CachedStatement>()).first;
    found->second->statement = std::move(statement);
  }
  CachedStatement& entry = *found->second;
  if (entry.in_use) return StatementLease(Statement(db_, sql));
  return StatementLease(&entry.statement, &entry.in_use);
}

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Database::open(const std::string& path, OpenMode mode) {
  // Memory statistics take a global mutex on every SQLite allocation; nothing here
  // reads them. Process-wide, and only possible before SQLite initialises, so once.
  static const bool configured = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialised: harmless
    return true;
  }();
  (void)configured;
  cache_.clear();
  path_ = path;
  // NOMUTEX: a connection is only ever used by one thread at a time (the store's
  // writer, or one reader), so SQLite's per-call connection mutex is pure cost.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == OpenMode::create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    Error error{db_ ? sqlite3_errmsg(db_) : "out of memory", path};
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return error;
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  return Ok{};
}

Status Database::exec_retrying(std::string_view sql) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    Status status = exec(sql);
    if (status || (sqlite3_extended_errcode(db_) & 0xff) != SQLITE_BUSY ||
        std::chrono::steady_clock::now() > deadline)
      return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status Database::exec(std::string_view sql) {
  std::string owned(sql);
  char* message = nullptr;
  if (const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message); rc != SQLITE_OK) {
    Error error{message ? message : "unknown SQLite error", path_};
    if ((rc & 0xff) == SQLITE_BUSY)
      error.message = "the store is busy: another process held its write lock for over " +
                      std::to_string(kBusyTimeoutMs / 1000) + " s (" + error.message + ")";
    sqlite3_free(message);
    return error;
  }
  return Ok{};
}

}  // namespace sg::sql
