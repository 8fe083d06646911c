/* nmi_sc.c: port 0x61 (NMI status and control): counter 2's gate and output for TSC calibration loops. */
#include "devices/nmi_sc.h"

#include <string.h>

#define NS_PER_SEC 1000000000ULL

void nmi_sc_init(struct nmi_sc *s, const struct nmi_sc_host *host)
{
	memset(s, 0, sizeof(*s));
	if (host)
		s->host = *host;
}

/* Input-clock ticks in `ns`, without overflow for any 64-bit ns (ns / 1e9 s). */
static uint64_t pit_ticks(uint64_t ns)
{
	return ns / NS_PER_SEC * PIT_INPUT_HZ + ns % NS_PER_SEC * PIT_INPUT_HZ / NS_PER_SEC;
}

int nmi_sc_pit_out(uint8_t mode, uint32_t count, uint64_t elapsed_ns)
{
	uint64_t d = pit_ticks(elapsed_ns);

	if (count == 0)
		return 0;
	switch (mode) {
	case 1:
		return d < count;
	case 2:
		return d != 0 && d % count == 0;
	case 3:
		return d % count < (count + 1) / 2;
	case 4:
	case 5:
		return d == count;
	default: /* 0, and KVM's power-on 0xff */
		return d >= count;
	}
}

static void nmi_sc_read(void *dev, uint64_t off, void *data, unsigned len)
{
	struct nmi_sc *s = dev;
	int out;

	if (off != 0 || len != 1) {
		memset(data, 0xff, len);
		return;
	}
	s->refresh = !s->refresh;
	out = s->host.timer2_out ? s->host.timer2_out(s->host.ctx) : 0;
	*(uint8_t *)data = (uint8_t)(s->control | (s->refresh ? NMI_SC_REF_TOGGLE : 0) |
				     (out > 0 ? NMI_SC_TMR2_OUT_STS : 0));
}

static void nmi_sc_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct nmi_sc *s = dev;

	if (off == 0 && len == 1)
		s->control = *(const uint8_t *)data & NMI_SC_WRITABLE;
}

const struct bus_ops nmi_sc_ops = { .read = nmi_sc_read, .write = nmi_sc_write };
