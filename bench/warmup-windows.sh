#!/usr/bin/env bash
# How a server's p99 under wrk settles after its start: six consecutive 3 s windows (32 connections, one wrk
# thread on CPU 1, the server on CPU 0), from its first 200. The throughput section measures each endpoint for
# 3 s after 2 s of warm-up; this shows what of a p99 is the first seconds of load rather than the steady state.
#   bash bench/warmup-windows.sh sidecar [PERIOD_SECONDS]   the footprint section's 10-check YAML sidecar
#   bash bench/warmup-windows.sh fastify | node             bench/servers/fastify-ok.mjs, node:http's app.cjs
# Needs a built tree (npm ci), wrk, curl and taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
server=${1:?usage: warmup-windows.sh sidecar [PERIOD_SECONDS] | fastify | node}
port=18199 target_port=18198
work=$(mktemp -d)
pids=() # disowned as started: killing them at exit prints no job notices
cleanup() { kill -9 "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

case $server in
  sidecar)
    # The target exits at the end of its stdin: a FIFO this script holds open, closed when it exits.
    mkfifo "$work/stdin"
    exec 3<>"$work/stdin"
    taskset -c 1 node bench/servers/target.mjs "$target_port" <"$work/stdin" >/dev/null &
    pids+=($!); disown
    node --import tsx -e "
      const { mixedChecks, sidecarYaml } = await import('./bench/lib/config.ts');
      process.stdout.write(sidecarYaml({ checks: mixedChecks(10), targetPort: $target_port,
        periodSeconds: ${2:-5}, port: $port }));" >"$work/probekit.yaml"
    taskset -c 0 node packages/sidecar/dist/bundle/cli.js serve --config "$work/probekit.yaml" >"$work/log" 2>&1 &
    pids+=($!); disown
    path=/readyz
    ;;
  fastify) taskset -c 0 node bench/servers/fastify-ok.mjs "$port" >/dev/null 2>&1 & pids+=($!); disown; path=/ok ;;
  node) taskset -c 0 node bench/servers/app.cjs "$port" 0 >/dev/null 2>&1 & pids+=($!); disown; path=/ok ;;
  *) echo "unknown server: $server" >&2; exit 2 ;;
esac

for _ in $(seq 400); do curl -fs "http://127.0.0.1:$port$path" >/dev/null && break; sleep 0.05; done
curl -fs "http://127.0.0.1:$port$path" >/dev/null || { echo "$server never answered 200 on $path" >&2; exit 1; }
windows=()
for _ in 1 2 3 4 5 6; do
  windows+=("$(taskset -c 1 wrk -t1 -c32 -d3s --latency "http://127.0.0.1:$port$path" | awk '/ 99%/ { print $2 }')")
done
echo "$server ${2:-} p99 per 3 s window from the first 200: ${windows[*]}"
