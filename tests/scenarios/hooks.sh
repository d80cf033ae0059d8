# hooks.sh: config.json's hooks (ch07-hooks on): programs the runtime
# runs on the host at points of a container's life, with its state as
# JSON on their stdin: prestart and createRuntime during create, once the
# namespaces exist; poststart in start; poststop in delete. Each case runs
# first with runc, the oracle, as bundle.sh's do.

since ch07-hooks

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc

# with_hooks DIR: the bundle's config gets a hook of each kind that
# writes its stdin to $T/KIND-NAME.json, and the createRuntime one the
# network namespace of the pid it was given too ($T/KIND-NAME.net), and
# its own open fds ($T/KIND-NAME.fds).
with_hooks() {
	local dir=$1 name=$2 kind filter=.
	for kind in prestart createRuntime poststart poststop; do
		filter+=" | .hooks.$kind = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > $T/$kind-$name.json\"]}]"
	done
	filter+=" | .hooks.createRuntime[0].args[2] += \"; readlink /proc/\$(jq -r .pid $T/createRuntime-$name.json)/ns/net > $T/createRuntime-$name.net\""
	filter+=" | .hooks.createRuntime[0].args[2] += \"; $HELPERS/probe fds > $T/createRuntime-$name.fds\""
	jq "$filter" "$dir/config.json" >"$dir/c" && mv "$dir/c" "$dir/config.json" || fail "jq: hooks"
}

# Each hook runs at its point, once, with the container's state on its
# stdin: its id, the first process's pid and the bundle; createRuntime's
# sees the container's namespaces made, and none of the caller's fds but
# stdin, stdout and stderr. runtime-tools: hooks, hooks_stdin.
# hint: bundle_init()'s wait_for_create_hooks() says "h" before pivot_root and waits for "c"; wait_until_made() runs prestart and createRuntime (run_create_hooks()); runtime_start() poststart, runtime_delete() poststop (run_state_hooks()); hooks.c's run_hook() writes the state to the hook's stdin; exec_hook() closes every fd from 3.
test_hooks_run_at_their_points_with_the_state() {
	local rt pid
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sleep", "1000"]'
		with_hooks "$T/$rt" "$rt"
		runtime "$rt" create --bundle "$T/$rt" c1 3</dev/null
		expect_status 0
		runtime "$rt" state c1
		pid=$(jq -r .pid "$T/stdout")
		local kind
		for kind in prestart createRuntime; do
			[ -s "$T/$kind-$rt.json" ] || fail "$rt: no $kind hook ran in create"
			expect_eq "$rt: $kind's id, pid and bundle" "c1 $pid $T/$rt" \
				"$(jq -r '"\(.id) \(.pid) \(.bundle)"' "$T/$kind-$rt.json")"
		done
		expect_eq "$rt: the namespace createRuntime saw" "$(readlink "/proc/$pid/ns/net")" "$(cat "$T/createRuntime-$rt.net")"
		expect_eq "$rt: createRuntime's fds" "0 1 2" "$(cat "$T/createRuntime-$rt.fds")"
		# (runc 1.1 runs poststart hooks in create already; the spec puts them in start)
		[ "$rt" = runc ] || [ ! -e "$T/poststart-$rt.json" ] || fail "$rt: poststart ran before start"
		runtime "$rt" start c1
		expect_status 0
		[ -s "$T/poststart-$rt.json" ] || fail "$rt: no poststart hook ran in start"
		expect_eq "$rt: poststart's pid" "$pid" "$(jq -r .pid "$T/poststart-$rt.json")"
		[ ! -e "$T/poststop-$rt.json" ] || fail "$rt: poststop ran before delete"
		runtime "$rt" delete --force c1
		expect_status 0
		[ -s "$T/poststop-$rt.json" ] || fail "$rt: no poststop hook ran in delete"
		expect_eq "$rt: poststop's id" c1 "$(jq -r .id "$T/poststop-$rt.json")"
	done
	expect_eq "mydocker: the statuses the hooks saw" "creating creating running stopped" \
		"$(for kind in prestart createRuntime poststart poststop; do jq -r .status "$T/$kind-mydocker.json"; done | paste -sd ' ')"
}

# A prestart hook that fails fails create: nothing is left, neither the
# container's process nor its state; the error names the hook. A hook
# past its timeout is killed, and fails the same way.
# hint: run_create_hooks() fails; wait_until_made() kills init and waits for it; runtime_create() removes the state dir; wait_for_hook() polls the hook's pidfd for its timeout.
test_hooks_a_failing_prestart_fails_create_and_leaves_nothing() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sleep", "1000"] | .hooks.prestart = [{path: "/bin/false"}]'
		runtime "$rt" create --bundle "$T/$rt" c1
		[ "$status" != 0 ] || fail "$rt: create with a failing prestart hook succeeded"
		none_running_here "sleep 1000" || fail "$rt: the container's process is left"
		runtime "$rt" state c1
		[ "$status" != 0 ] || fail "$rt: the failed container has a state"
	done
	runtime mydocker create --bundle "$T/mydocker" c1
	expect_status 125
	expect_stderr_has "mydocker: prestart hook /bin/false failed (exit status 1)"
	expect_eq "what the failed create left" "" "$(ls -A "$T/state-mydocker")"
	jq '.hooks.prestart = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]' "$T/mydocker/config.json" >"$T/c" &&
		mv "$T/c" "$T/mydocker/config.json"
	runtime mydocker create --bundle "$T/mydocker" c1
	expect_status 125
	expect_stderr_has "hook /bin/sleep: killed after its timeout of 1s"
	none_running_here "sleep 30" || fail "the hook past its timeout is left running"
	expect_eq "what the timed-out create left" "" "$(ls -A "$T/state-mydocker")"
}

# What this runtime does not run is refused by name: the hooks that run
# inside the container (createContainer, startContainer), a hook with a
# relative path.
# hint: bundle.c's read_hooks(): only_known() with the four kinds; an absolute path.
test_hooks_it_cannot_run_are_refused() {
	bundle "$T/b" '.hooks.createContainer = [{path: "/bin/true"}]'
	runtime mydocker create --bundle "$T/b" c1
	expect_status 125
	expect_one_error_line "config.json: hooks.createContainer is not supported by this runtime"
	jq 'del(.hooks.createContainer) | .hooks.poststop = [{path: "true"}]' "$T/b/config.json" >"$T/c" &&
		mv "$T/c" "$T/b/config.json"
	runtime mydocker create --bundle "$T/b" c1
	expect_status 125
	expect_one_error_line "config.json: hooks.poststop: a hook needs an absolute path"
	expect_eq "what the refused creates left" "" "$(ls -A "$T/state-mydocker" 2>/dev/null)"
}
