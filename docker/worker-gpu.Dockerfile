# HyperQ worker for NVIDIA GPUs: the `tensorflow-gpu` backend (@tensorflow/tfjs-node-gpu 4.22.0, which
# links libtensorflow 2.9 and therefore needs CUDA 11.x + cuDNN 8 — hence this CUDA 11.8 base image).
#
#   docker build -f docker/worker-gpu.Dockerfile -t hyperq-worker-gpu .
#   docker run --rm --gpus all -e REDIS_URL=redis://redis:6379 hyperq-worker-gpu worker --concurrency 1
#
# Building needs network access to nodejs.org, the npm registry and storage.googleapis.com (the
# tfjs-node-gpu install script downloads libtensorflow there). It cannot be built on machines without
# that access (such as HyperQ's CI and dev sandboxes), and running it needs the NVIDIA container toolkit.
# tfjs-node-gpu is deliberately not a dependency of any package: @hyperq/models imports it dynamically
# and only where it is installed, which is only in this image.
ARG CUDA_IMAGE=nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04
ARG NODE_VERSION=22.20.0
ARG TFJS_VERSION=4.22.0

FROM ${CUDA_IMAGE} AS base
ARG NODE_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl xz-utils \
 && curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" \
    | tar -xJ -C /usr/local --strip-components=1 \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@12.4.2

FROM base AS deps
ARG TFJS_VERSION
# node-gyp fallback in case the prebuilt tfjs-node binding cannot be fetched, and the native LSTM kernels.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY apps/cli/package.json apps/cli/
COPY apps/coordinator/package.json apps/coordinator/
COPY apps/dashboard/package.json apps/dashboard/
COPY apps/worker/package.json apps/worker/
COPY packages/forecaster/package.json packages/forecaster/
COPY packages/models/package.json packages/models/
COPY packages/models/native packages/models/native/
COPY packages/protocol/package.json packages/protocol/
COPY packages/search/package.json packages/search/
COPY packages/store/package.json packages/store/
COPY packages/timeseries/package.json packages/timeseries/
RUN pnpm install --frozen-lockfile --prod
# Outside the pnpm workspace (the lockfile stays as committed), pinned to the tfjs version the
# workspace uses so both share one engine and kernel registry.
RUN mkdir -p /opt/tfjs-gpu && cd /opt/tfjs-gpu \
 && npm init -y >/dev/null \
 && npm install --omit=dev --no-audit --no-fund "@tensorflow/tfjs-node-gpu@${TFJS_VERSION}" \
 && mkdir -p /app/node_modules/@tensorflow \
 && ln -s /opt/tfjs-gpu/node_modules/@tensorflow/tfjs-node-gpu /app/node_modules/@tensorflow/tfjs-node-gpu

FROM base
WORKDIR /app
ENV NODE_ENV=production \
    REDIS_URL=redis://redis:6379 \
    HYPERQ_BACKEND=tensorflow-gpu \
    TF_FORCE_GPU_ALLOW_GROWTH=true
COPY --from=deps /opt/tfjs-gpu /opt/tfjs-gpu
COPY --from=deps /app /app
COPY tsconfig.json ./
COPY apps apps
COPY packages packages
COPY examples examples
COPY scripts scripts
# HYPERQ_BACKEND=tensorflow-gpu: a worker that sees no GPU (no driver, no --gpus, CUDA_VISIBLE_DEVICES
# hiding them all) or whose GPU backend cannot load exits with that reason instead of silently
# training on the CPU. TF_FORCE_GPU_ALLOW_GROWTH: each trial process takes GPU memory as it needs it,
# so several (--concurrency) can share one GPU. Self-check: --entrypoint scripts/gpu-check.sh.
# Experimental: this image has not yet run on a GPU.
USER 1000
# Workers and coordinators started with HYPERQ_HEALTH_PORT (as the compose file does) are healthy
# while their /readyz answers 200: Redis reachable, worker registered, coordinator loop running.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "apps/cli/bin/healthcheck.mjs"]
ENTRYPOINT ["node", "apps/cli/bin/hyperq.mjs"]
CMD ["worker", "--concurrency", "1"]
