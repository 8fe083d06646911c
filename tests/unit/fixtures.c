/* fixtures.c: builds synthetic bzImages and guest RAM buffers for the unit tests. */
#include "tests/unit/fixtures.h"
#include "vmm/boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

struct setup_header *fixture_hdr(uint8_t *img)
{
	return (struct setup_header *)(img + 0x1f1);
}

uint8_t *fixture_bzimage(void)
{
	uint8_t *img = calloc(1, FIX_IMAGE_LEN);
	struct setup_header *h = fixture_hdr(img);

	img[0x1ef] = 0xff; /* sentinel, as in real images */
	h->setup_sects = FIX_SETUP_SECTS;
	h->syssize = FIX_PM_SIZE / 16;
	h->boot_flag = 0xaa55;
	h->jump = 0x6aeb; /* header ends at 0x202 + 0x6a = 0x26c */
	h->header = 0x53726448;
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64;
	h->cmdline_size = 0x7ff;
	h->pref_address = FIX_PREF_ADDRESS;
	h->init_size = FIX_INIT_SIZE;
	for (size_t i = 0; i < FIX_PM_SIZE; i++)
		img[FIX_PM_OFFSET + i] = (uint8_t)(i * 7 + 3);
	return img;
}

/* Anonymous mappings, as vmm's own RAM: zero pages on demand, so a test of
 * 8 GiB touches only what it writes (and ASan does not poison it all). */
struct guest_mem fixture_ram(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return (struct guest_mem){ .hva = p == MAP_FAILED ? NULL : p, .size = size };
}

void fixture_ram_free(struct guest_mem *gm)
{
	if (gm->hva)
		munmap(gm->hva, gm->size);
	gm->hva = NULL;
}

Elf64_Ehdr *fixture_ehdr(uint8_t *img)
{
	return (Elf64_Ehdr *)img;
}

Elf64_Phdr *fixture_phdr(uint8_t *img, unsigned i)
{
	return (Elf64_Phdr *)(img + FIX_ELF_PHOFF) + i;
}

size_t fixture_note(uint8_t *p, const char *name, uint32_t type,
		    const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	uint32_t hdr[3] = { namesz, descsz, type };
	size_t off = sizeof(hdr);

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + off, name, namesz);
	off += (namesz + 3) & ~3u;
	memcpy(p + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

static void fixture_elf_notes(uint8_t *p)
{
	uint8_t build_id[20] = { 1, 2, 3 };
	uint64_t pvh = FIX_ELF_PVH_ENTRY;

	p += fixture_note(p, "GNU", 3, build_id, sizeof(build_id));
	p += fixture_note(p, "Xen", 6, "linux", 6);
	fixture_note(p, "Xen", 18, &pvh, sizeof(pvh));
}

uint8_t *fixture_elf(void)
{
	uint8_t *img = calloc(1, FIX_ELF_LEN);
	Elf64_Ehdr *eh = fixture_ehdr(img);

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = FIX_ELF_ENTRY;
	eh->e_phoff = FIX_ELF_PHOFF;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	*fixture_phdr(img, 0) = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = FIX_ELF_TEXT_OFF,
		.p_vaddr = 0xffffffff80000000ull + FIX_ELF_TEXT_PADDR,
		.p_paddr = FIX_ELF_TEXT_PADDR, .p_filesz = FIX_ELF_TEXT_SIZE,
		.p_memsz = FIX_ELF_TEXT_SIZE, .p_align = 0x1000 };
	*fixture_phdr(img, 1) = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = FIX_ELF_DATA_OFF, .p_vaddr = 0,
		.p_paddr = FIX_ELF_DATA_PADDR, .p_filesz = FIX_ELF_DATA_FILESZ,
		.p_memsz = FIX_ELF_DATA_MEMSZ, .p_align = 0x1000 };
	*fixture_phdr(img, 2) = (Elf64_Phdr){
		.p_type = PT_NOTE, .p_flags = PF_R,
		.p_offset = FIX_ELF_NOTE_OFF, .p_filesz = FIX_ELF_NOTE_LEN,
		.p_memsz = FIX_ELF_NOTE_LEN, .p_align = 4 };
	fixture_elf_notes(img + FIX_ELF_NOTE_OFF);
	for (unsigned i = 0; i < FIX_ELF_TEXT_SIZE; i++)
		img[FIX_ELF_TEXT_OFF + i] = (uint8_t)(i * 5 + 1);
	for (unsigned i = 0; i < FIX_ELF_DATA_FILESZ; i++)
		img[FIX_ELF_DATA_OFF + i] = (uint8_t)(i * 3 + 2);
	return img;
}

static Elf32_Phdr phdr32_of(const Elf64_Phdr *p, uint32_t vaddr)
{
	return (Elf32_Phdr){ .p_type = p->p_type, .p_offset = (uint32_t)p->p_offset,
			     .p_vaddr = vaddr, .p_paddr = (uint32_t)p->p_paddr,
			     .p_filesz = (uint32_t)p->p_filesz, .p_memsz = (uint32_t)p->p_memsz,
			     .p_flags = p->p_flags, .p_align = (uint32_t)p->p_align };
}

uint8_t *fixture_elf32(void)
{
	uint8_t *img = fixture_elf();
	Elf64_Ehdr eh64 = *fixture_ehdr(img);
	Elf64_Phdr ph64[3];
	Elf32_Ehdr *eh = (Elf32_Ehdr *)img;
	Elf32_Phdr *ph = (Elf32_Phdr *)(img + FIX_ELF_PHOFF);

	for (unsigned i = 0; i < 3; i++)
		ph64[i] = *fixture_phdr(img, i);
	memset(img, 0, FIX_ELF_NOTE_OFF);
	memcpy(eh->e_ident, eh64.e_ident, EI_NIDENT);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = (uint32_t)eh64.e_entry;
	eh->e_phoff = FIX_ELF_PHOFF;
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 3;
	ph[0] = phdr32_of(&ph64[0], 0xc0000000u + FIX_ELF_TEXT_PADDR);
	ph[1] = phdr32_of(&ph64[1], 0);
	ph[2] = phdr32_of(&ph64[2], 0);
	return img;
}

static int fixture_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f)
		ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

static uint8_t *fixture_read(const char *path, size_t extra, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + extra);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

uint8_t *fixture_compress(const char *cmd, const void *data, size_t len,
			  int append_size, size_t *out_len)
{
	char dir[] = "/tmp/vmm-fixture-XXXXXX", in[64], out[64], sh[512];
	uint8_t *buf = NULL;

	if (!mkdtemp(dir))
		return NULL;
	snprintf(in, sizeof(in), "%s/in", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(sh, sizeof(sh), "%s < %s > %s", cmd, in, out);
	if (fixture_write(in, data, len) == 0 && system(sh) == 0)
		buf = fixture_read(out, 4, out_len);
	if (buf && append_size) {
		for (int i = 0; i < 4; i++)
			buf[*out_len + i] = (uint8_t)(len >> (8 * i));
		*out_len += 4;
	}
	unlink(in);
	unlink(out);
	rmdir(dir);
	return buf;
}

int fixture_entry(struct entry_state *st, const struct entry_options *o,
		  uint64_t map_end)
{
	struct entry_addrs a = {
		.rip = 0x1000000 + (o->proto == BOOT_LINUX64 ? 0x200 : 0),
		.info = o->proto == BOOT_PVH ? 0x6000 : 0x7000,
		.stack = 0x8ff0, .gdt = 0x500, .tables = 0x30000,
		.tables_limit = 0x6d000, .map_end = map_end,
	};

	return entry_build(st, o, &a);
}
