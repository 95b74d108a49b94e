#!/usr/bin/env bash
# Build and install Neuromancer from this checkout.
#
#   ./install.sh                 # -> ~/.local/bin/neuromancer
#   PREFIX=/opt/nm ./install.sh  # -> /opt/nm/bin/neuromancer
#   sudo ./install.sh --systemd  # -> /usr/local/bin/neuromancer + a hardened systemd service
#
# Needs Rust (cargo) and Node.js (npm). Honours CARGO_TARGET_DIR. Safe to run again (idempotent).
set -euo pipefail
cd "$(dirname "$0")"

SYSTEMD=0
for arg in "$@"; do
  case "$arg" in
    --systemd) SYSTEMD=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
if [ "$SYSTEMD" = 1 ]; then PREFIX="${PREFIX:-/usr/local}"; else PREFIX="${PREFIX:-$HOME/.local}"; fi
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is required ($2)" >&2; exit 1; }; }
need cargo "install Rust from rustup"
need npm "install Node.js 20+"
if ! command -v cc >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential
  else
    echo "error: a C compiler is required (Debian: apt-get install build-essential)" >&2; exit 1
  fi
fi

echo "==> building the web app"
npm --prefix web ci --no-audit --no-fund
npm --prefix web run build

echo "==> building the release binary"
cargo build --release --locked
install -d "$PREFIX/bin"
install -m 0755 "$TARGET_DIR/release/neuromancer" "$PREFIX/bin/neuromancer"
echo "installed $PREFIX/bin/neuromancer ($(du -h "$PREFIX/bin/neuromancer" | cut -f1))"

if [ "$SYSTEMD" != 1 ]; then
  "$PREFIX/bin/neuromancer" models pull minilm \
    || echo "note: could not download the MiniLM embedder (offline?); hashing embeddings are used meanwhile"
fi

if [ "$SYSTEMD" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "error: --systemd needs root" >&2; exit 1; }
  id neuromancer >/dev/null 2>&1 || useradd --system --home-dir /var/lib/neuromancer --shell /usr/sbin/nologin neuromancer
  install -d -m 0700 -o neuromancer -g neuromancer /var/lib/neuromancer
  install -d -m 0755 /etc/neuromancer
  if [ ! -f /etc/neuromancer/env ]; then
    install -m 0600 /dev/null /etc/neuromancer/env
    cat > /etc/neuromancer/env <<ENV
# Environment for the neuromancer service (see README: Configuration).
NEUROMANCER_BIND=127.0.0.1:8080
NEUROMANCER_DATA_DIR=/var/lib/neuromancer
# NEUROMANCER_ADMIN_EMAIL=you@example.com
# NEUROMANCER_ADMIN_PASSWORD=...
ENV
  fi
  cat > /etc/systemd/system/neuromancer.service <<UNIT
[Unit]
Description=Neuromancer AI content studio
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=neuromancer
Group=neuromancer
EnvironmentFile=/etc/neuromancer/env
ExecStart=$PREFIX/bin/neuromancer serve
Restart=on-failure
RestartSec=2
TimeoutStopSec=20
# Hardening
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=/var/lib/neuromancer
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
CapabilityBoundingSet=
AmbientCapabilities=
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
UMask=0077

[Install]
WantedBy=multi-user.target
UNIT
  # The local embedder (all-MiniLM-L6-v2, ~90 MB, sha256-verified); offline, search uses the
  # built-in hashing embedder until `neuromancer models pull minilm` succeeds.
  runuser -u neuromancer -- "$PREFIX/bin/neuromancer" models pull minilm --data /var/lib/neuromancer \
    || echo "note: could not download the MiniLM embedder (offline?); hashing embeddings are used meanwhile"
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable --now neuromancer.service
    echo "service started: journalctl -u neuromancer -f (the first admin's password is logged once)"
  else
    echo "wrote /etc/systemd/system/neuromancer.service (systemd is not running here; enable it on boot)"
  fi
fi
