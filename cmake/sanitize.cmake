# -DLITHOPS_SANITIZE=address,undefined (any comma list the compiler takes after -fsanitize=):
# everything is built with those sanitizers — lithops, lithops-runtime, the modules, the
# examples and test tasks, the unit tests — so that a task .so loaded by the runtime, a
# forked sub-worker and an exec'd worker all run checked. Undefined behaviour aborts (no
# recover) so that a test meeting it fails instead of printing a line nobody reads.
# See README "Sanitizers and fuzzing" and .ci/sanitize.
set(LITHOPS_SANITIZE "" CACHE STRING
    "Build with -fsanitize=<list>, e.g. address,undefined (empty: no sanitizers)")

# -DLITHOPS_FUZZ=ON: the fuzz targets of tests/fuzz (libFuzzer, so clang: CC=clang CXX=clang++).
# Every file is built with libFuzzer's coverage instrumentation, and with LITHOPS_SANITIZE
# (address,undefined unless set otherwise), so that the fuzzers find memory errors and UB, not
# only crashes. `cmake --build B --target fuzzers` builds just them (and what they link).
option(LITHOPS_FUZZ "Build the fuzz targets of tests/fuzz (needs clang's libFuzzer)" OFF)
if(LITHOPS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR NOT CMAKE_C_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LITHOPS_FUZZ needs clang for libFuzzer (Debian: apt install clang), "
            "configured in a fresh build directory with CC=clang CXX=clang++")
  endif()
  if(NOT LITHOPS_SANITIZE)
    set(LITHOPS_SANITIZE address,undefined CACHE STRING "" FORCE)
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(LITHOPS_SANITIZE)
  set(sanitize_flags -fsanitize=${LITHOPS_SANITIZE} -fno-omit-frame-pointer)
  if(LITHOPS_SANITIZE MATCHES "undefined")
    list(APPEND sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  # Refuse a list the compiler does not take here, rather than failing on the first file.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "${sanitize_flags}")
  string(REPLACE ";" " " CMAKE_REQUIRED_FLAGS "${CMAKE_REQUIRED_FLAGS}")
  set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=${LITHOPS_SANITIZE})
  check_cxx_source_compiles("int main() { return 0; }" lithops_sanitize_works_${LITHOPS_SANITIZE})
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT lithops_sanitize_works_${LITHOPS_SANITIZE})
    message(FATAL_ERROR "LITHOPS_SANITIZE=${LITHOPS_SANITIZE}: ${CMAKE_CXX_COMPILER} cannot build "
            "and link with -fsanitize=${LITHOPS_SANITIZE} (a sanitizer name it does not know, or "
            "its runtime library is not installed: Debian's gcc needs libasan8/libubsan1)")
  endif()
  add_compile_options(${sanitize_flags})
  add_link_options(-fsanitize=${LITHOPS_SANITIZE})
  message(STATUS "Sanitizers: ${LITHOPS_SANITIZE}")
endif()

# lithops_sanitize_executables(): gives every executable target (made so far, in any
# directory) the sanitizers' run-time defaults, cmake/sanitizer_defaults.c. Called once at
# the end of the top-level CMakeLists.txt. Executables only: a task or module .so keeps
# exactly the symbols it exports. With clang, whose sanitizer runtime is linked into the
# executables only, a .so is allowed the undefined __asan_*/__ubsan_* symbols the executable
# that loads it provides (-z undefs after the module's own -z defs, --no-undefined).
function(lithops_sanitize_executables)
  if(NOT LITHOPS_SANITIZE)
    return()
  endif()
  set(dirs ${PROJECT_SOURCE_DIR})
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    list(APPEND dirs ${subdirs})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t ${targets})
      get_target_property(type ${t} TYPE)
      if(type STREQUAL "EXECUTABLE")
        target_sources(${t} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/sanitizer_defaults.c)
      elseif(type MATCHES "SHARED_LIBRARY|MODULE_LIBRARY" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        target_link_options(${t} PRIVATE -Wl,-z,undefs)
      endif()
    endforeach()
  endwhile()
endfunction()
