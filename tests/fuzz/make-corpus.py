#!/usr/bin/env python3
# make-corpus.py: writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/): small synthetic inputs.
"""Usage: tests/fuzz/make-corpus.py [--vmm BUILD/vmm --kernel BZIMAGE [--probe PROBE.bzimage]]

Every seed is small (< 16 KiB). The compressed seeds come from the host's
gzip, bzip2, lzma, xz, lzop, lz4 and zstd. With --vmm and --kernel, the
state seeds are `vmm --dump-entry-state` outputs (no KVM needed); without
them the state seeds already in the corpus are kept.
"""
import argparse
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
TEXT = b"vmm fuzz seed: the quick brown fox jumps over the lazy dog.\n" * 8

# boot.rst "The real-mode kernel header": offsets in the image.
HDR = 0x1F1
LOADED_HIGH = 0x01
XLF_KERNEL_64 = 0x01


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    assert len(data) < 16384, (target, name, len(data))
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def compress(cmd, data, with_size=True):
    """`cmd` over a file of `data` dated 1970 (lzop records the date); the *_with_size
    rules append the size as a LE u32 (not for gzip: its ISIZE trailer is the size)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in")
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (0, 0))
        out = subprocess.run(cmd + [path], stdout=subprocess.PIPE, check=True).stdout
    return out + struct.pack("<I", len(data)) if with_size else out


# Small windows and blocks: a seed's header asks the decoder for little
# memory, so the fuzzer starts fast (a 64 MiB LZMA dictionary costs 70 ms).
COMPRESSORS = {
    "gzip": (["gzip", "-9", "-n", "-c"], False),
    "bzip2": (["bzip2", "-1", "-c"], True),
    "lzma": (["lzma", "--lzma1=preset=6,dict=64KiB", "-c"], True),
    "xz": (["xz", "--check=crc32", "--lzma2=preset=6,dict=64KiB", "-c"], True),
    "lzo": (["lzop", "-9", "-c", "--no-name"], True),
    "lz4": (["lz4", "-l", "-9", "-c"], True),
    "zstd": (["zstd", "-19", "-q", "-c"], True),
}


def packed(fmt, data):
    """`data` as a kernel payload in format `fmt`."""
    cmd, with_size = COMPRESSORS[fmt]
    return compress(cmd, data, with_size)


def note(name, ntype, desc):
    """One ELF note, name and desc padded to 4 (fixtures.c fixture_note())."""
    n = name + b"\0"
    pad = lambda b: b + b"\0" * (-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)


def elf(pvh_desc=struct.pack("<Q", 0x100040)):
    """fixtures.c fixture_elf(): ET_EXEC x86-64, text at 1 MiB, data at 2 MiB, notes with the PVH entry."""
    notes = note(b"GNU", 3, bytes([1, 2, 3]) + bytes(17)) + note(b"Xen", 6, b"linux\0")
    if pvh_desc is not None:
        notes += note(b"Xen", 18, pvh_desc)
    img = bytearray(0x400)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    img[0:64] = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x100000, 0x40, 0, 0,
                                    64, 56, 3, 0, 0, 0)
    phdr = lambda t, fl, off, va, pa, fs, ms, al: struct.pack(
        "<IIQQQQQQ", t, fl, off, va, pa, fs, ms, al)
    img[0x40:0x40 + 56 * 3] = (phdr(1, 5, 0x200, 0xffffffff80100000, 0x100000, 0x100, 0x100, 0x1000) +
                               phdr(1, 6, 0x300, 0, 0x200000, 0x80, 0x1000, 0x1000) +
                               phdr(4, 4, 0x100, 0, 0, len(notes), len(notes), 4))
    img[0x100:0x100 + len(notes)] = notes
    img[0x200:0x300] = bytes((i * 5 + 1) & 0xFF for i in range(0x100))
    img[0x300:0x380] = bytes((i * 3 + 2) & 0xFF for i in range(0x80))
    return bytes(img)


def elf32(pvh_desc=struct.pack("<I", 0x100040)):
    """fixtures.c fixture_elf32(): the same image as an i386 ELF32 vmlinux (text p_vaddr 0xc0100000)."""
    img = bytearray(elf(pvh_desc))
    img[0:0x100] = bytes(0x100)
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    img[0:52] = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, 0x100000, 0x40, 0, 0,
                                    52, 32, 3, 0, 0, 0)
    notes_len = struct.unpack_from("<Q", elf(pvh_desc), 0x40 + 56 * 2 + 32)[0]
    phdr = lambda t, off, va, pa, fs, ms, fl, al: struct.pack(
        "<IIIIIIII", t, off, va, pa, fs, ms, fl, al)
    img[0x40:0x40 + 32 * 3] = (phdr(1, 0x200, 0xc0100000, 0x100000, 0x100, 0x100, 5, 0x1000) +
                               phdr(1, 0x300, 0, 0x200000, 0x80, 0x1000, 6, 0x1000) +
                               phdr(4, 0x100, 0, 0, notes_len, notes_len, 4, 4))
    return bytes(img)


def bzimage(payload=b"", version=0x020F, relocatable=1, xloadflags=XLF_KERNEL_64,
            init_size=0x100000, pm_extra=256):
    """A protocol 2.10+ bzImage: 1 setup sector, then the protected-mode code holding `payload`."""
    pm = payload + bytes(pm_extra)
    pm += bytes(-len(pm) % 16)
    img = bytearray(2 * 512) + pm
    img[0x1EF] = 0xFF  # sentinel, as in real images
    struct.pack_into("<BHI", img, 0x1F1, 1, 0, len(pm) // 16)  # setup_sects, root_flags, syssize
    struct.pack_into("<H", img, 0x1FE, 0xAA55)  # boot_flag
    img[0x200:0x202] = b"\xeb\x6a"  # jump: the header ends at 0x26c
    struct.pack_into("<IH", img, 0x202, 0x53726448, version)  # "HdrS"
    img[0x211] = LOADED_HIGH
    struct.pack_into("<I", img, 0x214, 0x100000)  # code32_start
    struct.pack_into("<IIBBHI", img, 0x22C, 0x7FFFFFFF, 0x200000, relocatable, 21,
                     xloadflags, 0x7FF)  # initrd_addr_max .. cmdline_size
    struct.pack_into("<II", img, 0x248, 0, len(payload))  # payload_offset, payload_length
    struct.pack_into("<QI", img, 0x258, 0x1000000, init_size)  # pref_address, init_size
    return bytes(img)


def bzimage_seeds():
    gz = packed("gzip", elf())
    xz = packed("xz", elf())
    # Option byte (fuzz_bzimage.c): bits 0-2 entry, 3-5 paging, 6 large pages, 7 initrd.
    write("bzimage", "auto-gzip-payload", b"\x00" + bzimage(gz))
    write("bzimage", "pvh-gzip-payload", b"\x07" + bzimage(gz))
    write("bzimage", "elf-xz-payload", b"\x06" + bzimage(xz))
    write("bzimage", "linux32-initrd-cmdline", b"\x84" + bzimage(gz))
    write("bzimage", "linux64-nonpae-large", b"\x55" + bzimage(gz))
    write("bzimage", "linux32-pae", b"\x1c" + bzimage())
    write("bzimage", "v2.10-not-relocatable", b"\x00" + bzimage(version=0x020A, relocatable=0,
                                                                 xloadflags=0))
    write("bzimage", "elf-file", b"\x00" + elf())
    write("bzimage", "elf-file-pvh", b"\x07" + elf())
    write("bzimage", "elf32-file", b"\x00" + elf32())
    write("bzimage", "elf32-file-pvh", b"\x07" + elf32())
    write("bzimage", "elf32-xz-payload-pae", b"\x1e" + bzimage(packed("xz", elf32())))


def elf_seeds():
    write("elf_pvh", "vmlinux-pvh8", elf())
    write("elf_pvh", "vmlinux-pvh4", elf(struct.pack("<I", 0x100040)))
    write("elf_pvh", "vmlinux-no-pvh", elf(None))
    write("elf_pvh", "vmlinux32-pvh4", elf32())
    write("elf_pvh", "notes-only", note(b"GNU", 3, bytes(20)) +
          note(b"Xen", 18, struct.pack("<Q", 0x1000000)))


def decompress_seeds():
    for name in COMPRESSORS:
        write("decompress", name, packed(name, TEXT))
    write("decompress", "gzip-elf", packed("gzip", elf()))


def state_seeds(args):
    if not (args.vmm and args.kernel):
        return
    shutil.rmtree(os.path.join(CORPUS, "state"), ignore_errors=True)
    runs = {
        "linux64": [args.kernel, "--boot=linux64"],
        "linux32": [args.kernel, "--boot=linux32"],
        "linux32-nonpae-large": [args.kernel, "--boot=linux32", "--paging=nonpae", "--large-pages"],
        "linux32-pae": [args.kernel, "--boot=linux32", "--paging=pae"],
        "pvh": [args.kernel, "--boot=pvh"],
    }
    if args.probe:
        runs["probe"] = [args.probe]
        runs["probe-cs-ds"] = [args.probe, "--boot-cs=0x20", "--boot-ds=0x28"]
    for name, (kernel, *opts) in runs.items():
        out = subprocess.run([args.vmm, "--kernel", kernel, *opts, "--dump-entry-state"],
                             stdout=subprocess.PIPE, check=True).stdout
        write("state", name, out)


def mutator_image_seeds(args):
    """`vmm fuzz --mutator-image` files (no KVM needed) small enough for a seed: page tables
    of 32-bit paging (the 4-level ones and the zero page are over 16 KiB together)."""
    if not (args.vmm and args.kernel):
        return
    shutil.rmtree(os.path.join(CORPUS, "mutator_image"), ignore_errors=True)
    runs = {
        "linux32-pae": ["--boot=linux32", "--paging=pae"],
        "linux32-nonpae-large-wild": ["--boot=linux32", "--paging=nonpae", "--large-pages",
                                      "--fuzz-mode", "wild"],
        "pvh": ["--boot=pvh"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in runs.items():
            path = os.path.join(tmp, name)
            subprocess.run([args.vmm, "fuzz", "--kernel", args.kernel, *opts, "--mutator-image", path],
                           check=True, stderr=subprocess.DEVNULL)
            with open(path, "rb") as f:
                write("mutator_image", name, f.read())


def pagetable_seeds():
    def spec(flags, base, limit, map_end):
        return struct.pack("<B", flags) + (base // 4096).to_bytes(3, "little") + \
            struct.pack("<I", limit) + map_end.to_bytes(5, "little")

    walks = b"".join(b"\x00" + struct.pack("<Q", va) for va in
                     (0, 0x1234, 0x3FFFFF, 0x400000, 0x2000000, 0xFFFFFFFF, 1 << 40))
    other = b"\x0a" + (0x30000).to_bytes(5, "little") + struct.pack("<Q", 0x200000)
    poke = b"\x03" + (8).to_bytes(3, "little") + struct.pack("<Q", 0x83)
    # fuzz_pagetable.c flags: bits 0-1 mode, 2 large, 3 PSE, 4 big RAM.
    write("pagetable", "nonpae-4k", spec(0x01, 0x30000, 0x6D000, 64 << 20) + walks)
    write("pagetable", "nonpae-4m-pse", spec(0x0D, 0x30000, 0x6D000, 64 << 20) + walks)
    write("pagetable", "pae", spec(0x02, 0x30000, 0x6D000, 4 << 30) + walks + other)
    write("pagetable", "long", spec(0x03, 0x30000, 0x6D000, 64 << 30) + walks + poke + walks)
    write("pagetable", "long-high-ram", spec(0x13, 1 << 32, 1 << 24, 512 << 30) + walks)
    write("pagetable", "off", spec(0x00, 0, 0, 0) + walks)


def uart_bus_seeds():
    def out(port, val, width=0):  # op: bits 0-1 0 access, bit 6 write, bits 2-4 width index
        return bytes([0x40 | width << 2]) + struct.pack("<HQ", port, val)

    def inp(port):
        return b"\x00" + struct.pack("<H", port)

    def rx(c):
        return bytes([0x02, c])

    com1 = (out(0x3FB, 0x80) + out(0x3F8, 12) + out(0x3F9, 0) + out(0x3FB, 0x03) +
            out(0x3FA, 0xC7) + out(0x3F9, 0x0F) + out(0x3FC, 0x0B) + inp(0x3FA) +
            out(0x3F8, ord("h")) + out(0x3F8, ord("i")) + inp(0x3FD) +
            b"".join(rx(c) for c in b"hello") + inp(0x3FA) + inp(0x3F8) + inp(0x3F8) +
            inp(0x3FD) + inp(0x3FE) + out(0x3FC, 0x10) + out(0x3F8, 0x55) + inp(0x3F8))
    rtc = b"".join(out(0x70, r) + inp(0x71) for r in (0, 2, 4, 6, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x0D, 0x32))
    rtc += out(0x70, 0x0B) + out(0x71, 0x86) + out(0x70, 0) + out(0x71, 0x59) + \
        out(0x70, 0x0B) + out(0x71, 0x06) + b"\x03\xe8\x03" + b"\x83\x10\x0e" + out(0x70, 0x0C) + inp(0x71)
    misc = (inp(0x64) + inp(0x60) + out(0x64, 0xFE) + out(0xF4, 0x31, 4) +
            out(0x3F0, 123) + bytes([0x60]) + bytes([8]) + struct.pack("<Q", 123) +
            inp(0x61) + bytes([0x18]) + struct.pack("<H", 0x3F8) + bytes([0x1C]) + struct.pack("<H", 0x70))
    write("uart_bus", "com1", com1)
    write("uart_bus", "rtc", rtc)
    write("uart_bus", "i8042-debug-exit-boot-timer", misc)


def cli_seeds():
    sets = [
        ["--kernel", "bzImage"],
        ["-k", "bzImage", "-i", "initrd", "-a", "console=ttyS0", "-m", "512M", "-v"],
        ["--kernel=vmlinux", "--boot=pvh", "--paging=auto", "--mem=1G", "--timeout", "30"],
        ["-k", "k", "--boot", "linux32", "--paging", "nonpae", "--large-pages",
         "--boot-cs", "0x20", "--boot-ds", "0x28", "--keep-segments", "--hardware-subarch", "0"],
        ["-k", "k", "--dump-entry-state", "--entry-state", "state.txt", "--no-validate",
         "--no-seccomp", "--timing=json", "--timing-marker", "login:"],
        ["-k", "k", "--extract-vmlinux", "out", "--payload-cache", "/tmp/c", "--no-payload-cache"],
        ["-vk", "k", "-m65536K"],
        ["--help"],
        ["-V"],
        ["-k"],
        ["--bogus", "x"],
    ]
    for i, argv in enumerate(sets):
        write("cli", "argv-%02d" % i, b"\0".join(a.encode() for a in argv))


def pcache_checksum(data):
    """payload_cache.c pcache_checksum(): multiply-rotate over LE 64-bit words."""
    p, m = 0x9E3779B97F4A7C15, (1 << 64) - 1
    h, i = (len(data) * p) & m, 0
    while i + 8 <= len(data):
        h = ((h ^ int.from_bytes(data[i:i + 8], "little")) * p) & m
        h ^= h >> 29
        i += 8
    w = 0
    for b in data[i:]:
        w = ((w << 8) | b) & m
    h = ((h ^ w) * p) & m
    return h ^ (h >> 32)


def pcache_entry(key, data):
    hdr = b"VMMPAYL1" + key + struct.pack("<QQ", len(data), pcache_checksum(data))
    return hdr + bytes(64 - len(hdr)) + data


def payload_cache_seeds():
    fixed = bytes([0x5A, 1, 2, 3]) + bytes(28)  # fuzz_payload_cache.c fixed_key
    write("payload_cache", "fixed-key-elf", pcache_entry(fixed, elf()))
    write("payload_cache", "fixed-key-text", pcache_entry(fixed, TEXT[:61]))
    write("payload_cache", "sha-key", pcache_entry(hashlib.sha256(b"payload").digest(), TEXT))
    write("payload_cache", "empty-data", pcache_entry(fixed, b""))

def symtab_elf(syms):
    """An ELF64 file with .text, .data, .symtab and .strtab sections only:
    syms is [(name, value, size, st_info, shndx)]; section 1 is .text."""
    strtab = b"\0" + b"".join(n.encode() + b"\0" for n, *_ in syms)
    symtab, at = bytes(24), 1
    for name, value, size, info, shndx in syms:
        symtab += struct.pack("<IBBHQQ", at, info, 0, shndx, value, size)
        at += len(name) + 1
    off_sym = 64 + 5 * 64
    off_str = off_sym + len(symtab)
    ehdr = (b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
            + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, 64, 0, 64, 0, 0, 64, 5, 4))
    shdr = lambda t, fl, off, sz, link=0, ent=0: struct.pack(
        "<IIQQQQIIQQ", 0, t, fl, 0, off, sz, link, 0, 1, ent)
    shdrs = (bytes(64) + shdr(1, 0x6, 0, 0) + shdr(1, 0x3, 0, 0)
             + shdr(2, 0, off_sym, len(symtab), 4, 24) + shdr(3, 0, off_str, len(strtab)))
    return ehdr + shdrs + symtab + strtab


def kallsyms_tables(word, order, n=300, base=0xFFFFFFFF81000000, percpu=True):
    """The kallsyms tables as Linux's scripts/kallsyms lays them out (symbols_kallsyms.c):
    order "old" (up to 6.3, with seqs_of_names) or "new" (6.4 on); `word`: pointer size."""
    syms = [("T", "_text", base)] + [("t" if i % 2 else "T", "fn_%d" % i, base + 16 * i)
                                       for i in range(1, n)]
    syms[n // 2] = ("T", "start_kernel", syms[n // 2][2])
    out = bytearray(b"rodata before the tables\0")

    def label():
        while len(out) % word:
            out.append(0)

    def offsets():
        label()
        for _, _, a in syms:
            out.extend(struct.pack("<i", base - a - 1) if percpu else struct.pack("<I", a - base))
        label()
        out.extend(struct.pack("<Q" if word == 8 else "<I", base))

    def seqs():
        label()
        for i in range(n):
            out.extend(struct.pack(">I", i)[1:])

    if order == "old":
        offsets()
    label()
    out.extend(struct.pack("<I", n))
    label()
    start, markers = len(out), []
    for i, (t, name, _) in enumerate(syms):
        if i % 256 == 0:
            markers.append(len(out) - start)
        enc = (t + name).encode()
        out.append(len(enc))
        out.extend(enc)
    label()
    for m in markers:
        out.extend(struct.pack("<I", m))
    if order == "old":
        seqs()
    label()
    index, tstart = [], len(out)
    for i in range(256):
        index.append(len(out) - tstart)
        out.extend((bytes([i]) if 32 < i < 127 else b"?") + b"\0")
    label()
    for x in index:
        out.extend(struct.pack("<H", x))
    if order == "new":
        offsets()
        seqs()
    return bytes(out) + b"after"


def stripped_elf(word, tables):
    """An ELF file of `word`'s class with no sections but a null one (no .symtab), then
    `tables` at offset 128 (aligned)."""
    if word == 8:
        hdr = (b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
               + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, 64, 0, 64, 0, 0, 64, 1, 0))
    else:
        hdr = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9) + struct.pack("<HHI", 2, 3, 1)
    return hdr + bytes(128 - len(hdr)) + tables


def symbols_seeds():
    text = 0xFFFFFFFF81000000
    write("symbols", "system-map", (
        "0000000001000000 A phys_startup_64\n"
        "ffffffff81000000 T _text\n"
        "ffffffff81000000 T startup_64\n"
        "ffffffff81000100 t helper\n"
        "ffffffff81000200 T start_kernel\n"
        "ffffffff81000300 W weak_fn\n"
        "ffffffff82000000 D jiffies\n"
        "ffffffff81000600 T _etext\n").encode())
    write("symbols", "kallsyms", b"ffffffffc0000000 t mod_fn\t[ext4]\n"
          b"                 U undef\n0000000000000000 T zero\n")
    glob, loc, weak = 0x10, 0x00, 0x20
    write("symbols", "elf-symtab", symtab_elf([
        ("startup_64", text, 0, glob | 0, 1),             # STT_NOTYPE in .text
        ("start_kernel", text + 0x100, 0x80, glob | 2, 1),  # STT_FUNC
        ("helper", text + 0x200, 0x40, loc | 2, 1),
        ("weak_fn", text + 0x180, 0x10, weak | 2, 1),
        ("jiffies", text + 0x1000000, 8, glob | 1, 2),    # STT_OBJECT in .data
        ("abs", 0x1000, 0, glob | 0, 0xFFF1),             # SHN_ABS
    ]))
    write("symbols", "kallsyms-elf64-old", stripped_elf(8, kallsyms_tables(8, "old")))
    write("symbols", "kallsyms-elf64-new", stripped_elf(8, kallsyms_tables(8, "new")))
    write("symbols", "kallsyms-elf32-new", stripped_elf(4, kallsyms_tables(
        4, "new", base=0xC1000000, percpu=False)))


def guest_walk_seeds():
    """fuzz_guest_walk.c: registers (rip rsp rbp cr0 cr3 cr4 efer idt_base), flags (bits 0-1
    CPL, bit 2 64-bit code), _text's and the divide-error handler's link addresses, an address
    to read at, a byte of read lengths, then pokes (4-byte guest-physical address, 8 bytes)."""
    def head(rip, rsp, rbp, cr0, cr3, cr4, efer, idt, flags, link_text=0, link_handler=0,
             read_va=0, read_len=8):
        return struct.pack("<8QB3QB", rip, rsp, rbp, cr0, cr3, cr4, efer, idt, flags,
                           link_text, link_handler, read_va, read_len - 1)

    def pokes(*pairs):
        return b"".join(struct.pack("<IQ", gpa, v) for gpa, v in pairs)

    pg, pae, pse, la57, lma = 0x80000011, 0x20, 0x10, 0x1000, 0x500
    text, moved = 0xFFFFFFFF81000000, 0xFFFFFFFF81200000  # slid by 2 MiB, at 16 MiB
    # x86-64: PML4[511] -> PDPT[510] -> PD[9], a 2 MiB page; PD[10] -> a page table whose two
    # 4 KiB pages lie apart, read across; two frames whose return addresses follow a CALL.
    split = moved + 0x200000
    tables = ((0x1000 + 511 * 8, 0x2003), (0x2000 + 510 * 8, 0x3003), (0x3000 + 9 * 8, 0x1000083),
              (0x3000 + 10 * 8, 0x9003), (0x9000, 0x20003), (0x9008, 0x50003),
              (0x20FF8, 0x1122334455667788), (0x50000, 0x99AABBCCDDEEFF00))
    stack = ((0x1100010, moved + 0x100040), (0x1100018, moved + 0x205),
             (0x1100040, 0), (0x1100048, moved + 0x305),
             (0x1000200, 0x90909000000000E8), (0x1000300, 0x90909000000000E8))
    write("guest_walk", "long-kaslr-two-frames",
          head(moved + 0x100, moved + 0x100000, moved + 0x100010, pg, 0x1000, pae, lma, 0, 4,
               text, 0, split + 0xFFC, 16) + pokes(*tables, *stack))
    write("guest_walk", "la57-kaslr-two-frames",
          head(moved + 0x100, moved + 0x100000, moved + 0x100010, pg, 0x4000, pae | la57, lma, 0,
               4, text, 0, split + 0xFF0, 32) + pokes((0x4000 + 511 * 8, 0x1003), *tables, *stack))
    # 32-bit kernels: the IDT's vector 0 gate points 16 KiB above its link-time handler.
    gate = 0xC1238E0000604000
    write("guest_walk", "pae-idt",
          head(0xC1000000, 0xC0100000, 0, pg, 0x5000, pae, 0, 0xC0007000, 0, 0, 0xC1230000,
               0xC01FFFFC) + pokes((0x5000 + 3 * 8, 0x6001), (0x6000, 0x83), (0x7000, gate)))
    write("guest_walk", "nonpae-4m-idt",
          head(0xC1000000, 0xC0100000, 0, pg, 0x8000, pse, 0, 0xC0007000, 0, 0, 0xC1230000,
               0xC03FFFFC) + pokes((0x8000 + 0x300 * 4, 0x83), (0x7000, gate)))
    write("guest_walk", "paging-off", head(0x100000, 0x8000, 0x8010, 0x11, 0, 0, 0, 0, 0, 0, 0,
                                           0xFFFFFFFC) + pokes((0x8010, 0x9000), (0x8018, 0x100205)))


def json_seeds():
    """fuzz_json.c: the reader's buffer size less one, then the value."""
    write("json", "plain", b"\xff" + b"triple-fault at 0xfff0")
    write("json", "escapes", b"\x10" + b'say "hi"\\ \x01\x1f\x7f tab\there \xc3\xa9')
    write("json", "line", b"\xff" + b'{"outcome":"reached","signature":"a\\"b","k":1}')


def console_watch_seeds():
    """fuzz_console_watch.c: the text's length less one, the text, then the stream."""
    marker = b"login:"
    write("console_watch", "marker", bytes([len(marker) - 1]) + marker +
          b"Debian login: x\r\nlogin:login:")
    write("console_watch", "overlapping", b"\x02aba" + b"abababa")
    write("console_watch", "panic", b"\x00K" +
          b"[ 1.0] KKernel panic - not syncing: VFS: Unable to mount root fs\r\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vmm")
    ap.add_argument("--kernel")
    ap.add_argument("--probe")
    args = ap.parse_args()
    for target in ("bzimage", "elf_pvh", "decompress", "pagetable", "uart_bus", "cli",
                   "payload_cache", "symbols", "guest_walk", "json", "console_watch"):
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
    bzimage_seeds()
    elf_seeds()
    decompress_seeds()
    state_seeds(args)
    mutator_image_seeds(args)
    pagetable_seeds()
    uart_bus_seeds()
    cli_seeds()
    payload_cache_seeds()
    symbols_seeds()
    guest_walk_seeds()
    json_seeds()
    console_watch_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
