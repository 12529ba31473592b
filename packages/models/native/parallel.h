// How the native kernels split work across threads: `run(work, f)` calls f(parts, p) for every
// p in [0, parts), parts = min(threads, work), on the calling thread and the pool's, and returns
// when all are done. The kernels cut their work so results never depend on `parts`.
#pragma once
#include <functional>

struct Parallel {
  virtual void run(int work, const std::function<void(int, int)>& f) const = 0;

 protected:
  ~Parallel() = default;
};
