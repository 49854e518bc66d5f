#!/usr/bin/env bash
# A source tree without its .git (a release tarball) builds with commit "unknown", even when
# unpacked inside some other git repository: configure such a copy and read the definition.
#   version_without_git_test.sh SOURCE_DIR
set -euo pipefail
source "$(dirname "$0")/../support/lib.sh"
src=$1
require_command git
scratch_dir version-without-git
work=$SCRATCH
git init -q "$work/outer"
git -C "$work/outer" -c user.name=t -c user.email=t@t commit -q --allow-empty -m outer
mkdir "$work/outer/lithops-src"
# The tree as a tarball holds it: the checkout's files, or (already a tarball's tree, as on a
# fresh machine given `git archive`) everything but build directories.
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
     xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -T - -cf -) |
    tar -xf - -C "$work/outer/lithops-src"
else
  tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$work/outer/lithops-src"
fi
cmake -S "$work/outer/lithops-src" -B "$work/build" -DBUILD_TESTING=OFF -DLITHOPS_MAN=OFF \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
flags=$work/build/cli/CMakeFiles/lithops.dir/flags.make
if ! grep -qE 'LITHOPS_GIT_COMMIT=\\?"unknown\\?"' "$flags"; then
  echo "FAIL: a tarball build does not say commit unknown:"
  grep LITHOPS_GIT_COMMIT "$flags"
  exit 1
fi
echo "tarball build: commit unknown"
