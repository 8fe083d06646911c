/* output.c: guest serial output batched across exits: the buffer and when it is due. */
#include "vmm/console/output.h"

void console_out_flush(struct console_out *o, console_sink *sink)
{
	if (!o->len)
		return;
	o->writes += sink(o->buf, o->len);
	o->len = 0;
}

bool console_out_put(struct console_out *o, uint8_t c, uint64_t now_ns, console_sink *sink)
{
	bool starts = false;

	if (o->len == sizeof(o->buf)) /* not reached from the run loop: see CONSOLE_OUT_HIGH */
		console_out_flush(o, sink);
	if (o->len == 0) {
		o->deadline_ns = now_ns + CONSOLE_OUT_DELAY_NS;
		starts = true;
	}
	o->buf[o->len++] = c;
	o->bytes++;
	return starts;
}

bool console_out_due(const struct console_out *o, uint64_t now_ns)
{
	return o->len >= CONSOLE_OUT_HIGH || (o->len > 0 && now_ns >= o->deadline_ns);
}
