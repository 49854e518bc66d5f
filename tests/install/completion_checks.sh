# The checks shared by the completion tests: sourced after the test defines complete_words
# (prints the candidates for the words given) and sets `shell` (named in failures).
failures=0

# expect WORDS... :: CANDIDATE...: every CANDIDATE is offered.
expect() {
  local words=() want got
  while [ "$1" != "::" ]; do words+=("$1"); shift; done
  shift
  got=$(complete_words "${words[@]}")
  for want in "$@"; do
    if ! grep -qxF -- "$want" <<<"$got"; then
      echo "FAIL: $shell: 'lithops ${words[*]}<Tab>' does not offer '$want'; it offers: $(echo $got)"
      failures=$((failures + 1))
    fi
  done
}

# refuse WORDS... :: CANDIDATE...: no CANDIDATE is offered.
refuse() {
  local words=() bad got
  while [ "$1" != "::" ]; do words+=("$1"); shift; done
  shift
  got=$(complete_words "${words[@]}")
  for bad in "$@"; do
    if grep -qxF -- "$bad" <<<"$got"; then
      echo "FAIL: $shell: 'lithops ${words[*]}<Tab>' offers '$bad'"
      failures=$((failures + 1))
    fi
  done
}
