#!/usr/bin/env bash
# Loads `leaddeck serve` on loopback with wrk and prints throughput and p50/p99 latency for pings and for
# durable posts, beside Hummingbird's bare hello-world endpoint (leaddeck-hello) in the same run on the
# same machine. Prints figures; asserts nothing.
#
#   scripts/bench-serve.sh [SECONDS]      (default 10 s per run; installs wrk with apt-get when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"

if ! command -v wrk >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing wrk"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk
fi

swift build -c release --product leaddeck >/dev/null
swift build -c release --product leaddeck-hello >/dev/null
bin="$(swift build -c release --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

store="$work/store"
"$bin/leaddeck" hours always --store "$store" >/dev/null
"$bin/leaddeck" budget 1000000000 --store "$store" >/dev/null
"$bin/leaddeck" caps --daily none --hourly none --store "$store" >/dev/null
"$bin/leaddeck" dedupe 0 --store "$store" >/dev/null
KEY="$("$bin/leaddeck" keys add bench --store "$store" 2>/dev/null)"
export KEY

port=18180; hello_port=18181
"$bin/leaddeck" serve --store "$store" --port "$port" 2>"$work/serve.err" & pids+=($!)
"$bin/leaddeck-hello" "$hello_port" & pids+=($!)
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && curl -sf "http://127.0.0.1:$hello_port/hello" >/dev/null 2>&1 && break
    sleep 0.2
done

# Unique ids (and phones) per wrk thread and request.
cat > "$work/common.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
local pace = tonumber(os.getenv("DELAY_MS") or "0")
if pace > 0 then function delay() return pace end end
LUA
cat "$work/common.lua" - > "$work/ping.lua" <<'LUA'
function request()
    counter = counter + 1
    return wrk.format(nil, "/v1/ping", nil, string.format(
        '{"ping_id":"p%d-%d","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"TX","postal_code":"75001","sale_type":"shared","max_sells":3}',
        tid, counter))
end
LUA
cat "$work/common.lua" - > "$work/post.lua" <<'LUA'
function request()
    counter = counter + 1
    return wrk.format(nil, "/v1/post", nil, string.format(
        '{"lead_id":"b%d-%d","source_id":"AUT01","sub_id":"a91","vertical":"auto","state":"TX","zip":"75001","sale_type":"shared","max_sells":3,"price":"20.00","first_name":"Ann","last_name":"Lee","phone_1":"2%d%08d","email":"b%d-%d@example.com"}',
        tid, counter, tid, counter, tid, counter))
end
LUA

# run NAME URL [wrk args...]: prints "NAME req/s p50 p99" from wrk --latency
run() {
    local name="$1" url="$2"; shift 2
    local out; out="$(wrk --latency -d "${secs}s" "$@" "$url")"
    local rps p50 p99
    rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
    p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
    local errors; errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
    printf '%-44s %12s %10s %10s  %s\n' "$name" "$rps" "$p50" "$p99" "$errors"
    echo "$rps" > "$work/$(tr ' /' '__' <<<"$name").rps"
}

echo "leaddeck serve under wrk, ${secs} s per run, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-44s %12s %10s %10s\n' "run" "requests/s" "p50" "p99"
run "hello (bare Hummingbird), -t2 -c32" "http://127.0.0.1:$hello_port/hello" -t2 -c32
run "ping, -t2 -c32" "http://127.0.0.1:$port/v1/ping" -t2 -c32 -s "$work/ping.lua"
DELAY_MS=10 run "ping paced ~1,000/s (-c10, 10 ms apart)" "http://127.0.0.1:$port/v1/ping" -t2 -c10 -s "$work/ping.lua"
run "post (durable), -t2 -c32" "http://127.0.0.1:$port/v1/post" -t2 -c32 -s "$work/post.lua"
hello="$(cat "$work/hello_(bare_Hummingbird),_-t2_-c32.rps")"
ping="$(cat "$work/ping,_-t2_-c32.rps")"
awk -v p="$ping" -v h="$hello" 'BEGIN { printf "ping throughput / bare endpoint: %.0f%%\n", 100 * p / h }'
# What the store recorded, as a check that the posts were real purchases.
"$bin/leaddeck" report --store "$store" --window all --format json 2>/dev/null \
    | python3 -c 'import json,sys; t=json.load(sys.stdin)["total"]; print("recorded:", t["pinged"], "pings,", t["boughtShared"], "posts bought")' || true
