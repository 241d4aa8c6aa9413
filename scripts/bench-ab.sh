#!/usr/bin/env bash
# Two leaddeck builds side by side, interleaved, for the rows of issue 9 that compare start-up and simulate
# times (on this shared machine a figure from another hour is not comparable; the ratio in the same minutes is):
#
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY [RUNS] [ROUNDS]
#
# Row 6: `simulate --hours 720` on a new store, RUNS times each (default 3), alternating.
# Row 4: a writer's open (`simulate --hours 1`) on copies of a 72 h and a 720 h store, median of ROUNDS runs each
#   (default 15: single runs of these 30-70 ms commands vary by a third on this shared machine).
# Row 5: `report` and `sources` on the same stores, median of ROUNDS runs each.
# The stores are built once, with NEW_BINARY (seed 7), in a temporary folder removed at the end.
set -euo pipefail
old="${1:?usage: scripts/bench-ab.sh OLD_BINARY NEW_BINARY [RUNS]}"
new="${2:?usage: scripts/bench-ab.sh OLD_BINARY NEW_BINARY [RUNS]}"
runs="${3:-3}"
rounds="${4:-15}"
cd "$(dirname "$0")/.."  # simulate reads the seed catalog from data/
work=$(mktemp -d /tmp/leaddeck-bench-ab-XXXX)
trap 'rm -rf "$work"' EXIT
# Milliseconds `$@` took, to a tenth; a command that fails stops the script with its message (a failed run is not
# a time).
ms() {
    local t0 t1
    t0=$(date +%s%N)
    if ! "$@" >/dev/null 2>"$work/err"; then echo "failed: $* ($(head -1 "$work/err"))" >&2; exit 1; fi
    t1=$(date +%s%N)
    echo "scale=1; ($t1 - $t0) / 1000000" | bc
}
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "row 6: simulate --hours 720 on a new store (s, wall)"
for _ in $(seq "$runs"); do
    for b in old new; do
        bin=$old; [ "$b" = new ] && bin=$new
        rm -rf "$work/sim"
        t=$(ms "$bin" simulate --hours 720 --seed 7 --store "$work/sim")
        printf "  %-4s %s\n" "$b" "$(echo "scale=2; $t / 1000" | bc)"
    done
done

echo "building the 72 h and 720 h stores..."
"$new" simulate --hours 72 --seed 7 --store "$work/s72" >/dev/null
"$new" simulate --hours 720 --seed 7 --store "$work/s720" >/dev/null
for b in old new; do
    bin=$old; [ "$b" = new ] && bin=$new
    : > "$work/$b-w72"; : > "$work/$b-w720"; : > "$work/$b-r72"; : > "$work/$b-r720"; : > "$work/$b-o72"; : > "$work/$b-o720"
done
for _ in $(seq "$rounds"); do
    for b in old new; do
        bin=$old; [ "$b" = new ] && bin=$new
        for h in 72 720; do
            rm -rf "$work/copy"; cp -r "$work/s$h" "$work/copy"; sync
            ms "$bin" simulate --hours 1 --store "$work/copy" >> "$work/$b-w$h"
            ms "$bin" report --store "$work/s$h" >> "$work/$b-r$h"
            ms "$bin" sources --store "$work/s$h" >> "$work/$b-o$h"
        done
    done
done
printf "%-34s %18s %18s\n" "median of $rounds, ms (72 h / 720 h)" "old" "new"
for row in "w:row 4: writer open" "r:row 5: report" "o:row 5: sources"; do
    k=${row%%:*}; name=${row#*:}
    line=$(printf "%-34s" "$name")
    for b in old new; do
        a=$(median < "$work/$b-${k}72"); z=$(median < "$work/$b-${k}720")
        line="$line $(printf "%6s / %-6s" "$a" "$z") ($(printf "%.2f" "$(echo "scale=3; $z / $a" | bc)")x)"
    done
    echo "$line"
done
