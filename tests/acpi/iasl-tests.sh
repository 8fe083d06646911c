#!/bin/bash
# iasl-tests.sh: the ACPI tables acpi_build() writes pass Intel's iasl: disassembly without complaint, recompilation to the same bytes.
# Usage: tests/acpi/iasl-tests.sh BUILD_DIR (needs BUILD_DIR/tests/acpi/acpi-dump and iasl from acpica-tools)
set -u
DUMP=$1/tests/acpi/acpi-dump
. "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# What iasl 2020xxxx prints when it finds fault with a table (seen with deliberately broken ones):
# "Firmware Warning (ACPI): Incorrect checksum in table [FACP] ..." on its output and
# "/* Incorrect checksum, should be 2E */" or "**** Incorrect checksum" in the .dsl,
# "Firmware Error (ACPI): Required FADT field ... has zero address", "32/64X length mismatch",
# "**** Unknown MADT subtable type", "Invalid zero length subtable".
COMPLAINT='Error|Warning|\*\*\*\* |Invalid|Incorrect|Unknown'
# Tables with the standard header (dumped as <signature>.dat); the FACS and RSDP have none.
HEADER_TABLES="xsdt facp dsdt apic"

# disasm DIR NAME: `iasl -d NAME.dat` in DIR exits 0, writes NAME.dsl, and neither that nor
# iasl's output (NAME.out) contains a complaint.
disasm() {
    (cd "$1" && iasl -d "$2.dat" >"$2.out" 2>&1) || return 1
    [ -s "$1/$2.dsl" ] || return 1
    ! grep -E "$COMPLAINT" "$1/$2.out" "$1/$2.dsl" >"$1/$2.complaints"
}

# compile DIR FILE: iasl compiles DIR/FILE (.dsl or .asl) with no error and no warning.
compile() {
    (cd "$1" && iasl "$2" >"$2.out" 2>&1) &&
        grep -q 'Compilation successful. 0 Errors, 0 Warnings' "$1/$2.out"
}

# same_table A B: the same bytes, except those iasl writes itself when it compiles: the
# checksum (offset 9) and the creator ID and revision (28-35) of the standard header.
same_table() {
    [ "$(stat -c %s "$1")" = "$(stat -c %s "$2")" ] || return 1
    cmp -l "$1" "$2" | awk '$1 != 10 && ($1 < 29 || $1 > 36) { bad = 1 } END { exit bad }'
}

# roundtrip DIR NAME: NAME.dsl (from disasm) recompiles cleanly to NAME.dat's bytes.
roundtrip() {
    mkdir -p "$1/rt" && cp "$1/$2.dsl" "$1/rt/" && compile "$1/rt" "$2.dsl" || return 1
    if [ "$2" = facs ]; then cmp -s "$1/facs.dat" "$1/rt/facs.aml"; else same_table "$1/$2.dat" "$1/rt/$2.aml"; fi
}

# iasl cannot disassemble a raw RSDP (it has no standard header: "Binary file does not
# contain a valid ACPI table"), so its fields go into an iasl data-table source with both
# checksums 0; iasl computes them, so the compiled RSDP equals ours only if ours are right.
# rsdp_check DIR
rsdp_check() {
    local f=$1/rsdp.dat
    mkdir -p "$1/rsdp" || return 1
    {
        printf '[0008] Signature : "%s"\n' "$(dd if="$f" bs=1 count=8 2>/dev/null)"
        printf '[0001] Checksum : 00\n'
        printf '[0006] Oem ID : "%s"\n' "$(dd if="$f" bs=1 skip=9 count=6 2>/dev/null)"
        printf '[0001] Revision : %s\n' "$(od -An -tx1 -j15 -N1 "$f" | tr -d ' ')"
        printf '[0004] RSDT Address : %s\n' "$(od -An -tx4 -j16 -N4 "$f" | tr -d ' ')"
        printf '[0004] Length : %s\n' "$(od -An -tx4 -j20 -N4 "$f" | tr -d ' ')"
        printf '[0008] XSDT Address : %s\n' "$(od -An -tx8 -j24 -N8 "$f" | tr -d ' ')"
        printf '[0001] Extended Checksum : 00\n'
        printf '[0003] Reserved : 000000\n'
    } >"$1/rsdp/rsdp.asl"
    compile "$1/rsdp" rsdp.asl && cmp -s "$f" "$1/rsdp/rsdp.aml"
}

for n in 1 4 255; do
    d=$work/cpus$n
    mkdir -p "$d"
    "$DUMP" "$d" "$n" >"$d/dump.out" 2>&1
    check "dump-$n-cpus" $? "acpi-dump: $(cat "$d/dump.out")"
    for t in $HEADER_TABLES facs; do
        disasm "$d" "$t"
        check "iasl-d-$t-$n-cpus" $? "$(cat "$d/$t.complaints" "$d/$t.out" 2>/dev/null | head -n 5)"
        roundtrip "$d" "$t"
        check "recompile-$t-$n-cpus" $? \
            "iasl -> $t.aml: $(grep -hE 'Error|Warning' "$d/rt/$t.dsl.out" 2>/dev/null | head -n 3); or other bytes than $t.dat"
    done
    rsdp_check "$d"
    check "rsdp-$n-cpus" $? "iasl's RSDP with our fields differs from ours: $(cmp -l "$d/rsdp.dat" "$d/rsdp/rsdp.aml" 2>&1 | head -n 3)"
    lapics=$(grep -c 'Subtable Type : 00 \[Processor Local APIC\]' "$d/apic.dsl" 2>/dev/null)
    [ "$lapics" = "$n" ]
    check "madt-lists-$n-lapics" $? "iasl found ${lapics:-no} local APICs"
done

# The S5 package survives disassembly with the value vmm's tables give it (5, acpi_dump.c).
d=$work/cpus1
grep -A6 'Name (_S5, Package (0x04)' "$d/dsdt.dsl" | tr -d ' \n' | grep -q '{0x05,0x05,Zero,Zero})'
check dsdt-names-s5 $? "$(grep -A6 '_S5' "$d/dsdt.dsl" | tr '\n' ' ')"

# bump FILE OFFSET: add 1 to the byte at OFFSET.
bump() {
    local byte
    byte=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
    printf '%b' "\\$(printf '%03o' $(((byte + 1) % 256)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Self-checks: a broken checksum must make each check above fail, or it proves nothing.
bad=$work/bad
mkdir -p "$bad"
"$DUMP" "$bad" 4 >/dev/null 2>&1
caught=""
for t in $HEADER_TABLES; do
    bump "$bad/$t.dat" 9
    disasm "$bad" "$t" || caught="$caught $t"
done
[ "$caught" = " $HEADER_TABLES" ]
check self-check-bad-checksum-is-reported $? "iasl complained only about:${caught:- none}"
bump "$bad/rsdp.dat" 32
! rsdp_check "$bad"
check self-check-bad-rsdp-checksum-is-caught $? "a wrong extended checksum passed"

summary acpi
