// The native LSTM kernels for any CPU (the compiler's baseline instruction set).
#define HYPERQ_NS hq_base
#include "lstm-kernels.inc"
