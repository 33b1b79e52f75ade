/* Logs every SQL statement a process prepares, for bench/graph.sh's query plans.
 *
 *   cc -O2 -shared -fPIC -o bench/out/graph_sqltrace.so bench/graph_sqltrace.c -ldl
 *   SG_SQLTRACE=statements.txt LD_PRELOAD=bench/out/graph_sqltrace.so build/spamgraph shares ...
 *
 * Wraps sqlite3_prepare_v2 and sqlite3_prepare_v3 of the shared libsqlite3 and
 * appends each statement's text, one per record ended by a line holding "--;",
 * to the file SG_SQLTRACE names; the call itself goes on to the real function.
 * So the plans are those of the exact text the program runs, not of a copy of it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef int (*prepare_v2_fn)(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
typedef int (*prepare_v3_fn)(sqlite3*, const char*, int, unsigned int, sqlite3_stmt**, const char**);

static void log_statement(const char* sql, int bytes) {
  const char* path = getenv("SG_SQLTRACE");
  if (!path || !sql) return;
  FILE* out = fopen(path, "a");
  if (!out) return;
  size_t length = bytes < 0 ? strlen(sql) : strnlen(sql, (size_t)bytes);
  fwrite(sql, 1, length, out);
  fputs("\n--;\n", out);
  fclose(out);
}

int sqlite3_prepare_v2(sqlite3* db, const char* sql, int bytes, sqlite3_stmt** statement, const char** tail) {
  static prepare_v2_fn real;
  if (!real) real = (prepare_v2_fn)dlsym(RTLD_NEXT, "sqlite3_prepare_v2");
  log_statement(sql, bytes);
  return real(db, sql, bytes, statement, tail);
}

int sqlite3_prepare_v3(sqlite3* db, const char* sql, int bytes, unsigned int flags, sqlite3_stmt** statement,
                       const char** tail) {
  static prepare_v3_fn real;
  if (!real) real = (prepare_v3_fn)dlsym(RTLD_NEXT, "sqlite3_prepare_v3");
  log_statement(sql, bytes);
  return real(db, sql, bytes, flags, statement, tail);
}
