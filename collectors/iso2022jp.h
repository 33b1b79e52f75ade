// Japanese text without a call to iconv per text: ISO-2022-JP in the form nearly
// all Japanese mail takes (ASCII and JIS X 0208 switched by ESC ( B and ESC $ B),
// and Shift_JIS as CP932 reads it. Both from tables iconv itself fills.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sg {

/// The character tables the decoders below read, each filled by iconv as text
/// needs it, with the iconv descriptors that fill them. Owned by one
/// CharsetDecoder (never shared between threads), so a decoder's tables and
/// descriptors live and die with it.
class JapaneseTables {
 public:
  JapaneseTables();
  ~JapaneseTables();
  JapaneseTables(const JapaneseTables&) = delete;
  JapaneseTables& operator=(const JapaneseTables&) = delete;

  class Jis;    ///< JIS X 0208 through iconv's ISO-2022-JP
  class Cp932;  ///< Shift_JIS through iconv's CP932
  /// Each made on first use: most mail holds no Japanese.
  Jis& jis();
  Cp932& cp932();

 private:
  std::unique_ptr<Jis> jis_;
  std::unique_ptr<Cp932> cp932_;
};

/// The UTF-8 of ISO-2022-JP `text` into `out` (core/result.h: `_into`), true when
/// the text only switches between ASCII and JIS X 0208 and iconv decodes each of
/// its characters cleanly; the bytes are then exactly those iconv gives, as each
/// character comes from a table in `tables` that iconv itself fills. False for
/// anything else (other escapes, 8-bit bytes, SO/SI, a character iconv rejects):
/// the caller converts with iconv.
bool decode_common_iso2022jp_into(std::string_view text, JapaneseTables& tables, std::string& out);

/// The length of the run of ASCII at the start of `text` that ISO-2022-JP (and any
/// charset for which ASCII means ASCII) passes through unchanged: up to an ESC, SO,
/// SI or 8-bit byte.
size_t plain_ascii_run(std::string_view text);

/// The UTF-8 of Shift_JIS `text` as iconv's CP932 reads it into `out`
/// (core/result.h: `_into`), true when iconv decodes each of its characters
/// cleanly (the bytes are then exactly those CharsetDecoder::convert gives for a
/// shift_jis label). False for anything else (a byte or pair iconv rejects, half
/// a character at the end): the caller converts with iconv.
bool decode_common_cp932_into(std::string_view text, JapaneseTables& tables, std::string& out);

}  // namespace sg
