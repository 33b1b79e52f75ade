// libFuzzer target: MmdbReader (libmaxminddb) over arbitrary bytes written to a temp
// file, then a few lookups. libmaxminddb only opens files, hence the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "enrich/asn/mmdb.h"

static volatile size_t sink;

// libmaxminddb 1.7.1 (Debian 12) leaks the metadata's data pool when MMDB_open rejects
// some invalid metadata (fixed upstream in 1.8.0, "memory leaks in MMDB_open() with
// invalid databases"). Its frames carry no frame pointers, so the leak stack ends in the
// library: suppress by module. Leaks of our own use of the library are still caught by
// the ASan test build (tests/test_asn_mmdb.cpp, tests/test_enrich_asn.cpp).
extern "C" const char* __lsan_default_suppressions() { return "leak:libmaxminddb.so\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/fuzz_mmdb." + std::to_string(getpid()) + ".mmdb";
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);
  size_t total = 0;
  if (auto reader = sg::asn::MmdbReader::open(path)) {
    total += static_cast<size_t>(reader->ip_version()) + reader->database_type().size() +
             static_cast<size_t>(reader->build_epoch() & 0xff);
    for (const char* text : {"1.128.0.1", "114.113.195.101", "2001:db8::1", "::"}) {
      auto answer = reader->lookup(*sg::IpAddress::parse(text));
      if (!answer) {
        ++total;
      } else if (*answer) {
        total += (*answer)->asn + (*answer)->as_name.size() + (*answer)->country.size();
      }
    }
  }
  sink = total;
  return 0;
}
