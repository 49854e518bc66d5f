#!/usr/bin/env bash
# Builds the .deb with CPack and checks it as a user would meet it: the expected files in the
# standard places, Depends that this Debian can satisfy, and - unpacked into a scratch root -
# a `lithops hello` that finds its own lithops-runtime, a --version that says what it is, and a
# job whose state is in Redis, through the package's own S3/Redis storage module.
# (The full check on a fresh Debian 12 is in README.md: apt install ./lithops_*.deb.)
#   deb_package_test.sh BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
build=$1
scratch_dir deb
work=$SCRATCH
fail() { echo "FAIL: $*"; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work"/pkg/lithops_*.deb)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for path in ./usr/bin/lithops ./usr/bin/lithops-runtime ./usr/lib/lithops/liblithops_s3.so \
    ./usr/lib/lithops/liblithops_redis.so \
    ./usr/include/lithops/task.h \
    ./usr/share/bash-completion/completions/lithops ./usr/share/zsh/vendor-completions/_lithops \
    ./usr/share/fish/vendor_completions.d/lithops.fish ./usr/share/man/man1/lithops.1 \
    ./usr/share/man/man1/lithops-job.1 ./usr/share/man/man1/lithops-runtime.1 \
    ./usr/share/man/man5/lithops-config.5 ./usr/share/doc/lithops/config.example.yaml; do
  grep -qxF "$path" <<<"$contents" || fail "$(basename "$deb") lacks $path"
done

# Depends comes from dpkg-shlibdeps (libcurl, libssl and hiredis through the storage module,
# which the binaries load at run time): it must name the libraries, and each must be installable
# here (this machine has them, as a Debian 12 system that runs lithops must).
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libcurl4 libssl3 libyaml-cpp0.7 libfmt9 libhiredis0.14; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
# Installed packages and the virtual ones they provide (libspdlog1.10 provides -fmt9).
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Provides}\n' |
  awk '$1 == "ii" { for (i = 2; i <= NF; i++) print $i }' | sed 's/[(,].*//' | sort -u)
tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/|.*//; s/ //g' | while read -r pkg; do
  [ -n "$pkg" ] || continue
  grep -qxF "$pkg" <<<"$installed" || fail "dependency $pkg is not installed here"
done

dpkg-deb -x "$deb" "$work/root"
export HOME=$work/home XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME"
unset LITHOPS_CONFIG_FILE
version=$("$work/root/usr/bin/lithops" --version)
echo "$version"
grep -qE '^lithops [0-9]+\.[0-9]+\.[0-9]+ \(task ABI [0-9]+, commit ([0-9a-f]{12}|unknown)\)$' \
  <<<"$version" || fail "unexpected --version: $version"
[ "$version" = "$("$build/bin/lithops" --version)" ] || fail "installed --version differs from the build's"
hello=$("$work/root/usr/bin/lithops" hello) || fail "installed lithops hello failed"
echo "$hello"
grep -q "Hello from lithops" <<<"$hello" || fail "unexpected hello output: $hello"

# The storage module from the package, in the driver and in its workers: a job in Redis.
# (Skips, exit 77, if redis-server is not installed: everything above has passed then.)
start_server redis "$work/redis" || fail "redis-server did not start"
mkdir -p "$HOME/.lithops"
printf 'redis:\n  port: %s\n  password: %s\n' "$SERVER_PORT" "$SERVER_PASS" >"$HOME/.lithops/config"
out=$("$work/root/usr/bin/lithops" -s redis job submit --command 'expr {} + 1' --range 3 2>"$work/submit.err") ||
  fail "installed lithops -s redis job submit failed: $out $(cat "$work/submit.err")"
[ "$out" = "$(printf '1\n2\n3')" ] || fail "unexpected outputs of the job in Redis: $out"
listing=$("$work/root/usr/bin/lithops" -s redis storage list lithops-data -p lithops.jobs/) ||
  fail "installed lithops -s redis storage list failed"
grep -q "job.json" <<<"$listing" || fail "the job's record is not in Redis: $listing"
echo "job in Redis through $(dpkg-deb -c "$deb" | awk '{print $NF}' | grep -F liblithops_redis.so)"
echo "deb package: all checks passed"
