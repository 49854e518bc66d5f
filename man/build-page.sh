#!/bin/sh
# Builds one man page: scdoc source -> roff.
#   build-page.sh SRC.scd OUT VERSION CONFIG_EXAMPLE_YAML
# @VERSION@ becomes the version; a line @CONFIG_KEYS@ becomes the list of config keys, read
# from config.example.yaml (the output of `lithops config example`, checked by a test), so
# lithops-config(5) always lists exactly the keys lithops knows.
set -eu
src=$1 out=$2 version=$3 example=$4
keys() {
  # config.example.yaml: "section:" lines, then per key one "  # doc" line followed by
  # "  key: default" or "  # key: default" (unset or machine-dependent defaults).
  awk '
    function esc(s) { gsub(/[\\*_]/, "\\\\&", s); return s }
    /^[a-z0-9_]+:$/ { section = substr($0, 1, length($0) - 1); printf "## %s\n\n", section; next }
    /^  # / && doc == "" { doc = substr($0, 5); next }
    /^  (# )?[a-z0-9_]+:/ {
      line = $0; sub(/^  (# )?/, "", line)
      key = line; sub(/:.*/, "", key)
      value = line; sub(/^[a-z0-9_]+: */, "", value)
      if (value == "(unset by default)") value = "unset"
      env = toupper("lithops_" section "_" key)
      printf "*%s.%s* = %s\n\t%s Environment variable: *%s*.\n\n", esc(section), esc(key), esc(value), esc(doc), esc(env)
      doc = ""
    }
  ' "$example"
}
tmp="$out.tmp.scd"
while IFS= read -r line; do
  if [ "$line" = "@CONFIG_KEYS@" ]; then keys; else printf '%s\n' "$line"; fi
done < "$src" | sed "s/@VERSION@/$version/" > "$tmp"
scdoc < "$tmp" > "$out"
rm -f "$tmp"
