/* payload_fill.h: fills the payload cache in a detached process, for the next auto boot of a kernel. */
#ifndef VMM_PAYLOAD_FILL_H
#define VMM_PAYLOAD_FILL_H

#include <stdbool.h>

/*
 * If `dir` (or the nearest directory above it that exists) is writable, fork
 * a detached process (its own session, stdio on /dev/null, lowest priority)
 * that decompresses the payload of the bzImage at `kernel_path` into the
 * payload cache `dir`, and return at once; this run never waits for it.
 * Call before /dev/kvm is opened, so the process holds no KVM file.
 * Returns whether the process was started.
 */
bool payload_fill_later(const char *kernel_path, const char *dir);

#endif
