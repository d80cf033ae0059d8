# pipe.sh: chapter 3.3, the command travels to init over a pipe on fd 3;
# init looks it up on PATH and hands on only stdin, stdout and stderr.

before ch03-pipe

# hint: Before ch03-pipe, execv(2) does not search PATH.
test_command_needs_a_full_path() {
	container "${IMAGE[@]}" sh -c 'echo found'
	expect_status 127
}

before -
since ch03-pipe

# hint: Each argument as a key/value pair ended by '\0' on the pipe: no quoting, no length limit; read until end-of-file.
# lab: holds from the start: two 100 kB arguments fit on ch03-cgroups' command line too; it guards the pipe against losing a byte
test_arguments_arrive_intact() {
	local big1 big2
	big1=$(head -c 100000 /dev/zero | tr '\0' a)
	big2=$(head -c 100000 /dev/zero | tr '\0' b)
	"$HELPERS/probe" args "with space" "" "'single'" '"double"' $'two\nlines' '$HOME' '*' "$big1" "$big2" >"$T/expected"
	container "${IMAGE[@]}" "$PROBE" args "with space" "" "'single'" '"double"' $'two\nlines' '$HOME' '*' "$big1" "$big2"
	expect_status 0
	diff "$T/expected" "$T/stdout" >/dev/null || fail "arguments changed on the way: $(diff "$T/expected" "$T/stdout")"
}

# hint: dup2(2) the pipe's read end to fd 3 in the child; init reads from INIT_PIPE_FD.
test_command_is_read_from_fd_3() {
	mydocker --debug run "${IMAGE[@]}" sh -c true
	expect_status 0
	expect_stderr_has "=> sent the command to init over the pipe"
	expect_stderr_has "=> init: read a command of 3 arguments from fd 3"
}

# hint: look_path(): each directory of PATH, a regular executable file.
test_command_is_found_on_path() {
	container "${IMAGE[@]}" sh -c 'echo found'
	expect_status 0
	expect_stdout found
}

# hint: Not found in any directory of PATH: 127 with 'executable file not found in $PATH'.
test_not_found_on_path_exits_127() {
	container "${IMAGE[@]}" no-such-command-anywhere
	expect_status 127
	expect_one_error_line 'exec no-such-command-anywhere: executable file not found in $PATH'
}

# hint: close_range(3, ~0U, 0) in init, after reading the command.
test_only_stdio_fds_are_open() {
	exec 7</etc 8>"$T/extra"
	container "${IMAGE[@]}" "$PROBE" fds
	exec 7<&- 8>&-
	expect_status 0
	expect_stdout "0 1 2"
}

# A container whose init dies before it has read its command (here killed
# the moment it is started, by strace's fault injection) never ran: run
# fails with 125 and one line, and with -d prints no id. The command is
# bigger than a pipe holds (64 KiB), so that the write cannot finish before
# the death: it fails with EPIPE, which mydocker must not ignore.
# hint: Check send_command()'s result: on failure, wait for the child and end with 125, before reporting the container as started.
test_a_command_that_never_arrived_is_a_failed_start() {
	local exec_call=execve big flags
	at_least ch04-defaults && exec_call=execveat # init runs from a read-only view: fexecve(3)
	big=$(head -c 100000 /dev/zero | tr '\0' x)
	# (unpack the image first: the first exec to fail must be init's, not tar's)
	if at_least ch04-rootfs; then
		mydocker run $(at_least ch05-ps-rm && echo --rm) "${IMAGE[@]}" true
		expect_status 0
	fi
	for flags in "" $(at_least ch05-detach-ps-logs && echo -d); do
		LAST_CMD="strace -f -e inject=$exec_call:signal=KILL:when=1 mydocker run $flags ... /bin/echo <100 kB>"
		timeout -s KILL 60 strace -f -qq -o /dev/null -e trace=$exec_call -e inject=$exec_call:signal=KILL:when=1 \
			"$MYDOCKER" run $flags "${IMAGE[@]}" /bin/echo "$big" </dev/null >"$T/stdout" 2>"$T/stderr"
		status=$?
		expect_status 125
		expect_stdout ""
		expect_one_error_line "send the command to the container"
	done
	if at_least ch05-ps-rm; then
		mydocker ps -a
		expect_eq "containers left in ps -a" 1 "$(grep -c . "$T/stdout")"
	fi
}
