# exec.sh: chapter 5.4, `mydocker exec`: a command in a running container,
# in its namespaces, its cgroups, with its capabilities and environment;
# never on the host.

since ch05-exec

# start_sleeper [RUN FLAGS...]: a detached container that waits, named s1.
start_sleeper() {
	mydocker run -d --name s1 "$@" "${IMAGE[@]}" /bin/sh -c 'echo from-pid-1 >/written-by-pid-1; exec sleep 1000'
	expect_status 0
	id=$(stdout)
	wait_until "the container has written its file" test -e "$MYDOCKER_ROOT/containers/$id/upper/written-by-pid-1"
}

stop_sleeper() {
	mydocker rm -f s1
	expect_status 0
}

# hint: setns(2) on a pidfd of the container's PID 1 (pidfd_open(2)), for its mnt, uts, pid, ipc and net namespaces.
test_exec_sees_the_container_s_root_hostname_and_processes() {
	start_sleeper
	# processes: PID 1 (sleep), and sh (what it runs has ended)
	mydocker exec s1 /bin/sh -c 'cat /written-by-pid-1; hostname; tr "\0" " " </proc/1/cmdline; echo; set -- /proc/[0-9]*; echo $#'
	expect_status 0
	expect_stdout "from-pid-1
$id
sleep 1000 
2"
	stop_sleeper
}

# hint: The first argument is a name, an id, or the start of an id that no other id starts with.
test_exec_finds_the_container_by_name_id_or_prefix() {
	start_sleeper
	local target
	for target in s1 "$id" "${id:0:4}"; do
		mydocker exec "$target" /bin/hostname
		expect_status 0
		expect_stdout "$id"
	done
	stop_sleeper
}

# hint: The pipe's message carries each argument whole, as run's does; the exit code of the command is exec's.
test_exec_arguments_arrive_intact_and_the_status_comes_back() {
	start_sleeper
	"$HELPERS/probe" args "with space" "" "'single'" $'two\nlines' '$HOME' >"$T/expected"
	mydocker exec s1 "$PROBE" args "with space" "" "'single'" $'two\nlines' '$HOME'
	expect_status 0
	diff "$T/expected" "$T/stdout" >/dev/null || fail "arguments changed on the way: $(diff "$T/expected" "$T/stdout")"
	mydocker exec s1 /bin/sh -c 'exit 42'
	expect_status 42
	mydocker exec s1 no-such-command
	expect_status 127
	expect_one_error_line "executable file not found"
	mydocker exec s1 /etc/passwd
	expect_status 126
	stop_sleeper
}

# hint: cgroup_join(): write our pid to the cgroup.procs of each cgroup of the container's PID 1, before joining its mount namespace.
test_exec_is_in_the_container_s_cgroups_and_under_its_limit() {
	start_sleeper -m 32m
	mydocker exec s1 /bin/cat /proc/self/cgroup
	expect_status 0
	cp "$T/stdout" "$T/exec.cgroup"
	mydocker exec s1 /bin/cat /proc/1/cgroup
	expect_eq "exec's cgroups against PID 1's" "$(cat "$T/stdout")" "$(cat "$T/exec.cgroup")"
	mydocker exec s1 "$PROBE" hog 64m
	expect_status 137
	stop_sleeper
}

# hint: exec-init drops to docker's 14 capabilities, with an empty inheritable set, as init does.
test_exec_has_the_container_s_capabilities() {
	start_sleeper
	mydocker exec s1 /bin/sh -c 'grep ^Cap /proc/self/status'
	expect_status 0
	expect_stdout "CapInh:	0000000000000000
CapPrm:	00000000a80425fb
CapEff:	00000000a80425fb
CapBnd:	00000000a80425fb
CapAmb:	0000000000000000"
	mydocker exec s1 /bin/sh -c 'mount -t tmpfs none /mnt 2>&1 || echo refused; cat /proc/sys/kernel/core_pattern >/proc/sys/kernel/core_pattern 2>&1 || echo read-only'
	expect_stdout_has refused
	expect_stdout_has read-only
	stop_sleeper
}

# hint: container_environment() for the container's id, then each -e; -w is the working directory (default /).
test_exec_environment_and_working_directory() {
	start_sleeper
	MYDOCKER_TEST_SECRET=leaked FROM_HOST=yes mydocker exec -e A=1 -e "B=two words" -e FROM_HOST -e NOT_SET s1 \
		/bin/sh -c 'tr "\0" "\n" </proc/$$/environ; pwd'
	expect_status 0
	expect_stdout "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOSTNAME=$id
HOME=/root
A=1
B=two words
FROM_HOST=yes
/"
	mydocker exec -t -w /etc s1 /bin/sh -c 'echo $TERM; pwd'
	expect_status 0
	sed -i 's/\r$//' "$T/stdout" # (-t: a pty of its own ends lines with \r\n, as docker's)
	expect_stdout "xterm
/etc"
	mydocker exec -e =x s1 /bin/true
	expect_status 125
	expect_one_error_line "invalid -e"
	stop_sleeper
}

# hint: Without -i, the command's stdin is /dev/null; with -i it is exec's own, copied whole.
test_exec_i_passes_stdin() {
	start_sleeper
	head -c 1500000 /dev/urandom >"$T/input"
	STDIN=$T/input mydocker exec -i s1 /bin/sh -c 'cat | sha256sum'
	expect_status 0
	expect_eq "the sha256 of what came in" "$(sha256sum <"$T/input" | cut -d' ' -f1)" "$(cut -d' ' -f1 "$T/stdout")"
	STDIN=$T/input mydocker exec s1 /bin/sh -c 'cat | wc -c'
	expect_stdout 0
	stop_sleeper
}

# hint: With -t, the command gets a pty of its own, made by exec-init in the container's devpts once it has joined the mount namespace, as with run -it (console.c): the session leader with the pty as its controlling terminal, so ^C typed on the caller's terminal reaches it through the relay.
test_exec_t_takes_the_terminal_and_ctrl_c_comes_through_it() {
	start_sleeper
	# script(1) gives exec a pseudo-terminal; what we write to script's
	# stdin is typed on it
	mkfifo "$T/keys"
	LAST_CMD="script -qec 'mydocker exec -it s1 sh -c ...' /dev/null"
	# (fields 5 and 8 of /proc/PID/stat: the process group, and the
	# terminal's foreground process group; proc(5))
	script -qec "'$MYDOCKER' exec -it s1 /bin/sh -c 'set -- \$(cat /proc/\$\$/stat); [ -t 0 ] && [ -t 1 ] && [ \$5 = \$8 ] && echo in-the-foreground-of-a-terminal; tty; exec $PROBE trap'" /dev/null \
		<"$T/keys" >"$T/bg.stdout" 2>"$T/bg.stderr" &
	bg=$!
	exec 8>"$T/keys"
	wait_until "the command says ready" grep -q ready "$T/bg.stdout"
	printf '\003' >&8
	wait_bg
	exec 8>&-
	expect_status 102
	grep -q in-the-foreground-of-a-terminal "$T/stdout" ||
		fail "the command was not in the foreground of a terminal: $(cat "$T/stdout")"
	# (the container's own devpts: `tty` finds the pty's name there)
	grep -q '^/dev/pts/[0-9]' "$T/stdout" ||
		fail "tty does not name a pty of the container's /dev/pts: $(cat "$T/stdout")"
	stop_sleeper
}

# From a terminal, exec gives the command pipes (with -t, a pty), never the
# caller's terminal, and returns when its command has exited: a process
# the command leaves behind neither keeps exec waiting nor keeps the
# caller's terminal (it would read what is typed next).
# hint: stdio.c, as run: exec relays until exec-init has exited (a pidfd of it), then copies what the pipes or the pty still hold.
test_exec_from_a_terminal_returns_with_its_command_and_leaves_no_terminal() {
	local flags caller
	start_sleeper
	for flags in -i -it; do
		LAST_CMD="script -qec 'mydocker exec $flags s1 /bin/sh -c \"sleep 1000 & ...\"' /dev/null"
		script -qec "stat -L -c caller=%t:%T /proc/self/fd/0; exec '$MYDOCKER' exec $flags s1 /bin/sh -c 'sleep 1000 & echo done'" /dev/null \
			</dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
		bg=$!
		wait_bg
		expect_status 0
		grep -q done "$T/stdout" || fail "exec $flags: the command's output did not come through: $(cat "$T/stdout")"
		caller=$(tr -d '\r' <"$T/stdout" | sed -n 's/^caller=//p')
		[ -n "$caller" ] || fail "no terminal in the caller: $(cat "$T/stdout")"
		mydocker exec s1 /bin/sh -c 'stat -L -c %t:%T /proc/[0-9]*/fd/[0-2] 2>/dev/null; true'
		expect_status 0
		! grep -qx "$caller" "$T/stdout" || fail "exec $flags left the caller's terminal ($caller) in the container"
	done
	stop_sleeper
}

# hint: exec passes SIGINT, SIGTERM and SIGHUP on to the command, as run does to PID 1.
test_ctrl_c_reaches_the_exec_d_command() {
	start_sleeper
	"$MYDOCKER" exec s1 "$PROBE" trap >"$T/bg.stdout" 2>"$T/bg.stderr" </dev/null &
	bg=$!
	wait_until "the command says ready" grep -q ready "$T/bg.stdout"
	kill -INT "$bg"
	wait_bg
	expect_status 102
	stop_sleeper
}

# A Ctrl-C can come after exec-init has forked the command, which runs
# already, but before fork(2) has returned in exec-init: there is nobody to
# pass it on to yet. It must not be lost. strace holds each fork's return
# back for a second.
# hint: forward_signals_to(): a signal that came before there was a process goes to the process as soon as there is one.
test_ctrl_c_while_exec_init_forks_reaches_the_command() {
	local tracer pid
	start_sleeper
	LAST_CMD="strace -f -e inject=clone:delay_exit=1s mydocker exec s1 probe trap"
	strace -f -qq -e trace=clone,clone3 -e inject=clone,clone3:delay_exit=1000000 -o /dev/null \
		"$MYDOCKER" exec s1 "$PROBE" trap </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	tracer=$!
	wait_until "the command says ready" grep -q ready "$T/bg.stdout"
	traced_pid "$tracer"
	kill -INT "$pid"
	bg=$tracer
	wait_bg
	expect_status 102
	stop_sleeper
}

# hint: Look the container up, and check it runs (its record, its pid and start time), before joining anything.
test_exec_refuses_what_is_not_a_running_container() {
	local marker=/tmp/mydocker-exec-marker-$$
	mydocker exec no-such-container /bin/true
	expect_status 125
	expect_one_error_line "no container no-such-container"
	mydocker run -d --name gone "${IMAGE[@]}" /bin/true
	wait_until "it has exited" sh -c "'$MYDOCKER' ps -a | grep -q ' gone .*exited'"
	mydocker exec gone /bin/touch "$marker"
	expect_status 125
	expect_one_error_line "container gone is not running"
	[ ! -e "$marker" ] || { rm -f "$marker"; fail "the command ran on the host"; }
	mydocker rm gone
	# containers until two ids start with the same digit (17 at most)
	local common=""
	while [ -z "$common" ]; do
		mydocker run -d "${IMAGE[@]}" /bin/sleep 100
		expect_status 0
		common=$(ls "$MYDOCKER_RUN" | grep -v names | cut -c1 | sort | uniq -d | head -n 1)
	done
	mydocker exec "$common" /bin/true
	expect_status 125
	expect_one_error_line "more than one container"
	local left
	for left in $(ls "$MYDOCKER_RUN" | grep -v names); do "$MYDOCKER" rm -f "$left" >/dev/null; done
}

# exec-init finds the pidfd on fd 4 and the command on fd 3, whatever fds
# mydocker exec was given or opened them as: one setns(2), on the pidfd.
# hint: Move the pidfd above fds 3 and 4 (fcntl F_DUPFD_CLOEXEC) before the pipe goes on 3: dup2 onto itself keeps close-on-exec.
test_exec_joins_through_its_pidfd_whatever_fds_it_starts_with() {
	local fd3 calls
	start_sleeper
	for fd3 in none /dev/null; do
		LAST_CMD="strace -f -e trace=setns mydocker exec s1 true (fd 3: $fd3)"
		if [ "$fd3" = none ]; then
			strace -f -qq -e trace=setns -o "$T/strace" "$MYDOCKER" exec s1 true </dev/null >"$T/stdout" 2>"$T/stderr"
		else
			strace -f -qq -e trace=setns -o "$T/strace" "$MYDOCKER" exec s1 true </dev/null >"$T/stdout" 2>"$T/stderr" 3<"$fd3"
		fi
		status=$?
		expect_status 0
		# (from ch07-exec on the cgroup namespace too, which a bundle may have: here the host's)
		calls="$(grep -c 'setns(' "$T/strace") $(grep -o 'setns(.*' "$T/strace" | head -n 1 | sed 's/CLONE_NEWCGROUP|//')"
		expect_eq "setns calls, fd 3 $fd3" "1 setns(4, CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWPID|CLONE_NEWNET) = 0" "$calls"
	done
	stop_sleeper
}

# hint: A pidfd pins the container's PID 1: setns fails once it has exited, and fork in a PID namespace whose init is gone fails too. Never run on the host.
test_exec_racing_the_container_s_exit_never_runs_on_the_host() {
	local marker=/tmp/mydocker-exec-race-$$ i pids=()
	# (a second to live, and execs over 1.6 s: some run on a loaded host too)
	mydocker run -d --name racer "${IMAGE[@]}" /bin/sh -c 'sleep 1'
	for i in $(seq 40); do
		"$MYDOCKER" exec racer /bin/touch "$marker" >/dev/null 2>&1 &
		pids+=($!)
		sleep 0.04
	done
	local ran=0
	for i in "${pids[@]}"; do
		wait "$i"
		status=$?
		[ "$status" = 0 ] && ran=$((ran + 1))
		[ "$status" = 0 ] || [ "$status" = 125 ] || [ "$status" = 137 ] || fail "an exec ended with $status"
	done
	[ ! -e "$marker" ] || { rm -f "$marker"; fail "a command ran on the host"; }
	[ "$ran" -gt 0 ] || fail "no exec ran while the container did"
	wait_until "racer has exited" sh -c "'$MYDOCKER' ps -a | grep -q ' racer .*exited'"
	mydocker rm racer
}

# run -d returns once the command has replaced init, so what exec joins is
# a whole container: its root, its /proc, its mounts. Before, an exec just
# after run -d could join init half-way, find the host's /bin/sh and then
# lose its libraries to init's pivot_root(2).
# hint: A second pipe, close-on-exec in init (fd 4): the command's execve(2) closes it; mydocker reads end-of-file before it says the container runs.
test_run_d_returns_once_the_command_runs() {
	local pid
	run_d_held ready 300 "${IMAGE[@]}" /bin/sleep 1000
	wait_until "run -d has printed the id" test -s "$T/bg.stdout"
	pid=$(ps_json_field ready pid)
	[ -n "$pid" ] || fail "ps shows no pid for ready"
	expect_eq "what pid $pid runs as soon as run -d returns" sleep "$(cat "/proc/$pid/comm")"
	rm_held ready
}

# hint: init writes a byte on the exec pipe when the command cannot start; end-of-file without one means it did.
test_run_d_of_a_command_that_cannot_start_says_so_at_once() {
	mydocker run -d --name missing "${IMAGE[@]}" no-such-command
	expect_status 127
	expect_stdout ""
	expect_stderr_has "executable file not found"
	mydocker run -d --name not-a-program "${IMAGE[@]}" /etc/passwd
	expect_status 126
	mydocker ps -a
	expect_eq "containers in ps -a" 1 "$(grep -c . "$T/stdout")"
}

# hint: Each exec is its own processes: nothing shared, nothing left once they end.
test_twenty_execs_at_once() {
	start_sleeper
	local i pids=() failed=0
	for i in $(seq 20); do
		"$MYDOCKER" exec s1 /bin/sh -c "echo $i >/exec-$i" >"$T/exec-$i.out" 2>&1 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || failed=$((failed + 1)); done
	expect_eq "execs that failed" 0 "$failed"
	mydocker exec s1 /bin/sh -c 'cat /exec-* | sort -n | tr "\n" " "'
	expect_stdout "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
	mydocker exec s1 /bin/sh -c 'set -- /proc/[0-9]*; echo $#'
	expect_stdout 2 # sleep, sh: no exec left behind
	stop_sleeper
}

# hint: ps lists containers, not the commands exec ran in them.
test_ps_is_unchanged_by_exec() {
	start_sleeper
	mydocker exec s1 /bin/true
	expect_status 0
	mydocker ps
	expect_eq "containers in ps" 2 "$(grep -c . "$T/stdout")"
	stop_sleeper
}

# hint: exec-init runs from the read-only view too, and the command's process is not dumpable until it has exec'd (prctl(2)).
test_hostile_image_cannot_touch_the_binary_through_exec() {
	local copy=$T/bin/mydocker before
	mkdir -p "$T/bin"
	cp "$MYDOCKER" "$copy"
	cp "$HELPERS/../images/hostile.tar" "$MYDOCKER_ROOT/images/"
	before=$(stat -c '%a %u:%g %s' "$copy"; sha256sum <"$copy")
	MYDOCKER=$copy mydocker run -d --name h "${IMAGE_FLAG[@]}" hostile /bin/sh -c 'touch /ready; exec sleep 100'
	expect_status 0
	# (run -d returns once init has its command, not once it runs it)
	wait_until "the container has written its file" test -e "$MYDOCKER_ROOT/containers/$(stdout)/upper/ready"
	MYDOCKER=$copy mydocker exec h /hostile-script
	grep -q "hostile-loader: ran" "$T/stdout" || fail "the hostile loader did not run: the test proves nothing"
	expect_eq "the host's mydocker binary (mode, owner, size, hash)" "$before" "$(stat -c '%a %u:%g %s' "$copy"; sha256sum <"$copy")"
	MYDOCKER=$copy mydocker rm -f h
}

# hint: check_exec(): a child tries setns(2) on a pidfd of its own process.
test_check_says_what_exec_needs() {
	mydocker check
	grep -q "^ok    exec: setns(2)" "$T/stdout" || fail "check says nothing of exec"
}

# mydocker exec killed after it sent the command, but before its child
# has set PR_SET_PDEATHSIG: no signal would come, and exec-init would run
# the command in the container with nobody to wait for it. So the child
# looks at its parent after its prctl(2): another one means mydocker has
# died. strace holds that prctl back, so that mydocker is killed first.
# hint: In exec's child, after prctl(PR_SET_PDEATHSIG): getppid(2) is no longer the pid mydocker had before fork(2) if it has died: _exit.
test_an_exec_whose_mydocker_died_before_its_prctl_runs_nothing() {
	local tracer pid
	start_sleeper
	LAST_CMD="strace -f -e inject=prctl:delay_enter=1s:when=1 mydocker --debug exec s1 sleep 7878"
	strace -f -qq -e trace=prctl -e inject=prctl:delay_enter=1000000:when=1 -o /dev/null \
		"$MYDOCKER" --debug exec s1 sleep 7878 </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	tracer=$!
	wait_until "mydocker exec has sent the command" grep -q "sent the command" "$T/bg.stderr"
	traced_pid "$tracer"
	kill -KILL "$pid"
	wait_until "strace has ended: the child ran nothing" sh -c "! kill -0 $tracer"
	! pgrep -f '^sleep 7878$' >/dev/null || fail "exec ran its command with its mydocker dead"
	stop_sleeper
}

# The pid of a container that exits while exec joins it can be taken at
# once by a host process. exec holds the container by a pidfd, so its
# setns(2) fails (ESRCH) instead of joining whatever has that pid number
# now: here a host process, in the host's namespaces, where the command
# would run as root. strace holds exec-init back before setns(2) while the
# container is removed and a host process is made to take its pid through
# ns_last_pid (pid_namespaces(7)); the scenarios below run alone.
exclusive

# hint: setns(2) on the pidfd opened before anything else; the /proc/PID/ns fallback counts only while pidfd_send_signal(pidfd, 0) says the container still runs.
test_exec_never_joins_a_host_process_that_took_the_container_s_pid() {
	local marker=/tmp/mydocker-exec-reuse-$$ pid tracer taker="" i
	mydocker run -d --name reused "${IMAGE[@]}" /bin/sleep 1000
	expect_status 0
	pid=$(ps_json_field reused pid)
	[ -n "$pid" ] || fail "ps shows no pid for reused"
	LAST_CMD="strace -f -e inject=setns:delay_enter=2s mydocker exec reused /bin/touch $marker"
	strace -f -qq -e trace=setns -e inject=setns:delay_enter=2000000 -o /dev/null \
		"$MYDOCKER" exec reused /bin/touch "$marker" </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	tracer=$!
	wait_until "exec-init has started" pgrep -f 'mydocker exec-init'
	mydocker rm -f reused
	expect_status 0
	for i in $(seq 50); do
		echo $((pid - 1)) >/proc/sys/kernel/ns_last_pid
		sleep 1000 &
		[ "$!" = "$pid" ] && { taker=$!; break; }
		kill "$!"
		wait "$!" 2>/dev/null # gone before the host is checked
	done
	[ -n "$taker" ] || fail "no host process could be made to take pid $pid: the test proves nothing"
	bg=$tracer
	wait_bg
	kill "$taker"
	wait "$taker" 2>/dev/null
	[ ! -e "$marker" ] || { rm -f "$marker"; fail "the command ran on the host, in the process that took pid $pid"; }
	expect_status 125
	expect_one_error_line "the container has exited"
}
