#include "nemesis/clock/vdso.h"

#include <elf.h>
#include <link.h>
#include <sys/auxv.h>

#include <cstdint>
#include <cstring>

namespace faultline {
namespace {

// The symbol tables of the vDSO, as addresses in this process.
struct VdsoTables {
  uintptr_t bias = 0;  // add to a virtual address of the image to get a pointer
  const ElfW(Sym) * symbols = nullptr;
  const char* strings = nullptr;
  uint32_t symbol_count = 0;
};

// The number of dynamic symbols from a GNU hash table: one past the last chain's end.
uint32_t GnuHashSymbolCount(const uint32_t* table) {
  const uint32_t buckets = table[0];
  const uint32_t sym_offset = table[1];
  const uint32_t bloom_words = table[2];
  const auto* bucket = reinterpret_cast<const uint32_t*>(
      reinterpret_cast<const ElfW(Addr)*>(table + 4) + bloom_words);
  const uint32_t* chain = bucket + buckets;
  uint32_t last = 0;
  for (uint32_t i = 0; i < buckets; ++i) {
    if (bucket[i] > last) last = bucket[i];
  }
  if (last < sym_offset) return sym_offset;
  while ((chain[last - sym_offset] & 1) == 0) ++last;  // the low bit ends a chain
  return last + 1;
}

bool FindTables(uintptr_t base, VdsoTables* out) {
  const auto* ehdr = reinterpret_cast<const ElfW(Ehdr)*>(base);
  if (std::memcmp(ehdr->e_ident, ELFMAG, SELFMAG) != 0) return false;
  const auto* phdr = reinterpret_cast<const ElfW(Phdr)*>(base + ehdr->e_phoff);
  const ElfW(Dyn)* dynamic = nullptr;
  bool have_load = false;
  for (int i = 0; i < ehdr->e_phnum; ++i) {
    if (phdr[i].p_type == PT_LOAD && !have_load) {
      out->bias = base + phdr[i].p_offset - phdr[i].p_vaddr;
      have_load = true;
    } else if (phdr[i].p_type == PT_DYNAMIC) {
      dynamic = reinterpret_cast<const ElfW(Dyn)*>(base + phdr[i].p_offset);
    }
  }
  if (!have_load || dynamic == nullptr) return false;
  const uint32_t* sysv_hash = nullptr;
  const uint32_t* gnu_hash = nullptr;
  for (const ElfW(Dyn)* d = dynamic; d->d_tag != DT_NULL; ++d) {
    const uintptr_t address = out->bias + d->d_un.d_ptr;
    switch (d->d_tag) {
      case DT_SYMTAB:
        out->symbols = reinterpret_cast<const ElfW(Sym)*>(address);
        break;
      case DT_STRTAB:
        out->strings = reinterpret_cast<const char*>(address);
        break;
      case DT_HASH:
        sysv_hash = reinterpret_cast<const uint32_t*>(address);
        break;
      case DT_GNU_HASH:
        gnu_hash = reinterpret_cast<const uint32_t*>(address);
        break;
      default:
        break;
    }
  }
  if (out->symbols == nullptr || out->strings == nullptr) return false;
  if (sysv_hash != nullptr) {
    out->symbol_count = sysv_hash[1];  // nchain: one entry per symbol
  } else if (gnu_hash != nullptr) {
    out->symbol_count = GnuHashSymbolCount(gnu_hash);
  } else {
    return false;
  }
  return true;
}

}  // namespace

VdsoClockGettime FindVdsoClockGettime() {
  const uintptr_t base = getauxval(AT_SYSINFO_EHDR);
  if (base == 0) return nullptr;
  VdsoTables tables;
  if (!FindTables(base, &tables)) return nullptr;
  // x86-64 and most others export __vdso_clock_gettime; arm64 and riscv __kernel_clock_gettime.
  static constexpr const char* kNames[] = {"__vdso_clock_gettime", "__kernel_clock_gettime"};
  for (const char* name : kNames) {
    for (uint32_t i = 0; i < tables.symbol_count; ++i) {
      const ElfW(Sym)& sym = tables.symbols[i];
      if (sym.st_shndx == SHN_UNDEF || ELF64_ST_TYPE(sym.st_info) != STT_FUNC) continue;
      if (std::strcmp(tables.strings + sym.st_name, name) != 0) continue;
      return reinterpret_cast<VdsoClockGettime>(tables.bias + sym.st_value);
    }
  }
  return nullptr;
}

}  // namespace faultline
