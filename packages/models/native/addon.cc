// Node-API binding of the native LSTM kernels (lstm-kernels.inc). The kernels work in place on the
// tfjs wasm backend's heap: JS passes the heap's ArrayBuffer and each tensor's byte offset, every
// span is bounds-checked here, and nothing is copied in or out.
#include <node_api.h>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>
#include "parallel.h"

#define HQ_DECLARE(NS)                                                                                                   \
  namespace NS {                                                                                                       \
  void lstmForward(int, int, int, int, bool, const float*, const float*, const float*, const float*, const float*,     \
                   const float*, float*, float*, float*, const Parallel&);                                             \
  void lstmBackward(int, int, int, int, bool, const float*, const float*, const float*, const float*, const float*,    \
                    const float*, const float*, const float*, const float*, float*, float*, float*, float*, float*,    \
                    float*, const Parallel&);                                                                          \
  }
HQ_DECLARE(hq_base)
#ifdef HQ_HAVE_X86
HQ_DECLARE(hq_v3)
HQ_DECLARE(hq_v4)
#endif

namespace {

// A fixed set of threads that sleep until a kernel hands them parts of its work. One per process
// (Node calls the kernels from its main thread only).
class Pool final : public Parallel {
 public:
  ~Pool() { resize(1); }

  int threads() const { return threads_; }

  void resize(int n) {
    if (n == threads_) return;
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
    stop_ = false;
    threads_ = n;
    for (int i = 1; i < n; i++) workers_.emplace_back([this] { loop(); });
  }

  void run(int work, const std::function<void(int, int)>& f) const override {
    const int parts = work < threads_ ? work : threads_;
    if (parts <= 1) {
      f(1, 0);
      return;
    }
    {
      std::lock_guard<std::mutex> lk(m_);
      job_ = &f;
      parts_ = parts;
      next_ = 1;
      remaining_ = parts - 1;
    }
    wake_.notify_all();
    f(parts, 0);
    std::unique_lock<std::mutex> lk(m_);
    done_.wait(lk, [this] { return remaining_ == 0; });
    job_ = nullptr;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lk(m_);
    for (;;) {
      wake_.wait(lk, [this] { return stop_ || (job_ != nullptr && next_ < parts_); });
      if (stop_) return;
      const int p = next_++;
      const int parts = parts_;
      const auto* f = job_;
      lk.unlock();
      (*f)(parts, p);
      lk.lock();
      if (--remaining_ == 0) done_.notify_one();
    }
  }

  int threads_ = 1;
  std::vector<std::thread> workers_;
  mutable std::mutex m_;
  mutable std::condition_variable wake_, done_;
  mutable const std::function<void(int, int)>* job_ = nullptr;
  mutable int parts_ = 0, next_ = 0, remaining_ = 0;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

// The kernels of the best instruction set the CPU reports, chosen once.
struct Kernels {
  const char* isa;
  decltype(&hq_base::lstmForward) forward;
  decltype(&hq_base::lstmBackward) backward;
};
const Kernels& kernels() {
  static const Kernels chosen = [] {
#ifdef HQ_HAVE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) {
      return Kernels{"x86-64-v4", hq_v4::lstmForward, hq_v4::lstmBackward};
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Kernels{"x86-64-v3", hq_v3::lstmForward, hq_v3::lstmBackward};
#endif
    return Kernels{"baseline", hq_base::lstmForward, hq_base::lstmBackward};
  }();
  return chosen;
}

struct Args {
  napi_env env;
  napi_value argv[24];
  size_t argc = 24;
  uint8_t* heap = nullptr;
  size_t heapBytes = 0;
  bool failed = false;

  bool fail(const char* msg) {
    if (!failed) napi_throw_range_error(env, "ERR_HYPERQ_NATIVE", msg);
    failed = true;
    return false;
  }
  int64_t integer(size_t i) {
    int64_t v = 0;
    if (failed) return 0;
    if (i >= argc || napi_get_value_int64(env, argv[i], &v) != napi_ok) fail("hyperq native LSTM: expected an integer argument");
    return v;
  }
  float* span(size_t i, int64_t elements) {
    const int64_t off = integer(i);
    if (failed) return nullptr;
    if (off < 0 || (off & 3) != 0 || elements < 0 || (uint64_t)off + (uint64_t)elements * 4 > heapBytes) {
      fail("hyperq native LSTM: a tensor lies outside the heap or is misaligned");
      return nullptr;
    }
    return reinterpret_cast<float*>(heap + off);
  }
};

bool begin(napi_env env, napi_callback_info info, Args& a, size_t want) {
  a.env = env;
  if (napi_get_cb_info(env, info, &a.argc, a.argv, nullptr, nullptr) != napi_ok || a.argc != want) return a.fail("hyperq native LSTM: wrong number of arguments");
  void* data = nullptr;
  bool isAb = false;
  if (napi_is_arraybuffer(env, a.argv[0], &isAb) != napi_ok || !isAb) return a.fail("hyperq native LSTM: the first argument must be the heap's ArrayBuffer");
  if (napi_get_arraybuffer_info(env, a.argv[0], &data, &a.heapBytes) != napi_ok) return a.fail("hyperq native LSTM: cannot read the heap");
  a.heap = static_cast<uint8_t*>(data);
  return true;
}

bool dims(Args& a, int64_t& T, int64_t& B, int64_t& I, int64_t& H, bool& reverse) {
  T = a.integer(1), B = a.integer(2), I = a.integer(3), H = a.integer(4);
  reverse = a.integer(5) != 0;
  if (a.failed) return false;
  const int64_t lim = 1 << 24;
  if (T < 0 || B < 1 || I < 1 || H < 1 || T > lim || B > lim || I > lim || H > lim / 4 || T * B > lim) return a.fail("hyperq native LSTM: sizes out of range");
  return true;
}

// forward(heap, T, B, I, H, reverse, x, wih, b, whh, h0, c0, hc, cSeq, gates)
napi_value Forward(napi_env env, napi_callback_info info) {
  Args a;
  int64_t T, B, I, H;
  bool reverse;
  if (!begin(env, info, a, 15) || !dims(a, T, B, I, H, reverse)) return nullptr;
  const int64_t H4 = 4 * H;
  const float* x = a.span(6, T * B * I);
  const float* wih = a.span(7, I * H4);
  const float* bias = a.span(8, H4);
  const float* whh = a.span(9, H * H4);
  const float* h0 = a.span(10, B * H);
  const float* c0 = a.span(11, B * H);
  float* hc = a.span(12, (T + 1) * B * H);
  float* cSeq = a.span(13, T * B * H);
  float* gates = a.span(14, T * B * H4);
  if (a.failed) return nullptr;
  kernels().forward((int)T, (int)B, (int)I, (int)H, reverse, x, wih, bias, whh, h0, c0, hc, cSeq, gates, pool());
  return nullptr;
}

// backward(heap, T, B, I, H, reverse, dhc, x, wih, whh, h0, c0, hc, cSeq, gates, dx, dwih, db, dwhh, dh0, dc0)
napi_value Backward(napi_env env, napi_callback_info info) {
  Args a;
  int64_t T, B, I, H;
  bool reverse;
  if (!begin(env, info, a, 21) || !dims(a, T, B, I, H, reverse)) return nullptr;
  const int64_t H4 = 4 * H;
  const float* dhc = a.span(6, (T + 1) * B * H);
  const float* x = a.span(7, T * B * I);
  const float* wih = a.span(8, I * H4);
  const float* whh = a.span(9, H * H4);
  const float* h0 = a.span(10, B * H);
  const float* c0 = a.span(11, B * H);
  const float* hc = a.span(12, (T + 1) * B * H);
  const float* cSeq = a.span(13, T * B * H);
  const float* gates = a.span(14, T * B * H4);
  float* dx = a.span(15, T * B * I);
  float* dwih = a.span(16, I * H4);
  float* db = a.span(17, H4);
  float* dwhh = a.span(18, H * H4);
  float* dh0 = a.span(19, B * H);
  float* dc0 = a.span(20, B * H);
  if (a.failed) return nullptr;
  kernels().backward((int)T, (int)B, (int)I, (int)H, reverse, dhc, x, wih, whh, h0, c0, hc, cSeq, gates, dx, dwih, db, dwhh, dh0, dc0, pool());
  return nullptr;
}

// setThreads(n): the threads every later kernel call uses (1..256; results do not depend on it).
// Returns the count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 || napi_get_value_int64(env, argv[0], &n) != napi_ok || n < 1 || n > 256) {
    napi_throw_range_error(env, "ERR_HYPERQ_NATIVE", "hyperq native LSTM: threads must be an integer from 1 to 256");
    return nullptr;
  }
  pool().resize((int)n);
  napi_value out;
  napi_create_int32(env, pool().threads(), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn, isaName;
  napi_create_function(env, "setThreads", NAPI_AUTO_LENGTH, SetThreads, nullptr, &fn);
  napi_set_named_property(env, exports, "setThreads", fn);
  napi_create_function(env, "forward", NAPI_AUTO_LENGTH, Forward, nullptr, &fn);
  napi_set_named_property(env, exports, "forward", fn);
  napi_create_function(env, "backward", NAPI_AUTO_LENGTH, Backward, nullptr, &fn);
  napi_set_named_property(env, exports, "backward", fn);
  napi_create_string_utf8(env, kernels().isa, NAPI_AUTO_LENGTH, &isaName);
  napi_set_named_property(env, exports, "isa", isaName);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
