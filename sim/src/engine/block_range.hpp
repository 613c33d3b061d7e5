// The body of Engine::for_local_blocks' parallel_for, in a file of its own so that
// ThreadSanitizer's suppressions can name it (tools/sanitizers/tsan.supp, make test-tsan).
#pragma once

#include <tbb/blocked_range.h>

#include <cstddef>

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer cannot see the happens-before edges of the system TBB (not instrumented): the
// fork (all before parallel_for happens before each body) and the join (each body happens before
// parallel_for returns). for_local_blocks declares them, and only them, so that a race between
// two bodies is still reported (docs/reliability.md, make test-tsan).
// The sync objects are globals: a body finds them without reading its closure, which TBB
// copied into a task on another thread.
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
inline char migsim_tsan_fork, migsim_tsan_join;
#define MIGSIM_TSAN_ACQUIRE(token) __tsan_acquire(&migsim_tsan_##token)
#define MIGSIM_TSAN_RELEASE(token) __tsan_release(&migsim_tsan_##token)
#else
#define MIGSIM_TSAN_ACQUIRE(token) ((void)0)
#define MIGSIM_TSAN_RELEASE(token) ((void)0)
#endif

namespace migsim::detail {

/// Reads only its own copy and its range, both written by TBB on the thread that split the range
/// (a hand-off through TBB's task queues that ThreadSanitizer cannot follow), declares the fork and
/// join, and hands the blocks to Owner::run_blocks, where migsim's data is touched.
template <typename Owner, typename Body>
struct BlockRange {
  Owner* owner;
  Body* body;
  void operator()(const tbb::blocked_range<std::size_t>& range) const {
    MIGSIM_TSAN_ACQUIRE(fork);
    owner->run_blocks(range.begin(), range.end(), *body);
    MIGSIM_TSAN_RELEASE(join);
  }
};

}  // namespace migsim::detail
