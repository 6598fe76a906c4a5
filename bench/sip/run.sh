#!/usr/bin/env bash
# SIP load through ccgw's SIP switch, then the same load through Kamailio (stateful
# forwarding) as the bare-signalling reference; see BENCHMARKS.md "SIP switch".
#
#   bench/sip/run.sh [RATE calls/s] [SECONDS] [TALK_MS]
#
# ccgw runs the demo center on the SIP switch (CCGW, default target/release/ccgw); its 19
# agents 101-119 sign in over HTTP and poll, their phones (one sipp answering for all)
# register with digest; sipp customers call 4000 at RATE for SECONDS, each talking
# TALK_MS. The demo agents auto-answer: the phone's 200 OK is the answer. Reported per
# run: calls, failed calls, INVITE -> 200 OK latency (p50/p90/p99, ms) as the customer
# sees it, and the server's CPU (user + system) per call. Everything stays on 127.0.0.1.
set -euo pipefail

RATE=${1:-5}
DURATION=${2:-60}
TALK_MS=${3:-2000}
CCGW=${CCGW:-target/release/ccgw}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
CALLS=$((RATE * DURATION))
SIP_PORT=15060 HTTP_PORT=18043 PHONE_PORT=15070 KAMAILIO_PORT=15080 KAMAILIO_PHONE_PORT=15090
PASSWORD=Bench-pass1
TICKS=$(getconf CLK_TCK)
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    pkill -f "$WORK/kamailio.cfg" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# User + system CPU ticks of the processes given.
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$total"
}

# p50 p90 p99 of the response times in sipp's *_rtt.csv files under $1.
latencies() {
    cat "$1"/*_rtt.csv | awk -F';' 'NR > 1 && $2 ~ /^[0-9.]+$/ {print $2}' | sort -n | awk '
        {v[NR] = $1} END {
            if (NR == 0) { print "no samples"; exit }
            printf "p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  (%d samples)\n",
                v[int(NR * 0.5) + (NR * 0.5 > int(NR * 0.5))], v[int(NR * 0.9) + (NR * 0.9 > int(NR * 0.9))],
                v[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))], NR
        }'
}

# Runs the customers against $1 in directory $2; prints calls and failures.
customers() {
    mkdir -p "$2"
    local status=0
    (cd "$2" && sipp "$1" -sf "$HERE/customer.xml" -s 4000 -i 127.0.0.1 -t u1 -r "$RATE" -m "$CALLS" \
        -d "$TALK_MS" -timer_resol 1 -aa -trace_rtt -rtt_freq 1 -trace_stat -fd 5 -trace_err -nostdin -timeout "$((DURATION + 120))s" \
        > sipp.out 2>&1) || status=$?
    local failed
    failed=$(awk -F';' 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "FailedCall(C)") col = i} END {print $col}' "$2"/*_.csv)
    echo "calls $CALLS, failed ${failed:-?}, sipp exit $status"
}

# The customers against $1 (results in $2) with the CPU of server processes $3...
measured_run() {
    local target=$1 directory=$2
    shift 2
    local before after
    before=$(cpu_ticks "$@")
    customers "$target" "$directory"
    after=$(cpu_ticks "$@")
    latencies "$directory"
    awk -v t=$((after - before)) -v hz="$TICKS" -v n="$CALLS" \
        'BEGIN {printf "server CPU %.2f s, %.2f ms per call\n", t / hz, 1000 * t / hz / n}'
}

phone() {
    sipp -sf "$HERE/phone.xml" -i 127.0.0.1 -p "$1" -t u1 -timer_resol 1 -aa -nostdin > "$WORK/phone-$1.out" 2>&1 &
    PIDS+=($!)
}

echo "== ccgw (SIP switch): $RATE calls/s for $DURATION s, talk $TALK_MS ms"
CCGW_ENGINE__AUTH_MODE=static CCGW_API__POLL_HOLD_MS=5000 "$CCGW" --data-dir "$WORK/data" serve --demo \
    --demo-password "$PASSWORD" --http --bind "127.0.0.1:$HTTP_PORT" --switch sip --sip-bind "127.0.0.1:$SIP_PORT" \
    > "$WORK/ccgw.out" 2> "$WORK/ccgw.log" &
CCGW_PID=$!
PIDS+=("$CCGW_PID")
BASE="http://127.0.0.1:$HTTP_PORT/agentgateway/resource"
until curl -s -o /dev/null "$BASE/agentevent/101"; do sleep 0.2; done
phone "$PHONE_PORT"
for agent in $(seq 101 119); do
    sipp "127.0.0.1:$SIP_PORT" -sf "$HERE/register.xml" -s "70$agent" -au "70$agent" -ap "$PASSWORD" \
        -key phone_port "$PHONE_PORT" -i 127.0.0.1 -t u1 -m 1 -nostdin -timeout 10s > "$WORK/register.out" 2>&1 ||
        { echo "phone 70$agent did not register:"; tail -20 "$WORK/register.out"; exit 1; }
done
for agent in $(seq 101 119); do
    guid=$(curl -s -D - -o /dev/null -X PUT -H 'Content-Type: application/json' \
        -d "{\"password\":\"$PASSWORD\",\"phonenum\":\"70$agent\",\"status\":\"4\"}" "$BASE/onlineagent/$agent" |
        tr -d '\r' | sed -n 's/^Set-GUID: JSESSIONID=//p')
    curl -s -o /dev/null -X POST -H "Guid: $guid" "$BASE/onlineagent/$agent/sayfree"
    (while kill -0 "$CCGW_PID" 2>/dev/null; do curl -s -o /dev/null -H "Guid: $guid" "$BASE/agentevent/$agent" || sleep 1; done) &
    PIDS+=($!)
done
measured_run "127.0.0.1:$SIP_PORT" "$WORK/ccgw-run" "$CCGW_PID"
kill "$CCGW_PID"

echo "== kamailio (stateful forwarding): the same load"
sed -e "s/KAMAILIO_PORT/$KAMAILIO_PORT/" -e "s/PHONE_PORT/$KAMAILIO_PHONE_PORT/" "$HERE/kamailio.cfg" > "$WORK/kamailio.cfg"
phone "$KAMAILIO_PHONE_PORT"
kamailio -f "$WORK/kamailio.cfg" -DD -E -m 64 -M 8 -w "$WORK" > "$WORK/kamailio.log" 2>&1 &
PIDS+=($!)
sleep 1
mapfile -t KAMAILIO_PIDS < <(pgrep -f "$WORK/kamailio.cfg")
[ "${#KAMAILIO_PIDS[@]}" -gt 0 ] || { echo "kamailio did not start:"; tail -20 "$WORK/kamailio.log"; exit 1; }
measured_run "127.0.0.1:$KAMAILIO_PORT" "$WORK/kamailio-run" "${KAMAILIO_PIDS[@]}"
