#!/usr/bin/env bash
# Runs a command with the machine kept busy, to prove tests hold on a loaded CI box:
#   scripts/busy.sh [--loops N] [--max-sec S] -- COMMAND [ARG...]
# Starts N (default 2, one per core of the CI machine) CPU-bound busy loops beside COMMAND. Each
# loop stops by itself after S seconds (default 3600) even if this script is killed, and all are
# stopped as soon as COMMAND ends. Exits with COMMAND's exit code.
# Examples:  scripts/busy.sh -- npx vitest run src/main/core/monitor/monitor-lab.test.ts
#            scripts/busy.sh -- bash .ci/run
set -euo pipefail

loops=2
max_sec=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --loops) loops=${2:?--loops needs a number}; shift 2 ;;
    --max-sec) max_sec=${2:?--max-sec needs a number of seconds}; shift 2 ;;
    --) shift; break ;;
    *) echo "busy.sh: unknown option '$1' (usage: scripts/busy.sh [--loops N] [--max-sec S] -- COMMAND [ARG...])" >&2; exit 2 ;;
  esac
done
case "$loops" in ''|*[!0-9]*) echo "busy.sh: --loops must be a whole number, got '$loops'" >&2; exit 2 ;; esac
case "$max_sec" in ''|*[!0-9]*|0) echo "busy.sh: --max-sec must be a positive whole number, got '$max_sec'" >&2; exit 2 ;; esac
[ $# -gt 0 ] || { echo "busy.sh: no command given (usage: scripts/busy.sh [--loops N] [--max-sec S] -- COMMAND [ARG...])" >&2; exit 2; }

pids=()
# shellcheck disable=SC2317  # called by the EXIT trap
stop_loops() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_loops EXIT
for _ in $(seq 1 "$loops"); do
  # `timeout` bounds each loop on its own: a killed parent cannot leave one spinning.
  timeout "$max_sec" sh -c 'while :; do :; done' &
  pids+=("$!")
done
echo "busy.sh: $loops busy loop(s) running (pids ${pids[*]}; each stops after ${max_sec} s at most)" >&2

status=0
"$@" || status=$?
exit "$status"
