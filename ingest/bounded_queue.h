// A bounded blocking queue between one producer and one consumer thread.
#pragma once
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace sg {

/// push() blocks while full, pop() while empty; close() ends both sides:
/// push() then returns false and pop() drains what is left, then returns nullopt.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  bool push(T item) {
    std::deque<T> given_back;  // destroyed after the lock is released
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    // The consumer only waits on an empty queue; waking it per item cost a futex
    // call per message.
    if (items_.size() == 1) not_empty_.notify_one();
    given_back.swap(given_back_);
    lock.unlock();
    return true;
  }

  /// Consumer side: hands a used item back for the producer to destroy at its next
  /// push(). Memory is then freed by the thread that allocated it, which glibc's
  /// malloc does cheaply; freed by the consumer, the writer thread would pay for
  /// glibc's cross-thread frees.
  void give_back(T item) {
    std::lock_guard lock(mutex_);
    given_back_.push_back(std::move(item));
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    // The producer only waits on a full queue: wake it once half of it is free,
    // not once per item.
    if (items_.size() == capacity_ / 2) not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  std::deque<T> given_back_;
  bool closed_ = false;
};

/// Ends a thread that works a queue however the scope is left (an exception, an
/// early return): closes the queue, so that the thread wakes from push() or pop(),
/// then joins it. A joinable std::thread destroyed instead would call std::terminate.
template <typename T>
class JoinOnExit {
 public:
  JoinOnExit(std::thread& thread, BoundedQueue<T>& queue) : thread_(thread), queue_(queue) {}
  ~JoinOnExit() {
    queue_.close();
    if (thread_.joinable()) thread_.join();
  }
  JoinOnExit(const JoinOnExit&) = delete;
  JoinOnExit& operator=(const JoinOnExit&) = delete;

 private:
  std::thread& thread_;
  BoundedQueue<T>& queue_;
};

}  // namespace sg
