#!/usr/bin/env bash
# The man pages render without a groff warning, and every command and option of the CLI
# (as `lithops completion options` lists them) is documented in its page.
#   man_pages_test.sh LITHOPS SOURCE_DIR BUILT_PAGE...
set -uo pipefail
lithops=$1 src=$2
shift 2
status=0

for page in "$@"; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    echo "FAIL: man -l $page warns:"
    echo "$warnings"
    status=1
  fi
  if [ "$(MANWIDTH=80 man -l "$page" 2>/dev/null | wc -l)" -lt 10 ]; then
    echo "FAIL: man -l $page renders (almost) nothing"
    status=1
  fi
done

# The page documenting a command path: man/lithops-GROUP.1.scd for `lithops GROUP ...` when
# that page exists, else man/lithops.1.scd.
page_for() {
  local group=${1%% *}
  if [ -n "$group" ] && [ -f "$src/man/lithops-$group.1.scd" ]; then
    echo "man/lithops-$group.1.scd"
  else
    echo "man/lithops.1.scd"
  fi
}

# NAME appears in FILE as a whole token (--timeout does not count for --time).
mentions() {
  local name=$1 file=$2
  grep -qE -- "(^|[^A-Za-z0-9-])$(printf '%s' "$name" | sed 's/[.[\*^$]/\\&/g')([^A-Za-z0-9-]|$)" \
    "$src/$file"
}

listing=$("$lithops" completion options) || { echo "FAIL: lithops completion options"; exit 1; }
while IFS=$'\t' read -r what path name; do
  page=$(page_for "$path")
  if [ "$what" = command ]; then
    # As a term of its own: a line starting *lithops PATH* (a synopsis) or *PATH* (the list of
    # commands in lithops(1)); a mere mention elsewhere, or the page's own name, does not count.
    if ! grep -qE -- "^\*(lithops )?$(printf '%s' "$path" | sed 's/[.[\*^$]/\\&/g')[* ]" "$src/$page"; then
      echo "FAIL: command \`lithops $path\` is not in $page: document it there" \
           "(or in a new man/lithops-${path%% *}.1.scd)"
      status=1
    fi
  elif ! mentions "$name" "$page"; then
    echo "FAIL: option $name of \`lithops${path:+ $path}\` is not in $page: document it there"
    status=1
  fi
done <<<"$listing"
exit $status
