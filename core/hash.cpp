#include "core/hash.h"

#include <openssl/evp.h>

#include <memory>

namespace sg {

namespace {

// EVP_Digest with EVP_sha256() fetches the implementation and allocates a context
// on every call (OpenSSL 3); for a few KB of input that overhead is a third of the
// cost. Fetch once, and keep one context per thread.
struct Sha256 {
  struct MdFree {
    void operator()(EVP_MD* md) const { EVP_MD_free(md); }
  };
  struct CtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD, MdFree> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx{EVP_MD_CTX_new()};

  bool digest(std::string_view bytes, unsigned char* out, unsigned int* length) {
    return md && ctx && EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) == 1 &&
           EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1 &&
           EVP_DigestFinal_ex(ctx.get(), out, length) == 1;
  }
};

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  thread_local Sha256 sha256;
  if (!sha256.digest(bytes, digest, &length)) {
    length = 0;  // fall back to the one-shot call if the cached path is unavailable
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(length * 2, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

}  // namespace sg
