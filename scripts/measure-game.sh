#!/usr/bin/env bash
# The game's benchmark, under Xvfb on this machine. Prints:
#   launch to the first interactive frame (ms);
#   CPU while idle on the case screen over 10 seconds (% of one core; target under 2);
#   peak memory (MB; target under 350);
#   frame time while scrolling a long page (mean, 95th percentile and worst, ms).
# Build first with `cargo build --release`. Needs xvfb, xdotool and mesa-vulkan-drivers (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${SECOND_LOOK:-${CARGO_TARGET_DIR:-$HOME/.cache/second-look-target}/release/second-look}"
[ -x "$BIN" ] || { echo "no game at $BIN: run cargo build --release" >&2; exit 2; }
for tool in Xvfb xdotool; do
    command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y xvfb xdotool mesa-vulkan-drivers" >&2; exit 2; }
done

export DISPLAY=:97
Xvfb "$DISPLAY" -screen 0 1280x720x24 >/dev/null 2>&1 &
xvfb=$!
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
wait_for() { # wait_for FILE PATTERN SECONDS
    for _ in $(seq 1 $(($3 * 10))); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    echo "timed out waiting for '$2'" >&2; return 1
}

# 1. Launch, then sit on the case screen doing nothing.
"$BIN" play --case mark-at-four-months --seed 7 --data-dir "$work/data" >"$work/idle.out" 2>"$work/idle.err" &
game=$!
wait_for "$work/idle.out" first-interactive-frame-ms 120
first=$(awk '/first-interactive-frame-ms/ {print $2}' "$work/idle.out")
window=$(xdotool search --sync --name "Second Look" | head -1)
xdotool windowfocus --sync "$window"
xdotool key Return
sleep 3
hz=$(getconf CLK_TCK)
before=$(ticks "$game")
sleep 10
after=$(ticks "$game")
idle=$(awk -v a="$before" -v b="$after" -v hz="$hz" 'BEGIN {printf "%.1f", (b - a) / hz / 10 * 100}')
peak_idle=$(peak_mb "$game")
kill "$game"; wait "$game" 2>/dev/null || true

# 2. Scroll a long page (the complete case's briefing) while drawing continuously.
"$BIN" play --case mark-at-four-months --seed 7 --data-dir "$work/data2" --frame-stats 8 >"$work/scroll.out" 2>"$work/scroll.err" &
game=$!
wait_for "$work/scroll.out" first-interactive-frame-ms 120
window=$(xdotool search --sync --name "Second Look" | head -1)
xdotool mousemove --window "$window" 640 400
for _ in 1 2 3; do
    xdotool click --repeat 12 --delay 60 5
    xdotool click --repeat 12 --delay 60 4
done
peak_scroll=$(peak_mb "$game" 2>/dev/null || echo 0)
wait_for "$work/scroll.out" "^frames" 30
wait "$game" 2>/dev/null || true
frames=$(grep "^frames" "$work/scroll.out")

peak=$(( peak_idle > peak_scroll ? peak_idle : peak_scroll ))
echo "launch to first interactive frame:   ${first} ms"
echo "CPU idle on the case screen (10 s):  ${idle} % of one core   (target < 2)"
echo "peak memory:                         ${peak} MB               (target < 350)"
echo "frame time while scrolling:          ${frames}"
