/* Run-time defaults of the sanitizers, compiled into every executable of a sanitized build
 * (cmake/sanitize.cmake), so that `ctest` and a sanitized `lithops` run by hand behave alike.
 * ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS in the environment still override them. */

/* handle_*=0: a task that crashes on purpose (or by accident) must reach the runtime as the
 *   signal it is, since lithops reports "killed by signal SIGSEGV"; ASan's handler would turn
 *   it into an exit with code 1. Faults that ASan detects itself are still reported.
 * allocator_may_return_null=1: under --memory a task's malloc fails as it does with glibc
 *   (NULL), instead of ASan ending the process, so the memory-limit tests see what users see.
 * detect_leaks=1: leaks fail the test (third-party ones are suppressed below, each explained). */
const char* __asan_default_options(void) {
  return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:"
         "allocator_may_return_null=1:detect_leaks=1:check_initialization_order=1";
}

/* Undefined behaviour ends the process (the build also has -fno-sanitize-recover=undefined)
 * with a stack, so that a test meeting it fails and says where. */
const char* __ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1"; }

/* Leaks in third-party libraries only; never one of ours (fix those at the cause).
 * libfontconfig: `job plot --png` renders through librsvg, whose fontconfig keeps its font
 *   configuration for the life of the process (only FcFini frees it, and nothing in the stack
 *   calls it): LeakSanitizer reported ~650 bytes from FcValueSave & co. at exit (e2e_stats). */
const char* __lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}
