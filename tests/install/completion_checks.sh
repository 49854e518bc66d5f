# The checks shared by the completion tests: sourced after the test defines complete_words
# (prints the candidates for the words given) and sets `shell` (named in failures).
failures=0

# check offered|refused WORDS... :: CANDIDATE...: each CANDIDATE is (or is not) offered
# after `lithops WORDS<Tab>`.
check() {
  local want=$1 words=() candidate got offered
  shift
  while [ "$1" != "::" ]; do words+=("$1"); shift; done
  shift
  got=$(complete_words "${words[@]}")
  for candidate in "$@"; do
    grep -qxF -- "$candidate" <<<"$got" && offered=offered || offered=refused
    [ "$offered" = "$want" ] && continue
    if [ "$want" = offered ]; then
      echo "FAIL: $shell: 'lithops ${words[*]}<Tab>' does not offer '$candidate'; it offers: $(echo $got)"
    else
      echo "FAIL: $shell: 'lithops ${words[*]}<Tab>' offers '$candidate'"
    fi
    failures=$((failures + 1))
  done
}

# expect WORDS... :: CANDIDATE...: every CANDIDATE is offered.
expect() { check offered "$@"; }

# refuse WORDS... :: CANDIDATE...: no CANDIDATE is offered.
refuse() { check refused "$@"; }
