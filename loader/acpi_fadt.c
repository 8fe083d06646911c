/* acpi_fadt.c: the FADT (fixed hardware of a PC without SMM: PM1a blocks, SCI, reset register) and the FACS. */
#include <string.h>

#include "loader/acpi_impl.h"

/* FADT revision 6, minor version 5: the 276-byte layout of ACPI 6.5 §5.2.9,
 * Table 5.9 (byte offsets below). */
#define FADT_REVISION 6
#define FADT_MINOR_VERSION 5
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_PM_PROFILE 45
#define FADT_SCI_INT 46
#define FADT_PM1A_EVT_BLK 56
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_P_LVL2_LAT 96
#define FADT_P_LVL3_LAT 98
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR 131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT_BLK 148
#define FADT_X_PM1A_CNT_BLK 172

/* Preferred_PM_Profile 0, "Unspecified" (Table 5.9), as QEMU's PCs say. */
#define FADT_PM_PROFILE_UNSPECIFIED 0
/* PM1 event block: status and enable registers of 2 bytes each; PM1
 * control: one 2-byte register (§4.8.3.1, §4.8.3.2). SMI_CMD, PM2, the PM
 * timer and both GPE blocks stay 0: absent (SMI_CMD 0 means the machine is
 * always in ACPI mode, §5.2.9; no PM timer is allowed since ACPI 5.0A). */
#define FADT_PM1_EVT_BYTES 4
#define FADT_PM1_CNT_BYTES 2
/* P_LVL2_LAT > 100 and P_LVL3_LAT > 1000 say "no C2" and "no C3" (Table 5.9). */
#define FADT_NO_C2_LATENCY 101
#define FADT_NO_C3_LATENCY 1001

/* IA-PC boot architecture flags (§5.2.9.3, Table 5.11): ISA-style legacy
 * devices (the RTC CMOS, two 8259s, the PIT), an i8042 on ports 0x60/0x64,
 * and no VGA (our console is the UART). */
#define IAPC_LEGACY_DEVICES (1u << 0)
#define IAPC_8042 (1u << 1)
#define IAPC_VGA_NOT_PRESENT (1u << 2)

/*
 * Fixed feature flags (§5.2.9, Table 5.10). From QEMU's PC FADT we keep
 * WBINVD (required of every ACPI machine), PROC_C1 (HLT works on every
 * CPU) and RESET_REG_SUP; we differ where our machine differs:
 * PWR_BUTTON and SLP_BUTTON: there is no fixed power or sleep button
 * (QEMU has a fixed power button in its PIIX4/ICH9 PM1 block);
 * FIX_RTC: the PM1 block has no RTC_STS/RTC_EN wake bits;
 * no RTC_S4 and no USE_PLATFORM_CLOCK: no S4, and no PM timer or HPET
 * to prefer over the TSC. HW_REDUCED_ACPI stays clear.
 */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_PWR_BUTTON (1u << 4)
#define FADT_F_SLP_BUTTON (1u << 5)
#define FADT_F_FIX_RTC (1u << 6)
#define FADT_F_RESET_REG_SUP (1u << 10)

/* RESET_REG: 8 bits wide at bit offset 0, accessed as a byte (§4.8.3.6). */
#define FADT_RESET_REG_BITS 8

/* FACS (§5.2.10, Table 5.14): version 2; no checksum, flags all 0 (no S4BIOS,
 * no 64-bit wake), no hardware signature and no global lock owner. */
#define FACS_LENGTH 4
#define FACS_VERSION 32
#define FACS_VERSION_ACPI65 2

void acpi_fadt_write(uint8_t *t, const struct acpi_hw *hw, uint64_t facs,
		     uint64_t dsdt)
{
	acpi_header(t, "FACP", ACPI_FADT_LEN, FADT_REVISION);
	/* FACS and DSDT in both forms, equal (acpi_build keeps them below
	 * 4 GiB), so that ACPICA's 32/64X consistency check is satisfied. */
	acpi_put(t + FADT_FIRMWARE_CTRL, facs, 4);
	acpi_put(t + FADT_DSDT, dsdt, 4);
	acpi_put(t + FADT_X_FIRMWARE_CTRL, facs, 8);
	acpi_put(t + FADT_X_DSDT, dsdt, 8);
	t[FADT_PM_PROFILE] = FADT_PM_PROFILE_UNSPECIFIED;
	acpi_put(t + FADT_SCI_INT, hw->sci_irq, 2);

	acpi_put(t + FADT_PM1A_EVT_BLK, hw->pm1a_evt_port, 4);
	acpi_put(t + FADT_PM1A_CNT_BLK, hw->pm1a_cnt_port, 4);
	t[FADT_PM1_EVT_LEN] = FADT_PM1_EVT_BYTES;
	t[FADT_PM1_CNT_LEN] = FADT_PM1_CNT_BYTES;
	/* The X_ forms carry the same blocks; bit width = 8 x length (ACPICA
	 * warns on a mismatch), 16-bit registers so word access. */
	acpi_put_gas(t + FADT_X_PM1A_EVT_BLK, ACPI_GAS_SYSTEM_IO,
		     8 * FADT_PM1_EVT_BYTES, ACPI_GAS_ACCESS_WORD, hw->pm1a_evt_port);
	acpi_put_gas(t + FADT_X_PM1A_CNT_BLK, ACPI_GAS_SYSTEM_IO,
		     8 * FADT_PM1_CNT_BYTES, ACPI_GAS_ACCESS_WORD, hw->pm1a_cnt_port);

	acpi_put(t + FADT_P_LVL2_LAT, FADT_NO_C2_LATENCY, 2);
	acpi_put(t + FADT_P_LVL3_LAT, FADT_NO_C3_LATENCY, 2);
	t[FADT_CENTURY] = hw->century; /* Linux's rtc-cmos then reads the century from there */
	acpi_put(t + FADT_IAPC_BOOT_ARCH,
		 IAPC_LEGACY_DEVICES | IAPC_8042 | IAPC_VGA_NOT_PRESENT, 2);
	acpi_put(t + FADT_FLAGS,
		 FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
			 FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP,
		 4);
	acpi_put_gas(t + FADT_RESET_REG, ACPI_GAS_SYSTEM_IO, FADT_RESET_REG_BITS,
		     ACPI_GAS_ACCESS_BYTE, hw->reset_port);
	t[FADT_RESET_VALUE] = hw->reset_value;
	t[FADT_MINOR] = FADT_MINOR_VERSION;
	acpi_checksum(t, ACPI_FADT_LEN, ACPI_HDR_CHECKSUM);
}

void acpi_facs_write(uint8_t *t)
{
	memcpy(t, "FACS", 4);
	acpi_put(t + FACS_LENGTH, ACPI_FACS_LEN, 4);
	t[FACS_VERSION] = FACS_VERSION_ACPI65;
}
