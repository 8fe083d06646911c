#!/usr/bin/env python3
"""stalled_stop.py: SIGTERM ends vmm promptly while its stdout is stalled, losing no accepted byte.

Usage: stalled_stop.py LIMIT VMM ARGS...

vmm runs a guest whose command prints "flood-start" and then floods the
console (pinned to CPU 1, so with --cpus 2 another vCPU than the boot CPU's
makes the exits). vmm's stdout is a 16 KiB pipe read until "flood-start",
then not at all: once it has stayed full for a second, 16 and then 10 bytes
are typed (the input thread must take them although output is stalled),
then vmm gets SIGTERM and must end with 143 within 5 s without the reader
reading. Then the reader drains the pipe: what came out plus what vmm says
it did not write must be every byte the guest wrote (--timing=json's
console_out.bytes, so pass --timing=json), and the flood lines that came
out must follow each other with no gap. LIMIT bounds the wait for the
flood and for the stall. Prints "ok NAME" or "bad NAME: why" per finding.
"""
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

F_SETPIPE_SZ, F_GETPIPE_SZ = 1031, 1032  # fcntl.h (Linux)
PIPE_BUF = 4096
PROMPT_S = 5.0


def pending(fd):
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def read_until(fd, marker, deadline):
    got = b""
    while marker not in got and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            got += chunk
    return got


def wait_full(fd, capacity, proc, deadline):
    """Until the pipe holds nearly all it can and nothing arrives for a second."""
    last, since = -1, time.monotonic()
    while proc.poll() is None and time.monotonic() < deadline:
        now, n = time.monotonic(), pending(fd)
        if n != last:
            last, since = n, now
        elif n > capacity - 2 * PIPE_BUF and now - since >= 1.0:
            return True
        time.sleep(0.05)
    return False


def flood_gaps(text):
    """Flood lines after the marker, typed bytes left out: the first gap, or None."""
    body = text.split(b"flood-start", 1)[1].translate(None, b"\rab")
    lines = body.split(b"\n")[1:-1]  # the last one may be cut short
    nums = [int(x) for x in lines if re.fullmatch(rb"[0-9]+", x)]
    if len(nums) < 100:
        return f"only {len(nums)} flood lines"
    for a, b in zip(nums, nums[1:]):
        if b != a + 1:
            return f"{a} then {b}"
    return None


def report(name, ok, why):
    print(f"ok {name}" if ok else f"bad {name}: {why}")


def main():
    limit, cmd = float(sys.argv[1]), sys.argv[2:]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_fd = proc.stdout.fileno()
    fcntl.fcntl(out_fd, F_SETPIPE_SZ, 16384)
    capacity = fcntl.fcntl(out_fd, F_GETPIPE_SZ)
    deadline = time.monotonic() + limit
    head = read_until(out_fd, b"flood-start", deadline)
    stalled = b"flood-start" in head and wait_full(out_fd, capacity, proc, deadline)
    report("output-stalled-in-flood", stalled, f"flood-start seen: {b'flood-start' in head}, vmm status {proc.poll()}")
    proc.stdin.write(b"a" * 16)
    proc.stdin.flush()
    time.sleep(0.5)
    proc.stdin.write(b"b" * 10)
    proc.stdin.flush()
    time.sleep(0.5)
    left = pending(proc.stdin.fileno())
    report("input-taken-during-stall", left == 0, f"{left} of 26 bytes still in vmm's stdin pipe")
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=PROMPT_S)
    except subprocess.TimeoutExpired:
        rc = None
    took = time.monotonic() - t0
    report("sigterm-ends-promptly", rc is not None, f"still running {PROMPT_S:.0f} s after SIGTERM (killed)")
    if rc is None:
        proc.kill()
        rc = proc.wait()
    report("sigterm-exits-143", rc == 143, f"status {rc}")
    print(f"info sigterm-to-exit {took:.2f} s")
    text = head + proc.stdout.read()
    err = proc.stderr.read().decode(errors="replace")
    note = re.search(r"^vmm: (\d+) bytes of console output not written", err, re.M)
    timing = [json.loads(x) for x in err.splitlines() if x.startswith('{"vmm_timing"')]
    accepted = timing[0]["console_out"]["bytes"] if timing else None
    unwritten = int(note.group(1)) if note else 0
    report("no-accepted-byte-lost", accepted is not None and len(text) + unwritten == accepted,
           f"{len(text)} bytes out + {unwritten} not written (note: {bool(note)}) != {accepted} accepted")
    gap = flood_gaps(text) if b"flood-start" in text else "no flood-start"
    report("flood-without-gaps", gap is None, gap)
    sys.stderr.write(err[-1500:])


if __name__ == "__main__":
    main()
