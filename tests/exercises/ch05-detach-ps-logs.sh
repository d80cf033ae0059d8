# ch05-detach-ps-logs.sh: the reference test of ch05's "build it" exercise.
# tests/run-exercises runs it against the stage with the answer in
# notes/answers/ch05-detach-ps-logs/ applied (and without, where it must fail).

since ch05-detach-ps-logs

# Exercise 2: run -d of a command that cannot start says so at once, with
# docker's code, and leaves no container behind.
test_detach_of_a_missing_command_exits_127() {
	mydocker run -d "${IMAGE[@]}" no-such-command
	expect_status 127
	expect_stdout ""
	expect_stderr_has "executable file not found"
	mydocker ps -a
	expect_eq "containers in ps -a" 1 "$(grep -c . "$T/stdout")"
	mydocker run -d "${IMAGE[@]}" /etc/passwd
	expect_status 126
}
