#!/bin/bash
# build.sh: builds the entry-state probe bzImage (run by tests/probe/meson.build).
# Usage: build.sh OUT WORKDIR [CC [LD [OBJCOPY [PYTHON3 [ELF64_OUT [ELF32_OUT]]]]]]
# ELF64_OUT: a copy of the 64-bit body's ELF with its symbols (--profile --symbols);
# ELF32_OUT: the 32-bit body's ELF32 (i386) file, which boots alone by --boot=elf32.
# Each body is compiled freestanding, linked at its fixed address (probe.ld.S,
# layout.h), flattened with objcopy and wrapped into a bzImage by mkbzimage.py.
set -euo pipefail
OUT=$1
WORK=$2
CC=${3:-gcc}
LD=${4:-ld}
OBJCOPY=${5:-objcopy}
PYTHON=${6:-python3}
ELF_OUT=${7:-}
ELF32_OUT=${8:-}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CFLAGS=(-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -fno-builtin
        -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables
        -fno-unwind-tables -fno-omit-frame-pointer -fcf-protection=none -mno-sse -mno-sse2 -mno-mmx -mno-80387
        -mgeneral-regs-only -I"$SRC")
mkdir -p "$WORK"
for bits in 32 64; do
    if [ "$bits" = 32 ]; then arch=(-m32 -march=i686); emul=elf_i386; else arch=(-m64 -mno-red-zone -mcmodel=small); emul=elf_x86_64; fi
    "$CC" "${arch[@]}" "${CFLAGS[@]}" -c "$SRC/entry$bits.S" -o "$WORK/entry$bits.o"
    "$CC" "${arch[@]}" "${CFLAGS[@]}" -c "$SRC/probe.c" -o "$WORK/probe$bits.o"
    "$CC" -E -P -x c -DPROBE_BITS="$bits" -I"$SRC" "$SRC/probe.ld.S" -o "$WORK/probe$bits.ld"
    "$LD" -m "$emul" -nostdlib -static --no-dynamic-linker -z noexecstack --build-id=none \
        -T "$WORK/probe$bits.ld" -o "$WORK/probe$bits.elf" "$WORK/entry$bits.o" "$WORK/probe$bits.o"
    "$OBJCOPY" -O binary "$WORK/probe$bits.elf" "$WORK/probe$bits.bin"
done
"$PYTHON" "$SRC/mkbzimage.py" "$SRC/layout.h" "$WORK/probe32.bin" "$WORK/probe64.bin" "$OUT"
[ -z "$ELF_OUT" ] || cp "$WORK/probe64.elf" "$ELF_OUT"
[ -z "$ELF32_OUT" ] || cp "$WORK/probe32.elf" "$ELF32_OUT"
