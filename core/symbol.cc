#include "core/symbol.h"

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace faultline {
namespace {

// Texts by id: segments of kSegmentSize pointers, allocated as ids reach them and never moved,
// so a reader indexes them without a lock. An id reaches another thread only through some
// synchronisation (the op that carries it was handed over), which orders the writes below
// before that thread's read.
constexpr uint32_t kSegmentBits = 16;
constexpr uint32_t kSegmentSize = 1u << kSegmentBits;
constexpr uint32_t kSegments = 1u << (32 - kSegmentBits);
constexpr size_t kShards = 64;

// The texts interned are short (f's, keys, node names, errors): hashed 8 bytes at a time,
// several times faster than std::hash's byte loop on them.
size_t HashText(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ s.size();
  const char* p = s.data();
  size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  h = (h ^ w) * 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

struct TextHash {
  size_t operator()(std::string_view s) const { return HashText(s); }
};

struct Shard {
  std::mutex mu;
  std::unordered_map<std::string_view, uint32_t, TextHash> ids;  // views of the table's texts
};

class Table {
 public:
  Table() { Add(""); }  // id 0

  uint32_t Intern(std::string_view text, size_t hash) {
    Shard& shard = shards_[hash % kShards];
    std::lock_guard lock(shard.mu);
    if (auto it = shard.ids.find(text); it != shard.ids.end()) return it->second;
    const uint32_t id = Add(text);
    shard.ids.emplace(Text(id), id);
    return id;
  }

  const std::string& Text(uint32_t id) const {
    return *segments_[id >> kSegmentBits].load(std::memory_order_acquire)[id & (kSegmentSize - 1)];
  }

 private:
  uint32_t Add(std::string_view text) {
    std::lock_guard lock(add_mu_);
    if (next_ == UINT32_MAX - 1) throw std::length_error("more than 2^32 distinct interned texts");
    const uint32_t id = next_++;
    auto& segment = segments_[id >> kSegmentBits];
    const std::string** texts = segment.load(std::memory_order_relaxed);
    if (texts == nullptr) {
      texts = new const std::string*[kSegmentSize]();
      segment.store(texts, std::memory_order_release);
    }
    texts[id & (kSegmentSize - 1)] = new std::string(text);
    return id;
  }

  std::array<Shard, kShards> shards_;
  std::mutex add_mu_;
  uint32_t next_ = 0;
  std::array<std::atomic<const std::string**>, kSegments> segments_{};
};

// Never destroyed: Symbols may be read by static destructors and detached threads.
Table& TheTable() {
  static Table* table = new Table();
  return *table;
}

// Each thread remembers the texts it interned lately, so that parsing a history (the same
// few f's, keys and nodes over and over) takes no lock for most fields.
struct CacheEntry {
  const std::string* text = nullptr;
  uint32_t id = 0;
};
// 8,192 entries (128 KB), allocated by a thread's first Intern: a history's keys number in
// the thousands, and a miss takes a lock.
constexpr size_t kCacheSize = 8192;
thread_local std::unique_ptr<std::array<CacheEntry, kCacheSize>> cache;

}  // namespace

uint32_t Symbol::Intern(std::string_view text) {
  if (text.empty()) return 0;
  const size_t hash = HashText(text);
  if (cache == nullptr) cache = std::make_unique<std::array<CacheEntry, kCacheSize>>();
  CacheEntry& hit = (*cache)[(hash >> 7) % kCacheSize];
  if (hit.text != nullptr && *hit.text == text) return hit.id;
  Table& table = TheTable();
  const uint32_t id = table.Intern(text, hash);
  hit = {&table.Text(id), id};
  return id;
}

const std::string& Symbol::Text(uint32_t id) { return TheTable().Text(id); }

}  // namespace faultline
