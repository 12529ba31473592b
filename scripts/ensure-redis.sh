#!/usr/bin/env bash
# Makes sure a Redis answers at REDIS_URL (default redis://127.0.0.1:6379).
# - One answers: nothing to do.
# - None answers on a local address: starts a private redis-server on that port (data under
#   .hyperq/, nothing written to disk, noeviction) and records its pid in .hyperq/redis.pid.
# - redis-server is not installed: installs Debian/Ubuntu's package when run as root with apt-get,
#   otherwise says exactly what to install.
# Prints "started" on stdout when it started one (so callers know to stop it), else "running".
set -euo pipefail
cd "$(dirname "$0")/.."

url="${REDIS_URL:-redis://127.0.0.1:6379}"
rest="${url#*://}"
rest="${rest#*@}"
hostport="${rest%%/*}"
host="${hostport%:*}"
port="${hostport##*:}"
[ "$port" = "$hostport" ] && port=6379
[ -z "$host" ] && host=127.0.0.1

answers() {
  # A Redis answers PING with +PONG, or with -NOAUTH when it wants a password: either way it is there.
  local reply
  reply=$( (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && timeout 2 head -c 7 <&3) 2>/dev/null || true)
  case "$reply" in +PONG*|-NOAUTH*|-ERR*|-DENIED*) return 0 ;; *) return 1 ;; esac
}

if answers "$host" "$port"; then
  echo running
  exit 0
fi

case "$host" in
  127.*|localhost|::1|"[::1]") ;;
  *) echo "No Redis answers at $host:$port (from REDIS_URL). Start it there, or unset REDIS_URL to use a local one." >&2; exit 1 ;;
esac

if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing redis-server (apt-get)" >&2
    (apt-get install -y -q redis-server >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q redis-server >/dev/null; }) >&2
  else
    cat >&2 <<MSG
No Redis answers at $host:$port and redis-server is not installed. Install one of:
  Debian/Ubuntu:  sudo apt-get install -y redis-server
  macOS:          brew install redis
  Docker:         docker run -d -p $port:6379 redis:7
then run this command again (or set REDIS_URL to a Redis you have).
MSG
    exit 1
  fi
fi

mkdir -p .hyperq
echo "==> starting a private redis-server on port $port" >&2
redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$PWD/.hyperq/redis.pid" \
  --dir "$PWD/.hyperq" --logfile "$PWD/.hyperq/redis.log" --save "" --appendonly no \
  --maxmemory-policy noeviction >/dev/null
for _ in $(seq 1 50); do
  if answers 127.0.0.1 "$port"; then echo started; exit 0; fi
  sleep 0.1
done
echo "redis-server did not answer on port $port; see .hyperq/redis.log" >&2
exit 1
