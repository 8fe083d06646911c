#!/bin/bash
# dict-tests.sh: the AFL++ dictionary (vmm/fuzz/state.dict) has every key the entry-state dump prints, in every boot protocol and paging mode, and parses as AFL++ reads dictionaries.
# Usage: tests/cli/dict-tests.sh VMM KERNEL DICT
set -u
VMM=$1
KERNEL=$2
DICT=$3
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every line is a comment, empty, or NAME="VALUE" with only the escapes both engines read:
# \\, \" and \xNN (AFL++ src/afl-fuzz-extras.c load_extras_file; libFuzzer's
# FuzzerUtil.cpp ParseOneDictionaryEntry).
bad=$(grep -vE '^(#.*|[A-Za-z0-9_]+="([^"\\]|\\[\\"]|\\x[0-9a-fA-F]{2})*")?$' "$DICT" | head -3)
[ -z "$bad" ]
check dict-lines-parse $? "lines AFL++ or libFuzzer would refuse: $bad"

for boot in linux32 linux64 elf pvh; do
    for paging in auto off nonpae pae long; do
        "$VMM" --kernel "$KERNEL" --boot=$boot --paging=$paging --dump-entry-state 2>/dev/null
    done
done | awk '!/^#/ && NF {print $1}' | sort -u >"$work/keys"
missing=""
while read -r key; do
    grep -qF "=\"$key \"" "$DICT" || missing="$missing $key"
done <"$work/keys"
[ "$(wc -l <"$work/keys")" -ge 100 ] && [ -z "$missing" ]
check dict-has-every-dumped-key $? "$(wc -l <"$work/keys") keys dumped; not in $DICT:$missing"
# The words paging.mode and boot take: the parser's own error messages list them.
missing=""
for word in linux32 linux64 elf pvh elf32 off nonpae pae long; do
    grep -qF "=\"$word\"" "$DICT" || missing="$missing $word"
done
[ -z "$missing" ]
check dict-has-every-word $? "not in $DICT:$missing"
summary dict
