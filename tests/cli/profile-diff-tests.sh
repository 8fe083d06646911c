#!/bin/bash
# profile-diff-tests.sh: scripts/profile-diff on synthetic folded profiles (no KVM): a function
# made slower is found and a steady one is not, self against total samples, --class, --share,
# one boot a side (no test), too few boots for --alpha, and bad input (exit 2, one line).
# Usage: tests/cli/profile-diff-tests.sh PROFILE_DIFF   (scripts/profile-diff)
set -u
DIFF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# boot FILE FOO BAR NEW: one boot's folded file, as vmm --profile-out writes it: foo and bar
# under start_kernel, a decompressor address, and NEW samples of a function only B has.
boot() {
    {
        echo "kernel;start_kernel;foo $2"
        echo "kernel;start_kernel;bar $3"
        echo "decompressor;0x1000 300"
        [ "$4" -eq 0 ] || echo "kernel;baz $4"
    } >"$1"
}
# Side A: foo 100-107 samples; side B: foo 150-157 (slower), bar the same, baz new. 8 boots a
# side: the 4 rows are tested as one family (Holm), and with 6 a side the exact test's floor
# (0.0022) times 4 would not pass 0.01.
for i in 0 1 2 3 4 5 6 7; do
    boot "$work/a$i.folded" $((100 + i)) $((50 + i % 2)) 0
    boot "$work/b$i.folded" $((150 + i)) $((50 + (i + 1) % 2)) 7
done
row() { # row OUTPUT FUNCTION: the function's row
    grep -E "^$2 " <<<"$1"
}

out=$("$DIFF" --statistic mean --a "$work"/a*.folded --b "$work"/b*.folded --fail-on-regression)
rc=$?
[ "$rc" -eq 1 ] && row "$out" foo | grep -qE ' \+50\.0 +\+48\.[0-9]% +0\.00[0-9]+ +0\.00[0-9]+  slower$' &&
    row "$out" bar | grep -qE ' same$' && grep -q '^slower in B: foo, baz; faster: none$' <<<"$out"
check profile-diff-finds-the-slower-function $? "status $rc: $out"

out=$("$DIFF" --a "$work"/a0.folded --b "$work"/b0.folded --by total --class kernel)
rc=$?
[ "$rc" -eq 0 ] && row "$out" start_kernel | grep -qE '^start_kernel +150\.0 +201\.0 +\+51\.0' &&
    ! row "$out" 0x1000 >/dev/null && grep -q 'one boot on a side: no test' <<<"$out" &&
    row "$out" foo | grep -qE '  -$'
check profile-diff-total-samples-of-one-class $? "status $rc: $out"

out=$("$DIFF" --a "$work"/a0.folded --b "$work"/a0.folded --share)
rc=$?
[ "$rc" -eq 0 ] && row "$out" 0x1000 | grep -qE '^0x1000 +66\.7% +66\.7% +\+0\.0'
check profile-diff-share-of-samples $? "status $rc: $out"

out=$("$DIFF" --a "$work"/a[012].folded --b "$work"/b[012].folded)
[ "$?" -eq 0 ] && grep -q '3 and 3 boots: no p below 0.1000 is possible for the mean' <<<"$out" &&
    ! grep -qE ' (slower|faster)$' <<<"$out"
check profile-diff-says-when-too-few-boots $? "$out"

# With the median, 6 boots a side: its exact floor is 12 of 924 splits (0.0130), not the
# 2 of 924 the two extreme splits alone give (before, the check said nothing).
out=$("$DIFF" --statistic median --a "$work"/a[0-5].folded --b "$work"/b[0-5].folded)
grep -q '6 and 6 boots: no p below 0.0130 is possible for the median' <<<"$out"
check profile-diff-median-floor-is-exact $? "$out"

# A count that is a digit to Python but not a number (a superscript two): one line, exit 2,
# never a traceback (exit 1 would read as "a function is slower").
printf 'kernel;foo 1\xc2\xb2\n' >"$work/sup.folded"
"$DIFF" --a "$work/sup.folded" --b "$work/b0.folded" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "sup.folded:1: not 'frame;frame;... COUNT'" "$work/err"
check profile-diff-refuses-a-non-ascii-count $? "status $rc: $(head -c 200 "$work/err")"

printf 'kernel;foo 12\nkernel;bar many\n' >"$work/bad.folded"
"$DIFF" --a "$work/bad.folded" --b "$work/b0.folded" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "bad.folded:2: not 'frame;frame;... COUNT'" "$work/err" &&
    [ ! -s "$work/out" ]
check profile-diff-names-a-bad-line $? "status $rc: $(cat "$work/err")"
"$DIFF" --a "$work/none.folded" --b "$work/b0.folded" >"$work/out" 2>"$work/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "none.folded: No such file or directory" "$work/err"
check profile-diff-names-a-missing-file $? "status $rc: $(cat "$work/err")"

summary profdiff
