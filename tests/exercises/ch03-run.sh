# ch03-run.sh: the reference tests of ch03-run's "build it" exercises.
# tests/run-exercises runs each against the stage with the answer in
# notes/answers/ch03-run/ (and without, where it must fail): EXERCISES=1
# make test. $ANSWER is the answer built (a program, for exercise 2).

since ch03-run

# Exercise 2: with a tiny init as PID 1, Ctrl-C ends the command (130),
# which a plain `run /bin/sleep 100` ignores.
test_a_tiny_init_passes_ctrl_c_on() {
	start_container "${IMAGE[@]}" ${ANSWER:-} /bin/sleep 100
	wait_until "the container runs sleep" pgrep -f "^/bin/sleep 100"
	sleep 0.2 # the init's handlers are set right after its fork
	kill -INT "$bg"
	wait_bg
	expect_status 130
}

# Exercise 3: with -t the container's stdin, stdout and stderr are a
# terminal of its own, even when mydocker's stdin is not a terminal.
test_t_gives_the_container_a_terminal_of_its_own() {
	container -t "${IMAGE[@]}" /bin/sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo all-terminals'
	expect_status 0
	grep -q '^/dev/pts/[0-9]*.$' "$T/stdout" || fail "tty printed no /dev/pts/N"
	expect_stdout_has all-terminals
}
