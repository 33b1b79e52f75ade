#include "enrich/mrt/mrt_stream.h"

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "enrich/decompress.h"
#include "enrich/mrt/wire.h"

namespace sg::mrt {

namespace {

constexpr size_t kHeader = 12;

struct Header {
  uint32_t timestamp = 0;
  uint16_t type = 0;
  uint16_t subtype = 0;
  uint32_t length = 0;
};

Header header_at(const char* p) {
  return Header{wire::u32(p), wire::u16(p + 4), wire::u16(p + 6), wire::u32(p + 8)};
}

bool known_subtype(uint16_t type, uint16_t subtype) {
  switch (type) {
    case kLegacyBgp: return subtype <= 7;
    case kTableDump: return subtype >= 1 && subtype <= 4;
    case kTableDumpV2: return subtype >= 1 && subtype <= 12 && subtype != 7;
    case kBgp4mp:
    case kBgp4mpEt: return subtype <= 11;
    case 11: case 32: case 33: case 48: case 49: return true;  // OSPF and IS-IS: framed, not read
    default: return false;
  }
}

/// Splits decoded bytes into records, repairing boundaries that are off by a few bytes.
class Framer {
 public:
  Framer(const RecordHandler& on_record, const ProblemHandler& on_problem, const MrtLimits& limits, MrtReadStats& stats)
      : on_record_(on_record), on_problem_(on_problem), limits_(limits), stats_(stats) {}

  /// Takes decoded bytes; false once reading must stop.
  bool feed(const char* data, size_t size) {
    stats_.bytes += size;
    pending_.append(data, size);
    return drain(false);
  }

  /// The end of the stream: frames what is left. `cut` = the decoder says the stream was truncated.
  void finish(const std::string& cut) {
    if (!stopped_) drain(true);
    if (!stopped_ && !cut.empty()) report(base_ + at_, cut, true);
  }

  bool stopped() const { return stopped_; }

 private:
  bool plausible(const Header& h) const {
    if (!known_subtype(h.type, h.subtype) || h.length > limits_.max_record) return false;
    if (h.type == kBgp4mpEt && h.length < 4) return false;
    if (have_time_) {
      const int64_t gap = static_cast<int64_t>(h.timestamp) - static_cast<int64_t>(last_time_);
      if (gap > 366 * 86400LL || gap < -366 * 86400LL) return false;
    }
    return true;
  }

  void report(uint64_t offset, std::string reason, bool fatal) {
    if (fatal) stopped_ = true;
    if (on_problem_) on_problem_(MrtProblem{offset, std::move(reason), fatal});
  }

  /// Where the record after the one at `at_` (declared `length`) starts: its declared
  /// end when a plausible header (or the end of data) is there, else the first
  /// plausible header within the resync window. -1 = need more bytes, -2 = none found.
  int64_t next_boundary(size_t end, bool final) const {
    const size_t window = limits_.resync_window;
    if (pending_.size() < end + kHeader + window + kHeader && !final) return -1;
    if (end == pending_.size()) return static_cast<int64_t>(end);
    if (pending_.size() - end >= kHeader && plausible(header_at(pending_.data() + end))) return static_cast<int64_t>(end);
    for (size_t shift = 1; shift <= window && end + shift + kHeader <= pending_.size(); ++shift) {
      if (plausible(header_at(pending_.data() + end + shift))) return static_cast<int64_t>(end + shift);
    }
    if (final && pending_.size() - end < kHeader) {
      // The bytes left are exactly the shift the earlier records needed: the last
      // record has the same short length. Anything else is a cut header, reported next.
      if (last_shift_ != 0 && pending_.size() - end == last_shift_) return static_cast<int64_t>(pending_.size());
      return static_cast<int64_t>(end);
    }
    return -2;
  }

  bool drain(bool final) {
    while (!stopped_) {
      const size_t left = pending_.size() - at_;
      if (left == 0) break;
      if (left < kHeader) {
        if (final) report(base_ + at_, "file ends inside a record header (" + std::to_string(left) + " bytes)", true);
        break;
      }
      const Header h = header_at(pending_.data() + at_);
      if (!plausible(h)) {
        report(base_ + at_,
               "no MRT record header here (type " + std::to_string(h.type) + ", subtype " + std::to_string(h.subtype) +
                   ", length " + std::to_string(h.length) + ")",
               true);
        break;
      }
      const size_t end = at_ + kHeader + h.length;
      if (pending_.size() < end) {
        if (final) {
          report(base_ + at_,
                 "record declares " + std::to_string(h.length) + " bytes, only " + std::to_string(left - kHeader) +
                     " left: the file is truncated",
                 true);
        }
        break;
      }
      const int64_t next = next_boundary(end, final);
      if (next == -1) break;
      size_t body_end = end;
      if (next >= 0 && static_cast<size_t>(next) != end) {
        body_end = static_cast<size_t>(next);
        last_shift_ = body_end - end;
        ++stats_.resynced;
        report(base_ + at_,
               "record declares " + std::to_string(h.length) + " bytes but the next record starts " +
                   std::to_string(body_end - end) + " bytes later; read with the written length",
               false);
      }
      MrtRecord record;
      record.timestamp = h.timestamp;
      record.type = h.type;
      record.subtype = h.subtype;
      record.offset = base_ + at_;
      record.body = std::string_view(pending_).substr(at_ + kHeader, body_end - at_ - kHeader);
      if (h.type == kBgp4mpEt) {
        record.microseconds = wire::u32(record.body.data());
        record.body.remove_prefix(4);
      }
      last_time_ = h.timestamp;
      have_time_ = true;
      ++stats_.records;
      if (!on_record_(record)) {
        stopped_ = true;
        break;
      }
      at_ = body_end;
      if (next == -2) {
        report(base_ + at_, "no MRT record header at the declared end of the previous record, nor within " +
                                std::to_string(limits_.resync_window) + " bytes after it",
               true);
        break;
      }
    }
    // Keep the unread tail only; move it to the front once it is the smaller part.
    if (at_ > 0 && at_ >= pending_.size() / 2) {
      pending_.erase(0, at_);
      base_ += at_;
      at_ = 0;
    }
    return !stopped_;
  }

  const RecordHandler& on_record_;
  const ProblemHandler& on_problem_;
  const MrtLimits& limits_;
  MrtReadStats& stats_;
  std::string pending_;
  size_t at_ = 0;
  uint64_t base_ = 0;
  size_t last_shift_ = 0;  ///< bytes the last repaired boundary was off by
  uint32_t last_time_ = 0;
  bool have_time_ = false;
  bool stopped_ = false;
};

}  // namespace

MrtReadStats read_mrt_bytes(std::string_view bytes, const RecordHandler& on_record, const ProblemHandler& on_problem,
                            const MrtLimits& limits) {
  MrtReadStats stats;
  Framer framer(on_record, on_problem, limits, stats);
  std::string decode_error;
  size_t offset = 0;
  const Status decoded = decompress(
      detect_compression(bytes.substr(0, 3)), {},
      [&](char* out, size_t capacity) {
        const size_t n = std::min(capacity, bytes.size() - offset);
        std::memcpy(out, bytes.data() + offset, n);
        offset += n;
        return n;
      },
      [&](const char* data, size_t size) { return framer.feed(data, size); });
  if (!decoded) decode_error = decoded.error().message;
  framer.finish(decode_error);
  return stats;
}

namespace {

/// Decoded chunks handed from the decoding thread to the reading one; bounded, so
/// memory stays flat whatever the file inflates to.
class ChunkQueue {
 public:
  /// Waits for room; false once the reader has stopped listening.
  bool push(std::string chunk) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return chunks_.size() < kDepth || cancelled_; });
    if (cancelled_) return false;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  /// Waits for a chunk; false at the end of the stream.
  bool pop(std::string& chunk) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !chunks_.empty() || done_; });
    if (chunks_.empty()) return false;
    chunk = std::move(chunks_.front());
    chunks_.pop_front();
    room_.notify_one();
    return true;
  }
  /// The decoder has no more.
  void finish() {
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_all();
  }
  /// The reader wants no more: the decoder stops at its next chunk.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    room_.notify_all();
  }

 private:
  static constexpr size_t kDepth = 16;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<std::string> chunks_;
  bool done_ = false;
  bool cancelled_ = false;
};

}  // namespace

Result<MrtReadStats> read_mrt_file(const std::string& path, const RecordHandler& on_record,
                                   const ProblemHandler& on_problem, const MrtLimits& limits) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return Error{std::string("cannot open: ") + std::strerror(errno), path};
  char head[3];
  const size_t have = std::fread(head, 1, sizeof head, file.get());
  MrtReadStats stats;
  Framer framer(on_record, on_problem, limits, stats);
  // zlib and libbz2 decode on a thread of their own while this one frames and
  // calls back: on two cores the two overlap instead of adding up.
  ChunkQueue queue;
  std::string decode_error;
  std::thread decoder([&] {
    try {
      const Status decoded = decompress(
          detect_compression(std::string_view(head, have)), std::string_view(head, have),
          [&](char* out, size_t capacity) { return std::fread(out, 1, capacity, file.get()); },
          [&](const char* data, size_t size) { return queue.push(std::string(data, size)); });
      if (!decoded) decode_error = decoded.error().message;
    } catch (const std::exception& error) {
      decode_error = error.what();
    }
    queue.finish();
  });
  {
    // Stops and joins the decoder however this block is left (a callback may throw).
    struct Join {
      ChunkQueue& queue;
      std::thread& thread;
      ~Join() {
        queue.cancel();
        thread.join();
      }
    } join{queue, decoder};
    std::string chunk;
    while (queue.pop(chunk)) {
      if (!framer.feed(chunk.data(), chunk.size())) break;
    }
  }
  if (std::ferror(file.get())) return Error{"read error", path};
  framer.finish(decode_error);
  return stats;
}

std::string record_type_name(uint16_t type, uint16_t subtype) {
  static constexpr const char* kV2[] = {"",
                                        "PEER_INDEX_TABLE",
                                        "RIB_IPV4_UNICAST",
                                        "RIB_IPV4_MULTICAST",
                                        "RIB_IPV6_UNICAST",
                                        "RIB_IPV6_MULTICAST",
                                        "RIB_GENERIC",
                                        "",
                                        "RIB_IPV4_UNICAST_ADDPATH",
                                        "RIB_IPV4_MULTICAST_ADDPATH",
                                        "RIB_IPV6_UNICAST_ADDPATH",
                                        "RIB_IPV6_MULTICAST_ADDPATH",
                                        "RIB_GENERIC_ADDPATH"};
  static constexpr const char* kMp[] = {"STATE_CHANGE",       "MESSAGE",           "ENTRY",
                                        "SNAPSHOT",           "MESSAGE_AS4",       "STATE_CHANGE_AS4",
                                        "MESSAGE_LOCAL",      "MESSAGE_AS4_LOCAL", "MESSAGE_ADDPATH",
                                        "MESSAGE_AS4_ADDPATH", "MESSAGE_LOCAL_ADDPATH", "MESSAGE_AS4_LOCAL_ADDPATH"};
  static constexpr const char* kLegacy[] = {"NULL",   "UPDATE", "PREF_UPDATE", "STATE_CHANGE",
                                            "SYNC",   "OPEN",   "NOTIFY",      "KEEPALIVE"};
  const std::string number = std::to_string(subtype);
  switch (type) {
    case kLegacyBgp: return std::string("BGP/") + (subtype < 8 ? kLegacy[subtype] : number.c_str());
    case kTableDump: return "TABLE_DUMP/" + std::string(subtype == 1 || subtype == 3 ? "AFI_IPv4" : "AFI_IPv6");
    case kTableDumpV2:
      return std::string("TABLE_DUMP_V2/") + (subtype < 13 && *kV2[subtype] ? kV2[subtype] : number.c_str());
    case kBgp4mp:
    case kBgp4mpEt:
      return std::string(type == kBgp4mp ? "BGP4MP/" : "BGP4MP_ET/") + (subtype < 12 ? kMp[subtype] : number.c_str());
    default: return std::to_string(type) + "/" + number;
  }
}

}  // namespace sg::mrt
