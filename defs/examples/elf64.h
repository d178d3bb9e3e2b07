/*
 * ELF64 (little-endian x86-64 and AArch64 files): the file header, the
 * program headers (segments) and the section headers. Written for cstruct
 * from the System V ABI's description of the format.
 *
 *   cstruct dump -f elf64.h -t Elf64_Ehdr /bin/ls
 *   cstruct dump -f elf64.h -t Elf64_Phdr -o 64 -n 13 /bin/ls   (e_phoff, e_phnum)
 */

typedef uint16 Elf64_Half;
typedef uint32 Elf64_Word;
typedef int32  Elf64_Sword;
typedef uint64 Elf64_Xword;
typedef int64  Elf64_Sxword;
typedef uint64 Elf64_Addr;
typedef uint64 Elf64_Off;

#define EI_NIDENT 16

enum Elf_Class : uint8 { ELFCLASSNONE = 0, ELFCLASS32 = 1, ELFCLASS64 = 2 };
enum Elf_Data : uint8 { ELFDATANONE = 0, ELFDATA2LSB = 1, ELFDATA2MSB = 2 };
enum Elf_OSABI : uint8 { ELFOSABI_SYSV = 0, ELFOSABI_HPUX = 1, ELFOSABI_NETBSD = 2, ELFOSABI_GNU = 3,
	ELFOSABI_SOLARIS = 6, ELFOSABI_FREEBSD = 9, ELFOSABI_OPENBSD = 12, ELFOSABI_ARM = 97, ELFOSABI_STANDALONE = 255 };

/* e_ident, the first 16 bytes */
struct Elf_Ident {
	char      magic[4];      /* "\x7fELF" */
	Elf_Class ei_class;
	Elf_Data  ei_data;
	uint8     ei_version;
	Elf_OSABI ei_osabi;
	uint8     ei_abiversion;
	uint8     ei_pad[7];
};

enum Elf_Type : uint16 { ET_NONE = 0, ET_REL = 1, ET_EXEC = 2, ET_DYN = 3, ET_CORE = 4 };

enum Elf_Machine : uint16 { EM_NONE = 0, EM_386 = 3, EM_ARM = 40, EM_X86_64 = 62, EM_AARCH64 = 183,
	EM_RISCV = 243, EM_BPF = 247, EM_LOONGARCH = 258 };

typedef struct {
	struct Elf_Ident e_ident;
	Elf_Type    e_type;
	Elf_Machine e_machine;
	Elf64_Word  e_version;
	Elf64_Addr  e_entry;
	Elf64_Off   e_phoff;     /* program header table */
	Elf64_Off   e_shoff;     /* section header table */
	Elf64_Word  e_flags;
	Elf64_Half  e_ehsize;
	Elf64_Half  e_phentsize;
	Elf64_Half  e_phnum;
	Elf64_Half  e_shentsize;
	Elf64_Half  e_shnum;
	Elf64_Half  e_shstrndx;  /* section holding the section names */
} Elf64_Ehdr;

enum Elf_SegType : uint32 {
	PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_SHLIB = 5, PT_PHDR = 6, PT_TLS = 7,
	PT_GNU_EH_FRAME = 0x6474e550, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552, PT_GNU_PROPERTY = 0x6474e553,
	PT_GNU_SFRAME = 0x6474e554
};

flag Elf_SegFlags : uint32 { PF_X = 1, PF_W = 2, PF_R = 4 };

typedef struct {
	Elf_SegType  p_type;
	Elf_SegFlags p_flags;
	Elf64_Off    p_offset;
	Elf64_Addr   p_vaddr;
	Elf64_Addr   p_paddr;
	Elf64_Xword  p_filesz;
	Elf64_Xword  p_memsz;
	Elf64_Xword  p_align;
} Elf64_Phdr;

enum Elf_SecType : uint32 {
	SHT_NULL = 0, SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_HASH = 5, SHT_DYNAMIC = 6,
	SHT_NOTE = 7, SHT_NOBITS = 8, SHT_REL = 9, SHT_SHLIB = 10, SHT_DYNSYM = 11, SHT_INIT_ARRAY = 14,
	SHT_FINI_ARRAY = 15, SHT_PREINIT_ARRAY = 16, SHT_GROUP = 17, SHT_SYMTAB_SHNDX = 18, SHT_RELR = 19,
	SHT_GNU_ATTRIBUTES = 0x6ffffff5, SHT_GNU_HASH = 0x6ffffff6, SHT_GNU_verdef = 0x6ffffffd,
	SHT_GNU_verneed = 0x6ffffffe, SHT_GNU_versym = 0x6fffffff
};

flag Elf_SecFlags : uint64 {
	SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4, SHF_MERGE = 0x10, SHF_STRINGS = 0x20,
	SHF_INFO_LINK = 0x40, SHF_LINK_ORDER = 0x80, SHF_OS_NONCONFORMING = 0x100, SHF_GROUP = 0x200,
	SHF_TLS = 0x400, SHF_COMPRESSED = 0x800
};

typedef struct {
	Elf64_Word   sh_name;    /* offset of the name in the section e_shstrndx */
	Elf_SecType  sh_type;
	Elf_SecFlags sh_flags;
	Elf64_Addr   sh_addr;
	Elf64_Off    sh_offset;
	Elf64_Xword  sh_size;
	Elf64_Word   sh_link;
	Elf64_Word   sh_info;
	Elf64_Xword  sh_addralign;
	Elf64_Xword  sh_entsize;
} Elf64_Shdr;
