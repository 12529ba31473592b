#!/usr/bin/env bash
# The GPU worker's self-check, for a machine (or the GPU image) with an NVIDIA GPU:
#   scripts/gpu-check.sh
#   docker run --rm --gpus '"device=0"' --entrypoint scripts/gpu-check.sh hyperq-worker-gpu
# Prints the GPUs the driver lists, then loads the `tensorflow-gpu` backend (which refuses to start
# without a visible GPU) and trains the seed's MultiLSTM on random data, printing samples/s.
# Exits non-zero when any step fails: no driver, no GPU, tfjs-node-gpu missing or unable to load.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== GPUs the driver lists"
if ! nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv,noheader; then
  echo "gpu-check: nvidia-smi failed: no NVIDIA driver is visible here" >&2
  exit 1
fi
echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-<unset>}  TF_FORCE_GPU_ALLOW_GROWTH=${TF_FORCE_GPU_ALLOW_GROWTH-<unset, the backend sets true>}"

# tsx's loader as @hyperq/cli resolves it (a production install has no root-level tsx); an absolute
# URL, so the benchmark's child process finds it from any folder.
loader=$(cd apps/cli && node --input-type=module -e 'console.log(import.meta.resolve("tsx"))')

echo "== backend tensorflow-gpu: MultiLSTM training throughput"
out=$(node --import "$loader" scripts/bench-train.ts --backends tensorflow-gpu --variants multi --configs seed,large --no-torch --no-memory)
echo "$out"
if ! grep -q '^| tensorflow-gpu |' <<<"$out"; then
  echo "gpu-check: the tensorflow-gpu backend did not train (see its error above)" >&2
  exit 1
fi
echo "gpu-check: ok"
