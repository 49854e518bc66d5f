#!/usr/bin/env bash
# Every start of lithops and lithops-runtime loads only the libraries it always needs: the
# network and crypto libraries of S3/Redis storage (libcurl pulls in ~28 more) belong to the
# modules liblithops_s3.so and liblithops_redis.so, loaded on first use (and Redis storage
# never loads libcurl), and spdlog is compiled in (libspdlog is linked with BIND_NOW: ~1,200
# symbol lookups at every start). Also checks that each module exports only its two
# factories, so its own copy of lithops_core cannot clash with the executable's.
#   startup_libraries_test.sh LITHOPS LITHOPS_RUNTIME S3_MODULE REDIS_MODULE
set -euo pipefail
fail() { echo "FAIL: $*"; exit 1; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
remote_libs='^(libcurl|libcrypto|libssl|libhiredis)\.'
startup_cost='^libspdlog\.'

for exe in "$1" "$2"; do
  libs=$(needed "$exe")
  echo "$(basename "$exe"): $(tr '\n' ' ' <<<"$libs")"
  if grep -E "$remote_libs" <<<"$libs"; then
    fail "$exe links the libraries above at start; they belong to the storage module"
  fi
  if grep -E '^libcairo\.' <<<"$libs"; then
    fail "$exe links cairo at start; it belongs to the PNG module (cli/png_module.h)"
  fi
  if grep -E "$startup_cost" <<<"$libs"; then
    fail "$exe links libspdlog; spdlog is compiled in (core/spdlog_lib.cc)"
  fi
done

check_module() {  # check_module FILE MUST_LINK... -- MUST_NOT_LINK...
  local module=$1 libs lib must=1
  shift
  libs=$(needed "$module")
  echo "$(basename "$module"): $(tr '\n' ' ' <<<"$libs")"
  for lib in "$@"; do
    [ "$lib" = -- ] && { must=0; continue; }
    if ((must)); then
      grep -q "^$lib\." <<<"$libs" || fail "$module does not link $lib"
    else
      grep -q "^$lib\." <<<"$libs" && fail "$module links $lib, which belongs to the other module"
    fi
  done
  # Strong definitions only (weak/unique ones are C++ vague linkage shared with libstdc++).
  # Its two entry points: remote storage and shared state (in Redis).
  local exported
  exported=$(nm -D --defined-only "$module" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort)
  [ "$exported" = "$(printf 'lithops_remote_make_state\nlithops_remote_make_storage')" ] ||
    fail "$module must export only lithops_remote_make_state and lithops_remote_make_storage, exports: $exported"
}
check_module "$3" libcurl libcrypto -- libhiredis
check_module "$4" libhiredis -- libcurl libcrypto libssl
echo "startup libraries: all checks passed"
