// The native LSTM kernels for x86-64 CPUs with AVX-512 (x86-64-v4): built with -march=x86-64-v4,
// the matrix products on 16-lane vectors.
#define HYPERQ_NS hq_v4
#define HQ_VL 16
#define HQ_MR 8
#include "lstm-kernels.inc"
