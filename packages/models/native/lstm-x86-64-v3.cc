// The native LSTM kernels for x86-64 CPUs with AVX2 and FMA (x86-64-v3): built with -march=x86-64-v3.
#define HYPERQ_NS hq_v3
#include "lstm-kernels.inc"
