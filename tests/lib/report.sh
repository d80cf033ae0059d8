# report.sh: one way to report a test's outcome, whatever ran it (unit
# tests, scenarios, lint, the notes' try-it blocks). Every outcome is a line
# on stdout and a line in $TEST_RESULTS, which `summary` counts.
# (a script run on its own keeps them in build/, never in /tmp, from empty)
if [ -z "${TEST_RESULTS:-}" ]; then
	TEST_RESULTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/test-results.last
	mkdir -p "$(dirname "$TEST_RESULTS")"
	: >"$TEST_RESULTS"
	: >"$TEST_RESULTS.times"
fi
export TEST_RESULTS

if [ -t 1 ]; then
	c_pass=$'\e[32m' c_fail=$'\e[31m' c_skip=$'\e[33m' c_off=$'\e[0m'
else
	c_pass='' c_fail='' c_skip='' c_off=''
fi

# record pass|fail|skip GROUP NAME [DETAIL]
record() {
	local outcome=$1 group=$2 name=$3 detail=${4:-}
	case $outcome in
	pass) printf '%sPASS%s  %-14s %s\n' "$c_pass" "$c_off" "$group" "$name" ;;
	fail) printf '%sFAIL%s  %-14s %s\n' "$c_fail" "$c_off" "$group" "$name"
	      [ -n "$detail" ] && printf '%s\n' "$detail" | sed 's/^/      | /' ;;
	skip) printf '%sSKIP%s  %-14s %s (%s)\n' "$c_skip" "$c_off" "$group" "$name" "$detail" ;;
	esac
	echo "$outcome $group $name" >>"$TEST_RESULTS"
}

# record_time MILLISECONDS GROUP NAME: how long a test took, for slowest.
record_time() {
	printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TEST_RESULTS.times"
}

# slowest [N]: the N (10) slowest tests recorded, and their total.
slowest() {
	local n=${1:-10}
	[ -s "$TEST_RESULTS.times" ] || return 0
	echo "The $n slowest tests (of $(grep -c . "$TEST_RESULTS.times"), $(awk -F'\t' '{ t += $1 } END { printf "%.0f", t / 1000 }' "$TEST_RESULTS.times") s in all, some at once):"
	sort -t$'\t' -k1,1nr "$TEST_RESULTS.times" | head -n "$n" |
		awk -F'\t' '{ printf "  %6.1f s  %-14s %s\n", $1 / 1000, $2, $3 }'
}

# summary: "N passed, N failed[, N skipped]"; fails if any failed or none ran.
summary() {
	local p f s
	p=$(grep -c '^pass ' "$TEST_RESULTS" || true)
	f=$(grep -c '^fail ' "$TEST_RESULTS" || true)
	s=$(grep -c '^skip ' "$TEST_RESULTS" || true)
	if [ "$s" -gt 0 ]; then
		echo "$p passed, $f failed, $s skipped"
		grep '^skip ' "$TEST_RESULTS" | sed 's/^skip /  skipped: /'
	else
		echo "$p passed, $f failed"
	fi
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
}

# run_tap GROUP PROGRAM: runs a cmocka program and records each test, as
# "PROGRAM: TEST".
run_tap() {
	local group=$1 prog=$2 out line name p
	p=$(basename "$prog")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$prog" 2>&1)
	local rc=$?
	local seen=0
	while IFS= read -r line; do
		case $line in
		"ok "*)
			name=${line#ok * - }; record pass "$group" "$p: $name"; seen=1 ;;
		"not ok "*"# SKIP"*)
			name=${line##*# SKIP }; record skip "$group" "$p: $name" "skipped by the test"; seen=1 ;;
		"not ok "*)
			name=${line#not ok * - }
			record fail "$group" "$p: $name" "$(printf '%s\n' "$out" | awk -v n="$line" '
				$0 == n { on = 1; next } on && /^#/ { print; next } on { exit }')"
			seen=1 ;;
		esac
	done <<<"$out"
	if [ "$seen" = 0 ] || { [ "$rc" -ne 0 ] && ! grep -q '^not ok' <<<"$out"; }; then
		record fail "$group" "$p" "exit status $rc, output:"$'\n'"$out"
	fi
}
