#!/bin/bash
# help-tests.sh: `vmm --help`, the README's option table and the option parser list the same options.
# Usage: tests/cli/help-tests.sh VMM README CONFIG_C
set -u
VMM=$1
README=$2
CONFIG_C=$3
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Long options named in the README's "## Command line" section (its table and synopsis).
sed -n '/^## Command line/,/^## /p' "$README" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$work/readme"
# Long options `vmm --help` prints.
"$VMM" --help >"$work/help.txt"
rc=$?
grep -oE -- '--[a-z][a-z0-9-]*' "$work/help.txt" | sort -u >"$work/help"
# Long options the parser accepts (vmm/config.c's struct option table).
sed -n '/struct option options\[\]/,/};/p' "$CONFIG_C" | grep -oE '\{ "[a-z0-9-]+"' |
    sed -E 's/\{ "(.*)"/--\1/' | sort -u >"$work/parser"

[ "$rc" -eq 0 ] && [ -s "$work/help" ]
check help-exits-0 "$?" "status $rc"
[ "$(wc -l <"$work/parser")" -ge 20 ]
check parser-table-found "$?" "only $(wc -l <"$work/parser") options read from $CONFIG_C"
diff "$work/parser" "$work/help" >"$work/d1"
check help-lists-every-option "$?" "parser vs --help: $(tr '\n' ' ' <"$work/d1")"
diff "$work/parser" "$work/readme" >"$work/d2"
check readme-lists-every-option "$?" "parser vs README: $(tr '\n' ' ' <"$work/d2")"
! grep -q "32-bit boot protocol)" "$work/help.txt"
check help-not-stale "$?" "--help still describes --kernel as a 32-bit-only bzImage"

summary help
