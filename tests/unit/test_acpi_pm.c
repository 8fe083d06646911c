/* test_acpi_pm.c: PM1 event/control registers and the reset register, through the port bus. */
#include <criterion/criterion.h>

#include "devices/acpi_pm.h"

#define EVT 0x600
#define CNT 0x604
#define RST 0xcf9

static unsigned sleeps, last_typ, resets;

static void on_sleep(void *ctx, unsigned typ)
{
	(void)ctx;
	sleeps++;
	last_typ = typ;
}

static void on_reset(void *ctx)
{
	(void)ctx;
	resets++;
}

static struct acpi_pm pm;
static struct bus b;

static void setup(void)
{
	const struct acpi_pm_host h = { .sleep = on_sleep, .reset = on_reset };

	sleeps = last_typ = resets = 0;
	acpi_pm_init(&pm, &h);
	bus_init(&b);
	cr_assert_eq(bus_add(&b, EVT, ACPI_PM1_EVT_LEN, &acpi_pm1_evt_ops, &pm), 0);
	cr_assert_eq(bus_add(&b, CNT, ACPI_PM1_CNT_LEN, &acpi_pm1_cnt_ops, &pm), 0);
	cr_assert_eq(bus_add(&b, RST, 1, &acpi_reset_ops, &pm), 0);
}

TestSuite(acpi_pm, .init = setup);

Test(acpi_pm, sci_en_set_at_power_on_and_kept)
{
	uint16_t v = 0;

	cr_assert_eq(bus_access(&b, CNT, &v, 2, false), 0);
	cr_assert_eq(v, ACPI_PM1_CNT_SCI_EN);
	v = 0;
	bus_access(&b, CNT, &v, 2, true);
	bus_access(&b, CNT, &v, 2, false);
	cr_assert_eq(v & ACPI_PM1_CNT_SCI_EN, ACPI_PM1_CNT_SCI_EN, "ACPI mode cannot be left");
	cr_assert_eq(sleeps, 0);
}

/* Linux's acpi_hw_legacy_sleep(): SLP_TYP first, then the same with SLP_EN. */
Test(acpi_pm, slp_en_reports_the_sleep_type_once)
{
	uint16_t v = ACPI_PM1_CNT_SCI_EN | (5u << ACPI_PM1_CNT_SLP_TYP_SHIFT), rd;

	bus_access(&b, CNT, &v, 2, true);
	cr_assert_eq(sleeps, 0, "SLP_TYP alone starts nothing");
	v |= ACPI_PM1_CNT_SLP_EN;
	bus_access(&b, CNT, &v, 2, true);
	cr_assert_eq(sleeps, 1);
	cr_assert_eq(last_typ, 5);
	bus_access(&b, CNT, &rd, 2, false);
	cr_assert_eq(rd & ACPI_PM1_CNT_SLP_EN, 0, "SLP_EN is write-only");
	cr_assert_eq(rd & ACPI_PM1_CNT_SLP_TYP_MASK, 5u << ACPI_PM1_CNT_SLP_TYP_SHIFT);
}

Test(acpi_pm, byte_writes_to_the_high_half)
{
	uint8_t hi = (uint8_t)((ACPI_PM1_CNT_SLP_EN | (3u << ACPI_PM1_CNT_SLP_TYP_SHIFT)) >> 8);

	bus_access(&b, CNT + 1, &hi, 1, true);
	cr_assert_eq(sleeps, 1);
	cr_assert_eq(last_typ, 3);
}

Test(acpi_pm, status_write_one_to_clear_enable_stored)
{
	uint32_t v = 0x0120ffff, rd = 0;

	pm.status = 0x8001;
	bus_access(&b, EVT, &v, 4, true);
	bus_access(&b, EVT, &rd, 4, false);
	cr_assert_eq(rd & 0xffff, 0, "status cleared by ones");
	cr_assert_eq(rd >> 16, 0x0120, "enable stored");
	pm.status = 0x8001;
	v = 0x0001;
	bus_access(&b, EVT, &v, 2, true);
	bus_access(&b, EVT, &rd, 2, false);
	cr_assert_eq(rd & 0xffff, 0x8000, "zero bits leave status alone");
}

Test(acpi_pm, reset_register_rst_cpu)
{
	uint8_t v = ACPI_RST_CNT_SYS_RST, rd;

	bus_access(&b, RST, &v, 1, true);
	cr_assert_eq(resets, 0, "SYS_RST alone only selects the reset kind");
	bus_access(&b, RST, &rd, 1, false);
	cr_assert_eq(rd, ACPI_RST_CNT_SYS_RST);
	v = ACPI_RESET_VALUE;
	bus_access(&b, RST, &v, 1, true);
	cr_assert_eq(resets, 1);
	bus_access(&b, RST, &rd, 1, false);
	cr_assert_eq(rd & ACPI_RST_CNT_RST_CPU, 0, "RST_CPU reads 0");
}

Test(acpi_pm, no_host_callbacks_is_safe)
{
	const struct acpi_pm_host none = { 0 };
	uint16_t v = ACPI_PM1_CNT_SLP_EN;
	uint8_t r = ACPI_RESET_VALUE;

	acpi_pm_init(&pm, &none);
	cr_assert_eq(bus_access(&b, CNT, &v, 2, true), 0);
	cr_assert_eq(bus_access(&b, RST, &r, 1, true), 0);
}
