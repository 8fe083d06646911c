/* output.c: guest serial output batched across exits: a bounded buffer and its writer's claim. */
#include "vmm/console/output.h"

#include <string.h>

void console_out_init(struct console_out *o, uint8_t *buf, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->buf = buf;
	o->cap = cap;
}

bool console_out_put(struct console_out *o, uint8_t c, uint64_t now_ns)
{
	bool starts = o->len == o->taken;

	if (o->len == o->cap) {
		o->lost++;
		return false;
	}
	if (starts)
		o->deadline_ns = now_ns + CONSOLE_OUT_DELAY_NS;
	o->buf[o->len++] = c;
	o->bytes++;
	return starts;
}

bool console_out_due(const struct console_out *o, uint64_t now_ns)
{
	size_t unclaimed = o->len - o->taken;

	return unclaimed >= CONSOLE_OUT_HIGH || (unclaimed > 0 && now_ns >= o->deadline_ns);
}

bool console_out_room(const struct console_out *o)
{
	return o->len <= CONSOLE_OUT_SIZE;
}

size_t console_out_take(struct console_out *o)
{
	o->taken = o->len;
	return o->taken;
}

void console_out_done(struct console_out *o, size_t n)
{
	if (n > o->taken)
		n = o->taken;
	memmove(o->buf, o->buf + n, o->len - n);
	o->len -= n;
	o->taken -= n;
	o->writes++;
}

void console_out_release(struct console_out *o, uint64_t now_ns)
{
	if (o->taken) /* what is left was due already */
		o->deadline_ns = now_ns;
	o->taken = 0;
}
