// imgedge filter ABI v1: the parts every module shares (version, bump allocator, scratch area).
// Compiled with clang --target=wasm32 and linked into each module; no libc, no imports.

typedef unsigned int u32;
typedef unsigned long size_t;

extern unsigned char __heap_base;   // provided by wasm-ld: first byte after data and stack

static u32 bump_next;               // 0 until the first call: then the next free byte
static _Alignas(16) unsigned char scratch[1024];

// Defined (strongly) by modules that keep state which must be cleared with the heap.
__attribute__((weak)) void imgedge_module_reset(void) {}

static u32 heap_start(void) { return ((u32)&__heap_base + 15u) & ~15u; }

__attribute__((visibility("default"))) int imgedge_abi_version(void) { return 1; }

__attribute__((visibility("default"))) void imgedge_reset(void) {
    bump_next = heap_start();
    imgedge_module_reset();
}

__attribute__((visibility("default"))) u32 imgedge_alloc(int size) {
    if (size < 0) return 0;
    if (bump_next == 0) bump_next = heap_start();
    u32 ptr = bump_next;
    u32 end = ptr + (u32)size;                      // size < 2^31 and ptr < 2^31 (memory <= 2 GiB): no wrap
    u32 have = (u32)__builtin_wasm_memory_size(0) * 65536u;
    if (end > have) {
        u32 pages = (end - have + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
    }
    bump_next = (end + 15u) & ~15u;
    return ptr;
}

// Bytes of linear memory right now (for bounds checks on host-supplied pointers).
u32 imgedge_memory_bytes(void) { return (u32)__builtin_wasm_memory_size(0) * 65536u; }

// 1 KiB of zeroed, 16-aligned static memory a module may use as it likes (tables, decoder state).
unsigned char *imgedge_scratch(void) { return scratch; }
