#!/usr/bin/env python3
"""mkbzimage.py: wraps the probe's two flat binaries into a minimal bzImage.

Usage: mkbzimage.py LAYOUT_H PROBE32_BIN PROBE64_BIN OUT

File layout (boot.rst; setup_sects = 4, so the protected-mode code is at
file offset (4 + 1) * 512 = 0xa00):

  0x000-0x1f0  boot sector: zeros (never executed: vmm enters at the 32/64-bit entry)
  0x1f1-0x26b  setup header (jump 0xEB 0x6a: the header ends at 0x26c)
  0x26c-0x9ff  rest of the setup sectors: zeros (no real-mode code)
  0xa00-       protected-mode code, loaded at pref_address (PROBE_LOAD):
               +0x0000 probe32.bin (32-bit entry at +0, jump to the 64-bit body at +0x200)
               +PROBE64_OFFSET probe64.bin
               padded with zeros to a multiple of 16 bytes (syssize paragraphs)
"""
import re
import struct
import sys

SECTOR = 512
SETUP_SECTS = 4
HDR = 0x1f1
HDR_END = 0x26c
LOADED_HIGH = 0x01
XLF_KERNEL_64 = 0x01


def layout(path):
    defs = dict(re.findall(r'^#define (\w+) (0x[0-9a-fA-F]+)\s*$', open(path).read(), re.M))
    return {k: int(v, 16) for k, v in defs.items()}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__.split('\n\n')[1])
    lay = layout(sys.argv[1])
    load, off64, init_size = lay['PROBE_LOAD'], lay['PROBE64_OFFSET'], lay['PROBE_INIT_SIZE']
    p32 = open(sys.argv[2], 'rb').read()
    p64 = open(sys.argv[3], 'rb').read()
    if len(p32) > off64:
        sys.exit(f'mkbzimage: probe32.bin is {len(p32)} bytes, more than PROBE64_OFFSET 0x{off64:x}')
    if p32[0x200:0x201] != b'\xe9':
        sys.exit('mkbzimage: probe32.bin has no jmp rel32 (0xe9) at +0x200 (the 64-bit entry)')
    code = p32.ljust(off64, b'\0') + p64
    code = code.ljust((len(code) + 15) // 16 * 16, b'\0')
    if len(code) > init_size:
        sys.exit(f'mkbzimage: {len(code)} bytes of code exceed init_size 0x{init_size:x}')

    setup = bytearray((SETUP_SECTS + 1) * SECTOR)
    def put(off, fmt, val):
        struct.pack_into('<' + fmt, setup, off, val)
    put(0x1f1, 'B', SETUP_SECTS)          # setup_sects
    put(0x1f4, 'I', len(code) // 16)      # syssize (16-byte paragraphs)
    put(0x1fa, 'H', 0xffff)               # vid_mode: normal
    put(0x1fe, 'H', 0xaa55)               # boot_flag
    put(0x200, 'B', 0xeb)                 # jump: short jmp over the header ...
    put(0x201, 'B', HDR_END - 0x202)      # ... so the header ends at 0x26c
    setup[0x202:0x206] = b'HdrS'          # header
    put(0x206, 'H', 0x020f)               # version 2.15
    put(0x20c, 'H', 0x1000)               # start_sys_seg (obsolete)
    put(0x211, 'B', LOADED_HIGH)          # loadflags
    put(0x214, 'I', 0x100000)             # code32_start (the loader rewrites it)
    put(0x22c, 'I', 0x7fffffff)           # initrd_addr_max
    put(0x230, 'I', 0x200000)             # kernel_alignment
    put(0x234, 'B', 1)                    # relocatable_kernel: vmm loads it at pref_address
    put(0x235, 'B', 21)                   # min_alignment (2 MiB)
    put(0x236, 'H', XLF_KERNEL_64)        # xloadflags: 64-bit entry at +0x200
    put(0x238, 'I', 0x7ff)                # cmdline_size
    put(0x258, 'Q', load)                 # pref_address: where the probe is linked
    put(0x260, 'I', init_size)            # init_size
    assert len(setup) == (SETUP_SECTS + 1) * SECTOR
    with open(sys.argv[4], 'wb') as f:
        f.write(bytes(setup) + code)


if __name__ == '__main__':
    main()
