# scenario.sh: what a scenario's body can use. A scenario reads like the
# notes' "try it": run this, expect that. Sourced into each scenario's own
# shell by tests/run-scenarios, with these set:
#   STAGE       the stage under test (ch03-run, ...)
#   MYDOCKER    the binary under test
#   T           this scenario's temp dir (MYDOCKER_ROOT and MYDOCKER_RUN are in it)
#   PROBE       the probe program, as a path the container can run
#   HELPERS     the directory of the test helpers on the host

# since STAGE / before STAGE: in a scenario file, the stages the scenarios
# below hold for: from STAGE on / only before STAGE (until the next since).
# exclusive [STAGE]: the scenarios below (from STAGE on) run alone, after the others.
# Read by tests/run-scenarios; nothing to do when sourced.
since() { :; }
before() { :; }
exclusive() { :; }

# at_least STAGE: the stage under test is STAGE or a later one.
at_least() { stage_in_range "$STAGE" "$1"; }

# mydocker ARG...: runs the binary under test, as it is given, without a
# terminal and with stdin from /dev/null (or $STDIN); sets $status, and
# $T/stdout, $T/stderr. A scenario writes the command line as a user of
# this stage would: the test image where the stage's run wants it,
# "${IMAGE[@]}" (tests/lib/fixtures.sh), between the flags and the command.
mydocker() {
	LAST_CMD="mydocker $*"
	timeout -s KILL "${TIMEOUT:-60}" "$MYDOCKER" "$@" <"${STDIN:-/dev/null}" >"$T/stdout" 2>"$T/stderr"
	status=$?
	return 0
}

# mydocker_bg ARG... &: the binary under test in the background, as it
# is: the caller redirects it. Only with &: it execs, so that $! is
# mydocker's own pid, for kill.
mydocker_bg() {
	exec "$MYDOCKER" "$@"
}

# container ARG...: `mydocker run ARG...` (the flags, "${IMAGE[@]}", the
# command).
container() {
	mydocker run "$@"
}

# empty_bg_output: a background command's redirections happen in its own
# process, some time after `&` returns; a wait for its output must not
# find the last one's (a loop of start_container). Emptied here first.
empty_bg_output() {
	: >"$T/bg.stdout"
	: >"$T/bg.stderr"
}

# start_container ARG...: like container, in the background; sets $bg (the
# mydocker pid); its output goes to $T/bg.stdout and $T/bg.stderr.
start_container() {
	LAST_CMD="mydocker run $*"
	empty_bg_output
	mydocker_bg run "$@" </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
}

# How long the waits below wait: 10 s (wait_bg: 30 s), or WAIT_SECONDS
# (tests/run-labs shortens them where it expects failures).
WAIT_SECONDS=${WAIT_SECONDS:-10}

# wait_bg: waits for the background mydocker; sets $status.
wait_bg() {
	local i
	for i in $(seq $((WAIT_SECONDS * 30))); do
		kill -0 "$bg" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$bg" 2>/dev/null && fail "mydocker (pid $bg) still running after $((WAIT_SECONDS * 3))s"
	wait "$bg"
	status=$?
	cp "$T/bg.stdout" "$T/stdout"; cp "$T/bg.stderr" "$T/stderr"
}

# run_d_held NAME MS RUN-ARG...: `mydocker run -d --name NAME RUN-ARG...`
# in the background, under strace, which holds its init back MS ms at
# pivot_root(2), between its command and its exec: a container that is
# still starting (its record says "created"). Output in $T/bg.stdout and
# $T/bg.stderr; $bg is strace, which follows the container to its end.
run_d_held() {
	local name=$1 ms=$2
	shift 2
	LAST_CMD="strace -f -e inject=pivot_root:delay_enter=${ms}ms mydocker run -d --name $name $*"
	empty_bg_output
	strace -f -qq -e trace=pivot_root -e inject=pivot_root:delay_enter=$((ms * 1000)) -o /dev/null \
		"$MYDOCKER" run -d --name "$name" "$@" </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
}

# rm_held NAME: once run_d_held's run -d has printed the id, rm -f NAME,
# and wait for strace to end with it.
rm_held() {
	wait_until "run -d has printed the id" test -s "$T/bg.stdout"
	mydocker rm -f "$1"
	expect_status 0
	wait_until "strace has ended with the container" sh -c "! kill -0 $bg"
}

# traced_pid TRACER: sets $pid, the process strace (pid TRACER) started:
# mydocker, when strace runs it to hold a system call back.
traced_pid() {
	pid=$(pgrep -P "$1" | head -n 1)
	[ -n "$pid" ] || fail "no mydocker under strace (pid $1)"
}

# container_pid: sets $cpid, the host pid of the background container's
# PID 1. (A variable, not output: a helper run inside $(...) cannot end the
# scenario by itself; see fail.)
container_pid() {
	wait_until "the container's first process exists" pgrep -P "$bg"
	cpid=$(pgrep -P "$bg" | head -n 1)
	[ -n "$cpid" ] || fail "mydocker (pid $bg) has no container process"
}

# wait_until DESCRIPTION COMMAND...: polls COMMAND until it succeeds (10s).
wait_until() {
	local what=$1 i
	shift
	for i in $(seq $((WAIT_SECONDS * 20))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	fail "timed out waiting until $what"
}

# running_here PATTERN: a process of this scenario's (in its cgroup: a
# container's too) whose command line matches PATTERN, as pgrep -f reads it.
# (On a host without a cgroup per scenario, scenarios run one at a time:
# any process.)
running_here() {
	if [ -s "$T/cgroups" ]; then
		pgrep -f "$1" | grep -qxF -f <(test_processes "$T")
	else
		pgrep -f "$1" >/dev/null
	fi
}

none_running_here() { ! running_here "$1"; }

# id_of NAME: the id of the container named NAME, from its name's link
# (MYDOCKER_RUN/names/NAME -> ../ID); empty if there is none
id_of() {
	local target
	target=$(readlink "$MYDOCKER_RUN/names/$1")
	echo "${target#../}"
}

# ps_json_field NAME FIELD: a field of a container's record, as ps shows it
ps_json_field() {
	"$MYDOCKER" ps -a --format json | awk -v name="\"$1\"," -v field="\"$2\":" '
		$1 == "\"name\":" && $2 == name { on = 1 }
		on && $1 == field { sub(/,$/, "", $2); gsub(/"/, "", $2); print $2; exit }'
}

stdout() { cat "$T/stdout"; }
stderr() { cat "$T/stderr"; }

# on_exit COMMAND: run when the scenario ends, passed, failed or skipped
# (run-scenarios traps its EXIT): a daemon a helper started stops, and
# what it made on the host goes, even when a fail() ends the case early.
ON_EXIT=()
on_exit() { ON_EXIT+=("$1"); }
run_on_exit() {
	local c
	for c in "${ON_EXIT[@]}"; do eval "$c"; done
	ON_EXIT=()
}

# fail MESSAGE: ends the scenario as failed, showing the last command.
# Called in a subshell, $(...) or a pipeline, exit would end only that: so
# it also stops the scenario's own shell (run-scenarios traps the TERM).
fail() {
	{
		echo "$*"
		echo "last command: ${LAST_CMD:-none}"
		echo "exit status: ${status:-none}"
		echo "stdout:"; sed 's/^/  /' "$T/stdout" 2>/dev/null | head -n 40
		echo "stderr:"; sed 's/^/  /' "$T/stderr" 2>/dev/null | head -n 40
	} >&2
	[ -z "${SCENARIO_SHELL:-}" ] || [ "$BASHPID" = "$SCENARIO_SHELL" ] || kill -TERM "$SCENARIO_SHELL"
	exit 1
}

# skip REASON: the scenario cannot run here; it counts as skipped, not passed.
skip() {
	echo "$*" >"$T/skip-reason"
	exit 77
}

expect_status() {
	[ "$status" = "$1" ] || fail "expected exit status $1, got $status"
}

expect_stdout() {
	[ "$(stdout)" = "$1" ] || fail "expected stdout: $1"
}

expect_stdout_has() {
	grep -qF -- "$1" "$T/stdout" || fail "expected stdout to contain: $1"
}

expect_stderr_has() {
	grep -qF -- "$1" "$T/stderr" || fail "expected stderr to contain: $1"
}

# expect_one_error_line [TEXT]: mydocker's own failure is one line on stderr
# (a usage text may follow it).
expect_one_error_line() {
	local first
	first=$(head -n 1 "$T/stderr")
	[[ $first == "mydocker: "* ]] || fail "expected one 'mydocker: ...' line on stderr"
	[ -z "${1:-}" ] || [[ $first == *"$1"* ]] || fail "expected the error line to say: $1"
	if ! grep -q '^Usage:' "$T/stderr"; then
		[ "$(grep -c . "$T/stderr")" = 1 ] || fail "expected exactly one line on stderr"
	fi
}

expect_eq() { # expect_eq WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# clean_up_after_sigkill: removes what a mydocker killed with SIGKILL had
# no chance to: the containers' overlay mounts and layers.
clean_up_after_sigkill() {
	local merged
	for merged in "$MYDOCKER_ROOT"/containers/*/merged; do
		[ -d "$merged" ] || continue
		umount "$merged" 2>/dev/null
		rm -rf --one-file-system "$(dirname "$merged")"
	done
}
