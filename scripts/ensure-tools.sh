#!/usr/bin/env bash
# The system tools the tests and benchmarks use, from Debian's packages where missing: promtool
# (package `prometheus`) checks the alert rules in deploy/prometheus/; Debian's `chromium` (and a
# CJK font) runs the console's browser tests: Playwright drives it and never downloads a browser;
# `make bench` loads the services with wrk and compares the gateway with nginx.
# Runs as root (CI and development machines) or with sudo; says what is missing and stops when it
# cannot install it.
set -euo pipefail

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
[ -x /usr/bin/chromium ] || need+=(chromium)
# the console's pages are Chinese: without a CJK font its screenshots show boxes
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ ${#need[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then as_root=(sudo -n); else
    echo "ensure-tools: missing ${need[*]}; install them (apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
echo "ensure-tools: installing ${need[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq -o DPkg::Lock::Timeout=600
# Another apt-get may hold the lock for a while (an unattended upgrade): wait for it.
"${as_root[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 \
  "${need[@]}" >/dev/null
command -v promtool >/dev/null 2>&1 || { echo "ensure-tools: promtool still missing" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "ensure-tools: chromium still missing" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || { echo "ensure-tools: wrk still missing" >&2; exit 1; }
