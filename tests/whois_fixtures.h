// The recorded WHOIS answers of tests/data/fixtures/whois/, for the whois suites. Header
// only, so that those suites also build alone (-DSPAMGRAPH_ONLY_TESTS="rpsl;whois").
#pragma once
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace sg {

/// The bytes of tests/data/fixtures/whois/<relative>; fails the current test when unreadable.
inline std::string whois_fixture(const std::string& relative) {
  const std::string path = std::string(SPAMGRAPH_SOURCE_DIR) + "/tests/data/fixtures/whois/" + relative;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace sg
