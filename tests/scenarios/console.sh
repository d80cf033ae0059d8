# console.sh: a container with a terminal (ch07-console on): with
# process.terminal, create makes a pseudo-terminal inside the container
# and sends its master to the unix socket named by --console-socket,
# where the caller (containerd's shim, podman's conmon; here the test's
# recvtty) keeps it. Each case runs first with runc, the oracle.

since ch07-console

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc
source "$HELPERS/../../tests/helpers/callers.sh" # containerd, podman, recvtty: ch07-callers on use them

# The command's stdin, stdout and stderr are a terminal of the
# container's own devpts (/dev/pts/0), of the config's consoleSize; what
# the caller types into the master reaches it, echoed. runtime-tools:
# process (terminal), create (console socket).
# hint: runtime_create()'s console_for() connects to --console-socket and passes it as fd 6; bundle_init() calls open_bundle_console() after pivot_root: /dev/pts/ptmx, TIOCGPTPEER, TIOCSWINSZ, setsid and TIOCSCTTY, send_fd().
test_process_terminal_through_the_console_socket() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.terminal = true | .process.consoleSize = {height: 30, width: 100}
			| .process.args = ["sh", "-c", "tty; stty size; read line; echo got $line"]'
		recvtty_bg "$T/$rt.sock" $'hello\n'
		runtime "$rt" create --console-socket "$T/$rt.sock" --bundle "$T/$rt" c1
		expect_status 0
		runtime "$rt" start c1
		expect_status 0
		wait "$RECVTTY"
		expect_eq "$rt: what came through the terminal" "hello /dev/pts/0 30 100 got hello" \
			"$(tr -d '\r' <"$T/$rt.sock.out" | paste -sd ' ')"
		runtime "$rt" delete --force c1
		expect_status 0
	done
}

# A terminal needs a console socket, a console socket a terminal, and
# a socket that nobody listens on fails create: refused before anything
# is made, as runc refuses them.
# hint: console_for(): b->terminal and --console-socket together; connect_console_socket() says which path failed.
test_terminal_and_console_socket_go_together() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.terminal = true'
		runtime "$rt" create --bundle "$T/$rt" c1
		[ "$status" != 0 ] || fail "$rt: a terminal without a console socket was taken"
		jq '.process.terminal = false' "$T/$rt/config.json" >"$T/c" && mv "$T/c" "$T/$rt/config.json"
		recvtty_bg "$T/$rt.sock"
		runtime "$rt" create --console-socket "$T/$rt.sock" --bundle "$T/$rt" c2
		[ "$status" != 0 ] || fail "$rt: a console socket without a terminal was taken"
		kill "$RECVTTY" 2>/dev/null
		wait "$RECVTTY" 2>/dev/null
	done
	expect_one_error_line "config.json asks for no terminal"
	jq '.process.terminal = true' "$T/mydocker/config.json" >"$T/c" && mv "$T/c" "$T/mydocker/config.json"
	runtime mydocker create --console-socket "$T/nobody.sock" --bundle "$T/mydocker" c3
	expect_status 125
	expect_one_error_line "--console-socket $T/nobody.sock: No such file or directory"
	expect_eq "what the refused creates left" "" "$(ls -A "$T/state-mydocker" 2>/dev/null)"
}

exclusive

# podman -it and ctr -t, each under script(1) for a terminal of the
# test's own: the container's shell gets a terminal through mydocker.
# hint: conmon and containerd's shim pass --console-socket to create when asked for -t.
test_podman_and_ctr_give_a_terminal_through_mydocker() {
	v1_only
	start_podman
	printf 'echo typed-in\nexit\n' | timeout 60 script -qec "${PODMAN[*]} run --rm -it ${PODMAN_RUN[*]} localhost/busybox sh" /dev/null \
		>"$T/stdout" 2>"$T/stderr"
	forget_conmon_sockets
	grep -q '^typed-in' <(tr -d '\r' <"$T/stdout") || fail "podman run -it: no typed-in in: $(cat -A "$T/stdout")"
	timeout 60 script -qec "${PODMAN[*]} run --rm -t ${PODMAN_RUN[*]} localhost/busybox tty" /dev/null >"$T/stdout" 2>"$T/stderr"
	forget_conmon_sockets
	expect_eq "podman run -t: tty" /dev/pts/0 "$(tr -d '\r' <"$T/stdout")"
	stop_podman
	start_containerd
	timeout 60 script -qec "${CTR[*]} run --rm -t ${CTR_RUN[*]} busybox c1 tty" /dev/null >"$T/stdout" 2>"$T/stderr"
	# (ctr types a NUL into the terminal first, which echoes as ^@)
	expect_eq "ctr run -t: tty" /dev/pts/0 "$(tr -d '\r' <"$T/stdout" | sed 's/^\^@//')"
	stop_containerd
}
