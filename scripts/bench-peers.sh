#!/usr/bin/env bash
# Runs LeadDeck's raw-log paths beside the peers a user would reach for, on the same files in the same run,
# and prints times and ratios (issue 9). Checks that the peers' per-source figures agree with LeadDeck's.
#
#   scripts/bench-peers.sh [HOURS]     (default 720 simulated hours, about 830,000 records, 345 MB)
#
# Installs what is missing: jq (apt-get), duckdb (pip). Prints figures; asserts nothing but agreement.
set -euo pipefail
cd "$(dirname "$0")/.."
hours="${1:-720}"

need_apt=()
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
if [ "${#need_apt[@]}" -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
python3 -c 'import duckdb' 2>/dev/null || pip install -q duckdb >/dev/null

swift build -c release --product leaddeck >/dev/null
bin="$(swift build -c release --show-bin-path)/leaddeck"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
store="$work/store"
log="$store/events.jsonl"

"$bin" simulate --store "$store" --hours "$hours" --seed 1 >/dev/null
records=$(( $(wc -l < "$log") - 1 ))
echo "LeadDeck raw-log paths beside peers: $hours simulated hours, $records records, $(du -m "$log" | cut -f1) MB, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"

# t CMD...: wall seconds of one run (best of 3), output discarded
t() {
    local best=""
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
        best=$(awk -v a="$s" -v b="$e" -v c="$best" 'BEGIN { d = b - a; if (c == "" || d < c) print d; else print c }')
    done
    echo "$best"
}
row() { awk -v n="$1" -v a="$2" -v p="$3" -v b="$4" 'BEGIN { printf "%-46s %8.2f s   %-30s %8.2f s   %6.1fx\n", n, a, p, b, a / b }'; }

cat > "$work/crc.py" <<'PY'
import sys, zlib
# The same checks as `leaddeck check`: header, framing, CRC-32 of "seq:" + event bytes, sequence numbers.
with open(sys.argv[1], 'rb') as f:
    if f.readline() != b'{"kind":"leaddeck-events","schemaVersion":1}\n': sys.exit("bad header")
    seq = 0
    for n, line in enumerate(f, 2):
        if not line.startswith(b'{"seq":') or not line.endswith(b'}\n'): sys.exit(f"line {n}: framing")
        comma = line.index(b',', 7)
        s = line[7:comma]
        if line[comma:comma + 8] != b',"crc":"' or line[comma + 16:comma + 22] != b'","e":': sys.exit(f"line {n}: framing")
        crc = int(line[comma + 8:comma + 16], 16)
        if zlib.crc32(line[comma + 22:-2], zlib.crc32(s + b':')) != crc: sys.exit(f"line {n}: checksum")
        if int(s) != seq + 1: sys.exit(f"line {n}: sequence")
        seq += 1
print(seq)
PY

cat > "$work/duck.py" <<'PY'
import duckdb, sys
q = """
SELECT e.offer.source_id AS source, count(*) AS offered,
       sum(CASE WHEN e.decision IN ('shared', 'exclusive') THEN 1 ELSE 0 END) AS bought,
       sum(CASE WHEN e.decision IN ('shared', 'exclusive') THEN e.offer.price.cents ELSE 0 END) AS spend
FROM read_ndjson(?, columns = {seq: 'BIGINT', crc: 'VARCHAR',
     e: 'STRUCT(type VARCHAR, decision VARCHAR, offer STRUCT(source_id VARCHAR, price STRUCT(cents BIGINT)))'})
WHERE e.type = 'offer' GROUP BY 1 ORDER BY 1"""
rows = duckdb.execute(q, [sys.argv[1]]).fetchall()
for s, o, b, sp in rows: print(s, o, b, sp)
PY

jqprog='reduce (inputs | select(.e.type == "offer") | .e) as $e ({};
  .[$e.offer.source_id] |= ((. // {o: 0, b: 0, s: 0}) | .o += 1
    | if ($e.decision == "shared" or $e.decision == "exclusive") then .b += 1 | .s += $e.offer.price.cents else . end))
  | to_entries | sort_by(.key) | .[] | "\(.key) \(.value.o) \(.value.b) \(.value.s)"'

# A copy without the checkpoint: LeadDeck must rebuild every figure from the raw log.
cp -r "$store" "$work/raw"
rm -f "$work/raw/checkpoint.json" "$work/raw/checkpoint-leads.bin" "$work/raw/checkpoint-leads.json"
# (report only reads; it never writes a checkpoint, so every run replays the whole log)
rebuild() { "$bin" report --store "$work/raw" --window all --format json; }

# Agreement first.
"$bin" report --store "$store" --window all --format json \
    | python3 -c 'import json,sys; [print(r["id"], r["offered"], r["boughtShared"] + r["boughtExclusive"], r["spendCents"]) for r in sorted(json.load(sys.stdin)["rows"], key=lambda r: r["id"])]' > "$work/leaddeck.txt"
python3 "$work/duck.py" "$log" > "$work/duckdb.txt"
jq -nr "$jqprog" "$log" > "$work/jq.txt"
for peer in duckdb jq; do
    if diff -q "$work/leaddeck.txt" "$work/$peer.txt" >/dev/null; then echo "agree: $peer's per-source offered, bought and spend match LeadDeck's report ($(wc -l < "$work/leaddeck.txt") sources)"
    else echo "DISAGREE: $peer"; diff "$work/leaddeck.txt" "$work/$peer.txt" | head -5; fi
done
python3 "$work/crc.py" "$log" | grep -qx "$records" && echo "agree: the Python check reads all $records records"

printf '%-46s %10s   %-30s %10s   %7s\n' "LeadDeck" "time" "peer" "time" "ratio"
row "leaddeck check (framing, CRC, sequence)" "$(t "$bin" check --store "$store")" "python3 crc.py (same checks)" "$(t python3 "$work/crc.py" "$log")"
row "leaddeck check --deep (decodes every event)" "$(t "$bin" check --store "$store" --deep)" "python3 crc.py" "$(t python3 "$work/crc.py" "$log")"
row "leaddeck log --json > /dev/null" "$(t "$bin" log --store "$store" --json)" "cat events.jsonl" "$(t cat "$log")"
row "report from the raw log (no checkpoint)" "$(t rebuild)" "duckdb read_ndjson, columns" "$(t python3 "$work/duck.py" "$log")"
row "report from the raw log (no checkpoint)" "$(t rebuild)" "jq reduce" "$(t jq -nr "$jqprog" "$log")"
row "report with the checkpoint" "$(t "$bin" report --store "$store" --window all --format json)" "duckdb read_ndjson, columns" "$(t python3 "$work/duck.py" "$log")"
