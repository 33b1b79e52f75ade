#include "core/domain.h"

#include <idn2.h>
#include <libpsl.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "core/byte_scan.h"

namespace sg {

namespace {

std::string_view trim_decoration(std::string_view text) {
  while (!text.empty() && (text.front() == '[' || text.front() == '"' || text.front() == '<' ||
                           text.front() == '\'' || text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ']' || text.back() == '"' || text.back() == '>' || text.back() == '\'' ||
                           text.back() == ' ' || text.back() == '\t' || text.back() == '.'))
    text.remove_suffix(1);
  return text;
}

// What kinds of byte a name holds, as flags. Non-ASCII bytes send the name
// through IDNA; '_' counts as a letter (real HELO names and DKIM selectors hold it).
enum NameByte : uint8_t { kInvalid = 1, kNonAscii = 2, kNotDigit = 4 };

// What a scan of a name found: the kinds of its bytes (NameByte flags), and
// whether every dot-separated label so far has 1 to 63 bytes (RFC 1035).
struct NameScan {
  uint8_t kinds = 0;
  bool labels_fit = true;
  size_t label_start = 0;

  // `dots` has bit k set when byte `base + k` of the name is a dot.
  void take_dots(unsigned dots, size_t base) {
    for (; dots != 0; dots &= dots - 1) {
      const size_t dot = base + static_cast<size_t>(__builtin_ctz(dots));
      end_label(dot);
      label_start = dot + 1;
    }
  }
  void end_label(size_t end) {
    if (end == label_start || end - label_start > 63) labels_fit = false;
  }
};

// The kinds of a name's bytes as one lane mask each, gathered sixteen bytes a step.
struct BlockKinds {
  scan::Block invalid{}, non_ascii{}, not_digit{};

  // Lowers the sixteen bytes at `text` into `out` and returns the mask of their dots.
  unsigned lower(const char* text, char* out) {
    const scan::Block block = scan::load(text);
    const scan::Block lowered = block | (scan::between(block, 'A', 'Z') & scan::splat(0x20));
    scan::store(out, lowered);
    const scan::Block dots = scan::equal(block, '.');
    const scan::Block letters_and_marks =
        scan::between(lowered, 'a', 'z') | (scan::equal(block, '-') | scan::equal(block, '_'));
    // Signed: every non-ASCII byte is negative.
    const scan::Block high = scan::signed_below(block, 0);
    const scan::Block valid = (letters_and_marks | scan::between(block, '0', '9')) | (dots | high);
    invalid = invalid | ~valid;
    non_ascii = non_ascii | high;
    not_digit = not_digit | letters_and_marks;
    return scan::mask(dots);
  }

  uint8_t flags() const {
    return static_cast<uint8_t>((scan::mask(invalid) ? kInvalid : 0) | (scan::mask(non_ascii) ? kNonAscii : 0) |
                                (scan::mask(not_digit) ? kNotDigit : 0));
  }
};

// Lowers a name of at least sixteen bytes into `out`, sixteen bytes a step. The
// last step overlaps the one before rather than going bytewise: lowering and
// kinds come out the same twice, and the dots already taken are shifted away.
void lower_in_blocks(std::string_view text, char* out, NameScan& scan) {
  BlockKinds kinds;
  size_t i = 0;
  for (; i + 16 <= text.size(); i += 16) scan.take_dots(kinds.lower(text.data() + i, out + i), i);
  if (const size_t tail = text.size() - i; tail != 0) {
    const size_t last = text.size() - 16;
    scan.take_dots(kinds.lower(text.data() + last, out + last) >> (16 - tail), i);
  }
  scan.kinds = kinds.flags();
}

// Lowers a name shorter than sixteen bytes into `out` in one step, through a
// copy padded with '0': a digit, so it adds no dot and no kind the name lacks.
void lower_padded(std::string_view text, char* out, NameScan& scan) {
  char padded[16], lowered[16];
  std::memset(padded, '0', sizeof padded);
  std::memcpy(padded, text.data(), text.size());
  BlockKinds kinds;
  scan.take_dots(kinds.lower(padded, lowered), 0);
  std::memcpy(out, lowered, text.size());
  scan.kinds = kinds.flags();
}

// Lowercases an ASCII name into `out` while checking RFC 1035 lengths and a
// permissive character set. Returns 0 when invalid, -1 when `text` is not ASCII,
// else 1 for a single label and 2 for several. No branch per byte: names are
// checked by the dozen in every message.
int lower_and_validate(std::string_view text, std::string& out, bool& all_digits) {
  if (text.empty()) return 0;
  out.resize(text.size());
  NameScan scan;
  if (text.size() < 16)
    lower_padded(text, out.data(), scan);
  else
    lower_in_blocks(text, out.data(), scan);
  scan.end_label(text.size());
  if (scan.kinds & kInvalid) return 0;
  if (scan.kinds & kNonAscii) return -1;
  if (text.size() > 253 || !scan.labels_fit) return 0;
  all_digits = !(scan.kinds & kNotDigit);
  return scan.label_start == 0 ? 1 : 2;
}

bool normalize_into(std::string_view text, bool allow_single_label, std::string& name) {
  text = trim_decoration(text);
  if (text.empty() || text.size() > 1024) return false;
  bool all_digits = true;
  int labels = lower_and_validate(text, name, all_digits);
  if (labels < 0) {
    std::string input(text);
    char* output = nullptr;
    const int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      // Retry with UTS#46 transitional mapping, which accepts more legacy input.
      if (idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_TRANSITIONAL) != IDN2_OK) return false;
    }
    const std::string ascii(output);
    idn2_free(output);
    labels = lower_and_validate(ascii, name, all_digits);
  }
  if (labels <= 0) return false;
  if (labels == 1 && !allow_single_label) return false;
  return !all_digits;  // all digits: an IPv4 literal, not a name
}

}  // namespace

// Direct-mapped, so a lookup is one hash and one compare and a new suffix simply
// takes its slot. (An unordered_map here spent more on its bucket division and
// node chasing than libpsl spends answering.)
struct PublicSuffixCache::Slot {
  size_t hash = 0;
  std::string name;
  bool is_public = false;
  bool used = false;
};

namespace {
constexpr size_t kSuffixSlots = 2048;
}  // namespace

PublicSuffixCache::PublicSuffixCache() : slots_(std::make_unique<Slot[]>(kSuffixSlots)) {}
PublicSuffixCache::~PublicSuffixCache() = default;

bool PublicSuffixCache::is_public(std::string_view suffix) {
  const size_t hash = std::hash<std::string_view>{}(suffix);
  Slot& slot = slots_[hash & (kSuffixSlots - 1)];
  if (slot.used && slot.hash == hash && slot.name == suffix) return slot.is_public;
  slot.name.assign(suffix);  // also the NUL-terminated copy libpsl needs
  slot.is_public = psl_is_public_suffix(psl_builtin(), slot.name.c_str()) != 0;
  slot.hash = hash;
  slot.used = true;
  if (slot.name.capacity() > 256) {  // no giant name keeps its buffer
    const bool answer = slot.is_public;
    slot = Slot{};
    return answer;
  }
  return slot.is_public;
}

namespace {

bool is_public_suffix(std::string_view suffix, PublicSuffixCache* cache) {
  if (cache) return cache->is_public(suffix);
  const std::string name(suffix);  // NUL-terminated for libpsl
  return psl_is_public_suffix(psl_builtin(), name.c_str()) != 0;
}

}  // namespace

bool normalize_domain_into(std::string_view text, std::string& out) {
  if (normalize_into(text, false, out)) return true;
  out.clear();
  return false;
}

bool normalize_host_name_into(std::string_view text, std::string& out) {
  if (normalize_into(text, true, out)) return true;
  out.clear();
  return false;
}

bool is_listed_public_suffix(std::string_view normalized_name) {
  const std::string name(normalized_name);  // NUL-terminated for libpsl
  if (name.find('\0') != std::string::npos) return false;  // libpsl would read a prefix
  return psl_is_public_suffix2(psl_builtin(), name.c_str(), PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool is_local_use_name(std::string_view normalized_name) {
  static constexpr std::string_view kLocalTopLevel[] = {"localhost", "localdomain", "local", "lan",     "internal",
                                                        "intranet",  "corp",        "home",  "invalid"};
  const size_t dot = normalized_name.rfind('.');
  const std::string_view top = dot == std::string_view::npos ? normalized_name : normalized_name.substr(dot + 1);
  for (std::string_view local : kLocalTopLevel)
    if (top == local) return true;
  const std::string_view home_arpa = "home.arpa";
  return normalized_name == home_arpa ||
         (normalized_name.size() > home_arpa.size() && normalized_name.ends_with(".home.arpa"));
}

std::string domain_for_display(std::string_view normalized_name) {
  // Only names with an A-label need libidn2; the rest are shown as they are.
  if (normalized_name.find("xn--") == std::string_view::npos) return std::string(normalized_name);
  const std::string name(normalized_name);
  if (name.find('\0') != std::string::npos) return name;  // libidn2 would read a prefix
  char* output = nullptr;
  if (idn2_to_unicode_8z8z(name.c_str(), &output, 0) != IDN2_OK) return name;
  std::string display(output);
  idn2_free(output);
  // Shown only when it names the same host: an A-label can encode code points
  // (controls, unassigned ones) that IDNA refuses on the way in.
  std::string again;
  if (!normalize_into(display, true, again) || again != name) return name;
  return display;
}

std::string registrable_domain(std::string_view normalized_name, PublicSuffixCache* cache) {
  // libpsl's psl_registrable_domain, step by step: walk the suffixes from the
  // left and stop at the first public one, so that "forgot.his.name" (public,
  // while "his.name" is not) is found. Each step asks is_public_suffix.
  if (normalized_name.empty() || normalized_name.front() == '.') return std::string(normalized_name);
  std::string_view domain = normalized_name;
  std::string_view registrable;
  while (!is_public_suffix(domain, cache)) {
    const size_t dot = domain.find('.');
    if (dot == std::string_view::npos) break;
    registrable = domain;
    domain.remove_prefix(dot + 1);
  }
  return std::string(registrable.empty() ? normalized_name : registrable);
}

}  // namespace sg
