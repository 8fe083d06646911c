#!/usr/bin/env python3
"""gen.py: writes the bad-input corpus for vmm (issue 5, item 4).

Usage: tests/badinput/gen.py OUTDIR KERNEL VMLINUX

KERNEL is a real bzImage (Debian's amd64 vmlinuz: xz payload, protocol 2.15,
relocatable), VMLINUX its ELF vmlinux (`vmm --kernel KERNEL --extract-vmlinux
VMLINUX`, with a XEN_ELFNOTE_PHYS32_ENTRY note). Every case is a malformed
input (a mutated bzImage, ELF, payload, initrd, command line or entry-state
file) or a bad option value that vmm must refuse before it opens /dev/kvm.

OUTDIR/cases.tsv has one case per line, fields separated by tabs:

    NAME  EXIT  REGEX  ARG...

EXIT is the exit status vmm must give, REGEX a POSIX ERE (grep -E) that the
single line vmm prints on stderr must match, ARG... vmm's arguments. Paths in
the arguments are relative to OUTDIR (the runner runs vmm there). An argument
written `<@FILE` stands for the contents of OUTDIR/FILE (long command lines).
Lines starting with '#' are comments.

Stdlib only; the small streams of each compression format are made with the
host's gzip, bzip2, lzma, xz, lzop, lz4 and zstd (a format whose tool is
missing is skipped with a note on stderr).
"""

import os
import re
import struct
import subprocess
import sys
import zlib

USAGE = 1  # vmm's exit status for usage and input errors


def ere(s):
    """A POSIX ERE that matches the literal string s."""
    return re.sub(r'([.\[\]()*+?{}|^$\\])', r'\\\1', s)


BLOCK = 1 << 16  # Corpus.write's unit: an all-zero block becomes a hole


class Patched:
    """An image as its base bytes plus a few (offset, bytes) patches: a case that changes a
    header field of a 66 MB vmlinux is written from the base without copying it."""

    def __init__(self, base, patches=()):
        self.base = base
        self.patches = tuple(patches)

    def __len__(self):
        return len(self.base)

    def with_patch(self, off, data):
        return Patched(self.base, self.patches + ((off, bytes(data)),))

    def chunk(self, view, at):
        """The image's block at `at` (a slice of the base's view) and whether a patch changed it."""
        end = min(at + BLOCK, len(view))
        hits = [(o, d) for o, d in self.patches if o < end and o + len(d) > at]
        if not hits:
            return view[at:end], False
        out = bytearray(view[at:end])
        for o, d in hits:
            lo, hi = max(o, at), min(o + len(d), end)
            out[lo - at:hi - at] = d[lo - o:hi - o]
        return bytes(out), True

    def materialize(self):
        out = bytearray(self.base)
        for o, d in self.patches:
            out[o:o + len(d)] = d
        return out


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.cases = []
        self.names = set()
        self.skipped = []
        self._zero_cache = []

    def path(self, name):
        return os.path.join(self.outdir, name)

    def write(self, name, data):
        """Write OUTDIR/name (bytes, or a Patched image streamed from its base); runs of zero
        blocks become holes (half of a vmlinux is zeros, and the corpus holds dozens of
        copies)."""
        patched = data if isinstance(data, Patched) else Patched(data)
        base = memoryview(patched.base)
        zero = self._zero_blocks(patched.base)
        with open(self.path(name), 'wb') as f:
            for k, at in enumerate(range(0, len(base), BLOCK)):
                chunk, changed = patched.chunk(base, at)
                if zero[k] and not changed:
                    f.seek(BLOCK, os.SEEK_CUR)
                else:
                    f.write(chunk)
            f.truncate(len(base))
        return name

    def _zero_blocks(self, base):
        """Which whole BLOCK-sized blocks of base are all zeros, worked out once per base (the
        last two kept, with their bases: id() names them only while they live)."""
        for kept, zero in self._zero_cache:
            if kept is base:
                return zero
        view, zero_block = memoryview(base), bytes(BLOCK)
        zero = [view[at:at + BLOCK] == zero_block for at in range(0, len(base), BLOCK)]
        self._zero_cache = [(base, zero)] + self._zero_cache[:1]
        return zero

    def sparse(self, name, size):
        with open(self.path(name), 'wb') as f:
            f.truncate(size)
        return name

    def case(self, name, regex, *args, rc=USAGE):
        assert name not in self.names, name
        assert regex and regex != '.', name
        for field in (name, regex) + args:
            assert '\t' not in field and '\n' not in field, (name, field)
        self.names.add(name)
        self.cases.append((name, str(rc), regex) + tuple(args))

    def save(self):
        with open(self.path('cases.tsv'), 'w') as f:
            f.write('# name\texit\tstderr regex (ERE)\tvmm arguments (relative to this '
                    'directory; <@FILE = contents of FILE)\n')
            for c in self.cases:
                f.write('\t'.join(c) + '\n')


# --- the bzImage setup header (Documentation/arch/x86/boot.rst) ------------

HDR = {
    'setup_sects': (0x1f1, 'B'),
    'syssize': (0x1f4, 'I'),
    'boot_flag': (0x1fe, 'H'),
    'jump': (0x200, 'H'),
    'header': (0x202, 'I'),
    'version': (0x206, 'H'),
    'loadflags': (0x211, 'B'),
    'initrd_addr_max': (0x22c, 'I'),
    'kernel_alignment': (0x230, 'I'),
    'relocatable_kernel': (0x234, 'B'),
    'xloadflags': (0x236, 'H'),
    'cmdline_size': (0x238, 'I'),
    'payload_offset': (0x248, 'I'),
    'payload_length': (0x24c, 'I'),
    'pref_address': (0x258, 'Q'),
    'init_size': (0x260, 'I'),
}
HDR_END = 0x26c  # sizeof(struct setup_header) + 0x1f1 for protocol 2.15


def hget(img, field):
    off, fmt = HDR[field]
    return struct.unpack_from('<' + fmt, img, off)[0]


def hset(img, **fields):
    out = bytearray(img)
    for field, value in fields.items():
        off, fmt = HDR[field]
        struct.pack_into('<' + fmt, out, off, value)
    return bytes(out)


class BzImage:
    def __init__(self, data):
        self.data = data
        sects = data[0x1f1] or 4
        self.pm_offset = (sects + 1) * 512
        self.pm_size = hget(data, 'syssize') * 16
        self.payload_offset = hget(data, 'payload_offset')
        self.payload_length = hget(data, 'payload_length')
        start = self.pm_offset + self.payload_offset
        self.payload = data[start:start + self.payload_length]
        self.declared = struct.unpack('<I', self.payload[-4:])[0]

    def with_payload(self, payload):
        """The image with its payload replaced: payload_length and syssize
        patched, the protected-mode code after the payload kept."""
        pm = self.data[self.pm_offset:self.pm_offset + self.pm_size]
        end = self.payload_offset + self.payload_length
        pm = pm[:self.payload_offset] + payload + pm[end:]
        pm += b'\0' * (-len(pm) % 16)
        img = self.data[:self.pm_offset] + pm
        return hset(img, payload_length=len(payload), syssize=len(pm) // 16)

    def with_bytes(self, payload_pos, data):
        """The image with bytes overwritten at payload_pos inside the payload."""
        out = bytearray(self.data)
        at = self.pm_offset + self.payload_offset + payload_pos
        out[at:at + len(data)] = data
        return bytes(out)


def le32(n):
    return struct.pack('<I', n & 0xffffffff)


# --- header cases ----------------------------------------------------------

def bzimage_cases(c, kimg):
    bz = BzImage(kimg)
    n = len(kimg)
    pm_avail = n - bz.pm_offset
    pm_size = bz.pm_size
    sects = kimg[0x1f1]
    init_size = hget(kimg, 'init_size')
    pref = hget(kimg, 'pref_address')

    def hdr_case(name, regex, *extra, **fields):
        c.case(name, regex, '--kernel', c.write(name, hset(kimg, **fields)), *extra)

    hdr_case('bz-boot-flag', ere('bzimage: boot_flag 0x1234 is not 0xaa55'), boot_flag=0x1234)
    hdr_case('bz-boot-flag-swapped', ere('bzimage: boot_flag 0x55aa is not 0xaa55'), boot_flag=0x55aa)
    hdr_case('bz-hdrs-magic', ere('bzimage: header magic 0x58726448 is not "HdrS"'),
             header=0x58726448)
    hdr_case('bz-hdrs-zero', ere('bzimage: header magic 0x00000000 is not "HdrS"'), header=0)
    hdr_case('bz-version-2.09', ere('bzimage: boot protocol version 2.09 is too old: need 2.10'),
             version=0x0209)
    hdr_case('bz-version-0', ere('bzimage: boot protocol version 0.00 is too old'), version=0)
    hdr_case('bz-loadflags-zero', ere('bzimage: loadflags 0x00 lack LOADED_HIGH'), loadflags=0)
    hdr_case('bz-loadflags-heap-only', ere('bzimage: loadflags 0x80 lack LOADED_HIGH'),
             loadflags=0x80)

    # setup_sects: the protected-mode code must start inside the file.
    c.case('bz-setup-sects-past-eof',
           ere('bzimage: setup_sects 100 puts the protected-mode code at 0xca00, '
               'past the end of the 30000-byte file'),
           '--kernel', c.write('bz-setup-sects-past-eof', hset(kimg, setup_sects=100)[:30000]))
    hdr_case('bz-setup-sects-255',
             ere('bzimage: syssize 0x%x (%d bytes) does not match the %d bytes of protected-mode code'
                 % (pm_size // 16, pm_size, n - 256 * 512)),
             setup_sects=255)
    # 0 means 4: the header is valid, but the payload is then read from setup code.
    hdr_case('bz-setup-sects-0-payload',
             ere('payload: unknown compression format (first bytes '),
             '--boot=elf', setup_sects=0)

    # syssize: the protected-mode code it declares must be in the file.
    hdr_case('bz-syssize-0', ere('bzimage: syssize 0x0 (0 bytes) does not match the %d bytes'
                                 % pm_avail), syssize=0)
    hdr_case('bz-syssize-max', ere('bzimage: syssize 0xffffffff (68719476720 bytes) does not match'),
             syssize=0xffffffff)
    big = (pm_avail + 16) // 16
    hdr_case('bz-syssize-one-more', ere('bzimage: syssize 0x%x (%d bytes) does not match the %d bytes'
                                        % (big, big * 16, pm_avail)), syssize=big)

    # The jump at 0x200 gives the header's end: 0x202 + its second byte.
    def jump(b):
        return (hget(kimg, 'jump') & 0xff) | b << 8

    hdr_case('bz-jump-header-end-0x291',
             ere("bzimage: jump 0x%04x puts the header end at 0x291, beyond boot_params' limit 0x290"
                 % jump(0x8f)), jump=jump(0x8f))
    hdr_case('bz-jump-header-end-0x301',
             ere("bzimage: jump 0x%04x puts the header end at 0x301" % jump(0xff)), jump=jump(0xff))
    # A 17-byte header (it ends before init_size) is refused only when the zero page is built;
    # the message must still name the field, like the two cases above.
    hdr_case('bz-jump-header-end-0x202', ere('jump 0x%04x' % jump(0)) + '.*' + ere('0x202'),
             jump=jump(0))

    hdr_case('bz-kernel-alignment-3m', ere('bzimage: kernel_alignment 0x300000 is not a power of two'),
             kernel_alignment=0x300000)
    hdr_case('bz-kernel-alignment-0', ere('bzimage: kernel_alignment 0x0 is not a power of two'),
             kernel_alignment=0)
    hdr_case('bz-init-size-small',
             ere('bzimage: init_size 0x1000 is smaller than the protected-mode code (0x%x bytes)'
                 % pm_size), init_size=0x1000)
    hdr_case('bz-init-size-below-code',
             ere('bzimage: init_size 0x%x is smaller than the protected-mode code' % (pm_size - 16)),
             init_size=pm_size - 16)
    # The window [pref_address, +init_size) must lie below 3 GiB: more --mem cannot help.
    hdr_case('bz-init-size-huge', 'bzimage: .*init_size 0xffffffff.*3 GiB', '--mem', '5G',
             init_size=0xffffffff)
    hdr_case('bz-window-crosses-3g', 'bzimage: .*0xbfe00000.*init_size 0x%x.*3 GiB' % init_size,
             '--mem', '5G', pref_address=0xbfe00000)
    hdr_case('bz-init-size-ram',
             ere('bzimage: the kernel needs RAM up to 0x%x (runtime start 0x%x + init_size 0x%x) '
                 'but guest RAM ends at 0x4000000: use --mem %dM or more'
                 % (pref + init_size, pref, init_size, (pref + init_size + (1 << 20) - 1) >> 20)),
             '--mem', '64M', init_size=init_size)
    for name, value in (('0', 0), ('below-1m', 0xfffff), ('3g', 0xc0000000),
                        ('max', 0xffffffffffffffff)):
        hdr_case('bz-pref-address-' + name,
                 ere('bzimage: pref_address 0x%x is outside [1 MiB, 3 GiB)' % value),
                 pref_address=value)

    # payload_offset/payload_length must lie in the protected-mode code.
    po, pl = bz.payload_offset, bz.payload_length

    def outside(o, l):
        return ere('payload: payload_offset 0x%x + payload_length 0x%x is outside the 0x%x bytes '
                   'of protected-mode code' % (o, l, pm_size))

    hdr_case('pl-offset-outside', outside(0xffffffff, pl), '--boot=elf', payload_offset=0xffffffff)
    hdr_case('pl-offset-at-end', outside(pm_size, pl), '--boot=pvh', payload_offset=pm_size)
    hdr_case('pl-length-0', ere('payload: payload_length 0x0: the image carries no ELF payload'),
             '--boot=elf', payload_length=0)
    hdr_case('pl-length-one-past', outside(po, pm_size - po + 1), '--boot=elf',
             payload_length=pm_size - po + 1)
    hdr_case('pl-length-max', outside(po, 0xffffffff), '--extract-vmlinux', 'pl-length-max.out',
             payload_length=0xffffffff)

    # The 64-bit entry needs XLF_KERNEL_64.
    hdr_case('bz-linux64-without-xlf',
             ere('bzimage: no 64-bit entry point (version 0x%04x, xloadflags 0x0 lacks XLF_KERNEL_64)'
                 % hget(kimg, 'version')), '--boot=linux64', xloadflags=0)

    # Truncations at several points.
    need = HDR_END
    for cut in (1, 0x1f1, 0x200, need - 1):
        c.case('bz-truncated-%d' % cut,
               ere('bzimage: file is %d bytes, too short to hold a setup header (need 0x%x)'
                   % (cut, need)),
               '--kernel', c.write('bz-truncated-%d' % cut, kimg[:cut]))
    for cut in (need, bz.pm_offset):
        c.case('bz-truncated-%d' % cut,
               ere('bzimage: setup_sects %d puts the protected-mode code at 0x%x, past the end of '
                   'the %d-byte file' % (sects, bz.pm_offset, cut)),
               '--kernel', c.write('bz-truncated-%d' % cut, kimg[:cut]))
    # syssize counts 16-byte paragraphs: a file that ends inside the last one is whole
    # (memtest86+'s), so the last cut takes a whole paragraph.
    for cut in (bz.pm_offset + 1, bz.pm_offset + po + 100, n // 2, bz.pm_offset + pm_size - 16):
        c.case('bz-truncated-%d' % cut,
               ere('bzimage: syssize 0x%x (%d bytes) does not match the %d bytes of protected-mode '
                   'code in the file (truncated?)' % (pm_size // 16, pm_size, cut - bz.pm_offset)),
               '--kernel', c.write('bz-truncated-%d' % cut, kimg[:cut]))


# --- compressed payloads ---------------------------------------------------

# The kernel's build: gzip keeps its own ISIZE trailer, the others get the
# uncompressed size appended (scripts/Makefile.lib, size_append).
COMPRESSORS = [
    ('gzip', ['gzip', '-9', '-n', '-c'], False),
    ('bzip2', ['bzip2', '-9', '-c'], True),
    ('lzma', ['lzma', '-9', '-c'], True),
    ('xz', ['xz', '--check=crc32', '-c'], True),
    ('lzo', ['lzop', '-9', '-c'], True),
    ('lz4', ['lz4', '-l', '-9', '-c'], True),
    ('zstd', ['zstd', '-19', '-q', '-c'], True),
]

# How each decoder reports a stream whose middle was overwritten with 0xff
# bytes, or that was cut in half; pinned from the libraries' behaviour.
CORRUPT = {
    # This damage makes the deflate data produce more than ISIZE bytes.
    'gzip': r'gzip: the stream decompresses to more than its declared size of 131072 bytes',
    'bzip2': r'bzip2: corrupt stream near input byte [0-9]+ \(BZ error -4\)',
    'lzma': r'lzma: corrupt stream near input byte [0-9]+ \(lzma_ret 9\)',
    'xz': r'xz: corrupt stream near input byte [0-9]+ \(lzma_ret 9\)',
    'lzo': r'lzo: block 0: (corrupt LZO1X data|compressed checksum mismatch|uncompressed checksum mismatch)',
    'lz4': r'lz4: chunk 0: corrupt LZ4 block \([0-9]+ bytes\)',
    'zstd': r'zstd: corrupt stream near input byte [0-9]+: ',
}


def truncated(fmt, want, what='no end of stream'):
    return ere('%s: stream truncated (%s) after ' % (fmt, what)) + '[0-9]+' + ere(' of %d declared bytes' % want)


TRUNCATED_WHAT = {'lzo': 'lzop block', 'lz4': 'lz4 chunk'}


def compress(cmd, data):
    try:
        return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def lzop_header_end(stream):
    """Offset of the first block in an lzop file (version >= 0x0940, no filter)."""
    namelen = stream[33]
    return 34 + namelen + 4


def lzop_patch(stream, off, fmt, value):
    """Change a big-endian lzop header field and recompute the header checksum."""
    out = bytearray(stream)
    struct.pack_into('>' + fmt, out, off, value)
    end = lzop_header_end(stream) - 4
    flags = struct.unpack_from('>I', out, 17)[0]
    body = bytes(out[9:end])
    csum = zlib.crc32(body) if flags & 0x1000 else zlib.adler32(body)
    struct.pack_into('>I', out, end, csum & 0xffffffff)
    return bytes(out)


def payload_cases(c, kimg, vmlinux):
    bz = BzImage(kimg)
    want = bz.declared
    xz = bz.payload[:-4]
    if not xz.startswith(b'\xfd7zXZ\0'):
        sys.exit('gen.py: the payload of KERNEL is not xz: use an xz-compressed bzImage '
                 "(Debian's amd64 vmlinuz)")

    def image(name, data, *extra):
        c.write(name, data)
        return ('--kernel', name) + extra

    # The real xz stream, damaged in place.
    mid = len(xz) // 2
    c.case('pl-vmlinuz-overwritten', CORRUPT['xz'],
           *image('pl-vmlinuz-overwritten', bz.with_bytes(mid, b'\xff' * 16), '--boot=elf'))
    c.case('pl-vmlinuz-bitflip', CORRUPT['xz'],
           *image('pl-vmlinuz-bitflip', bz.with_bytes(mid, bytes([bz.payload[mid] ^ 0x10])), '--boot=elf'))
    # Stream header flags (byte 7) are covered by the header CRC.
    c.case('pl-vmlinuz-header-flags', r'xz: corrupt stream near input byte [0-9]+ \(lzma_ret [0-9]+\)',
           *image('pl-vmlinuz-header-flags', bz.with_bytes(7, b'\x0f'), '--boot=elf'))
    # The stream footer's magic "YZ" (the 2 bytes before the size).
    c.case('pl-vmlinuz-footer', r'xz: corrupt stream near input byte [0-9]+ \(lzma_ret [0-9]+\)',
           *image('pl-vmlinuz-footer', bz.with_bytes(len(xz) - 2, b'ZY'), '--boot=elf'))
    c.case('pl-vmlinuz-unknown-format', ere('payload: unknown compression format (first bytes 00 00 00 00)'),
           *image('pl-vmlinuz-unknown-format', bz.with_bytes(0, b'\0' * 6), '--boot=elf'))
    c.case('pl-vmlinuz-too-short', ere('xz: payload of 9 bytes is too short'),
           *image('pl-vmlinuz-too-short', hset(kimg, payload_length=9), '--boot=elf'))
    c.case('pl-vmlinuz-truncated-half', truncated('xz', want),
           *image('pl-vmlinuz-truncated-half', bz.with_payload(xz[:mid] + le32(want)), '--boot=elf'))
    c.case('pl-vmlinuz-truncated-end', truncated('xz', want),
           *image('pl-vmlinuz-truncated-end', bz.with_payload(xz[:-13] + le32(want)), '--boot=elf'))
    c.case('pl-vmlinuz-trailing', ere('xz: 16 trailing bytes after the end of the stream'),
           *image('pl-vmlinuz-trailing', bz.with_payload(xz + b'\x5a' * 16 + le32(want)), '--boot=elf'))
    c.case('pl-vmlinuz-size-small',
           ere('xz: the stream decompresses to more than its declared size of %d bytes' % (want - 1)),
           *image('pl-vmlinuz-size-small', bz.with_payload(xz + le32(want - 1)), '--boot=elf'))
    c.case('pl-vmlinuz-size-large',
           ere('xz: the stream ends after %d bytes but declares %d' % (want, want + 1)),
           *image('pl-vmlinuz-size-large', bz.with_payload(xz + le32(want + 1)), '--boot=pvh'))
    c.case('pl-vmlinuz-size-huge',
           ere('xz: declared uncompressed size 4294967295 exceeds the limit of 268435456 bytes'),
           *image('pl-vmlinuz-size-huge', bz.with_payload(xz + le32(0xffffffff)), '--boot=elf'))
    c.case('pl-vmlinuz-size-huge-extract',
           ere('xz: declared uncompressed size 4294967295 exceeds the limit of 1073741824 bytes'),
           '--kernel', 'pl-vmlinuz-size-huge', '--extract-vmlinux', 'pl-vmlinuz-size-huge.out')
    c.case('pl-vmlinuz-size-zero', ere('xz: declared uncompressed size is 0'),
           *image('pl-vmlinuz-size-zero', bz.with_payload(xz + le32(0)), '--boot=elf'))
    c.case('pl-vmlinuz-size-above-ram',
           ere('xz: declared uncompressed size %d exceeds the limit of 33554432 bytes' % want),
           '--kernel', 'bzImage', '--boot=elf', '--mem', '32M')

    # Small streams of every format in place of the payload.
    src = vmlinux[0x200000:0x200000 + 0x20000]  # 128 KiB of kernel text: not an ELF file
    n = len(src)
    for fmt, cmd, append in COMPRESSORS:
        stream = compress(cmd, src)
        if stream is None:
            c.skipped.append((fmt, '%s failed or is missing' % cmd[0]))
            continue

        def pl(s, size=n):
            return s + le32(size) if append else s

        def case(kind, regex, payload, *extra):
            name = 'pl-%s-%s' % (fmt, kind)
            c.case(name, regex, *image(name, bz.with_payload(payload), *(extra or ('--boot=elf',))))

        mid = len(stream) // 2
        case('not-elf', ere('payload: the decompressed kernel does not start with the ELF magic'),
             pl(stream))
        damaged = stream[:mid] + b'\xff' * 16 + stream[mid + 16:]
        case('overwritten', CORRUPT[fmt], pl(damaged))
        if fmt == 'gzip':
            # The CRC-32 in gzip's trailer (before ISIZE) no longer matches the data.
            bad = bytearray(stream)
            bad[-8] ^= 0x01
            case('crc', ere('gzip: corrupt stream near input byte %d: incorrect data check' % (len(stream) - 4)),
                 bytes(bad))
            # ISIZE is gzip's own trailer: a cut stream gets the real one back.
            case('truncated', truncated(fmt, n), stream[:mid] + stream[-4:])
            # zlib itself checks ISIZE once the stream ends (the output buffer has
            # room for ISIZE + 1 bytes, so a stream one byte longer still ends).
            length = ere('gzip: corrupt stream near input byte %d: incorrect length check' % len(stream))
            case('size-small', length, stream[:-4] + le32(n - 1))
            case('size-large', length, stream[:-4] + le32(n + 1))
            case('size-much-smaller', ere('gzip: the stream decompresses to more than its declared size of %d bytes'
                                          % (n // 2)), stream[:-4] + le32(n // 2))
            case('size-huge', ere('gzip: declared uncompressed size 4294967295 exceeds the limit'),
                 stream[:-4] + le32(0xffffffff))
            continue
        case('truncated', truncated(fmt, n, TRUNCATED_WHAT.get(fmt, 'no end of stream')),
             pl(stream[:mid]))
        case('size-small', ere('%s: the stream decompresses to more than its declared size of %d bytes'
                               % (fmt, n - 1)), pl(stream, n - 1))
        case('size-large', ere('%s: the stream ends after %d bytes but declares %d' % (fmt, n, n + 1)),
             pl(stream, n + 1), '--boot=pvh')
        if fmt == 'zstd':  # libzstd reads what follows a frame as the next frame
            case('trailing', ere('zstd: corrupt stream near input byte %d: Unknown frame descriptor'
                                 % len(stream)), pl(stream + b'garbage'))
        elif fmt != 'lz4':  # the legacy lz4 frame has no end marker: trailing bytes are a chunk
            case('trailing', ere('%s: 7 trailing bytes after the end of the stream' % fmt),
                 pl(stream + b'garbage'))
        if fmt == 'lzo':
            hdr = bytearray(stream)
            hdr[9 + 8] ^= 0x01  # inside the header: its checksum no longer matches
            case('header-checksum', r'lzo: lzop header checksum 0x[0-9a-f]{8} is wrong', pl(bytes(hdr)))
            case('method', ere('lzo: method 127 is not LZO1X'), pl(lzop_patch(stream, 15, 'B', 0x7f)))
            flags = struct.unpack_from('>I', stream, 17)[0] | 0x400
            case('multipart', ere('lzo: lzop flags 0x%x ask for a filter, multipart or extra field' % flags),
                 pl(lzop_patch(stream, 17, 'I', flags)))
            blk = lzop_header_end(stream)
            clen = struct.unpack_from('>I', stream, blk + 4)[0]
            big = bytearray(stream)
            struct.pack_into('>I', big, blk, 80 << 20)
            case('block-size', ere('lzo: block 0: sizes %d -> %d are invalid (max %d)' % (clen, 80 << 20, 64 << 20)),
                 pl(bytes(big)))
        if fmt == 'lzma':
            # The .lzma header's dictionary size (bytes 1-4; bytes 1-2 are part of the magic).
            case('dict-4g', ere('lzma: the stream needs more than 256 MiB of decoder memory'),
                 pl(stream[:1] + le32(0xffff0000) + stream[5:]))
        if fmt == 'lz4':
            bad = stream[:4] + le32(0xfffffff0) + stream[8:]
            case('chunk-size', ere('lz4: chunk 0: compressed size 4294967280 is out of range'), pl(bad))


# --- ELF vmlinux -----------------------------------------------------------

EH = {'e_type': (0x10, 'H'), 'e_machine': (0x12, 'H'), 'e_version': (0x14, 'I'),
      'e_entry': (0x18, 'Q'), 'e_phoff': (0x20, 'Q'), 'e_ehsize': (0x34, 'H'),
      'e_phentsize': (0x36, 'H'), 'e_phnum': (0x38, 'H')}
PH = {'p_type': (0, 'I'), 'p_flags': (4, 'I'), 'p_offset': (8, 'Q'), 'p_paddr': (24, 'Q'),
      'p_filesz': (32, 'Q'), 'p_memsz': (40, 'Q')}


class Elf:
    def __init__(self, data):
        self.data = data
        self.phoff = struct.unpack_from('<Q', data, 0x20)[0]
        self.phnum = struct.unpack_from('<H', data, 0x38)[0]
        self.ph = []
        for i in range(self.phnum):
            vals = {k: struct.unpack_from('<' + f, data, self.phoff + 56 * i + o)[0]
                    for k, (o, f) in PH.items()}
            self.ph.append(vals)
        self.loads = [i for i, p in enumerate(self.ph) if p['p_type'] == 1]
        self.note = next(i for i, p in enumerate(self.ph) if p['p_type'] == 4)
        self.notes = self._walk_notes()

    def _walk_notes(self):
        p = self.ph[self.note]
        base, size, off, out = p['p_offset'], p['p_filesz'], 0, []
        while off < size:
            namesz, descsz, ntype = struct.unpack_from('<III', self.data, base + off)
            name = self.data[base + off + 12:base + off + 12 + namesz]
            out.append({'off': off, 'namesz': namesz, 'descsz': descsz, 'type': ntype, 'name': name})
            off += 12 + (namesz + 3 & ~3) + (descsz + 3 & ~3)
        return out

    def pvh_note(self):
        return next(n for n in self.notes if n['name'] == b'Xen\0' and n['type'] == 18)

    def eh(self, **fields):
        out = Patched(self.data)
        for k, v in fields.items():
            o, f = EH[k]
            out = out.with_patch(o, struct.pack('<' + f, v))
        return out

    def phdr(self, i, data=None, **fields):
        out = Patched(self.data) if data is None else data
        for k, v in fields.items():
            o, f = PH[k]
            out = out.with_patch(self.phoff + 56 * i + o, struct.pack('<' + f, v))
        return out

    def note_patch(self, note_off, rel, fmt, value):
        return Patched(self.data).with_patch(self.ph[self.note]['p_offset'] + note_off + rel,
                                             struct.pack('<' + fmt, value))


def elf_cases(c, vimg):
    e = Elf(vimg)
    n = len(vimg)
    ph = e.ph
    L = e.loads
    nph = e.phnum
    seg0 = ph[L[0]]
    # A writable, non-executable PT_LOAD (the percpu segment in a vmlinux).
    data_i = next(i for i in L if not ph[i]['p_flags'] & 1)
    dseg = ph[data_i]
    last = max(L, key=lambda i: ph[i]['p_paddr'])
    hi = ph[last]['p_paddr'] + ph[last]['p_memsz']

    def elf_case(name, regex, data, *extra):
        c.case(name, regex, '--kernel', c.write(name, data), *extra)

    # Truncations.
    elf_case('elf-truncated-4', ere('elf: file is 4 bytes, too short for an ELF header'), vimg[:4])
    elf_case('elf-truncated-63', ere('elf: file is 63 bytes, too short for an ELF64 header (64)'),
             vimg[:63])
    elf_case('elf32-truncated-40', ere('elf: file is 40 bytes, too short for an ELF32 header (52)'),
             bytes(vimg[:4]) + b'\x01' + bytes(vimg[5:40]))
    for cut in (64, e.phoff + 56 * nph - 1):
        elf_case('elf-truncated-%d' % cut,
                 ere('elf: e_phoff 0x%x + %d program headers run past the %d-byte file'
                     % (e.phoff, nph, cut)), vimg[:cut])

    def past(i, cut, p=None):
        p = p or ph[i]
        return ere('elf: phdr[%d]: p_offset 0x%x + p_filesz 0x%x runs past the %d-byte file'
                   % (i, p['p_offset'], p['p_filesz'], cut))

    for cut in (e.phoff + 56 * nph, seg0['p_offset'] + 4096):
        elf_case('elf-truncated-%d' % cut, past(0, cut), vimg[:cut])
    cut = ph[L[-1]]['p_offset'] + ph[L[-1]]['p_filesz'] - 1
    elf_case('elf-truncated-%d' % cut, past(L[-1], cut), vimg[:cut])

    # e_ident and header fields.
    def ident(i, v):
        return Patched(vimg).with_patch(i, bytes([v]))

    # An ELF64 image labelled ELFCLASS32 is read as an i386 one: its e_machine says otherwise.
    elf_case('elf-class-32', ere('elf: e_machine 62 is not EM_386 (3) (an ELF32 vmlinux)'),
             ident(4, 1))
    elf_case('elf-class-none', ere('elf: EI_CLASS 0 is neither ELFCLASS64 nor ELFCLASS32'),
             ident(4, 0))
    elf_case('elf32-entry-of-elf64', ere('elf: --boot=elf32 needs a 32-bit (ELFCLASS32) vmlinux; '
                                         'this one is ELFCLASS64: use --boot=elf'),
             vimg, '--boot=elf32')
    elf_case('elf-data-msb', ere('elf: EI_DATA 2 is not ELFDATA2LSB'), ident(5, 2))
    elf_case('elf-ident-version', ere('elf: EI_VERSION 0 is not EV_CURRENT'), ident(6, 0))
    elf_case('elf-e-version', ere('elf: e_version 2 is not EV_CURRENT'), e.eh(e_version=2))
    elf_case('elf-machine-i386', ere('elf: e_machine 3 is not EM_X86_64 (62)'), e.eh(e_machine=3))
    elf_case('elf-machine-aarch64', ere('elf: e_machine 183 is not EM_X86_64 (62)'), e.eh(e_machine=183))
    elf_case('elf-type-dyn', ere('elf: e_type 3 is not ET_EXEC (2)'), e.eh(e_type=3))
    elf_case('elf-type-rel', ere('elf: e_type 1 is not ET_EXEC (2)'), e.eh(e_type=1))
    elf_case('elf-ehsize', ere('elf: e_ehsize 52 is not 64'), e.eh(e_ehsize=52))
    elf_case('elf-phentsize-32', ere('elf: e_phentsize 32 is not 56'), e.eh(e_phentsize=32))
    elf_case('elf-phentsize-64', ere('elf: e_phentsize 64 is not 56'), e.eh(e_phentsize=64))
    elf_case('elf-phnum-0', ere('elf: e_phnum 0 is not in [1, 64]'), e.eh(e_phnum=0))
    elf_case('elf-phnum-65', ere('elf: e_phnum 65 is not in [1, 64]'), e.eh(e_phnum=65))
    elf_case('elf-phnum-max', ere('elf: e_phnum 65535 is not in [1, 64]'), e.eh(e_phnum=0xffff))
    elf_case('elf-phoff-eof', ere('elf: e_phoff 0x%x + %d program headers run past the %d-byte file'
                                  % (n, nph, n)), e.eh(e_phoff=n))
    elf_case('elf-phoff-near-eof', ere('elf: e_phoff 0x%x + %d program headers run past' % (n - 100, nph)),
             e.eh(e_phoff=n - 100))
    elf_case('elf-phoff-max', ere('elf: e_phoff 0xffffffffffffffff + %d program headers run past' % nph),
             e.eh(e_phoff=0xffffffffffffffff))

    # PT_LOAD segments.
    i = data_i
    elf_case('elf-load-filesz-past-eof', past(i, n, dict(dseg, p_filesz=n)), e.phdr(i, p_filesz=n, p_memsz=n))
    elf_case('elf-load-offset-past-eof', past(i, n, dict(dseg, p_offset=n)), e.phdr(i, p_offset=n))
    elf_case('elf-load-offset-overflow',
             ere('elf: phdr[%d]: p_offset 0xfffffffffffff000 + p_filesz 0x%x overflows' % (i, dseg['p_filesz'])),
             e.phdr(i, p_offset=0xfffffffffffff000))
    elf_case('elf-load-memsz-lt-filesz',
             ere('elf: phdr[%d]: p_memsz 0x%x < p_filesz 0x%x' % (i, dseg['p_filesz'] - 1, dseg['p_filesz'])),
             e.phdr(i, p_memsz=dseg['p_filesz'] - 1))
    elf_case('elf-load-paddr-wrap',
             ere('elf: phdr[%d]: p_paddr 0xffffffffffff0000 + p_memsz 0x%x wraps' % (i, dseg['p_memsz'])),
             e.phdr(i, p_paddr=0xffffffffffff0000))
    elf_case('elf-load-memsz-wrap',
             ere('elf: phdr[%d]: p_paddr 0x%x + p_memsz 0xffffffffffffff00 wraps' % (i, dseg['p_paddr'])),
             e.phdr(i, p_memsz=0xffffffffffffff00))
    inside = seg0['p_paddr'] + seg0['p_memsz'] - 0x1000
    elf_case('elf-load-overlap',
             ere('elf: PT_LOAD at p_paddr 0x%x+0x%x overlaps the one at 0x%x'
                 % (seg0['p_paddr'], seg0['p_memsz'], inside)), e.phdr(i, p_paddr=inside))
    elf_case('elf-load-same-paddr',
             ere('elf: PT_LOAD at p_paddr 0x%x+0x%x overlaps the one at 0x%x'
                 % (seg0['p_paddr'], seg0['p_memsz'], seg0['p_paddr'])),
             e.phdr(i, p_paddr=seg0['p_paddr']))
    for name, paddr in (('below-1m', 0x80000), ('at-0', 0)):
        elf_case('elf-load-' + name,
                 ere("elf: segment at p_paddr 0x%x lies below 0x100000, in the VMM's reserved area" % paddr),
                 e.phdr(i, p_paddr=paddr))
    elf_case('elf-load-beyond-ram',
             ere('elf: segment 0x20000000+0x%x needs RAM up to 0x%x but guest RAM ends at 0x10000000: '
                 'use --mem %dM or more' % (dseg['p_memsz'], 0x20000000 + dseg['p_memsz'],
                                            (0x20000000 + dseg['p_memsz'] + (1 << 20) - 1) >> 20)),
             e.phdr(i, p_paddr=0x20000000))
    elf_case('elf-load-in-3g-hole', ere('elf: segment 0xc0000000+0x%x is not guest RAM' % dseg['p_memsz']),
             e.phdr(i, p_paddr=0xc0000000), '--mem', '8G')
    elf_case('elf-load-across-3g', ere('elf: segment 0xbfff0000+0x%x is not guest RAM' % dseg['p_memsz']),
             e.phdr(i, p_paddr=0xbfff0000), '--mem', '8G')
    elf_case('elf-load-above-ram', ere('elf: segment 0x300000000+0x%x is not guest RAM' % dseg['p_memsz']),
             e.phdr(i, p_paddr=0x300000000), '--mem', '8G')
    c.case('elf-mem-too-small',
           ere('elf: segment 0x%x+0x%x needs RAM up to 0x%x but guest RAM ends at 0x4000000: use --mem %dM or more'
               % (ph[last]['p_paddr'], ph[last]['p_memsz'], hi, (hi + (1 << 20) - 1) >> 20)),
           '--kernel', 'vmlinux', '--mem', '64M')
    no_load = Patched(vimg)
    for j in L:
        no_load = e.phdr(j, no_load, p_type=0)
    elf_case('elf-no-load', ere('elf: no PT_LOAD segment with p_memsz > 0'), no_load)
    # 17 PT_LOADs (one page each) in a rewritten program header table.
    many = e.eh(e_phnum=17, e_entry=0x1000000).materialize()
    for j in range(17):
        struct.pack_into('<IIQQQQQQ', many, e.phoff + 56 * j, 1, 5, seg0['p_offset'],
                         0x1000000 + j * 0x1000, 0x1000000 + j * 0x1000, 0x1000, 0x1000, 0x1000)
    elf_case('elf-17-loads', ere('elf: phdr[16]: more than 16 PT_LOAD segments'), bytes(many))

    # e_entry must be in an executable segment's file bytes.
    for name, entry in (('data', dseg['p_paddr']), ('zero', 0),
                        ('gap', seg0['p_paddr'] + seg0['p_filesz']),
                        ('virtual', 0xffffffff81000000)):
        elf_case('elf-entry-' + name,
                 ere('elf: e_entry 0x%x is not inside an executable PT_LOAD segment' % entry),
                 e.eh(e_entry=entry))

    # The PVH note and the note segment.
    note = e.pvh_note()
    noff = note['off']
    ni = e.note
    nseg = ph[ni]
    elf_case('pvh-namesz-huge',
             ere('pvh: note at 0x%x: namesz 4294967295 + descsz %d run past the %d-byte note segment'
                 % (noff, note['descsz'], nseg['p_filesz'])), e.note_patch(noff, 0, 'I', 0xffffffff))
    elf_case('pvh-descsz-huge',
             ere('pvh: note at 0x%x: namesz 4 + descsz 4294967295 run past the %d-byte note segment'
                 % (noff, nseg['p_filesz'])), e.note_patch(noff, 4, 'I', 0xffffffff))
    elf_case('pvh-descsz-2',
             ere('pvh: note at 0x%x: XEN_ELFNOTE_PHYS32_ENTRY descsz 2 is neither 4 nor 8' % noff),
             e.note_patch(noff, 4, 'I', 2))
    elf_case('pvh-descsz-6',
             ere('pvh: note at 0x%x: XEN_ELFNOTE_PHYS32_ENTRY descsz 6 is neither 4 nor 8' % noff),
             e.note_patch(noff, 4, 'I', 6))
    entry = struct.unpack_from('<I', vimg, nseg['p_offset'] + noff + 16)[0]
    elf_case('pvh-entry-above-4g',
             ere('pvh: note at 0x%x: PHYS32_ENTRY 0x00000001%08x is above 4 GiB' % (noff, entry)),
             e.note_patch(noff, 20, 'I', 1))
    elf_case('pvh-entry-not-code',
             ere('elf: PVH entry 0x%x is not inside an executable PT_LOAD segment' % dseg['p_paddr']),
             e.note_patch(noff, 16, 'I', dseg['p_paddr']))
    other = next(x for x in e.notes if x['name'] == b'Xen\0' and x['descsz'] == 8 and x['off'] < noff
                 and struct.unpack_from('<Q', vimg, nseg['p_offset'] + x['off'] + 16)[0] < 1 << 32)
    elf_case('pvh-second-note', ere('pvh: note at 0x%x: second XEN_ELFNOTE_PHYS32_ENTRY' % noff),
             e.note_patch(other['off'], 8, 'I', 18))
    elf_case('pvh-no-note', ere('elf: no PVH entry note (Xen note type 18, XEN_ELFNOTE_PHYS32_ENTRY): use --boot=elf'),
             e.note_patch(noff, 8, 'I', 19), '--boot=pvh')
    elf_case('note-length-misaligned',
             ere('pvh: note segment length %d is not a multiple of 4' % (nseg['p_filesz'] - 1)),
             e.phdr(ni, p_filesz=nseg['p_filesz'] - 1))
    elf_case('note-header-truncated',
             ere('pvh: note at 0x%x: header truncated (8 bytes left, need 12)' % noff),
             e.phdr(ni, p_filesz=noff + 8))
    elf_case('note-desc-truncated',
             ere('pvh: note at 0x%x: namesz 4 + descsz 8 run past the %d-byte note segment' % (noff, noff + 20)),
             e.phdr(ni, p_filesz=noff + 20))
    elf_case('note-past-eof', past(ni, n, dict(nseg, p_offset=n - 0x100)), e.phdr(ni, p_offset=n - 0x100))
    elf_case('note-offset-overflow',
             ere('elf: phdr[%d]: p_offset 0xffffffffffffff00 + p_filesz 0x%x overflows' % (ni, nseg['p_filesz'])),
             e.phdr(ni, p_offset=0xffffffffffffff00))


# --- initrd and command line -----------------------------------------------

def initrd_cases(c, kimg, vimg):
    bz = BzImage(kimg)
    kend = hget(kimg, 'pref_address') + hget(kimg, 'init_size')
    e = Elf(vimg)
    hi = max(p['p_paddr'] + p['p_memsz'] for p in e.ph if p['p_type'] == 1)
    c.sparse('initrd-200m', 200 << 20)
    c.sparse('initrd-1m', 1 << 20)
    c.sparse('initrd-5g', 5 << 30)
    c.write('initrd-empty', b'')
    os.makedirs(c.path('initrd-dir'), exist_ok=True)
    amax = hget(kimg, 'initrd_addr_max')

    def fit(size, floor, what, top):
        return ere("initrd: %d bytes do not fit between the kernel's end 0x%x and min(%s, RAM top) = 0x%x"
                   % (size, floor, what, top))

    bzwhat = 'initrd_addr_max 0x%x + 1' % amax
    c.case('initrd-too-big', fit(200 << 20, kend, bzwhat, 128 << 20),
           '--kernel', 'bzImage', '--mem', '128M', '--initrd', 'initrd-200m')
    c.case('initrd-no-room-above-kernel', fit(1 << 20, kend, bzwhat, 80 << 20),
           '--kernel', 'bzImage', '--mem', '80M', '--initrd', 'initrd-1m')
    c.case('initrd-above-4g', ere("initrd 'initrd-5g': %d bytes; no boot path loads a file of 4 GiB or more"
                                  % (5 << 30)),
           '--kernel', 'bzImage', '--mem', '8G', '--initrd', 'initrd-5g')
    c.case('initrd-elf-too-big', fit(200 << 20, hi, 'initrd_addr_max + 1', 128 << 20),
           '--kernel', 'vmlinux', '--mem', '128M', '--initrd', 'initrd-200m')
    c.case('initrd-pvh-too-big', fit(200 << 20, hi, 'initrd_addr_max + 1', 128 << 20),
           '--kernel', 'vmlinux', '--boot=pvh', '--mem', '128M', '--initrd', 'initrd-200m')
    c.case('initrd-payload-too-big', fit(200 << 20, hi, 'initrd_addr_max + 1', 128 << 20),
           '--kernel', 'bzImage', '--boot=elf', '--mem', '128M', '--initrd', 'initrd-200m')
    c.case('initrd-empty', ere("initrd 'initrd-empty': file is empty"),
           '--kernel', 'bzImage', '--initrd', 'initrd-empty')
    c.case('initrd-directory', ere("initrd 'initrd-dir': not a regular file"),
           '--kernel', 'bzImage', '--initrd', 'initrd-dir')
    c.case('initrd-missing', ere("initrd 'initrd-missing': No such file or directory"),
           '--kernel', 'vmlinux', '--initrd', 'initrd-missing')

    # Command lines.
    c.write('cmdline-2048', b'x' * 2048)
    c.write('cmdline-65536', b'x' * 65536)
    size = hget(kimg, 'cmdline_size')
    too_long = ere("cmdline: 2048 bytes exceed the kernel's cmdline_size %d" % size)
    c.case('cmdline-too-long', too_long, '--kernel', 'bzImage', '--append', '<@cmdline-2048')
    c.case('cmdline-too-long-payload', too_long, '--kernel', 'bzImage', '--boot=elf',
           '--append', '<@cmdline-2048')
    c.case('cmdline-too-long-elf', ere("cmdline: 2048 bytes exceed the kernel's cmdline_size 2047"),
           '--kernel', 'vmlinux', '--append', '<@cmdline-2048')
    # PVH has no zero page, but the kernel behind it has the same limit.
    c.case('cmdline-too-long-pvh', ere("cmdline: 2048 bytes exceed the kernel's cmdline_size 2047"),
           '--kernel', 'vmlinux', '--boot=pvh', '--append', '<@cmdline-2048')
    c.case('cmdline-too-long-payload-pvh', too_long, '--kernel', 'bzImage', '--boot=pvh',
           '--append', '<@cmdline-2048')
    area = ere("cmdline: 65536 bytes exceed the VMM's 65535-byte command-line area")
    c.write('bz-cmdline-size-max', hset(kimg, cmdline_size=0xffffffff))
    c.case('cmdline-area-full', area, '--kernel', 'bz-cmdline-size-max', '--append', '<@cmdline-65536')
    # PVH checks the kernel's own limit (2047 for a plain vmlinux) before the VMM's area.
    c.case('cmdline-area-full-pvh', ere("cmdline: 65536 bytes exceed the kernel's cmdline_size 2047"),
           '--kernel', 'vmlinux', '--boot=pvh', '--append', '<@cmdline-65536')


# --- entry-state files -----------------------------------------------------

def state_cases(c):
    def st(name, text, regex):
        fname = c.write(name + '.txt', text.encode('latin-1'))
        c.case(name, regex, '--kernel', 'bzImage', '--entry-state', fname)

    def line(n, rest):
        return ere('entry-state: line %d: %s' % (n, rest))

    st('st-unknown-field', 'rip 0x1000200\nbogus 1\n', line(2, "unknown field 'bogus'"))
    st('st-unknown-seg-field', 'cs.foo 1\n', line(1, "unknown field 'cs.foo'"))
    st('st-unknown-seg', 'xs.base 0\n', line(1, "unknown field 'xs.base'"))
    st('st-key-case', 'RIP 0x1000200\n', line(1, "unknown field 'RIP'"))
    st('st-bad-number', 'rip 0x12q\n', line(1, "rip: bad number '0x12q'"))
    st('st-negative', 'rsp -1\n', line(1, "rsp: bad number '-1'"))
    st('st-number-overflow', 'rax 0x10000000000000000\n', line(1, "rax: bad number '0x10000000000000000'"))
    st('st-bare-0x', 'rbx 0x\n', line(1, "rbx: bad number '0x'"))
    st('st-bad-octal', 'rcx 08\n', line(1, "rcx: bad number '08'"))
    st('st-base-overflow', 'ds.base 0x1ffffffffffffffff\n', line(1, "ds.base: bad number '0x1ffffffffffffffff'"))
    # One out-of-range value for each kind of segment field.
    for key, val, mx in (('cs.selector', 0x10000, 0xffff), ('es.limit', 0x100000000, 0xffffffff),
                         ('fs.type', 16, 0xf), ('gs.s', 2, 1), ('ss.dpl', 4, 3),
                         ('tr.present', 2, 1), ('ldt.db', 2, 1), ('cs.l', 2, 1), ('ds.g', 2, 1),
                         ('es.avl', 2, 1), ('fs.unusable', 2, 1), ('gdt.limit', 0x10000, 0xffff),
                         ('idt.limit', 0x10000, 0xffff)):
        st('st-range-' + key.replace('.', '-'), 'rip 0x1000200\n%s 0x%x\n' % (key, val),
           line(2, '%s: 0x%x is out of range (max 0x%x)' % (key, val, mx)))
    st('st-paging-mode', 'paging.mode huge\n', line(1, "paging.mode: 'huge' is not off, nonpae, pae or long"))
    st('st-paging-mode-case', 'paging.mode PAE\n', line(1, "paging.mode: 'PAE' is not off, nonpae, pae or long"))
    st('st-page-size-long', 'paging.mode long\npaging.page_size 0x1000\n',
       line(2, 'paging.page_size: 0x1000 is not possible for long paging'))
    st('st-page-size-nonpae', 'paging.mode nonpae\npaging.page_size 0x200000\n',
       line(2, 'paging.page_size: 0x200000 is not possible for nonpae paging'))
    st('st-page-size-pae', 'paging.mode pae\npaging.page_size 0x400000\n',
       line(2, 'paging.page_size: 0x400000 is not possible for pae paging'))
    st('st-page-size-bad', 'paging.page_size 2M\n', line(1, "paging.page_size: bad number '2M'"))
    st('st-boot', 'boot efi\n', line(1, "boot: 'efi' is not linux32, linux64, elf, pvh or elf32"))
    st('st-gdt-index', 'gdt.2912 0x0\n', line(1, 'gdt.2912: 0xb60 is out of range (max 0xb5f)'))
    st('st-gdt-index-huge', 'gdt.99999999999999999999 0\n',
       line(1, "gdt.99999999999999999999: bad number '99999999999999999999'"))
    st('st-gdt-index-bad', 'gdt.1x 0\n', line(1, "gdt.1x: bad number '1x'"))
    st('st-gdt-value', 'gdt.5 zz\n', line(1, "gdt.5: bad number 'zz'"))
    st('st-line-too-long', 'rip 0x1000200\n\n' + 'r' * 300 + ' 1\n',
       ere('entry-state: line 3 is longer than 255 bytes'))
    st('st-comment-too-long', '# ' + 'c' * 400 + '\n', ere('entry-state: line 1 is longer than 255 bytes'))
    st('st-nul-byte', 'rip 0x1000200\nrax\0 1\n', ere('entry-state: line 2 contains a NUL byte'))
    st('st-missing-value', 'rip\n', line(1, "expected 'KEY VALUE' for 'rip'"))
    st('st-missing-value-comment', 'rsp # the stack\n', line(1, "expected 'KEY VALUE' for 'rsp'"))
    st('st-extra-value', 'rip 0x1000200 0x0\n', line(1, "expected 'KEY VALUE' for 'rip'"))
    st('st-gdt-base-past-area', 'gdt.base 0x5ff0\n',
       ere('entry-state: 5 GDT entries at gdt.base 0x5ff0 leave the GDT area [0x500, 0x6000)'))
    st('st-gdt-base-low', 'gdt.base 0x0\n',
       ere('entry-state: 5 GDT entries at gdt.base 0x0 leave the GDT area [0x500, 0x6000)'))
    st('st-gdt-base-wraps', 'gdt.base 0xfffffffffffffff8\n',
       ere('entry-state: 5 GDT entries at gdt.base 0xfffffffffffffff8 leave the GDT area [0x500, 0x6000)'))
    st('st-gdt-too-many', 'gdt.base 0x508\ngdt.2911 0x0\n',
       ere('entry-state: 2912 GDT entries at gdt.base 0x508 leave the GDT area [0x500, 0x6000)'))
    st('st-tables-misaligned', 'paging.tables 0x9008\n', ere('pagetable: base 0x9008 is not page-aligned'))
    st('st-tables-past-ram-end', 'paging.tables 0xfffe000\n',
       ere('pagetable: long tables for 0x10000000 bytes need 12 KiB, the RAM at 0xfffe000 holds 8 KiB'))
    st('st-map-end-huge', 'paging.map_end 0xffffffffffffffff\n',
       ere('pagetable: long paging cannot map up to 0xffffffffffffffff'))
    c.case('st-missing-file', ere("entry state 'st-missing.txt': No such file or directory"),
           '--kernel', 'bzImage', '--entry-state', 'st-missing.txt')
    os.makedirs(c.path('st-dir'), exist_ok=True)
    c.case('st-directory', ere("entry state 'st-dir': not a regular file"),
           '--kernel', 'bzImage', '--entry-state', 'st-dir')


# --- option values ---------------------------------------------------------

def option_cases(c):
    K = ('--kernel', 'bzImage')

    def opt(name, regex, *args):
        c.case(name, regex, *(K + args))

    for name, val, why in (('unit', '12Q', 'has an unknown unit (use K, M, G or T)'),
                           ('mb', '256MB', 'has an unknown unit'),
                           ('fraction', '1.5G', 'has an unknown unit'),
                           ('hex', '0x100M', 'has an unknown unit'),
                           ('word', 'lots', 'is not a size (e.g. 256M, 1G)'),
                           ('empty', '', 'is not a size'),
                           ('negative', '-256M', 'is not a size'),
                           ('space', ' 256M', 'is not a size'),
                           ('zero', '0', 'is outside 16M..1T'),
                           ('1m', '1M', 'is outside 16M..1T'),
                           ('below-16m', '16380K', 'is outside 16M..1T'),
                           ('4t', '4T', 'is outside 16M..1T'),
                           ('1025g', '1025G', 'is outside 16M..1T'),
                           ('digits-overflow', '99999999999999999999', 'is too large'),
                           ('shift-overflow', '17592186044416', 'is too large'),
                           ('t-overflow', '16777216T', 'is too large'),
                           ('not-4k', '16385K', 'is not a multiple of 4 KiB')):
        opt('opt-mem-' + name, ere("--mem: '%s' %s" % (val, why)), '--mem', val)
    opt('opt-mem-no-value', ere("option '--mem' needs a value"), '--mem')
    for name, val in (('efi', 'efi'), ('empty', ''), ('case', 'LINUX64'), ('space', 'elf ')):
        opt('opt-boot-' + name, ere("--boot: '%s' is not auto, linux32, linux64, elf, pvh or elf32" % val),
            '--boot=' + val)
    for name, val in (('huge', 'huge'), ('empty', ''), ('case', 'PAE'), ('4level', '4level')):
        opt('opt-paging-' + name, ere("--paging: '%s' is not auto, off, nonpae, pae or long" % val),
            '--paging=' + val)

    def sel(what, s):
        return ere('boot: %s selector 0x%x must be a non-null GDT selector (multiple of 8, RPL 0) below 0x5af8'
                   % (what, s))

    opt('opt-boot-cs-rpl', sel('code', 0x13), '--boot-cs', '0x13')
    opt('opt-boot-cs-small', sel('code', 4), '--boot-cs', '4')
    opt('opt-boot-cs-null', ere('--boot-cs: 0 is the null selector'), '--boot-cs', '0')
    opt('opt-boot-ds-null', ere('--boot-ds: 0 is the null selector'), '--boot-ds', '0')
    opt('opt-boot-cs-top', sel('code', 0x5af8), '--boot-cs', '0x5af8')
    opt('opt-boot-ds-max', sel('data', 0xffff), '--boot-ds', '0xffff')
    opt('opt-boot-ds-ti', sel('data', 0x1c), '--boot-ds', '0x1c')
    opt('opt-boot-cs-range', ere("--boot-cs: '0x10000' is not a number in 0..0xffff"), '--boot-cs', '0x10000')
    opt('opt-boot-ds-negative', ere("--boot-ds: '-8' is not a number in 0..0xffff"), '--boot-ds', '-8')
    opt('opt-boot-cs-word', ere("--boot-cs: 'code' is not a number in 0..0xffff"), '--boot-cs', 'code')
    opt('opt-boot-cs-trailing', ere("--boot-cs: '0x10z' is not a number in 0..0xffff"), '--boot-cs', '0x10z')
    opt('opt-boot-ds-empty', ere("--boot-ds: '' is not a number in 0..0xffff"), '--boot-ds', '')
    opt('opt-boot-same-selector', ere('boot: code and data selectors are both 0x18'), '--boot-cs', '0x18')
    opt('opt-boot-same-selector-ds', ere('boot: code and data selectors are both 0x10'), '--boot-ds', '0x10')
    for name, val in (('word', 'pc'), ('negative', '-1'), ('too-big', '0x100000000'), ('empty', '')):
        opt('opt-subarch-' + name, ere("--hardware-subarch: '%s' is not a number in 0..0xffffffff" % val),
            '--hardware-subarch', val)
    opt('opt-unknown', ere("unknown option '--frobnicate'"), '--frobnicate')
    opt('opt-unknown-short', ere("unknown option '-z'"), '-z')
    opt('opt-unexpected-argument', ere("unexpected argument 'extra'"), 'extra')
    c.case('opt-no-kernel', ere('missing --kernel PATH'), '--mem', '256M')
    c.case('opt-kernel-no-value', ere("option '--kernel' needs a value"), '--kernel')
    c.case('opt-kernel-missing', ere("kernel 'no-such-kernel': No such file or directory"),
           '--kernel', 'no-such-kernel')
    c.write('empty', b'')
    c.case('opt-kernel-empty', ere("kernel 'empty': file is empty"), '--kernel', 'empty')
    c.case('opt-kernel-directory', ere("kernel 'st-dir': not a regular file"), '--kernel', 'st-dir')
    c.case('opt-linux64-elf', ere('kernel: --boot=linux64 needs a bzImage, this is an ELF file'),
           '--kernel', 'vmlinux', '--boot=linux64')
    c.case('opt-linux32-elf', ere('kernel: --boot=linux32 needs a bzImage, this is an ELF file'),
           '--kernel', 'vmlinux', '--boot=linux32')
    c.case('opt-extract-from-elf', ere('bzimage: boot_flag 0x0000 is not 0xaa55'),
           '--kernel', 'vmlinux', '--extract-vmlinux', 'opt-extract-from-elf.out')
    c.case('opt-extract-bad-out', "extract-vmlinux.*'no-such-dir/vmlinux': No such file or directory",
           '--kernel', 'bzImage', '--extract-vmlinux', 'no-such-dir/vmlinux')


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: gen.py OUTDIR KERNEL VMLINUX')
    outdir, kernel, vmlinux = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    with open(kernel, 'rb') as f:
        kimg = f.read()
    with open(vmlinux, 'rb') as f:
        vimg = f.read()
    c = Corpus(outdir)
    c.write('bzImage', kimg)
    c.write('vmlinux', vimg)
    bzimage_cases(c, kimg)
    payload_cases(c, kimg, vimg)
    elf_cases(c, vimg)
    initrd_cases(c, kimg, vimg)
    state_cases(c)
    option_cases(c)
    c.save()
    # One line per format whose cases could not be made (run.sh reports each as a SKIP).
    with open(c.path('skipped.tsv'), 'w') as f:
        for fmt, why in c.skipped:
            f.write('%s\t%s\n' % (fmt, why))
            print('gen.py: skipped %s (%s)' % (fmt, why), file=sys.stderr)
    print('gen.py: %d cases in %s' % (len(c.cases), os.path.join(outdir, 'cases.tsv')))


if __name__ == '__main__':
    main()
