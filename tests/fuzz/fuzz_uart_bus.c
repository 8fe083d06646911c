/* fuzz_uart_bus.c: libFuzzer target: guest port/MMIO accesses through the bus to vmm's devices (machine.c add_devices()), and host input to the UART. */
#include <errno.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/boot_timer.h"
#include "devices/bus.h"
#include "devices/debug_exit.h"
#include "devices/i8042.h"
#include "devices/rtc_cmos.h"
#include "devices/uart8250.h"
#include "tests/fuzz/fuzz_util.h"
#include "vmm/layout.h"

/* 2026-01-01 00:00:00 UTC: the fake host clock's start, so runs repeat. */
#define CLOCK_START 1767225600LL
#define NS_PER_SEC 1000000000LL

struct machine {
	struct bus pio, mmio;
	struct uart8250 uart;
	struct i8042 i8042;
	struct debug_exit debug_exit;
	struct rtc_cmos rtc;
	struct boot_timer boot_timer;
	struct acpi_pm pm;
	bool irq;	    /* the UART's interrupt line as last reported */
	struct timespec now; /* the host clock the RTC reads */
};

static void uart_tx(void *ctx, uint8_t c)
{
	(void)ctx;
	(void)c;
}

/* uart8250.h: set_irq is "only called on a change". */
static void uart_irq(void *ctx, bool level)
{
	struct machine *m = ctx;

	if (level == m->irq)
		fuzz_fail("uart8250: set_irq without a change of level");
	m->irq = level;
}

static void i8042_reset(void *ctx)
{
	(void)ctx;
}

static void debug_exit(void *ctx, uint32_t value)
{
	(void)ctx;
	(void)value;
}

/* acpi_pm.h: SLP_TYP is 3 bits. */
static void acpi_sleep(void *ctx, unsigned slp_typ)
{
	(void)ctx;
	if (slp_typ > 7)
		fuzz_fail("acpi_pm: sleep type beyond SLP_TYP's 3 bits");
}

static void acpi_reset(void *ctx)
{
	(void)ctx;
}

static void boot_timer_fired(void *ctx, bool mmio)
{
	(void)ctx;
	(void)mmio;
}

static void fake_clock(void *ctx, struct timespec *ts)
{
	const struct machine *m = ctx;

	*ts = m->now;
}

static void add(struct bus *b, uint64_t base, uint64_t len, const struct bus_ops *ops, void *dev)
{
	if (bus_add(b, base, len, ops, dev) != 0)
		fuzz_fail("bus_add: vmm's device layout was refused");
}

/* The devices and ranges of vmm/machine.c add_devices(), with a fake clock. */
static void machine_init(struct machine *m)
{
	const struct uart8250_host uh = { .tx = uart_tx, .set_irq = uart_irq, .ctx = m };
	const struct i8042_host kh = { .reset = i8042_reset, .ctx = m };
	const struct debug_exit_host dh = { .exit = debug_exit, .ctx = m };
	const struct rtc_cmos_host rh = { .now = fake_clock, .ctx = m };
	const struct boot_timer_host th = { .booted = boot_timer_fired, .ctx = m };
	const struct acpi_pm_host ph = { .sleep = acpi_sleep, .reset = acpi_reset, .ctx = m };

	memset(m, 0, sizeof(*m));
	m->now.tv_sec = CLOCK_START;
	bus_init(&m->pio);
	bus_init(&m->mmio);
	uart8250_init(&m->uart, &uh);
	i8042_init(&m->i8042, &kh);
	debug_exit_init(&m->debug_exit, &dh);
	rtc_cmos_init(&m->rtc, &rh);
	boot_timer_init(&m->boot_timer, &th);
	acpi_pm_init(&m->pm, &ph);
	add(&m->pio, LAYOUT_COM1_PORT, 8, &uart8250_ops, &m->uart);
	add(&m->pio, LAYOUT_I8042_DATA_PORT, 1, &i8042_data_ops, &m->i8042);
	add(&m->pio, LAYOUT_I8042_CMD_PORT, 1, &i8042_cmd_ops, &m->i8042);
	add(&m->pio, LAYOUT_DEBUG_EXIT_PORT, LAYOUT_DEBUG_EXIT_LEN, &debug_exit_ops, &m->debug_exit);
	add(&m->pio, LAYOUT_RTC_PORT, LAYOUT_RTC_LEN, &rtc_cmos_ops, &m->rtc);
	add(&m->pio, LAYOUT_BOOT_TIMER_PORT, 1, &boot_timer_port_ops, &m->boot_timer);
	add(&m->mmio, LAYOUT_BOOT_TIMER_MMIO, LAYOUT_BOOT_TIMER_LEN, &boot_timer_mmio_ops,
	    &m->boot_timer);
	add(&m->pio, LAYOUT_PM1A_EVT_PORT, ACPI_PM1_EVT_LEN, &acpi_pm1_evt_ops, &m->pm);
	add(&m->pio, LAYOUT_PM1A_CNT_PORT, ACPI_PM1_CNT_LEN, &acpi_pm1_cnt_ops, &m->pm);
	add(&m->pio, LAYOUT_RESET_PORT, 1, &acpi_reset_ops, &m->pm);
}

/* PM1 control always reads SCI_EN set and SLP_EN clear (write-only); RST_CPU reads 0. */
static void check_acpi_pm(struct machine *m)
{
	uint16_t cnt = 0;
	uint8_t rst = 0;

	bus_access(&m->pio, LAYOUT_PM1A_CNT_PORT, &cnt, 2, false);
	bus_access(&m->pio, LAYOUT_RESET_PORT, &rst, 1, false);
	if (!(cnt & ACPI_PM1_CNT_SCI_EN) || (cnt & ACPI_PM1_CNT_SLP_EN))
		fuzz_fail("acpi_pm: PM1 control lost SCI_EN or kept SLP_EN");
	if (rst & ACPI_RST_CNT_RST_CPU)
		fuzz_fail("acpi_pm: RST_CPU reads back");
}

/* Access widths: KVM gives 1, 2 or 4 for port I/O and up to 8 for MMIO;
 * 0 and 9 are the VMM bugs bus_access() must refuse (-EINVAL). */
static const unsigned widths[8] = { 1, 1, 1, 2, 4, 8, 0, 9 };

/* One access: a 16-bit port, or an MMIO address near the boot timer. */
static void bus_op(struct machine *m, uint8_t op, struct fuzz_in *in)
{
	bool mmio = op & 0x20, write = op & 0x40;
	unsigned len = widths[(op >> 2) & 7];
	uint64_t addr = mmio ? LAYOUT_BOOT_TIMER_MMIO - 8 + fuzz_take(in, 1) : fuzz_take(in, 2);
	uint8_t data[16];
	uint64_t v = write ? fuzz_take(in, 8) : 0;
	int r;

	memset(data, 0xa5, sizeof(data));
	memcpy(data, &v, sizeof(v));
	r = bus_access(mmio ? &m->mmio : &m->pio, addr, data, len, write);
	if ((len == 0 || len > 8) != (r == -EINVAL))
		fuzz_fail("bus_access: -EINVAL iff the width is not 1..8");
	if (data[8] != 0xa5)
		fuzz_fail("bus_access: wrote past the access width");
}

/* Host -> guest: can_receive() says exactly what receive() will do. */
static void receive(struct machine *m, struct fuzz_in *in)
{
	uint8_t c = (uint8_t)fuzz_take(in, 1);
	bool can = uart8250_can_receive(&m->uart);

	if (uart8250_receive(&m->uart, c) != can)
		fuzz_fail("uart8250: receive() disagrees with can_receive()");
}

/* Let the host clock run: up to 65535 ms, or whole seconds up to a day. */
static void advance_clock(struct machine *m, uint8_t op, struct fuzz_in *in)
{
	uint64_t v = fuzz_take(in, 2);
	int64_t ns = m->now.tv_nsec + (op & 0x80 ? 0 : (int64_t)v * 1000000);

	m->now.tv_sec += (op & 0x80 ? (int64_t)(v % 86400) : 0) + ns / NS_PER_SEC;
	m->now.tv_nsec = ns % NS_PER_SEC;
}

/*
 * Records: an op byte, then its operands. Op bits 0-1: 0-1 a bus access
 * (bit 5 MMIO, bit 6 write, bits 2-4 the width), 2 a byte from the host
 * to the UART, 3 the clock moves on.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct machine m;
	struct fuzz_in in = { data, size };

	machine_init(&m);
	while (fuzz_more(&in)) {
		uint8_t op = (uint8_t)fuzz_take(&in, 1);

		switch (op & 3) {
		case 0:
		case 1:
			bus_op(&m, op, &in);
			break;
		case 2:
			receive(&m, &in);
			break;
		default:
			advance_clock(&m, op, &in);
			break;
		}
		check_acpi_pm(&m);
	}
	return 0;
}
