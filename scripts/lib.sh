# Shared by the scripts: pnpm at the pinned version, dependencies installed once.
# shellcheck shell=bash
PNPM_VERSION="12.4.2"

pnpm_cmd() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    pnpm "$@"
  else
    npx --yes "pnpm@$PNPM_VERSION" "$@"
  fi
}

# Installs dependencies when node_modules is missing or older than the lockfile.
ensure_deps() {
  if ! command -v node >/dev/null 2>&1; then
    echo "HyperQ needs Node.js 20.19 or newer (https://nodejs.org); none found on PATH." >&2
    exit 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "HyperQ needs Node.js 20.19 or newer; found $(node --version)." >&2
    exit 1
  fi
  if [ ! -d node_modules/.pnpm ] || [ pnpm-lock.yaml -nt node_modules/.pnpm/lock.yaml ]; then
    echo "==> installing dependencies (pnpm $PNPM_VERSION)" >&2
    pnpm_cmd install --frozen-lockfile >&2
  fi
  # The native LSTM kernels (optional; rebuilt only when their sources changed since the install).
  node packages/models/native/build.mjs
}
