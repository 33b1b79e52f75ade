// Header analysis: one raw message in, its Evidence out.
#pragma once
#include <memory>
#include <string_view>

#include "collectors/trust.h"
#include "core/evidence.h"

namespace sg {

class CharsetDecoder;

/// What header analysis needs besides the bytes.
struct AnalysisOptions {
  TrustConfig trust;            ///< the user's own servers; empty = infer
  bool body_urls = true;        ///< walk the MIME body for URLs (recorded, never fetched)
  UnixTime fallback_time = 0;   ///< message time when no hop and no Date header has one
};

/// Turns raw messages into Evidence. Holds all the state analysis reuses from
/// message to message (charset converters, buffers, the hasher, public-suffix
/// answers) and passes it down, so keep one per thread. Analysis is a pure
/// function of the bytes and the options.
class Analyzer {
 public:
  explicit Analyzer(AnalysisOptions options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// Analyses one message (a whole RFC 5322 message, or just its header block).
  /// Never fails: what could not be read is listed in Evidence::problems.
  Evidence analyze(std::string_view message, const MessageSource& source);

  /// As analyze, into `evidence`, whatever it held: its strings and lists keep
  /// their capacity, so analysing message after message into the same Evidence
  /// allocates far less.
  void analyze(std::string_view message, const MessageSource& source, Evidence& evidence);

  const AnalysisOptions& options() const { return options_; }

 private:
  struct Scratch;  // buffers and state reused from message to message

  AnalysisOptions options_;
  std::unique_ptr<CharsetDecoder> decoder_;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace sg
