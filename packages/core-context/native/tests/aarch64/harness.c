// Test harness for the aarch64 context switch (src/arch/aarch64.s, assembled unchanged
// next to this file by scripts/aarch64-test.sh and run under qemu-aarch64).
//
// Two raw contexts load distinct values into every callee-saved register (x19-x29,
// d8-d15), switch back and forth thousands of times, and check after each switch that
// their own values came back and that the values handed over add up (checksum).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

uintptr_t spindle_ctx_switch(void **save_sp, void *target_sp, uintptr_t value);
void spindle_ctx_start(void);

enum { ROUNDS = 5000, STACK_BYTES = 64 * 1024, FRAME_BYTES = 160 };

typedef struct {
  uint64_t x[10]; // x19..x28
  uint64_t d[8];  // d8..d15
  uint64_t fp;    // x29
} Registers;

static void *main_sp;
static void *other_sp;
static unsigned long other_failures;

// Loads `marks` into x19-x29 and d8-d15, switches, and stores what those registers hold
// once the switch returns into `seen`. x29 may be this function's frame pointer, so it
// cannot be declared clobbered: the block saves it itself and restores it after reading it.
static uintptr_t switch_with_marks(void **save, void *target, uintptr_t value, const Registers *marks,
                                   Registers *seen) {
  register uintptr_t x0 __asm__("x0") = (uintptr_t)save;
  register uintptr_t x1 __asm__("x1") = (uintptr_t)target;
  register uintptr_t x2 __asm__("x2") = value;
  register uintptr_t x3 __asm__("x3") = (uintptr_t)marks;
  register uintptr_t x4 __asm__("x4") = (uintptr_t)seen;
  __asm__ volatile(
      "stp x4, x29, [sp, #-16]!\n"
      "ldp x19, x20, [x3, #0]\n"
      "ldp x21, x22, [x3, #16]\n"
      "ldp x23, x24, [x3, #32]\n"
      "ldp x25, x26, [x3, #48]\n"
      "ldp x27, x28, [x3, #64]\n"
      "ldp d8, d9, [x3, #80]\n"
      "ldp d10, d11, [x3, #96]\n"
      "ldp d12, d13, [x3, #112]\n"
      "ldp d14, d15, [x3, #128]\n"
      "ldr x29, [x3, #144]\n"
      "bl spindle_ctx_switch\n"
      "mov x5, x29\n"
      "ldp x4, x29, [sp], #16\n"
      "str x5, [x4, #144]\n"
      "stp x19, x20, [x4, #0]\n"
      "stp x21, x22, [x4, #16]\n"
      "stp x23, x24, [x4, #32]\n"
      "stp x25, x26, [x4, #48]\n"
      "stp x27, x28, [x4, #64]\n"
      "stp d8, d9, [x4, #80]\n"
      "stp d10, d11, [x4, #96]\n"
      "stp d12, d13, [x4, #112]\n"
      "stp d14, d15, [x4, #128]\n"
      : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4)
      :
      : "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19",
        "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30", "v0", "v1", "v2", "v3", "v4",
        "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19",
        "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", "memory", "cc");
  return x0;
}

static Registers marks_for(uint64_t side, uint64_t round) {
  Registers r;
  uint64_t base = (side << 56) ^ (round * 0x9E3779B97F4A7C15ull);
  for (int i = 0; i < 10; i++) r.x[i] = base ^ (0x1111ull * (uint64_t)(i + 1));
  for (int i = 0; i < 8; i++) r.d[i] = ~base ^ (0x10101ull * (uint64_t)(i + 1));
  r.fp = base ^ 0x2929292929ull;
  return r;
}

static void other_side(uintptr_t value, void *data) {
  (void)data;
  for (uint64_t round = 0;; round++) {
    Registers expected = marks_for(2, round);
    Registers seen;
    value = switch_with_marks(&other_sp, main_sp, value + 1, &expected, &seen);
    if (memcmp(&expected, &seen, sizeof seen) != 0) other_failures++;
  }
}

int main(void) {
  uint8_t *stack = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (stack == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  // The initial frame spindle_ctx_start expects (see the layout in aarch64.s): x19 holds
  // the entry's data, x20 the entry, x29 zero, x30 the start routine.
  uint64_t *frame = (uint64_t *)(stack + STACK_BYTES - FRAME_BYTES);
  memset(frame, 0, FRAME_BYTES);
  frame[0] = 0;
  frame[1] = (uint64_t)(uintptr_t)other_side;
  frame[11] = (uint64_t)(uintptr_t)spindle_ctx_start;
  other_sp = frame;

  uint64_t checksum = 0;
  unsigned long main_failures = 0;
  for (uint64_t round = 0; round < ROUNDS; round++) {
    Registers expected = marks_for(1, round);
    Registers seen;
    checksum += switch_with_marks(&main_sp, other_sp, round, &expected, &seen);
    if (memcmp(&expected, &seen, sizeof seen) != 0) main_failures++;
  }
  uint64_t want = (uint64_t)ROUNDS * (ROUNDS + 1) / 2;
  if (checksum != want || main_failures || other_failures) {
    printf("aarch64 context switch: FAIL (checksum %llu, expected %llu; register mismatches: main %lu, "
           "coroutine %lu)\n",
           (unsigned long long)checksum, (unsigned long long)want, main_failures, other_failures);
    return 1;
  }
  printf("aarch64 context switch: PASS (%d round trips, checksum %llu, x19-x29 and d8-d15 preserved on both "
         "sides)\n",
         ROUNDS, (unsigned long long)checksum);
  return 0;
}
