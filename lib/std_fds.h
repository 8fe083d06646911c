/* std_fds.h: descriptors 0, 1 and 2 kept open, so that no file vmm opens becomes stdin, stdout or stderr. */
#ifndef LIB_STD_FDS_H
#define LIB_STD_FDS_H

/*
 * Opens /dev/null on each of descriptors 0-2 that is closed (a caller that ran vmm with
 * `<&-`, `>&-` or `2>&-`): otherwise the next open() takes that number, and stderr's
 * messages would go into the kernel's cache entry, a profile or a repro file, or the
 * console into a KVM descriptor. Call it first in main(). Returns 0 or a negative errno.
 */
int std_fds_open(void);

#endif
