#!/usr/bin/env bash
# Installs everything the app, the lab and the tests need on a fresh Debian machine (as root):
# Debian packages (Chromium for the UI tests, OpenSSH, net-snmp and the network tools the lab's
# routers run), then the exact npm dependencies from the lockfile (which bring Node 24).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  chromium                                # UI tests (playwright-core drives it; no browser download); drill reports to PDF
  poppler-utils                           # pdftoppm: the drill test looks at the PDF report as an image
  openssh-server openssh-client           # the lab routers' sshd; ssh-keygen
  dropbear-bin                            # a real dropbear (OpenWrt's SSH server) for the SSH transport's tests
  snmpd snmp                              # the lab routers' SNMP agent; snmpget for lab tests
  iproute2 nftables conntrack             # namespaces, routes, NAT, impairments, flow moves
  iputils-ping arping httping busybox dash  # probes (Habets arping: it conflicts with iputils-arping), the shells the agent runs under
  shellcheck                              # the on-router agent must be shellcheck-clean
  procps psmisc util-linux passwd         # ps/pkill, unshare (per-router namespaces), useradd inside a router
  python3-minimal perl-base               # the lab's ICMP responder (raw sockets, delays per uplink)
  dnsmasq-base                            # the lab's DNS server (its routers' resolver, on 203.0.113.53)
  bind9-dnsutils ldnsutils                # dig and drill on the lab routers: Troubleshoot's DNS check sends from one uplink's address
  ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: run this script as root (or install them with sudo apt-get install ${missing[*]})." >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# `npm install`, not `npm ci`: the registry these machines reach does not serve rollup's
# packages for other platforms (404), which npm install skips as optional but npm ci refuses
# as "missing from lock file". With the committed lockfile, npm install installs exactly
# the locked versions; --no-save keeps it from adding those other platforms' entries to the
# lockfile. The machine's own Node may be older than the pinned one, so npm's engine warnings
# (EBADENGINE) are noise here: the project runs on the Node 24 it installs.
npm install --no-audit --no-fund --no-save --loglevel=error
echo "setup: done. Run the app on the lab with 'npm run demo', or the tests with 'npm test'."
