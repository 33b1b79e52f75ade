// libFuzzer target: bytes as an MRT file (plain, or gzip/bzip2 by their magic),
// framed, printed as `bgpdump -m` and as JSON elements; every JSON line must parse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "enrich/mrt/bgpdump_format.h"
#include "enrich/mrt/mrt_dump.h"
#include "enrich/mrt/mrt_elements.h"
#include "enrich/mrt/mrt_stream.h"

static volatile size_t sink;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  sg::mrt::BgpdumpFormatter formatter;
  sg::mrt::ElementDecoder decoder({});
  std::string text;
  std::string json;
  uint64_t delivered = 0;
  sg::mrt::read_mrt_bytes(
      bytes,
      [&](const sg::mrt::MrtRecord& record) {
        text.clear();
        formatter.format(record, text);
        sink = sink + text.size();
        decoder.decode(
            record,
            [&](const sg::mrt::MrtElement& element) {
              json.clear();
              sg::mrt::append_element_json(element, json);
              if (!nlohmann::json::accept(json)) std::abort();
              return true;
            },
            delivered);
        return true;
      },
      [&](const sg::mrt::MrtProblem& problem) { sink = sink + problem.reason.size(); });
  return 0;
}
