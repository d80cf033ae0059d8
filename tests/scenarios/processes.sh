# processes.sh: more processes in a bundle's container (ch07-exec on):
# the runtime's exec, as containerd's shim and podman's conmon call it
# (--process, --detach, --pid-file, --console-socket), and ps, the
# container's processes. Each case runs first with runc, the oracle, on
# the same bundle, as bundle.sh's do; then ctr and podman drive mydocker.

since ch07-exec

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc
source "$HELPERS/../../tests/helpers/callers.sh" # containerd, podman, recvtty: ch07-callers on use them

# started RT: a container c1 of the test image, its command sleep,
# created and started by RT, in $T/RT.
started() {
	bundle "$T/$1" "${2:-.} | .process.args = [\"sleep\", \"1000\"]"
	runtime "$1" create --bundle "$T/$1" c1
	expect_status 0
	runtime "$1" start c1
	expect_status 0
}

# pid_ns PID: the pid namespace PID is in.
pid_ns() { readlink "/proc/$1/ns/pid" || fail "no process $1"; }

# exec ID ARGS: a command beside the container's first one, in all its
# namespaces, with config.json's process (user, cwd, env, capabilities)
# and its exit status; a command that is not there fails. runc's
# integration tests: exec.bats "runc exec", "runc exec --cwd".
# hint: runtime_exec.c: process_from_config() puts ARGS in config.json's process; cgroup_join(), then bundle-exec: enter_namespaces(), fork_exec_process(), take_bundle_process() and exec_bundle_command() (bundle_init.c).
test_exec_runs_a_command_in_the_container() {
	local rt out=()
	for rt in runc mydocker; do
		started "$rt" '.process.env += ["FROM=config"]'
		runtime "$rt" exec --cwd /tmp c1 sh -c 'echo $(hostname) $FROM $(pwd) $(id -u); grep CapEff /proc/self/status; cat /proc/1/cmdline'
		expect_status 0
		out+=("$(paste -sd ' ' "$T/stdout" | tr '\0' ' ')")
		runtime "$rt" exec c1 sh -c 'exit 3'
		expect_status 3
		runtime "$rt" exec c1 no-such-command
		[ "$status" != 0 ] || fail "$rt: a command that is not there ran"
		runtime "$rt" delete --force c1
		expect_status 0
	done
	expect_eq "what runc's exec printed, then mydocker's" "${out[0]}" "${out[1]}"
	runtime mydocker exec c1 true
	expect_status 125
	expect_one_error_line "container c1 does not exist"
}

# --process FILE: the whole process object, as callers write it: args,
# env, cwd, user, capabilities; what this runtime cannot apply is
# refused by name, and nothing runs. runc's exec.bats: "runc exec
# --process", "runc exec --user".
# hint: process_from_file(); process_parse() (bundle.c) checks it as create checks config.json's process.
test_exec_process_json() {
	local rt out=()
	for rt in runc mydocker; do
		started "$rt"
		jq '.process | .args = ["sh", "-c", "echo $WHO $(pwd) $(id -u):$(id -g):$(id -G); grep -E \"Cap(Eff|Bnd)\" /proc/self/status"]
			| .env += ["WHO=exec"] | .cwd = "/bin" | .user = {uid: 1000, gid: 1000, additionalGids: [10]}
			| .capabilities.bounding = ["CAP_KILL"] | .capabilities.effective = ["CAP_KILL"]
			| .capabilities.permitted = ["CAP_KILL"]' "$T/$rt/config.json" >"$T/$rt.process.json"
		runtime "$rt" exec --process "$T/$rt.process.json" c1
		expect_status 0
		out+=("$(paste -sd ' ' "$T/stdout")")
	done
	expect_eq "what runc's exec printed, then mydocker's" "${out[0]}" "${out[1]}"
	runtime runc delete --force c1
	echo '{"args": ["true"]' >"$T/broken.json"
	runtime mydocker exec --process "$T/broken.json" c1
	expect_status 125
	expect_one_error_line "is not JSON"
	jq '.apparmorProfile = "unconfined"' "$T/mydocker.process.json" >"$T/apparmor.json"
	runtime mydocker exec --process "$T/apparmor.json" c1
	expect_status 125
	expect_one_error_line "process.apparmorProfile is not supported"
	runtime mydocker ps --format json c1
	expect_eq "the container's processes after the refusals" 1 "$(jq length "$T/stdout")"
	runtime mydocker delete --force c1
}

# --detach --pid-file: exec returns once the command runs; the command
# is in the container (its pid namespace and cgroups) and its pid in the
# file; ps lists it; kill --all stops it with the container. runc's
# exec.bats: "runc exec --pid-file"; ps.bats: "ps --format json".
# hint: bundle_exec() reports "PID started" on fd 5 and, with --detach, exits: the process goes to the caller's subreaper; runtime_ps.c's container_pids() walks /proc by pid namespace.
test_exec_detach_pid_file_and_ps() {
	local rt pid first
	for rt in runc mydocker; do
		started "$rt"
		runtime "$rt" state c1
		first=$(jq -r .pid "$T/stdout")
		runtime "$rt" exec --detach --pid-file "$T/$rt.pid" c1 sleep 999
		expect_status 0
		pid=$(cat "$T/$rt.pid") || fail "$rt: no --pid-file"
		expect_eq "$rt: the exec'd process's pid namespace" "$(pid_ns "$first")" "$(pid_ns "$pid")"
		expect_eq "$rt: its cgroups" "$(cat "/proc/$first/cgroup")" "$(cat "/proc/$pid/cgroup")"
		runtime "$rt" ps --format json c1
		expect_status 0
		# Both sides sorted by number: pids wrap, so the exec'd one may be lower.
		expect_eq "$rt: ps --format json" "$(printf '%s\n' "$first" "$pid" | sort -n | paste -sd ' ')" \
			"$(jq -r 'sort | map(tostring) | join(" ")' "$T/stdout")"
		runtime "$rt" ps c1
		expect_status 0
		[[ $(head -n 1 "$T/stdout") == *PID* ]] || fail "$rt: ps printed no header"
		expect_eq "$rt: the lines of ps's table" "sleep 1000 sleep 999" \
			"$(tail -n +2 "$T/stdout" | awk '{ print $(NF - 1), $NF }' | sort | paste -sd ' ')"
		runtime "$rt" kill --all c1 KILL
		expect_status 0
		wait_until "$rt: the exec'd process is gone" test ! -e "/proc/$pid"
		runtime "$rt" delete --force c1
		expect_status 0
	done
}

# exec joins the container's cgroups: a limit of the container holds
# for what exec runs. (cgroup v1: the test reads pids.max.)
# hint: cgroup_join() (cgroups.c) before bundle-exec starts: its children inherit the cgroups.
test_exec_process_is_limited_by_the_container_cgroup() {
	v1_only
	started mydocker '.linux.resources = {pids: {limit: 20}} | .linux.cgroupsPath = "processes-exec/c1"'
	runtime mydocker exec c1 sh -c 'cat /proc/self/cgroup'
	expect_status 0
	grep -q ':pids:.*/processes-exec/c1$' "$T/stdout" || fail "exec's command is not in the container's pids cgroup"
	runtime mydocker delete --force c1
	expect_status 0
}

# exec --tty with --console-socket: the command gets a terminal of the
# container's devpts, its master sent to the caller, as create does.
# hint: become_exec_process() calls open_bundle_console() before it takes the process's user.
test_exec_tty_through_the_console_socket() {
	local rt
	for rt in runc mydocker; do
		started "$rt"
		recvtty_bg "$T/$rt.sock"
		# (runc takes a console socket with --detach only)
		runtime "$rt" exec --tty --detach --console-socket "$T/$rt.sock" c1 sh -c 'tty; echo in-a-terminal'
		expect_status 0
		wait "$RECVTTY"
		expect_eq "$rt: what came through the terminal" "/dev/pts/0 in-a-terminal" \
			"$(tr -d '\r' <"$T/$rt.sock.out" | paste -sd ' ')"
		runtime "$rt" exec --tty c1 tty
		[ "$status" != 0 ] || fail "$rt: a terminal without a console socket was taken"
		[ "$rt" = runc ] || expect_one_error_line "a terminal needs --console-socket"
		runtime "$rt" delete --force c1
	done
}

# exec in a stopped container is an error, and nothing is left.
# hint: live_pidfd() (runtime_state.c) before anything is joined.
test_exec_in_a_stopped_container_fails() {
	bundle "$T/mydocker" '.process.args = ["true"]'
	runtime mydocker create --bundle "$T/mydocker" c1
	runtime mydocker start c1
	wait_until "c1 has stopped" sh -c "'$MYDOCKER' --root '$T/state-mydocker' state c1 | grep -q stopped"
	runtime mydocker exec c1 true
	expect_status 125
	expect_one_error_line "container c1 is stopped"
	runtime mydocker ps --format json c1
	expect_eq "a stopped container's processes" "[]" "$(cat "$T/stdout")"
	runtime mydocker delete c1
	expect_status 0
}

exclusive

# ctr task exec and ctr task ps, through mydocker: containerd's shim
# runs exec --detach --process and ps --format json.
# hint: containerd's shim passes --root and --log first, so exec and ps are the runtime's (runtime.c's shared_commands).
test_containerd_exec_and_ps_through_mydocker() {
	local i
	v1_only
	start_containerd
	timeout 60 "${CTR[@]}" run -d "${CTR_RUN[@]}" busybox c2 sleep 1000 >"$T/stdout" 2>&1 ||
		fail "ctr run -d: $(cat "$T/stdout")"
	timeout 60 "${CTR[@]}" task exec --exec-id e1 c2 sh -c '[ $(readlink /proc/1/ns/mnt) = $(readlink /proc/self/ns/mnt) ] && echo same; cat /proc/1/cmdline' \
		>"$T/stdout" 2>"$T/stderr" || fail "ctr task exec"
	expect_eq "ctr task exec: one mount namespace with PID 1, and its command" "same sleep1000" \
		"$(tr -d '\0' <"$T/stdout" | paste -sd ' ')"
	timeout 60 "${CTR[@]}" task exec --exec-id e2 c2 sh -c 'exit 4'
	expect_eq "ctr task exec's exit status" 4 "$?"
	timeout 60 "${CTR[@]}" task exec -d --exec-id e3 c2 sleep 999 >"$T/stdout" 2>&1 || fail "ctr task exec -d: $(cat "$T/stdout")"
	wait_until "ctr task ps lists two processes" sh -c "${CTR[*]} task ps c2 | grep -c '^[0-9]' | grep -qx 2"
	"${CTR[@]}" task kill -a -s SIGKILL c2 || fail "ctr task kill -a"
	for i in $(seq 100); do "${CTR[@]}" task ls | grep -q '^c2 .*STOPPED' && break; sleep 0.1; done
	"${CTR[@]}" task delete c2 >/dev/null 2>&1 || fail "ctr task delete: $("${CTR[@]}" task ls)"
	"${CTR[@]}" containers rm c2 || fail "ctr containers rm"
	stop_containerd
}

# podman exec, with and without a terminal, through mydocker: conmon
# runs exec --detach --pid-file --process [--console-socket].
# hint: conmon passes --log-format=json first; podman exec -t needs the console socket path of exec too.
test_podman_exec_through_mydocker() {
	v1_only
	start_podman
	timeout 60 "${PODMAN[@]}" run -d --name web "${PODMAN_RUN[@]}" localhost/busybox sleep 1000 >"$T/stdout" 2>&1 ||
		fail "podman run -d: $(cat "$T/stdout")"
	timeout 60 "${PODMAN[@]}" exec -e WHO=podman web sh -c 'echo exec by $WHO; cat /proc/1/cmdline' >"$T/stdout" 2>"$T/stderr" ||
		fail "podman exec"
	expect_eq "podman exec" "exec by podman sleep1000" "$(tr -d '\0' <"$T/stdout" | paste -sd ' ')"
	timeout 60 "${PODMAN[@]}" exec web sh -c 'exit 5'
	expect_eq "podman exec's exit status" 5 "$?"
	timeout 60 script -qec "${PODMAN[*]} exec -t web tty" /dev/null >"$T/stdout" 2>"$T/stderr"
	forget_conmon_sockets
	expect_eq "podman exec -t: tty" /dev/pts/0 "$(tr -d '\r' <"$T/stdout")"
	timeout 60 "${PODMAN[@]}" stop -t 1 web >/dev/null 2>&1 || fail "podman stop"
	"${PODMAN[@]}" rm web >/dev/null || fail "podman rm"
	stop_podman
}
