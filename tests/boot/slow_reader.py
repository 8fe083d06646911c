#!/usr/bin/env python3
"""slow_reader.py: runs vmm (the probe flooding the console) with a reader that pauses.

Usage: slow_reader.py KIB PAUSE VMM ARGS...

vmm's stdout is a pipe nobody reads until it is full, so vmm's writes wait
(however slow the guest is). vmm writes its console in batches, at most
PIPE_BUF bytes per write() once poll() says the pipe has room for one; a
write that does not fit the pipe's last page starts a new one, so "full" is:
less room than 2 * PIPE_BUF, and nothing more arriving for a second. Then, while the pipe stays full for PAUSE more
seconds, 16 and then 10 bytes are written to vmm's stdin: the input thread
must keep taking them (16 fill the UART's FIFO, 10 wait in vmm) although
output is stalled; then the reader drains stdout, and the guest (probe.read=26
on its command line) must have read all 26 in order. KIB must exceed the pipe. Prints one line per
finding, "ok NAME" or "bad NAME: why", and exits with vmm's status.
"""
import fcntl
import struct
import subprocess
import sys
import termios
import time

F_GETPIPE_SZ = 1032  # fcntl.h (Linux)
PIPE_BUF = 4096  # pipe(7): a write of at most this many bytes is atomic: it waits for room
ALPHABET = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR"


def expected_flood(kib):
    lines = []
    for i in range(kib * 16):
        rot = i % 54
        lines.append(b"%08x " % i + ALPHABET[rot:] + ALPHABET[:rot] + b"\n")
    return b"".join(lines)


def pending(fd):
    buf = fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]


def main():
    kib, pause, cmd = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out_fd = proc.stdout.fileno()
    capacity = fcntl.fcntl(out_fd, F_GETPIPE_SZ)
    full = capacity - 2 * PIPE_BUF
    last, still_since = -1, time.monotonic()
    while proc.poll() is None:
        now, n = time.monotonic(), pending(out_fd)
        if n != last:
            last, still_since = n, now
        elif n > full and now - still_since >= 1.0:
            break
        time.sleep(0.05)
    time.sleep(pause / 2)
    proc.stdin.write(b"a" * 16)
    proc.stdin.flush()
    time.sleep(pause / 4)
    proc.stdin.write(b"b" * 10)
    proc.stdin.flush()
    time.sleep(pause / 4)
    left = pending(proc.stdin.fileno())
    stalled = proc.poll() is None and pending(out_fd) == last > full
    out = proc.stdout.read()
    rc = proc.wait()
    print("ok output-was-stalled" if stalled else "bad output-was-stalled: vmm ended before the reader read")
    print("ok input-taken-during-stall" if left == 0 else
          f"bad input-taken-during-stall: {left} of 26 bytes still in vmm's stdin pipe")
    # The guest read them back after its flood (probe.read=26): taken is not enough, a byte
    # vmm took but dropped (the 10 beyond the FIFO) would be missing here.
    typed = b"a" * 16 + b"b" * 10
    got = out.split(b"probe: read ", 1)[1].split(b"\n", 1)[0] if b"probe: read " in out else None
    print("ok input-reached-guest" if got == typed else
          f"bad input-reached-guest: the guest read {got!r}, want {typed!r}")
    want = expected_flood(kib)
    start = out.find(want[:64])
    got = out[start:start + len(want)] if start >= 0 else b""
    if got == want and b"probe: flood done" in out[start + len(want):]:
        print(f"ok flood-exact: {len(want)} bytes")
    else:
        diff = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
        print(f"bad flood-exact: {len(got)} of {len(want)} bytes, first difference at {diff}")
    sys.exit(rc)


if __name__ == "__main__":
    main()
