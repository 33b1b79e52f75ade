#include "core/hash.h"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace sg {

namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

// EVP_Digest with EVP_sha256() fetches the implementation and allocates a context
// on every call (OpenSSL 3); for a few KB of input that overhead is a third of the
// cost. Both are kept here instead, for the owner's every hash.
struct Sha256::State {
  std::unique_ptr<EVP_MD, MdFree> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx{EVP_MD_CTX_new()};

  bool digest(std::string_view bytes, unsigned char* out, unsigned int* length) {
    return md && ctx && EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) == 1 &&
           EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), out, length) == 1;
  }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {}
Sha256::~Sha256() = default;

void Sha256::hex_into(std::string_view bytes, std::string& out) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!state_->digest(bytes, digest, &length)) {
    length = 0;  // fall back to the one-shot call if the kept context is unavailable
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  }
  to_hex_into(digest, length, out);
}

namespace {

// The two hex digits of every byte value: one lookup and one two-byte store per
// byte, where indexing the string for each digit re-read its pointer every time.
constexpr std::array<std::array<char, 2>, 256> make_hex_pairs() {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<std::array<char, 2>, 256> pairs{};
  for (size_t i = 0; i < 256; ++i) pairs[i] = {kHex[i >> 4], kHex[i & 15]};
  return pairs;
}
constexpr auto kHexPairs = make_hex_pairs();

}  // namespace

void to_hex_into(const unsigned char* bytes, size_t size, std::string& out) {
  out.resize(size * 2);
  char* hex = out.data();
  for (size_t i = 0; i < size; ++i) std::memcpy(hex + 2 * i, kHexPairs[bytes[i]].data(), 2);
}

Result<std::string> file_digest_hex(const std::string& path, const char* algorithm) {
  struct FileClose {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, algorithm, nullptr));
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1)
    return Error{std::string("OpenSSL digest ") + algorithm + " unavailable", path};
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), n) != 1) return Error{"OpenSSL digest failed", path};
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get())) return Error{std::string("read error: ") + std::strerror(errno), path};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) return Error{"OpenSSL digest failed", path};
  std::string hex;
  to_hex_into(digest, length, hex);
  return hex;
}

}  // namespace sg
