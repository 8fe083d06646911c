#!/bin/bash
# abstats-tests.sh: scripts/bench --ab without KVM: the statistics on fixed samples
# (abstats_checks.py), then the whole pipeline (runs -> JSON -> verdict -> exit status, and the
# functions that changed with --profile) with tests/cli/fake-vmm standing in for vmm and files holding a time scale standing in for kernels.
# Usage: tests/cli/abstats-tests.sh BENCH   (scripts/bench)
set -u
BENCH=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The unit checks: one result line per "ok NAME" / "fail NAME: REASON".
python3 "$DIR/abstats_checks.py" >"$work/unit.txt" 2>&1
unit=$?
while read -r word rest; do
    case $word in
        ok) pass "abstats-$rest" ;;
        fail) fail "abstats-${rest%%:*}" "${rest#*: }" ;;
    esac
done <"$work/unit.txt"
grep -q '^fail ' "$work/unit.txt" || [ "$unit" -eq 0 ]
check abstats-checks-ran "$?" "$(tail -n 3 "$work/unit.txt")"

echo 1000 >"$work/k-base"
echo 1000 >"$work/k-same"
echo 1020 >"$work/k-2pct"
echo 1200 >"$work/k-20pct"
echo 800 >"$work/k-faster"

# ab NAME B_KERNEL [OPTIONS...]: scripts/bench --ab of k-base against B_KERNEL with the fake
# vmm, 8 runs and 1 warm-up round; leaves $work/NAME/ab.json, NAME.out, NAME.order and NAME.rc.
ab() {
    local name=$1 b=$2
    shift 2
    : >"$work/$name.order"
    FAKE_VMM_LOG=$work/$name.order "$BENCH" --ab --local --vmm "$DIR/fake-vmm" \
        --a-kernel "$work/k-base" --b-kernel "$work/$b" --runs 8 --warmup 1 \
        --out "$work/$name" --resamples 999 "$@" >"$work/$name.out" 2>&1
    echo $? >"$work/$name.rc"
}

# field NAME EXPR: a Python expression over the report j (ab.json), printed.
field() {
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$work/$1/ab.json" 2>&1
}

ab shift20 k-20pct --fail-on-regression
[ "$(cat "$work/shift20.rc")" = 1 ] && [ "$(field shift20 'j["regressions"]')" = "['boot_done']" ]
check ab-shift-20pct-fails "$?" "exit $(cat "$work/shift20.rc"), $(tail -n 2 "$work/shift20.out")"
[ "$(field shift20 '(j["metrics"]["boot_done"]["p"] < 0.01, j["metrics"]["boot_done"]["change"] > 0.19)')" = "(True, True)" ]
check ab-shift-20pct-p-and-change "$?" "$(field shift20 'j["metrics"]["boot_done"]')"
grep -q 'significant regression in boot_done' "$work/shift20.out"
check ab-shift-20pct-says-so "$?" "$(tail -n 2 "$work/shift20.out")"

# Interleaving: the fake logged A,B 9 times; the first round (10x slow in the fake) is dropped.
# The default order, abba: A,B then B,A in turn (the warm-up round is the first A,B).
for _ in 1 2 3 4; do printf '%s\n' "$work/k-base" "$work/k-20pct" "$work/k-20pct" "$work/k-base"; done >"$work/want.order"
printf '%s\n' "$work/k-base" "$work/k-20pct" >>"$work/want.order"
cmp -s "$work/want.order" "$work/shift20.order"
check ab-interleaved "$?" "$(tr '\n' ' ' <"$work/shift20.order")"
[ "$(field shift20 '[sum(r["warmup"] for r in j["runs"]), len(j["runs"]), j["metrics"]["boot_done"]["A"]["n"], j["metrics"]["boot_done"]["A"]["median"] < 400]')" = "[2, 18, 8, True]" ]
check ab-warmup-dropped "$?" "$(field shift20 '[(r["variant"], r["warmup"], round(r["phases_ms"]["boot_done"])) for r in j["runs"]]')"
phases="options_parsed files_mapped image_decoded vm_created ram_registered vcpu_created entry_state_loaded first_kvm_run first_serial_byte boot_done exit"
[ "$(field shift20 '" ".join(j["metrics"])')" = "$phases wall" ] &&
    [ "$(field shift20 '" ".join(j["segments"])')" = "$phases" ]
check ab-phases-and-segments "$?" "$(field shift20 'list(j["metrics"]), list(j["segments"])')"
[ "$(field shift20 'sorted(j["fingerprint"])')" = "['cpu', 'cpus', 'hypervisor_flag', 'kernel', 'nested', 'nx_huge_pages', 'thp', 'with_kvm_l1']" ] &&
    [ "$(field shift20 'j["fingerprint"]["kernel"]')" = "$(uname -r)" ] &&
    [ "$(field shift20 'j["fingerprint"]["nx_huge_pages"]')" = "$(cat /sys/module/kvm/parameters/nx_huge_pages 2>/dev/null || echo absent)" ] &&
    grep -qF "[$(field shift20 'j["fingerprint"]["thp"]')]" /sys/kernel/mm/transparent_hugepage/enabled
check ab-host-fingerprint "$?" "$(field shift20 'j["fingerprint"]')"
if command -v gnuplot >/dev/null; then
    [ -s "$work/shift20/ab.png" ] && [ "$(head -n 1 "$work/shift20/segments.dat" | wc -w)" -eq 12 ]
    check ab-chart "$?" "$(head -n 3 "$work/shift20/segments.dat")"
else
    skip ab-chart "no gnuplot"
fi

ab again k-20pct --fail-on-regression
# The phases are canned, so the same seed must give the same statistics (wall time is measured).
same_stats='{k: v for k, v in j["metrics"].items() if k != "wall"}, j["segments"]'
[ "$(field shift20 "$same_stats")" = "$(field again "$same_stats")" ]
check ab-deterministic-per-seed "$?" "the same samples and seed gave different statistics"

ab same k-same --fail-on-regression --resamples 9999
[ "$(cat "$work/same.rc")" = 0 ] && [ "$(field same '(j["regression"], j["metrics"]["boot_done"]["p"] > 0.05)')" = "(False, True)" ]
check ab-a-a-no-regression "$?" "exit $(cat "$work/same.rc"), $(field same 'j["metrics"]["boot_done"]')"

# B fails a third of its boots (exit 3) and its good ones match A: the failed runs are left
# out of the times, but counted, and a side that fails more is a regression (before: "no
# significant regression", exit 0).
FAKE_VMM_FAIL=$work/k-same ab flaky k-same --fail-on-regression
[ "$(cat "$work/flaky.rc")" = 1 ] && [ "$(field flaky '(j["failed"]["A"], j["failed"]["B"] > 0, j["regressions"])')" = "(0, True, ['failed_boots'])" ] &&
    grep -q 'failed or timed out (left out of the statistics): A 0 of 8, B [1-9] of 8' "$work/flaky.out"
check ab-failed-boots-are-a-regression "$?" "exit $(cat "$work/flaky.rc"), $(grep 'failed or timed out\|regression' "$work/flaky.out" | tr '\n' ' ')"

# 4 runs a side: the median's p cannot go below 0.057, so however much slower B is there is no
# verdict at 0.01, and the report says so instead of "no significant regression".
ab few k-20pct --runs 4 --fail-on-regression
[ "$(cat "$work/few.rc")" = 0 ] && [ "$(field few 'j["verdict_possible"]')" = False ] &&
    grep -q 'boot_done: with 4 and 4 good runs no p below 0.0571 is possible for the median' "$work/few.out" &&
    grep -q 'no verdict possible for boot_done: too few runs' "$work/few.out"
check ab-too-few-runs-says-no-verdict "$?" "exit $(cat "$work/few.rc"), $(tail -n 3 "$work/few.out" | tr '\n' ' ')"

# --gate all: the gated metrics' verdicts use Holm-adjusted p-values.
ab holm k-20pct --gate all
[ "$(field holm 'all("p_holm" in m and m["p_holm"] >= m["p"] for m in j["metrics"].values() if m["gated"])')" = True ]
check ab-gate-all-holm-adjusted "$?" "$(field holm '[(k, m["p"], m.get("p_holm")) for k, m in j["metrics"].items()][:4]')"

ab small k-2pct --fail-on-regression
# Significant (p < 0.01) but below the 5% minimum change: not a regression.
[ "$(cat "$work/small.rc")" = 0 ] && [ "$(field small '(j["regression"], 0 < j["metrics"]["boot_done"]["change"] < 0.05, j["metrics"]["boot_done"]["p"] < 0.01)')" = "(False, True, True)" ]
check ab-2pct-below-min-change "$?" "exit $(cat "$work/small.rc"), $(field small 'j["metrics"]["boot_done"]')"

ab faster k-faster --fail-on-regression
[ "$(cat "$work/faster.rc")" = 0 ] && [ "$(field faster 'j["metrics"]["boot_done"]["improvement"]')" = True ]
check ab-improvement-passes "$?" "exit $(cat "$work/faster.rc"), $(tail -n 2 "$work/faster.out")"

ab nofail k-20pct --append=extra=1 --b-append=b.only=1 "--b-args=--boot=pvh --cpus 2"
[ "$(cat "$work/nofail.rc")" = 0 ] && [ "$(field nofail 'j["regression"]')" = True ]
check ab-regression-exit-0-without-flag "$?" "exit $(cat "$work/nofail.rc")"
# Each side's command line: the shared options, then its own.
cmds='[(c[c.index("--append") + 1].split()[-2:], c[c.index("--timing=json") + 3:]) for c in (j["variants"][s]["cmd"] for s in "AB")]'
[ "$(field nofail "$cmds")" = "[(['guest.action=reboot', 'extra=1'], []), (['extra=1', 'b.only=1'], ['--boot=pvh', '--cpus', '2'])]" ]
check ab-variant-command-lines "$?" "$(field nofail "$cmds")"

ab random k-20pct --order random --seed 7
ab random2 k-20pct --order random --seed 7
a=$work/k-base
paste -d' ' - - <"$work/random.order" | grep -q "^$work/k-20pct $a\$" &&
    ! paste -d' ' - - <"$work/random.order" | grep -qvE "^($a $work/k-20pct|$work/k-20pct $a)\$" &&
    cmp -s "$work/random.order" "$work/random2.order"
check ab-random-order-seeded "$?" "$(tr '\n' ' ' <"$work/random.order")"

ab gate k-20pct --gate no_such_phase --fail-on-regression
[ "$(cat "$work/gate.rc")" = 2 ] && grep -q 'names no metric' "$work/gate.out"
check ab-unknown-gate-refused "$?" "exit $(cat "$work/gate.rc"), $(tail -n 1 "$work/gate.out")"

# --profile: every run profiled (the fake writes foo's samples scaled by the kernel, bar's
# steady), the measured good runs' profiles kept per side and compared by scripts/profile-diff.
# 9999 draws: five rows tested as one family (Holm) need p below 0.002, under the 1/1000 floor
# of the helper's 999.
ab prof k-20pct --profile=250 --b-symbols "$work/b.syms" --resamples 9999
fn='{r["name"]: r["verdict"] for r in j["functions"]["rows"]}'
[ "$(cat "$work/prof.rc")" = 0 ] &&
    [ "$(field prof "$fn"'["foo"], '"$fn"'["bar"], j["functions"]["slower"][0]')" = "slower same foo" ] &&
    grep -q '^slower in B: foo' "$work/prof.out" &&
    [ "$(field prof 'sorted(r["profile"] for r in j["runs"] if "profile" in r)')" = \
        "$(python3 -c 'print(sorted(f"profiles/{s}-r{r}.folded" for s in "AB" for r in range(2, 10)))')" ] &&
    [ "$(ls "$work/prof/profiles" | wc -l)" = 16 ]
check ab-profile-finds-the-slower-function "$?" "exit $(cat "$work/prof.rc"), $(field prof 'j.get("functions")') $(tail -n 4 "$work/prof.out")"
# Each side's --symbols: its kernel by default, --b-symbols for B; the rate as given.
grep -qxF "kernel;symbols=$work/k-base 1" "$work/prof/profiles/A-r2.folded" &&
    grep -qxF "kernel;symbols=$work/b.syms 1" "$work/prof/profiles/B-r2.folded" &&
    [ "$(field prof '[c[c.index("--timing=json") + 3:c.index("--symbols")] for c in (j["variants"][s]["cmd"] for s in "AB")]')" = "[['--profile=250'], ['--profile=250']]" ]
check ab-profile-symbols-per-side "$?" "$(head -n 3 "$work/prof/profiles/"[AB]-r2.folded) $(field prof 'j["variants"]')"
# --phases (the fake's guest points come in guest_phases_ns): each a metric named guest:NAME,
# its segment from the point before it (the first one's from first_kvm_run), gateable.
ab guest k-20pct "--args=--phases" --gate guest:kernel_init --fail-on-regression
seg='round(j["segments"]["guest:start_kernel"]["A"]["median"]), round(j["segments"]["guest:kernel_init"]["A"]["median"]), j["regressions"]'
[ "$(cat "$work/guest.rc")" = 1 ] && [ "$(field guest "$seg")" = "38 30 ['guest:kernel_init']" ] &&
    [ "$(head -n 1 "$work/guest/segments.dat" | wc -w)" -eq 12 ]
check ab-guest-phases-compared "$?" "exit $(cat "$work/guest.rc"), $(field guest "$seg") $(tail -n 2 "$work/guest.out")"
ab badrate k-20pct --profile=fast
[ "$(cat "$work/badrate.rc")" = 2 ] && grep -q -- '--profile=fast: not a rate in Hz' "$work/badrate.out"
check ab-profile-bad-rate-refused "$?" "exit $(cat "$work/badrate.rc"), $(tail -n 1 "$work/badrate.out")"

: >"$work/broken.order"
FAKE_VMM_LOG=$work/broken.order "$BENCH" --ab --local --vmm /bin/false --kernel "$work/k-base" \
    --runs 2 --out "$work/broken" --fail-on-regression >"$work/broken.out" 2>&1
rc=$?
[ "$rc" = 2 ] && grep -q 'fewer than 2 good runs' "$work/broken.out"
check ab-failed-boots-exit-2 "$?" "exit $rc, $(tail -n 1 "$work/broken.out")"

# The benchmark's own command line, before anything is built or booted: --help, and a wrong
# round count or --peer refused with exit 2 and one line naming it.
"$BENCH" --help >"$work/help.out" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q -- '--peer NAME=COMMAND' "$work/help.out" && grep -q '{append}' "$work/help.out"
check bench-help "$?" "exit $rc, $(head -n 1 "$work/help.out")"
bad=""
refused() { # refused WORD-IN-THE-MESSAGE ARGS...: exit 2 with one line that names it
    local want=$1
    shift
    "$BENCH" "$@" >"$work/bad.out" 2>&1
    rc=$?
    [ "$rc" = 2 ] && [ "$(wc -l <"$work/bad.out")" = 1 ] && grep -q "^bench: .*$want" "$work/bad.out" ||
        bad="$bad [$*: exit $rc, $(head -c 120 "$work/bad.out")]"
}
refused "'abc'" abc
refused "'0'" --runs 0
refused "'noequals'" --peer noequals
refused "'two words=cmd'" --peer 'two words=cmd'
refused "'--frob'" --frob
[ -z "$bad" ]
check bench-bad-arguments-exit-2 "$?" "${bad:-all refused}"

summary abstats
