// A thin RAII layer over the SQLite C API: a connection and prepared statements.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"

namespace sg::sql {

/// A prepared statement. Bind with 1-based indices, step, read columns, reset.
/// Bound text and blobs are NOT copied: keep them alive until reset() or run() returns.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);  ///< check ok() afterwards
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  /// Steps once: true when a row is available, false when done; errors set error().
  bool step();
  /// Steps until done (for INSERT/UPDATE); returns false on error.
  bool run();
  void reset();  ///< resets and clears bindings
  void clear_error() { error_.clear(); }
  int64_t int64(int column) const;
  std::string text(int column) const;
  std::string_view text_view(int column) const;  ///< valid until the next step/reset
  bool is_null(int column) const;
  const std::string& error() const { return error_; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string error_;
};

/// A statement from Database::cached(), on loan to one caller: ready to bind, and reset
/// (bindings cleared) when the lease ends, so an idle cached statement holds no read
/// snapshot open.
class StatementLease {
 public:
  StatementLease(StatementLease&& other) noexcept;
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  ~StatementLease();
  Statement& operator*() { return *statement_; }
  Statement* operator->() { return statement_; }

 private:
  friend class Database;
  StatementLease(Statement* cached, bool* in_use);  // a cached statement, marked in use
  explicit StatementLease(Statement owned);         // a fresh one, when the cached one is on loan
  Statement owned_;
  Statement* statement_;
  bool* in_use_;
};

/// Whether Database::open may create the file.
enum class OpenMode { create, existing };

/// How long a connection waits for another process's write lock before it reports
/// the store as busy: longer than any one batch of ingest, import or enrichment holds it.
inline constexpr int kBusyTimeoutMs = 120000;

/// An open database connection.
class Database {
 public:
  Database() = default;
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Opens the file at `path`, creating it only with OpenMode::create. Waits up to
  /// kBusyTimeoutMs for locks held by other connections.
  Status open(const std::string& path, OpenMode mode = OpenMode::create);
  /// Runs one or more statements without results.
  Status exec(std::string_view sql);
  /// Like exec(), but retries for up to kBusyTimeoutMs while another connection holds
  /// a lock SQLite's busy handler does not wait for (switching a new file to WAL).
  Status exec_retrying(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  /// The statement for `sql`, prepared once per connection and kept: for queries asked
  /// again and again (per entity, per message). A caller that asks for a statement
  /// already on loan (a nested call) gets a fresh one. A statement that does not
  /// prepare is not kept; its error() says why.
  StatementLease cached(std::string_view sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  /// Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const { return sqlite3_changes64(db_); }
  std::string last_error() const { return db_ ? sqlite3_errmsg(db_) : "database not open"; }
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  struct CachedStatement {
    Statement statement;
    bool in_use = false;
  };
  sqlite3* db_ = nullptr;
  std::string path_;
  // Statements are finalised before the connection closes (members die first).
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

}  // namespace sg::sql
