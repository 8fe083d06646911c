/* panic_watch.h: spots Linux's "Kernel panic - not syncing" in the guest's console output. */
#ifndef VMM_PANIC_WATCH_H
#define VMM_PANIC_WATCH_H

#include <stdbool.h>
#include <stdint.h>

/* The line panic() prints (kernel/panic.c) before rebooting after panic=N. */
#define PANIC_WATCH_TEXT "Kernel panic - not syncing"

struct panic_watch {
	unsigned matched; /* bytes of PANIC_WATCH_TEXT matched so far */
	bool seen;
};

/* Feed one console byte; sets w->seen once the text has appeared. */
void panic_watch_feed(struct panic_watch *w, uint8_t c);

#endif
