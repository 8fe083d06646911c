/* console.h: the host terminal side of the serial console (raw mode, input thread, escape key). */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include "vmm/machine/machine.h"

/* Escape: Ctrl-A then 'x' quits; Ctrl-A Ctrl-A sends one Ctrl-A (as kvmtool/QEMU). */
#define CONSOLE_ESCAPE 0x01

/*
 * Put stdin in raw mode when it is a terminal (restored at exit and on
 * SIGTERM/SIGHUP/SIGINT) and start a thread that feeds stdin to the
 * machine's UART. Returns 0 or a negative errno.
 */
int console_start(struct machine *m);
/* Restore the terminal now (idempotent, async-signal-safe). */
void console_restore(void);

#endif
