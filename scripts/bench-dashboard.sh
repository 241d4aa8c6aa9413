#!/usr/bin/env bash
# The dashboard beside htop (issue 9): CPU over a run, peak memory, and start to first full frame, in the same
# terminal size, in the same run. Installs htop and tmux when missing.
#
#   scripts/bench-dashboard.sh [SECONDS] [HOURS]
#
# SECONDS: how long each program runs for the CPU figure (default 60). HOURS: the history of the big store
# (default 720 simulated hours). The dashboard runs the embedded exchange at --speed 60, like the issue's row.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
hours="${2:-720}"
W=120
H=40

need=()
command -v htop >/dev/null 2>&1 || need+=(htop)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
[ -x /usr/bin/time ] || need+=(time)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

swift build -c release --product leaddeck >/dev/null
bin="$PWD/.build/release/leaddeck"
work=$(mktemp -d /tmp/leaddeck-bench-dash-XXXX)
trap 'tmux -L ldbench kill-server 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/config"  # no saved preferences of the person running it
mkdir -p "$HOME" "$XDG_CONFIG_HOME"

echo "building a ${hours} h store..."
"$bin" simulate --hours "$hours" --seed 7 --store "$work/big" >/dev/null

# cpu_ns PID: the CPU time of process PID so far, in nanoseconds, over all its threads, living and ended.
cpu_ns() {
    python3 -c 'import sys, time; pid = int(sys.argv[1]); print(time.clock_gettime_ns(((~pid) << 3) | 2))' "$1"
}

# seconds_until REGEX T0 TRIES: seconds from T0 until the pane shows REGEX, looking every 5 ms, TRIES times at
# most; nothing when it never does.
seconds_until() {
    for _ in $(seq 1 "$3"); do
        if tmux -L ldbench capture-pane -p -t main | grep -Eq "$1"; then
            echo "$(date +%s.%N) - $2" | bc
            return
        fi
        sleep 0.005
    done
}

# run NAME READY_REGEX LIVE_REGEX CMD...: starts CMD in a W x H tmux pane, prints "first_frame_s live_s cpu_s
# peak_rss_kb". The CPU window starts when LIVE_REGEX shows: a new store's dashboard first catches up a simulated
# day of traffic (its header says "catching up"), work htop has no counterpart for; it is reported as live_s.
run() {
    local name=$1 ready=$2 live=$3
    shift 3
    tmux -L ldbench kill-server 2>/dev/null || true
    local t0
    t0=$(date +%s.%N)
    tmux -L ldbench new-session -d -s main -x $W -y $H "$*"
    local first caught
    first=$(seconds_until "$ready" "$t0" 400)
    caught=$(seconds_until "$live" "$t0" 2000)
    local pid
    pid=$(tmux -L ldbench list-panes -t main -F '#{pane_pid}')
    # CPU time in nanoseconds of the whole process, every thread it ever had included (the process CPU clock,
    # clock_getcpuclockid): the 10 ms ticks of /proc/PID/stat cannot tell 40 ms from 50 ms over a run, and
    # summing /proc/PID/task/*/schedstat loses the time of a thread that ends in between.
    local c0 c1
    c0=$(cpu_ns "$pid")
    sleep "$secs"
    c1=$(cpu_ns "$pid")
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    tmux -L ldbench kill-server 2>/dev/null || true
    echo "${first:-NA} ${caught:-NA} $(echo "scale=3; ($c1 - $c0) / 1000000000" | bc) $rss"
}

helpfloor=$( { /usr/bin/time -f "%M" "$bin" --help >/dev/null; } 2>&1 | tail -1)
echo "leaddeck --help peak RSS: ${helpfloor} KB (the shared-library floor)"
printf "%-34s %12s %10s %10s %12s\n" "program (${W}x${H}, ${secs} s)" "first frame" "live at" "CPU s" "peak RSS KB"
read -r hf hl hc hr < <(run htop "Load average" "Load average" "htop -d 15")
printf "%-34s %12s %10s %10s %12s\n" "htop $(htop --version | head -1 | awk '{print $2}')" "$hf" "$hl" "$hc" "$hr"
read -r nf nl nc nr < <(run new "of 36 sources" "live sim" "$bin --store $work/new --speed 60")
printf "%-34s %12s %10s %10s %12s\n" "leaddeck, new store" "$nf" "$nl" "$nc" "$nr"
read -r bf bl bc br < <(run big "of 36 sources" "live sim" "$bin --store $work/big --speed 60")
printf "%-34s %12s %10s %10s %12s\n" "leaddeck, ${hours} h store" "$bf" "$bl" "$bc" "$br"
echo
echo "ratios to htop: CPU $(echo "scale=2; $bc / ($hc + 0.001)" | bc)x (${hours} h), $(echo "scale=2; $nc / ($hc + 0.001)" | bc)x (new);" \
     "first frame $(echo "scale=2; $bf / $hf" | bc)x; RSS above the --help floor: $(( (br - helpfloor) / 1024 )) MB (${hours} h), $(( (nr - helpfloor) / 1024 )) MB (new)"
