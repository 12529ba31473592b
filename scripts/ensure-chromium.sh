#!/usr/bin/env bash
# The dashboard's end-to-end test drives Debian's Chromium with playwright-core (no browser
# download). Installs it when missing and possible; prints the path, or nothing when unavailable.
set -euo pipefail
for c in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing chromium (apt-get) for the dashboard's browser test" >&2
  (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }) >&2 || true
  [ -x /usr/bin/chromium ] && { echo /usr/bin/chromium; exit 0; }
fi
exit 0
