// Deterministic generator of realistic MRT files (RFC 6396) for bench/mrt.sh: a
// full-size TABLE_DUMP_V2 RIB like RouteViews' rib.*.bz2 or RIS' bview.*.gz, or a
// stream of BGP4MP updates from the same peers.
//
//   gen_rib [--prefixes N] [--peers P] [--seed S] [--v6 FRACTION] [--time T]
//           [--level L | --plain] [--truth FILE] [--updates MESSAGES] OUT
//
// RIB (default): one PEER_INDEX_TABLE of P peers (default 30; every third one on an
// IPv6 address; 4-byte ASNs always flagged AS4, half of the 2-byte ones too), then N
// prefixes (default 1,000,000; FRACTION of them IPv6, default 0.1): RIB_IPV4_UNICAST
// records, then RIB_IPV6_UNICAST records, each family in ascending (address, length)
// order with prefix lengths distributed as in the 2024 routing table (/24 and /48
// dominate), sequence numbers counting up across both. Each prefix is seen by a
// random 60-100% of the peers, one entry per peer in peer-index order, with:
//   ORIGIN          IGP mostly (per origin AS: 6% INCOMPLETE, 0.5% EGP)
//   AS_PATH         one AS_SEQUENCE of 2-8 4-byte ASNs: the peer's AS, transit ASes
//                   (tier-1 style ones first) and the prefix's origin AS last, the
//                   same path for every prefix of that origin behind that peer, origin
//                   prepending on 5% of the (peer, origin) pairs. 0.5% of the prefixes
//                   are MOAS (two origins, each seen by some of the peers); 0.1% were
//                   aggregated: the sequence ends in the aggregator, followed by an
//                   AS_SET of 2-4 ASes, with ATOMIC_AGGREGATE and AGGREGATOR.
//   NEXT_HOP        (IPv4 prefixes) the peer's IPv4 address
//   MP_REACH_NLRI   (IPv6 prefixes) the abbreviated form of RFC 6396 4.3.4: next hop
//                   length and address only; the peer's IPv6 address (16 bytes, or 32
//                   with a link-local one for some peers), ::ffff:a.b.c.d for IPv4 peers
//   MULTI_EXIT_DISC from a third of the peers
//   COMMUNITIES     on about half of the entries (per peer: 15% or 85%), 1-6 values,
//                   now and then NO_EXPORT / NO_ADVERTISE / NO_EXPORT_SUBCONFED
// That is 40-60 bytes of attributes per entry, as in real RIBs. Originated times: 60%
// of a peer's entries when its session came up (up to 90 days before T), the others
// since. Origin ASes come from a pool of N/12 ASNs (65% 2-byte, 35% 4-byte below
// 400000), none private or reserved (so pyasn's "bogus AS" rule never applies);
// neighbouring prefixes often share their origin.
//
// --updates M writes M BGP4MP_MESSAGE_AS4 UPDATE records instead (and, for 0.1% of
// them, a session reset first: 4 BGP4MP_STATE_CHANGE_AS4 records), over 15 minutes
// from T: 75% announce 1-10 prefixes with one set of attributes as above (IPv6 ones
// in a full MP_REACH_NLRI), 25% withdraw 1-5 prefixes (IPv6 in MP_UNREACH_NLRI); IPv4
// peers send IPv4 prefixes, IPv6 peers IPv6 ones.
//
// OUT is gzip-compressed (zlib, level L, default 6) unless --plain is given or OUT
// ends in neither .gz nor .gzip. --truth FILE (RIB only) writes the intended table,
// one "prefix<TAB>origins<TAB>peers" line per prefix (origins space-separated and
// sorted, an AS_SET as {a b c} in wire order). T (MRT timestamp, default 1704067200 =
// 2024-01-01 00:00 UTC). The same arguments give the same bytes.
// A summary goes to standard error.
//
// gen_rib --inflate FILE reads FILE through zlib alone (gzread into a 4 MB buffer)
// and prints the number of uncompressed bytes: the floor of any reader of a .gz.
#include <arpa/inet.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

// ---------------------------------------------------------------- randomness
// Own generators and distributions: std::uniform_int_distribution and friends may
// give other numbers with another standard library, and the output must not change.

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A hash of a few numbers: the attributes of a (peer, origin) pair are a function
/// of the pair, so that every prefix of an origin has the same path behind a peer.
uint64_t mix(uint64_t a, uint64_t b = 0, uint64_t c = 0) {
  uint64_t x = a * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  uint64_t h = splitmix(x);
  x ^= b * 0xd1b54a32d192ed03ULL;
  h ^= splitmix(x);
  x ^= c * 0xaef17502108ef2d9ULL;
  return h ^ splitmix(x);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& word : s_) word = splitmix(x);
  }
  uint64_t next() {  // xoshiro256**
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  /// Uniform in [lo, hi].
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<uint64_t, 4> s_{};
};

/// Picks a value with the given relative weights.
class Weighted {
 public:
  Weighted(std::initializer_list<std::pair<int, uint32_t>> table) {
    uint64_t total = 0;
    for (const auto& [value, weight] : table) {
      total += weight;
      values_.push_back(value);
      cumulative_.push_back(total);
    }
  }
  int pick(uint64_t random) const {
    const uint64_t r = static_cast<uint64_t>((static_cast<unsigned __int128>(random) * cumulative_.back()) >> 64);
    const size_t i = static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
    return values_[i];
  }

 private:
  std::vector<int> values_;
  std::vector<uint64_t> cumulative_;
};

// Prefix lengths of the 2024 IPv4 table (per 100,000 prefixes, roughly).
const Weighted kV4Lengths{{8, 2},     {9, 1},     {10, 3},    {11, 10},   {12, 30},     {13, 60},  {14, 110},
                          {15, 190},  {16, 1400}, {17, 800},  {18, 1350}, {19, 2600},   {20, 3700}, {21, 4500},
                          {22, 11500}, {23, 10000}, {24, 63500}, {25, 100}, {26, 60},    {27, 40},  {28, 30},
                          {29, 20},   {30, 10},   {31, 3},    {32, 20}};
// ... and of the IPv6 table.
const Weighted kV6Lengths{{19, 2},    {20, 5},    {22, 10},    {24, 30},  {26, 10},   {28, 120}, {29, 900},
                          {30, 150},  {31, 120},  {32, 6000},  {33, 300}, {34, 350},  {35, 200}, {36, 1100},
                          {37, 250},  {38, 350},  {39, 200},   {40, 2600}, {41, 150}, {42, 400}, {43, 150},
                          {44, 4500}, {45, 300},  {46, 1700},  {47, 1400}, {48, 57000}, {52, 100}, {56, 400},
                          {60, 50},   {64, 300}};
// AS_PATH lengths (peer and origin included).
const Weighted kPathLengths{{2, 8}, {3, 22}, {4, 30}, {5, 20}, {6, 10}, {7, 6}, {8, 4}};
// The first 16 bits of IPv6 prefixes: the RIRs' big blocks.
const uint16_t kV6Blocks[] = {0x2001, 0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408,
                              0x2409, 0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2610,
                              0x2620, 0x2800, 0x2801, 0x2803, 0x2804, 0x2806, 0x2a00, 0x2a01, 0x2a02, 0x2a03,
                              0x2a04, 0x2a05, 0x2a06, 0x2a07, 0x2a09, 0x2a0a, 0x2a0b, 0x2a0c, 0x2a0d, 0x2a0e,
                              0x2a0f, 0x2a10, 0x2a11, 0x2a12, 0x2a13, 0x2a14, 0x2c0f};
const uint32_t kTier1[] = {174, 701, 1239, 1299, 2914, 3257, 3356, 3491, 5511, 6453, 6461, 6762, 6939, 7018, 12956};

/// An IPv4 address in 1-223/8, avoiding (whole /8s around) private and shared space.
uint32_t random_public_v4(Rng& rng) {
  for (;;) {
    const uint32_t first = static_cast<uint32_t>(rng.between(1, 223));
    if (first == 10 || first == 127 || first == 100 || first == 172 || first == 192) continue;
    return (first << 24) | static_cast<uint32_t>(rng.below(1u << 24));
  }
}

/// A 2-byte ASN that is neither private, reserved, documentation nor AS_TRANS.
uint32_t random_as16(Rng& rng) {
  for (;;) {
    const uint32_t asn = static_cast<uint32_t>(rng.between(1, 64495));
    if (asn != 23456) return asn;
  }
}
/// A 4-byte ASN in the range the RIRs have handed out (pyasn calls >= 1,000,000 bogus).
uint32_t random_as32(Rng& rng) { return static_cast<uint32_t>(rng.between(131072, 399999)); }

// ---------------------------------------------------------------- output

class Output {
 public:
  Output(const std::string& path, bool gzip, int level) : gzip_(gzip) {
    if (gzip_) {
      const std::string mode = "wb" + std::to_string(level);
      gz_ = gzopen(path.c_str(), mode.c_str());
      if (gz_ != nullptr) gzbuffer(gz_, 1 << 18);
    } else {
      file_ = std::fopen(path.c_str(), "wb");
    }
    if (gz_ == nullptr && file_ == nullptr) {
      std::perror(path.c_str());
      std::exit(1);
    }
    buffer_.reserve(kFlushAt + 65536);
  }
  void write(const std::string& bytes) {
    buffer_ += bytes;
    written_ += bytes.size();
    if (buffer_.size() >= kFlushAt) flush();
  }
  void close() {
    flush();
    const bool ok = gzip_ ? gzclose(gz_) == Z_OK : std::fclose(file_) == 0;
    if (!ok) {
      std::fprintf(stderr, "gen_rib: writing failed\n");
      std::exit(1);
    }
  }
  uint64_t written() const { return written_; }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  void flush() {
    if (buffer_.empty()) return;
    const bool ok = gzip_ ? gzwrite(gz_, buffer_.data(), static_cast<unsigned>(buffer_.size())) ==
                                static_cast<int>(buffer_.size())
                          : std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
    if (!ok) {
      std::fprintf(stderr, "gen_rib: writing failed\n");
      std::exit(1);
    }
    buffer_.clear();
  }
  bool gzip_;
  gzFile gz_ = nullptr;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  uint64_t written_ = 0;
};

void put8(std::string& out, uint32_t v) { out.push_back(static_cast<char>(v & 0xff)); }
void put16(std::string& out, uint32_t v) {
  put8(out, v >> 8);
  put8(out, v);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v >> 16);
  put16(out, v);
}
void put_bytes(std::string& out, const uint8_t* bytes, size_t n) { out.append(reinterpret_cast<const char*>(bytes), n); }
void set16(std::string& out, size_t at, size_t v) {
  out[at] = static_cast<char>((v >> 8) & 0xff);
  out[at + 1] = static_cast<char>(v & 0xff);
}
void set32(std::string& out, size_t at, size_t v) {
  set16(out, at, v >> 16);
  set16(out, at + 2, v & 0xffff);
}

// ---------------------------------------------------------------- the model

enum : uint8_t {
  kOrigin = 1,
  kAsPath = 2,
  kNextHop = 3,
  kMed = 4,
  kAtomicAggregate = 6,
  kAggregator = 7,
  kCommunities = 8,
  kMpReach = 14,
  kMpUnreach = 15,
};
constexpr uint8_t kTransitive = 0x40, kOptional = 0x80, kExtended = 0x10;

struct Peer {
  bool v6 = false;
  bool as4 = true;
  uint32_t asn = 0;
  uint32_t bgp_id = 0;
  uint32_t v4 = 0;             ///< its IPv4 address (an IPv6 peer's IPv4 next hop)
  uint8_t v6addr[16] = {};     ///< its IPv6 address (an IPv4 peer's: ::ffff:v4)
  uint8_t link_local[16] = {};
  bool has_link_local = false;
  bool sends_med = false;
  double community_share = 0.5;
  uint32_t session_up = 0;  ///< seconds before the dump time the session came up
};

struct Prefix {
  uint64_t bits;   ///< IPv4: the address in the low 32 bits; IPv6: the first 64 bits
  uint8_t length;
  bool operator<(const Prefix& other) const {
    return bits != other.bits ? bits < other.bits : length < other.length;
  }
  bool operator==(const Prefix& other) const { return bits == other.bits && length == other.length; }
};

Prefix random_v4_prefix(Rng& rng) {
  const int length = kV4Lengths.pick(rng.next());
  const uint32_t address = random_public_v4(rng);
  const uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  return {address & mask, static_cast<uint8_t>(length)};
}

Prefix random_v6_prefix(Rng& rng) {
  const int length = kV6Lengths.pick(rng.next());
  const uint64_t block = kV6Blocks[rng.below(std::size(kV6Blocks))];
  const uint64_t bits = (block << 48) | (rng.next() >> 16);
  const uint64_t mask = ~uint64_t{0} << (64 - length);
  return {bits & mask, static_cast<uint8_t>(length)};
}

/// Wire form of a prefix: length byte, then the significant bytes.
void put_prefix(std::string& out, const Prefix& p, bool v6) {
  put8(out, p.length);
  const int bytes = (p.length + 7) / 8;
  for (int i = 0; i < bytes; ++i) {
    const int shift = (v6 ? 56 : 24) - 8 * i;
    put8(out, static_cast<uint32_t>(p.bits >> shift));
  }
}

std::string prefix_text(const Prefix& p, bool v6) {
  char text[INET6_ADDRSTRLEN];
  if (v6) {
    uint8_t bytes[16] = {};
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(p.bits >> (56 - 8 * i));
    inet_ntop(AF_INET6, bytes, text, sizeof text);
  } else {
    const uint32_t address = htonl(static_cast<uint32_t>(p.bits));
    inet_ntop(AF_INET, &address, text, sizeof text);
  }
  return std::string(text) + "/" + std::to_string(p.length);
}

/// `count` distinct prefixes, sorted.
std::vector<Prefix> make_prefixes(Rng& rng, size_t count, bool v6) {
  std::vector<Prefix> prefixes;
  prefixes.reserve(count + count / 16 + 64);
  while (prefixes.size() < count) {
    const size_t missing = count - prefixes.size();
    for (size_t i = 0; i < missing + missing / 32 + 16; ++i) prefixes.push_back(v6 ? random_v6_prefix(rng) : random_v4_prefix(rng));
    std::sort(prefixes.begin(), prefixes.end());
    prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  }
  // Drop the surplus at random positions.
  size_t surplus = prefixes.size() - count;
  std::vector<bool> dropped(prefixes.size());
  while (surplus > 0) {
    const size_t i = rng.below(prefixes.size());
    if (!dropped[i]) {
      dropped[i] = true;
      --surplus;
    }
  }
  size_t kept = 0;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    if (!dropped[i]) prefixes[kept++] = prefixes[i];
  }
  prefixes.resize(kept);
  return prefixes;
}

struct Model {
  uint64_t seed = 1;
  std::vector<Peer> peers;
  std::vector<uint32_t> origins;   ///< the pool of origin ASes
  std::vector<uint32_t> transits;  ///< the pool of transit ASes

  /// The AS path from peer `p` to origin `origin`: peer AS, transit ASes, origin.
  void path(size_t p, uint32_t origin, std::vector<uint32_t>& out) const {
    out.clear();
    const uint64_t h = mix(seed, p * 0x100000000ULL + origin, 1);
    const int length = kPathLengths.pick(h);
    out.push_back(peers[p].asn);
    uint64_t g = mix(h, 2);
    for (int i = 1; i < length - 1; ++i) {
      uint32_t transit;
      if (i == 1 && (g & 0xff) < 150) {
        transit = kTier1[(g >> 8) % std::size(kTier1)];
      } else {
        transit = transits[(g >> 16) % transits.size()];
      }
      if (transit == out.back() || transit == origin) transit = transits[(g >> 40) % transits.size()];
      out.push_back(transit);
      g = mix(g, static_cast<uint64_t>(i));
    }
    out.push_back(origin);
    // Origin prepending on 5% of the pairs: the last 1-2 transits become the origin.
    if (length >= 4 && (h >> 56) < 13) {
      out[out.size() - 2] = origin;
      if (length >= 6 && ((h >> 55) & 1) != 0) out[out.size() - 3] = origin;
    }
  }

  uint8_t origin_code(uint32_t origin) const {
    const uint64_t h = mix(seed, origin, 3) % 1000;
    return h < 5 ? 1 : h < 65 ? 2 : 0;  // EGP, INCOMPLETE, IGP
  }
};

/// The attributes of one route. `set` (may be empty) follows the sequence as an AS_SET.
struct Route {
  size_t peer;
  uint32_t origin;                 ///< last AS of the sequence
  const std::vector<uint32_t>* set = nullptr;
  bool v6 = false;
  bool full_mp_reach = false;      ///< updates: a full MP_REACH_NLRI with these prefixes
  const std::vector<Prefix>* nlri = nullptr;
};

void append_attributes(const Model& model, const Route& route, std::string& out, std::vector<uint32_t>& path) {
  const Peer& peer = model.peers[route.peer];
  model.path(route.peer, route.origin, path);
  const bool aggregated = route.set != nullptr && !route.set->empty();

  put8(out, kTransitive);
  put8(out, kOrigin);
  put8(out, 1);
  put8(out, aggregated ? 0 : model.origin_code(route.origin));

  const size_t set_size = aggregated ? route.set->size() : 0;
  const size_t path_bytes = 2 + 4 * path.size() + (aggregated ? 2 + 4 * set_size : 0);
  put8(out, kTransitive);
  put8(out, kAsPath);
  put8(out, static_cast<uint32_t>(path_bytes));
  put8(out, 2);  // AS_SEQUENCE
  put8(out, static_cast<uint32_t>(path.size()));
  for (uint32_t asn : path) put32(out, asn);
  if (aggregated) {
    put8(out, 1);  // AS_SET
    put8(out, static_cast<uint32_t>(set_size));
    for (uint32_t asn : *route.set) put32(out, asn);
  }

  if (!route.v6) {
    put8(out, kTransitive);
    put8(out, kNextHop);
    put8(out, 4);
    put32(out, peer.v4);
  }

  const uint64_t h = mix(model.seed, route.peer * 0x100000000ULL + route.origin, 4);
  if (peer.sends_med) {
    put8(out, kOptional);
    put8(out, kMed);
    put8(out, 4);
    put32(out, (h & 3) == 0 ? 0 : static_cast<uint32_t>((h >> 8) % 200) * 5);
  }

  if (aggregated) {
    put8(out, kTransitive);
    put8(out, kAtomicAggregate);
    put8(out, 0);
    put8(out, kOptional | kTransitive);
    put8(out, kAggregator);
    put8(out, 8);
    put32(out, route.origin);
    put32(out, static_cast<uint32_t>(mix(model.seed, route.origin, 5)) | 0x01000000u);
  }

  // Communities: per (peer, origin), on a share of the entries that depends on the peer.
  if (static_cast<double>((h >> 16) & 0xffff) / 65536.0 < peer.community_share) {
    std::vector<uint32_t> values;
    const uint32_t tag = peer.asn <= 65535 ? peer.asn : 64512 + peer.asn % 1000;
    const int count = 1 + static_cast<int>((h >> 32) % 6);
    uint64_t g = mix(h, 6);
    for (int i = 0; i < count; ++i) {
      values.push_back((tag << 16) | static_cast<uint32_t>((g >> 8) % 10000));
      g = mix(g, static_cast<uint64_t>(i));
    }
    const uint32_t well_known = static_cast<uint32_t>((h >> 48) % 1000);
    if (well_known < 20) values.push_back(0xFFFFFF01);       // NO_EXPORT
    else if (well_known < 23) values.push_back(0xFFFFFF02);  // NO_ADVERTISE
    else if (well_known < 25) values.push_back(0xFFFFFF03);  // NO_EXPORT_SUBCONFED
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    put8(out, kOptional | kTransitive);
    put8(out, kCommunities);
    put8(out, static_cast<uint32_t>(4 * values.size()));
    for (uint32_t value : values) put32(out, value);
  }

  if (route.v6) {
    const bool peer_v6 = peer.v6;
    const size_t next_hop = peer_v6 && peer.has_link_local ? 32 : 16;
    uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
    for (int i = 0; i < 4; ++i) mapped[12 + i] = static_cast<uint8_t>(peer.v4 >> (24 - 8 * i));
    const uint8_t* global = peer_v6 ? peer.v6addr : mapped;
    if (!route.full_mp_reach) {
      put8(out, kOptional);
      put8(out, kMpReach);
      put8(out, static_cast<uint32_t>(1 + next_hop));
      put8(out, static_cast<uint32_t>(next_hop));
      put_bytes(out, global, 16);
      if (next_hop == 32) put_bytes(out, peer.link_local, 16);
    } else {
      std::string body;
      put16(body, 2);  // AFI IPv6
      put8(body, 1);   // SAFI unicast
      put8(body, static_cast<uint32_t>(next_hop));
      put_bytes(body, global, 16);
      if (next_hop == 32) put_bytes(body, peer.link_local, 16);
      put8(body, 0);  // reserved
      for (const Prefix& p : *route.nlri) put_prefix(body, p, true);
      const bool extended = body.size() > 255;
      put8(out, kOptional | (extended ? kExtended : 0));
      put8(out, kMpReach);
      if (extended) put16(out, static_cast<uint32_t>(body.size())); else put8(out, static_cast<uint32_t>(body.size()));
      out += body;
    }
  }
}

Model make_model(uint64_t seed, size_t peer_count, size_t prefix_count) {
  Model model;
  model.seed = seed;
  Rng rng(mix(seed, 101));
  std::unordered_set<uint32_t> used;
  auto fresh = [&](bool four_byte) {
    for (;;) {
      const uint32_t asn = four_byte ? random_as32(rng) : random_as16(rng);
      if (used.insert(asn).second) return asn;
    }
  };
  for (uint32_t asn : kTier1) used.insert(asn);
  for (size_t i = 0; i < 400; ++i) model.transits.push_back(fresh(rng.chance(0.15)));
  const size_t origins = std::max<size_t>(100, prefix_count / 12);
  for (size_t i = 0; i < origins; ++i) model.origins.push_back(fresh(rng.chance(0.35)));
  for (size_t i = 0; i < peer_count; ++i) {
    Peer peer;
    peer.v6 = i % 3 == 2;
    peer.asn = rng.chance(0.3) ? random_as32(rng) : random_as16(rng);
    peer.as4 = peer.asn > 65535 || rng.chance(0.5);
    peer.v4 = random_public_v4(rng);
    peer.bgp_id = peer.v6 ? random_public_v4(rng) : peer.v4;
    if (peer.v6) {
      // 2001:db8-style provider address with a short host part, or a full EUI-64 one.
      const uint16_t block = kV6Blocks[rng.below(std::size(kV6Blocks))];
      peer.v6addr[0] = static_cast<uint8_t>(block >> 8);
      peer.v6addr[1] = static_cast<uint8_t>(block);
      for (int b = 2; b < 6; ++b) peer.v6addr[b] = static_cast<uint8_t>(rng.next());
      if (i % 2 == 0) {
        peer.v6addr[15] = static_cast<uint8_t>(rng.between(1, 255));
      } else {
        for (int b = 8; b < 16; ++b) peer.v6addr[b] = static_cast<uint8_t>(rng.next());
      }
      peer.has_link_local = rng.chance(0.3);
      peer.link_local[0] = 0xfe;
      peer.link_local[1] = 0x80;
      for (int b = 8; b < 16; ++b) peer.link_local[b] = static_cast<uint8_t>(rng.next());
    } else {
      peer.v6addr[10] = peer.v6addr[11] = 0xff;
      for (int b = 0; b < 4; ++b) peer.v6addr[12 + b] = static_cast<uint8_t>(peer.v4 >> (24 - 8 * b));
    }
    peer.sends_med = i % 3 == 1;
    peer.session_up = static_cast<uint32_t>(rng.between(3600, 90 * 86400));
    peer.community_share = (i % 2 == 0 ? 0.85 : 0.15) + (rng.unit() - 0.5) * 0.1;
    model.peers.push_back(peer);
  }
  return model;
}

// ---------------------------------------------------------------- MRT records

constexpr uint16_t kTableDumpV2 = 13, kPeerIndexTable = 1, kRibIpv4Unicast = 2, kRibIpv6Unicast = 4;
constexpr uint16_t kBgp4mp = 16, kStateChangeAs4 = 5, kMessageAs4 = 4;

/// Starts an MRT record in `out` (cleared); finish_record() fills in the length.
void begin_record(std::string& out, uint32_t time, uint16_t type, uint16_t subtype) {
  out.clear();
  put32(out, time);
  put16(out, type);
  put16(out, subtype);
  put32(out, 0);
}
void finish_record(std::string& out) { set32(out, 8, out.size() - 12); }

void put_peer_address(std::string& out, const Peer& peer) {
  if (peer.v6) put_bytes(out, peer.v6addr, 16); else put32(out, peer.v4);
}

struct Stats {
  uint64_t records = 0, entries = 0, attribute_bytes = 0, moas = 0, as_sets = 0, v4 = 0, v6 = 0;
};

void write_peer_index(Output& output, const Model& model, uint32_t time, std::string& record) {
  begin_record(record, time, kTableDumpV2, kPeerIndexTable);
  put32(record, 0x80df3366);  // collector BGP ID (128.223.51.102, route-views2's)
  put16(record, 0);           // view name length
  put16(record, static_cast<uint32_t>(model.peers.size()));
  for (const Peer& peer : model.peers) {
    put8(record, (peer.v6 ? 1 : 0) | (peer.as4 ? 2 : 0));
    put32(record, peer.bgp_id);
    put_peer_address(record, peer);
    if (peer.as4) put32(record, peer.asn); else put16(record, peer.asn);
  }
  finish_record(record);
  output.write(record);
}

void write_rib(Output& output, const Model& model, const std::vector<Prefix>& prefixes, bool v6, uint32_t time,
               uint32_t& sequence, Rng& rng, Stats& stats, std::FILE* truth) {
  std::string record, attributes;
  std::vector<uint32_t> path, set, entry_origins, sorted;
  std::vector<size_t> order(model.peers.size());
  const size_t peer_count = model.peers.size();
  uint32_t origin = model.origins[0];
  for (const Prefix& prefix : prefixes) {
    // Neighbouring prefixes often belong to the same AS.
    if (!rng.chance(0.4)) origin = model.origins[rng.below(model.origins.size())];
    uint32_t second = origin;
    set.clear();
    const uint64_t kind = rng.below(10000);
    if (kind < 50) {  // MOAS
      while (second == origin) second = model.origins[rng.below(model.origins.size())];
    } else if (kind < 60) {  // aggregated: sequence ends in `origin`, then an AS_SET
      const size_t members = rng.between(2, 4);
      while (set.size() < members) {
        const uint32_t asn = model.origins[rng.below(model.origins.size())];
        if (asn != origin && std::find(set.begin(), set.end(), asn) == set.end()) set.push_back(asn);
      }
    }
    // A random 60-100% of the peers, in peer-index order.
    const size_t seen = std::max<size_t>(1, (peer_count * rng.between(600, 1000) + 500) / 1000);
    std::iota(order.begin(), order.end(), size_t{0});
    for (size_t i = 0; i < seen; ++i) std::swap(order[i], order[i + rng.below(peer_count - i)]);
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(seen));
    entry_origins.assign(seen, origin);
    if (second != origin) {
      for (size_t i = 0; i < seen; ++i) entry_origins[i] = rng.chance(0.5) ? second : origin;
      if (seen >= 2 && std::all_of(entry_origins.begin(), entry_origins.end(),
                                   [&](uint32_t o) { return o == entry_origins[0]; })) {
        entry_origins[seen - 1] = entry_origins[0] == origin ? second : origin;
      }
      if (std::find(entry_origins.begin(), entry_origins.end(), second) != entry_origins.end() &&
          std::find(entry_origins.begin(), entry_origins.end(), origin) != entry_origins.end()) {
        ++stats.moas;
      }
    }
    if (!set.empty()) ++stats.as_sets;

    begin_record(record, time, kTableDumpV2, v6 ? kRibIpv6Unicast : kRibIpv4Unicast);
    put32(record, sequence++);
    put_prefix(record, prefix, v6);
    put16(record, static_cast<uint32_t>(seen));
    for (size_t i = 0; i < seen; ++i) {
      Route route{order[i], entry_origins[i], &set, v6};
      attributes.clear();
      append_attributes(model, route, attributes, path);
      put16(record, static_cast<uint32_t>(order[i]));
      // Originated: most routes when the session came up, the others since.
      const uint32_t up = model.peers[order[i]].session_up;
      put32(record, time - (rng.chance(0.6) ? up : static_cast<uint32_t>(rng.below(up))));
      put16(record, static_cast<uint32_t>(attributes.size()));
      record += attributes;
      stats.attribute_bytes += attributes.size();
    }
    finish_record(record);
    output.write(record);
    ++stats.records;
    stats.entries += seen;
    ++(v6 ? stats.v6 : stats.v4);

    if (truth != nullptr) {
      std::string origins;
      if (!set.empty()) {
        origins = "{";
        for (size_t i = 0; i < set.size(); ++i) origins += (i ? " " : "") + std::to_string(set[i]);
        origins += "}";
      } else {
        sorted = entry_origins;
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
        for (size_t i = 0; i < sorted.size(); ++i) origins += (i ? " " : "") + std::to_string(sorted[i]);
      }
      std::fprintf(truth, "%s\t%s\t%zu\n", prefix_text(prefix, v6).c_str(), origins.c_str(), seen);
    }
  }
}

void write_updates(Output& output, const Model& model, size_t messages, uint32_t start, Rng& rng, Stats& stats) {
  std::string record, attributes, body;
  std::vector<uint32_t> path;
  std::vector<Prefix> prefixes;
  const uint32_t local_as = 6447;
  const uint32_t local_v4 = 0x80df3366;
  const uint8_t local_v6[16] = {0x20, 0x01, 0x04, 0x68, 0x0d, 0x01, 0x00, 0x33, 0, 0, 0, 0, 0x80, 0xdf, 0x33, 0x66};
  auto header = [&](uint32_t time, uint16_t subtype, const Peer& peer) {
    begin_record(record, time, kBgp4mp, subtype);
    put32(record, peer.asn);
    put32(record, local_as);
    put16(record, 0);  // interface index
    put16(record, peer.v6 ? 2 : 1);
    put_peer_address(record, peer);
    if (peer.v6) put_bytes(record, local_v6, 16); else put32(record, local_v4);
  };
  for (size_t m = 0; m < messages; ++m) {
    const uint32_t time = start + static_cast<uint32_t>((static_cast<uint64_t>(m) * 900) / std::max<size_t>(1, messages));
    const size_t p = rng.below(model.peers.size());
    const Peer& peer = model.peers[p];
    if (rng.chance(0.001)) {  // the session drops and comes back
      for (const auto& [from, to] : {std::pair{6, 1}, std::pair{1, 2}, std::pair{2, 3}, std::pair{3, 6}}) {
        header(time, kStateChangeAs4, peer);
        put16(record, static_cast<uint32_t>(from));
        put16(record, static_cast<uint32_t>(to));
        finish_record(record);
        output.write(record);
        ++stats.records;
      }
    }
    const bool withdraw = rng.chance(0.25);
    prefixes.clear();
    const size_t count = withdraw ? rng.between(1, 5) : rng.between(1, 10);
    for (size_t i = 0; i < count; ++i) prefixes.push_back(peer.v6 ? random_v6_prefix(rng) : random_v4_prefix(rng));

    body.clear();
    attributes.clear();
    if (withdraw) {
      if (peer.v6) {
        std::string unreach;
        put16(unreach, 2);
        put8(unreach, 1);
        for (const Prefix& prefix : prefixes) put_prefix(unreach, prefix, true);
        put8(attributes, kOptional);
        put8(attributes, kMpUnreach);
        put8(attributes, static_cast<uint32_t>(unreach.size()));
        attributes += unreach;
        put16(body, 0);
        put16(body, static_cast<uint32_t>(attributes.size()));
        body += attributes;
      } else {
        std::string withdrawn;
        for (const Prefix& prefix : prefixes) put_prefix(withdrawn, prefix, false);
        put16(body, static_cast<uint32_t>(withdrawn.size()));
        body += withdrawn;
        put16(body, 0);
      }
    } else {
      const uint32_t origin = model.origins[rng.below(model.origins.size())];
      Route route{p, origin, nullptr, peer.v6, true, &prefixes};
      append_attributes(model, route, attributes, path);
      put16(body, 0);
      put16(body, static_cast<uint32_t>(attributes.size()));
      body += attributes;
      if (!peer.v6) {
        for (const Prefix& prefix : prefixes) put_prefix(body, prefix, false);
      }
      stats.attribute_bytes += attributes.size();
    }
    header(time, kMessageAs4, peer);
    for (int i = 0; i < 16; ++i) put8(record, 0xff);
    put16(record, static_cast<uint32_t>(19 + body.size()));
    put8(record, 2);  // UPDATE
    record += body;
    finish_record(record);
    output.write(record);
    ++stats.records;
    stats.entries += count;
    ++(peer.v6 ? stats.v6 : stats.v4);
  }
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: gen_rib [--prefixes N] [--peers P] [--seed S] [--v6 FRACTION] [--time T]\n"
               "               [--level L | --plain] [--truth FILE] [--updates MESSAGES] OUT\n"
               "       gen_rib --inflate FILE\n");
  std::exit(2);
}

/// --inflate: zlib alone, the floor of any reader of a .gz.
int inflate_only(const char* path) {
  gzFile gz = gzopen(path, "rb");
  if (gz == nullptr) {
    std::perror(path);
    return 1;
  }
  gzbuffer(gz, 1 << 20);
  std::vector<char> buffer(4 << 20);
  uint64_t total = 0;
  for (;;) {
    const int n = gzread(gz, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      std::fprintf(stderr, "gen_rib: %s: %s\n", path, gzerror(gz, &code));
      return 1;
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
  }
  gzclose(gz);
  std::printf("%llu\n", static_cast<unsigned long long>(total));
  return 0;
}

uint64_t number(const char* text) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0') usage();
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "--inflate") return inflate_only(argv[2]);
  size_t prefix_count = 1'000'000, peer_count = 30, updates = 0;
  uint64_t seed = 1;
  double v6_share = 0.1;
  uint32_t time = 1704067200;
  int level = 6;
  bool plain = false;
  std::string out_path, truth_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (arg == "--prefixes") prefix_count = number(value());
    else if (arg == "--peers") peer_count = number(value());
    else if (arg == "--seed") seed = number(value());
    else if (arg == "--v6") v6_share = std::atof(value());
    else if (arg == "--time") time = static_cast<uint32_t>(number(value()));
    else if (arg == "--level") level = static_cast<int>(number(value()));
    else if (arg == "--plain") plain = true;
    else if (arg == "--truth") truth_path = value();
    else if (arg == "--updates") updates = number(value());
    else if (!arg.empty() && arg[0] == '-') usage();
    else if (out_path.empty()) out_path = arg;
    else usage();
  }
  if (out_path.empty() || peer_count == 0 || peer_count > 65535 || v6_share < 0 || v6_share > 1 || level < 1 ||
      level > 9) {
    usage();
  }
  const bool gzip = !plain && (out_path.ends_with(".gz") || out_path.ends_with(".gzip"));

  const Model model = make_model(seed, peer_count, prefix_count);
  Rng rng(mix(seed, 202));
  Output output(out_path, gzip, level);
  Stats stats;
  if (updates > 0) {
    write_updates(output, model, updates, time, rng, stats);
  } else {
    const size_t v6_count = static_cast<size_t>(static_cast<double>(prefix_count) * v6_share + 0.5);
    const std::vector<Prefix> v4 = make_prefixes(rng, prefix_count - v6_count, false);
    const std::vector<Prefix> v6 = make_prefixes(rng, v6_count, true);
    std::FILE* truth = nullptr;
    if (!truth_path.empty()) {
      truth = std::fopen(truth_path.c_str(), "w");
      if (truth == nullptr) {
        std::perror(truth_path.c_str());
        return 1;
      }
    }
    std::string record;
    write_peer_index(output, model, time, record);
    ++stats.records;
    uint32_t sequence = 0;
    write_rib(output, model, v4, false, time, sequence, rng, stats, truth);
    write_rib(output, model, v6, true, time, sequence, rng, stats, truth);
    if (truth != nullptr && std::fclose(truth) != 0) {
      std::perror(truth_path.c_str());
      return 1;
    }
  }
  output.close();
  std::fprintf(stderr,
               "gen_rib: %s: %llu MRT records (%llu IPv4, %llu IPv6 %s), %llu %s, %.1f bytes of attributes each, "
               "%llu MOAS, %llu AS_SET, %.1f MB uncompressed\n",
               out_path.c_str(), static_cast<unsigned long long>(stats.records),
               static_cast<unsigned long long>(stats.v4), static_cast<unsigned long long>(stats.v6),
               updates > 0 ? "updates" : "prefixes", static_cast<unsigned long long>(stats.entries),
               updates > 0 ? "prefixes announced or withdrawn" : "RIB entries",
               stats.entries ? static_cast<double>(stats.attribute_bytes) /
                                   static_cast<double>(updates > 0 ? stats.records : stats.entries)
                             : 0.0,
               static_cast<unsigned long long>(stats.moas), static_cast<unsigned long long>(stats.as_sets),
               static_cast<double>(output.written()) / 1e6);
  return 0;
}
