# run.sh: chapter 3.1, `mydocker run`: a command in new namespaces as PID 1,
# its exit status passed on, the host untouched.

since ch03-run

# hint: clone(2) with CLONE_NEWPID: the child is PID 1 of its new PID namespace; re-executing (the book's /proc/self/exe init) keeps that pid.
test_command_runs_as_pid_1() {
	container "${IMAGE[@]}" /bin/sh -c 'echo $$'
	expect_status 0
	expect_stdout 1
}

# hint: waitpid(2) the child; WEXITSTATUS is the code, and main() returns it.
test_exit_status_is_passed_on() {
	container "${IMAGE[@]}" /bin/sh -c 'exit 7'
	expect_status 7
	container "${IMAGE[@]}" /bin/true
	expect_status 0
}

# hint: A process killed by signal N has WIFSIGNALED status: exit 128 + WTERMSIG, as a shell does.
test_killed_container_exits_128_plus_signal() {
	start_container "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	kill -KILL "$cpid"
	wait_bg
	expect_status 137
}

# hint: Mount a new proc on /proc inside the container: proc(5) shows the PID namespace of whoever mounts it.
test_proc_shows_only_the_container() {
	container "${IMAGE[@]}" /bin/sh -c 'for p in /proc/[0-9]*; do echo $p; done'
	expect_status 0
	expect_stdout /proc/1
}

# hint: mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL).
test_proc_is_mounted_nosuid_noexec_nodev() {
	container "${IMAGE[@]}" "$PROBE" mountflags /proc
	expect_status 0
	expect_stdout "rw nosuid nodev noexec"
}

# hint: All five flags at clone(2): CLONE_NEWUTS, CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWIPC.
test_namespaces_are_new() {
	local ns host inside
	for ns in uts pid mnt net ipc; do
		host=$(readlink /proc/self/ns/$ns)
		container "${IMAGE[@]}" /bin/sh -c "readlink /proc/self/ns/$ns"
		expect_status 0
		[ "$(stdout)" != "$host" ] || fail "$ns namespace is the host's ($host)"
	done
}

# hint: CLONE_NEWNET: a new network namespace has only lo.
test_network_has_only_loopback() {
	container "${IMAGE[@]}" /bin/sh -c 'cat /proc/net/dev'
	expect_status 0
	[ "$(tail -n +3 "$T/stdout" | awk -F: '{ gsub(/ /, "", $1); print $1 }')" = lo ] ||
		fail "expected only lo in the container's /proc/net/dev"
}

# hint: Make every mount private (mount --make-rprivate /) before mounting /proc, or the mount propagates to the host.
test_host_proc_is_untouched() {
	local before=$(grep ' /proc ' /proc/self/mountinfo)
	container "${IMAGE[@]}" /bin/true
	expect_status 0
	expect_eq "host's /proc mount" "$before" "$(grep ' /proc ' /proc/self/mountinfo)"
	# a container's /proc mounted over the host's would not show our shell
	[ -e "/proc/$$/status" ] || fail "host's /proc does not show the test's own shell ($$)"
}

# hint: Without -i, the child opens /dev/null and dup2(2)s it onto fd 0 before exec.
test_stdin_is_dev_null_without_i() {
	echo hello >"$T/input"
	STDIN=$T/input container "${IMAGE[@]}" /bin/sh -c cat
	expect_status 0
	expect_stdout ""
	STDIN=$T/input container -i "${IMAGE[@]}" /bin/sh -c cat
	expect_status 0
	expect_stdout hello
}

# hint: getopt_long_only(3) with "+:ithm...": combined short flags come for free.
test_it_and_ti_are_accepted() {
	container -it "${IMAGE[@]}" /bin/true
	expect_status 0
	container -ti "${IMAGE[@]}" /bin/true
	expect_status 0
	container -i -t "${IMAGE[@]}" /bin/true
	expect_status 0
}

# hint: exec fails with ENOENT: report one line and exit 127 (docker's code for not found).
test_not_found_exits_127() {
	container "${IMAGE[@]}" /no/such/command
	expect_status 127
	expect_one_error_line "/no/such/command"
}

# hint: exec fails with EACCES: exit 126, as a shell does for a file it cannot run.
test_not_executable_exits_126() {
	container "${IMAGE[@]}" /etc/passwd
	expect_status 126
	expect_one_error_line "/etc/passwd"
}

# hint: --help prints the usage on stdout and exits 0.
# lab: holds from the start: the plumbing the lab gives (main.c, options.c) passes it
test_help_prints_usage() {
	mydocker --help
	expect_status 0
	expect_stdout_has "Usage: mydocker"
	mydocker run --help
	expect_status 0
	expect_stdout_has "Usage: mydocker run"
}

# hint: An unknown flag: one error line, then the usage, on stderr; exit 125.
# lab: holds from the start: the plumbing the lab gives (options.c) passes it
test_unknown_flag_prints_usage_exits_125() {
	container --no-such-flag "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "unknown flag: --no-such-flag"
	expect_stderr_has "Usage: mydocker run"
	mydocker --no-such-flag
	expect_status 125
	mydocker no-such-command
	expect_status 125
	expect_one_error_line "unknown command: no-such-command"
}

# Until ch05-images-env; from there on `run IMAGE` without a command runs
# the image's own (images.sh).
before ch05-images-env

# hint: run with no command is a usage error: 125.
# lab: holds from the start: the plumbing the lab gives (options.c) passes it
test_missing_command_exits_125() {
	container
	expect_status 125
	expect_one_error_line "needs a command"
}

since ch03-run

# hint: The '+' at the start of getopt's option string stops at the first non-flag: what follows belongs to the command.
test_flags_stop_at_the_command() {
	container "${IMAGE[@]}" /bin/sh -c 'echo "$@"' sh -i -t --help
	expect_status 0
	expect_stdout "-i -t --help"
}

# hint: Check geteuid() before anything else and say to use sudo.
# lab: holds from the start: the plumbing the lab gives (main.c, command.c) passes it
test_not_root_exits_125() {
	LAST_CMD="setpriv --reuid=65534 mydocker run true"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MYDOCKER" run "${IMAGE[@]}" /bin/true >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 125
	expect_one_error_line "root"
}

# lab: not graded: about ./run, the repository's script
# hint: This is ./run, the repository's script, not your mydocker.
test_run_script_refuses_without_root() {
	local repo=$(dirname "$HELPERS")/..
	LAST_CMD="setpriv --reuid=65534 ./run"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$repo/run" ps >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 125
	[ "$(grep -c . "$T/stderr")" = 1 ] && grep -q "needs root" "$T/stderr" || fail "expected one line saying ./run needs root"
}

# hint: init checks getpid() == 1 before it touches any mount.
# lab: holds from the start: the plumbing the lab gives (main.c) passes it
test_init_refuses_to_run_on_the_host() {
	mydocker init -- /bin/true
	expect_status 125
	expect_one_error_line "init"
}

# hint: sigaction(2) handlers for SIGINT, SIGTERM, SIGHUP that kill(2) the child with the same signal; waitpid then returns EINTR: wait again.
test_signals_are_passed_to_pid_1() {
	local sig code
	for sig in TERM INT HUP; do
		start_container "${IMAGE[@]}" "$PROBE" trap
		wait_until "the container says ready" grep -q ready "$T/bg.stdout"
		kill -s "$sig" "$bg"
		wait_bg
		code=$((100 + $(kill -l "$sig")))
		expect_status "$code"
	done
}

# hint: prctl(PR_SET_PDEATHSIG, SIGKILL) in the child, then a pidfd of mydocker polled and a pipe waited on, so that a death before the prctl is noticed.
test_container_dies_with_mydocker() {
	local pid
	start_container "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	pid=$cpid
	kill -KILL "$bg"
	wait_until "the container is gone after mydocker was killed" sh -c "! kill -0 $pid"
	wait "$bg" || true
	# Nobody is left to clean up after a kill -9 (from ch04-overlay on,
	# the container's layer and its mount): do it by hand.
	clean_up_after_sigkill
}

# Each step says its time since the start of the command, on one clock for
# mydocker and the init it execs: a timeline, in order.
# hint: With --debug, call debug() at each step (common/debug.c); the tests look for these exact lines. init gets the start on its command line (debug_flag()).
test_debug_narrates_the_steps() {
	mydocker --debug run "${IMAGE[@]}" /bin/true
	expect_status 0
	expect_stderr_has "=> cloned pid"
	expect_stderr_has "=> init: made / recursively private"
	expect_stderr_has "=> init: mounted proc on /proc"
	# (what one process writes may land before what another wrote a
	# microsecond earlier: only what must come after is checked)
	LAST_CMD="the times of the --debug lines"
	grep '=> ' "$T/stderr" | awk '
		!/^mydocker: +[0-9]+\.[0-9][0-9][0-9] ms => / { print "no time: " $0; bad = 1; next }
		/=> cloned pid/ { cloned = $2 + 0 }
		/=> init: / { if ($2 + 0 < cloned) { print "init before its clone: " $0; bad = 1 }
		              if ($2 + 0 > last_init) last_init = $2 + 0 }
		/=> container exited/ { exited = $2 + 0 }
		END { if (last_init > exited) { print "init at " last_init " ms, after the exit at " exited " ms"; bad = 1 }
		      if (exited <= 0 || exited > 5000) { print "the exit at " exited " ms"; bad = 1 }
		      exit bad }' >"$T/times" ||
		fail "the --debug lines are not a timeline on one clock: $(cat "$T/times")"
}

# Most hosts (systemd) mount / shared, so that a mount made in a copy of the
# mount namespace propagates back; this test host may not. Recreate that
# host in a mount namespace of our own whose / is shared, and look there.
# hint: mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) in the child, first of all.
test_proc_does_not_propagate_to_a_shared_host() {
	LAST_CMD="unshare --mount --propagation shared: mydocker run ... /bin/true"
	# (other scenarios' mounts come and go meanwhile: not this one's)
	unshare --mount --propagation shared /bin/bash -c '
		mounts() { awk -v own="$T/" "index(\$5, \"/tmp/mydocker-test.\") != 1 || index(\$5 \"/\", own) == 1 { print \$5, \$9 }" /proc/self/mountinfo; }
		grep -q "shared:" /proc/self/mountinfo || { echo "/ is not shared here"; exit 2; }
		before=$(mounts)
		"$0" "$@" || exit 3
		after=$(mounts)
		[ "$before" = "$after" ] || { echo "mounts changed:"; diff <(echo "$before") <(echo "$after"); exit 1; }
	' "$MYDOCKER" run "${IMAGE[@]}" /bin/true >"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 0
}

# From ch04-defaults on, changing the hostname needs a capability the
# container no longer has (defaults.sh).
before ch04-defaults

# hint: CLONE_NEWUTS: sethostname(2) inside changes only the container's copy.
test_hostname_change_stays_inside() {
	local before=$(hostname)
	container "${IMAGE[@]}" /bin/sh -c 'hostname changed-inside && hostname'
	expect_status 0
	expect_stdout changed-inside
	expect_eq "host's hostname" "$before" "$(hostname)"
}

since ch03-run

# Ctrl-C at any moment of start-up: before the container runs, mydocker
# stops the start (130); after, the signal is passed on and the container's
# handler ends it (102). Either way, nothing is left (the harness checks).
# (A signal that lands before the probe has installed its handler is
# ignored by PID 1: the test presses Ctrl-C again, as a user would.)
# hint: A SIGINT before the child exists must be remembered and acted on after clone; close every copy of the pipe's write end so the child sees EOF.
test_ctrl_c_at_any_moment_of_start_up_leaves_nothing() {
	local delay i limit=()
	at_least ch03-memory && limit=(-m 32m) # a cgroup too, where there are cgroups
	for delay in 0 0.001 0.002 0.005 0.01 0.02 0.05; do
		start_container "${limit[@]}" "${IMAGE[@]}" "$PROBE" trap
		sleep "$delay"
		kill -INT "$bg"
		for i in $(seq 20); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$bg" 2>/dev/null && kill -INT "$bg"
		wait_bg
		[ "$status" = 130 ] || [ "$status" = 102 ] || fail "Ctrl-C after ${delay}s: exit status $status, expected 130 or 102"
	done
}

# kill(2) with pid 0 signals the sender's whole process group. The container
# has a group (and without -t a session) of its own, so `kill -9 0` inside
# reaches only the container's processes: mydocker, and the shell that
# started it, live on. (The container's PID 1 itself survives: a PID
# namespace's init gets no signal from inside that it has no handler for,
# pid_namespaces(7), SIGKILL included.)
# hint: In the child, before exec: setsid(2) (or setpgid(0, 0) with -t, until ch04-defaults gives it a pty), so kill(0, ...) inside reaches only the container.
test_kill_0_inside_reaches_only_the_container() {
	local flags
	for flags in "" -t; do
		LAST_CMD="setsid bash -c 'mydocker run $flags ... sh -c \"sleep 100 & kill -9 0; ...\"; echo caller ...'"
		timeout -s KILL 60 setsid --wait bash -c '"$@"; echo "the caller lives; mydocker exited $?"' - \
			"$MYDOCKER" run $flags "${IMAGE[@]}" /bin/sh -c 'sleep 100 & kill -9 0; wait $!; echo "sleep: $?"' \
			</dev/null >"$T/stdout" 2>"$T/stderr"
		status=$?
		expect_status 0
		# (from ch04-defaults on, -t is a pty of the container's own: lines end
		# with \r\n, and sh, on a terminal, says which job it lost: Killed)
		[ -n "$flags" ] && at_least ch04-defaults && sed -i -e 's/\r$//' -e '/^Killed$/d' "$T/stdout"
		expect_stdout "sleep: 137
the caller lives; mydocker exited 0"
	done
}
