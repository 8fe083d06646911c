/* hostile.c: a guest program that abuses every I/O port, random MMIO and the UART, floods the
 * console, then resets the machine itself. Run as root in the test guest (static binary). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define COM1 0x3f8
#define I8042_CMD 0x64	     /* 0xfe here resets the machine: written only at the end */
#define DEBUG_EXIT 0xf4	     /* vmm's debug-exit port (0xf4-0xf7): any write ends the run */
#define PM1A_CNT 0x604	     /* vmm's ACPI PM1a control block (2 bytes): SLP_EN powers off */
#define RESET_REG 0xcf9	     /* vmm's ACPI reset register: RST_CPU resets */
#define MMIO_HOLE 0xc0000000ULL /* no RAM in [3 GiB, 4 GiB) */
#define MMIO_HOLE_END 0xfec00000ULL /* stop below the IOAPIC and LAPIC */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32);
}

static int is_exit_port(unsigned port)
{
	return port == I8042_CMD || (port >= DEBUG_EXIT && port < DEBUG_EXIT + 4) ||
	       port == PM1A_CNT || port == PM1A_CNT + 1 || port == RESET_REG;
}

/* Every port: byte, word and dword reads, random writes (except the exit triggers). */
static void all_ports(void)
{
	for (unsigned port = 0; port <= 0xffff; port++) {
		(void)inb(port);
		if (port <= 0xfffe)
			(void)inw(port);
		if (port <= 0xfffc)
			(void)inl(port);
		if (is_exit_port(port))
			continue;
		outb((uint8_t)rnd(), port);
		if (port <= 0xfffe && !is_exit_port(port + 1))
			outw((uint16_t)rnd(), port);
	}
}

/* The UART with random divisors and IER/FCR/LCR/MCR values, read back at random. */
static void uart_abuse(unsigned rounds)
{
	for (unsigned i = 0; i < rounds; i++) {
		outb(0x80, COM1 + 3);			/* DLAB */
		outb((uint8_t)rnd(), COM1);		/* divisor low, 0 included */
		outb((uint8_t)rnd(), COM1 + 1);		/* divisor high */
		outb((uint8_t)rnd(), COM1 + 3);		/* random LCR */
		outb((uint8_t)rnd(), COM1 + 1);		/* IER */
		outb((uint8_t)rnd(), COM1 + 2);		/* FCR */
		outb((uint8_t)rnd(), COM1 + 4);		/* MCR, loopback included */
		outb((uint8_t)rnd(), COM1 + (rnd() & 7));
		(void)inb(COM1 + (rnd() & 7));
	}
}

static void uart_sane(void)
{
	outb(0x80, COM1 + 3);
	outb(1, COM1);	      /* 115200 baud */
	outb(0, COM1 + 1);
	outb(0x03, COM1 + 3); /* 8N1, DLAB off */
	outb(0x00, COM1 + 1); /* no interrupts: we poll */
	outb(0x07, COM1 + 2); /* FIFO on, cleared */
	outb(0x0b, COM1 + 4); /* DTR, RTS, OUT2; loopback off */
}

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb((uint8_t)*s, COM1);
	}
}

/* Random reads and writes of 1, 2, 4 and 8 bytes in the MMIO hole. */
static int mmio_abuse(unsigned rounds)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	unsigned done = 0;

	if (fd < 0)
		return -1;
	for (unsigned i = 0; i < rounds; i++) {
		uint64_t pa = MMIO_HOLE + ((uint64_t)rnd() << 12) % (MMIO_HOLE_END - MMIO_HOLE);
		void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);
		volatile uint8_t *p = page;
		unsigned off = rnd() & 0xff8;

		if (page == MAP_FAILED)
			continue;
		(void)p[off];
		(void)*(volatile uint16_t *)(p + off);
		(void)*(volatile uint32_t *)(p + off);
		(void)*(volatile uint64_t *)(p + off);
		p[off] = (uint8_t)rnd();
		*(volatile uint32_t *)(p + off) = rnd();
		*(volatile uint64_t *)(p + off) = ((uint64_t)rnd() << 32) | rnd();
		munmap(page, 4096);
		done++;
	}
	close(fd);
	return (int)done;
}

static void flood(size_t bytes)
{
	char line[128];

	for (size_t n = 0; n < bytes; n += sizeof(line)) {
		memset(line, 'A' + (int)(n / sizeof(line) % 26), sizeof(line) - 1);
		line[sizeof(line) - 1] = '\n';
		if (write(STDOUT_FILENO, line, sizeof(line)) < 0)
			break;
	}
}

static unsigned ms_since(struct timespec *t0)
{
	struct timespec t;
	unsigned ms;

	clock_gettime(CLOCK_MONOTONIC, &t);
	ms = (unsigned)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
	*t0 = t;
	return ms;
}

int main(void)
{
	char msg[160];
	unsigned ms[4];
	struct timespec t0;
	int mmio;

	if (iopl(3) < 0) {
		perror("HOSTILE: iopl");
		return 1;
	}
	printf("HOSTILE: start\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	flood(256 * 1024);
	ms[0] = ms_since(&t0);
	all_ports();
	ms[1] = ms_since(&t0);
	uart_abuse(20000);
	ms[2] = ms_since(&t0);
	mmio = mmio_abuse(2000);
	ms[3] = ms_since(&t0);
	uart_sane();
	/* Where the time went (each step is mostly VM exits: nested, each costs far more). */
	snprintf(msg, sizeof(msg), "\r\nHOSTILE: ports, uart and %d mmio pages done\r\n"
		 "HOSTILE: ms: flood %u ports %u uart %u mmio %u\r\n", mmio, ms[0], ms[1], ms[2], ms[3]);
	uart_puts(msg);
	outb(0xfe, I8042_CMD); /* reset: vmm ends with status 0 */
	for (;;)
		pause();
}
