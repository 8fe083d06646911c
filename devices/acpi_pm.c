/* acpi_pm.c: PM1a event/control registers (sleep to S5 = power off) and the 0xcf9 reset register. */
#include "devices/acpi_pm.h"

#include <string.h>

void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_host *host)
{
	memset(pm, 0, sizeof(*pm));
	pm->host = *host;
	pm->control = ACPI_PM1_CNT_SCI_EN;
}

/* Bytes [off, off + len) of a little-endian register file `regs` of `size`
 * bytes; what lies beyond it reads all-ones, as an unclaimed port. */
static void read_bytes(const uint8_t *regs, unsigned size, uint64_t off, void *data,
		       unsigned len)
{
	uint8_t *out = data;

	for (unsigned i = 0; i < len; i++)
		out[i] = off + i < size ? regs[off + i] : 0xff;
}

static void evt_read(void *dev, uint64_t off, void *data, unsigned len)
{
	const struct acpi_pm *pm = dev;
	const uint8_t regs[ACPI_PM1_EVT_LEN] = { (uint8_t)pm->status, (uint8_t)(pm->status >> 8),
						 (uint8_t)pm->enable, (uint8_t)(pm->enable >> 8) };

	read_bytes(regs, sizeof(regs), off, data, len);
}

/* Status bits are cleared by writing 1 (ACPI 6.5 §4.8.3.1.1); enable bits are stored. */
static void evt_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct acpi_pm *pm = dev;
	const uint8_t *in = data;

	for (unsigned i = 0; i < len && off + i < ACPI_PM1_EVT_LEN; i++) {
		unsigned byte = (unsigned)(off + i), shift = (byte & 1) * 8;

		if (byte < 2)
			pm->status &= (uint16_t)~((unsigned)in[i] << shift);
		else
			pm->enable = (uint16_t)((pm->enable & ~(0xffu << shift)) |
						((unsigned)in[i] << shift));
	}
}

static void cnt_read(void *dev, uint64_t off, void *data, unsigned len)
{
	const struct acpi_pm *pm = dev;
	const uint8_t regs[ACPI_PM1_CNT_LEN] = { (uint8_t)pm->control,
						 (uint8_t)(pm->control >> 8) };

	read_bytes(regs, sizeof(regs), off, data, len);
}

/* SCI_EN stays set; SLP_EN is write-only and starts the sleep (ACPI 6.5 §4.8.3.2.1). */
static void cnt_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct acpi_pm *pm = dev;
	const uint8_t *in = data;
	unsigned v = pm->control;

	for (unsigned i = 0; i < len && off + i < ACPI_PM1_CNT_LEN; i++) {
		unsigned shift = (unsigned)(off + i) * 8;

		v = (v & ~(0xffu << shift)) | ((unsigned)in[i] << shift);
	}
	pm->control = (uint16_t)((v & ~ACPI_PM1_CNT_SLP_EN) | ACPI_PM1_CNT_SCI_EN);
	if ((v & ACPI_PM1_CNT_SLP_EN) && pm->host.sleep)
		pm->host.sleep(pm->host.ctx,
			       (v & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT);
}

static void rst_read(void *dev, uint64_t off, void *data, unsigned len)
{
	const struct acpi_pm *pm = dev;

	read_bytes(&pm->rst_cnt, 1, off, data, len);
}

/* Only a byte write reaches RST_CNT; wider writes belong to the PCI ports around it. */
static void rst_write(void *dev, uint64_t off, const void *data, unsigned len)
{
	struct acpi_pm *pm = dev;
	uint8_t v = *(const uint8_t *)data;

	if (off != 0 || len != 1)
		return;
	pm->rst_cnt = v & (uint8_t)~ACPI_RST_CNT_RST_CPU;
	if ((v & ACPI_RST_CNT_RST_CPU) && pm->host.reset)
		pm->host.reset(pm->host.ctx);
}

const struct bus_ops acpi_pm1_evt_ops = { .read = evt_read, .write = evt_write };
const struct bus_ops acpi_pm1_cnt_ops = { .read = cnt_read, .write = cnt_write };
const struct bus_ops acpi_reset_ops = { .read = rst_read, .write = rst_write };
