# runtime.sh: mydocker as an OCI runtime (ch07-runc): runc's command line
# and the runtime spec's lifecycle, create, start, state, kill, delete,
# with the container's state kept under --root. Each case is named after
# its counterpart in OCI runtime-tools' validation suite, and runs first
# with runc, the oracle, as bundle.sh's do.

since ch07-runc

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc



# state_of NAME ID: the container's status, as `NAME state ID` says.
state_of() {
	runtime "$1" state "$2"
	[ "$status" = 0 ] || fail "$1 state $2 failed"
	jq -r .status "$T/stdout"
}

# wait_stopped NAME ID: until `NAME state ID` says stopped (10 s).
wait_stopped() {
	local i
	for i in $(seq 100); do
		[ "$(state_of "$1" "$2")" = stopped ] && return 0
		sleep 0.1
	done
	fail "$1: $2 is not stopped after 10 s"
}

# A container made in two steps: create leaves it "created" (its process
# exists and waits, the command has not run), start runs the command,
# kill stops it, delete forgets it. runtime-tools: create, start, state,
# kill, delete.
# hint: runtime_create() makes ROOT/ID/exec.fifo and waits for init's "r" on fd 4; bundle_init()'s wait_for_start() blocks in open(2) of the fifo; runtime_start() opens it for reading.
test_runtime_create_start_state_kill_delete() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sh", "-c", "echo started > /dev/shm/mark; exec sleep 1000"] | .root.readonly = false'
		runtime "$rt" create --bundle "$T/$rt" c1
		expect_status 0
		expect_eq "$rt: status after create" created "$(state_of "$rt" c1)"
		local pid
		pid=$(jq -r .pid "$T/stdout")
		[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "$rt: the created container's process $pid is not alive"
		expect_eq "$rt: the bundle in the state" "$T/$rt" "$(jq -r .bundle "$T/stdout")"
		[ ! -e "/proc/$pid/root/dev/shm/mark" ] || fail "$rt: the command ran before start"
		runtime "$rt" start c1
		expect_status 0
		expect_eq "$rt: status after start" running "$(state_of "$rt" c1)"
		wait_until "$rt: the command ran" test -e "/proc/$pid/root/dev/shm/mark"
		runtime "$rt" kill c1 KILL
		expect_status 0
		wait_stopped "$rt" c1
		runtime "$rt" delete c1
		expect_status 0
		runtime "$rt" state c1
		[ "$status" != 0 ] || fail "$rt: state of a deleted container succeeded"
	done
	expect_one_error_line "container c1 does not exist"
	expect_eq "what delete left" "" "$(ls -A "$T/state-mydocker")"
}

# The spec's MUSTs: start of a container that is not created, kill of a
# stopped one, delete of a running one fail, and leave it as it was; a
# second create of an id fails. runtime-tools: kill_no_effect,
# delete_only_create_resources, start (twice), create (same id).
# hint: runtime_start() checks the status is "created"; runtime_delete() refuses a container that is not stopped without --force; live_pidfd() refuses a stopped one.
test_runtime_refuses_what_the_state_does_not_allow() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sleep", "1000"]'
		runtime "$rt" create --bundle "$T/$rt" c1
		expect_status 0
		runtime "$rt" create --bundle "$T/$rt" c1
		[ "$status" != 0 ] || fail "$rt: a second create of c1 succeeded"
		runtime "$rt" start c1
		expect_status 0
		runtime "$rt" start c1
		[ "$status" != 0 ] || fail "$rt: start of a running container succeeded"
		runtime "$rt" delete c1
		[ "$status" != 0 ] || fail "$rt: delete of a running container succeeded"
		expect_eq "$rt: still running after the refused delete" running "$(state_of "$rt" c1)"
		runtime "$rt" delete --force c1
		expect_status 0
		runtime "$rt" create --bundle "$T/$rt" c2
		runtime "$rt" kill c2 KILL
		expect_status 0
		wait_stopped "$rt" c2
		runtime "$rt" kill c2 KILL
		[ "$status" != 0 ] || fail "$rt: kill of a stopped container succeeded"
		runtime "$rt" delete c2
		expect_status 0
	done
	expect_eq "what delete left" "" "$(ls -A "$T/state-mydocker")"
}

# create --pid-file: the file holds the first process's pid, the one
# state shows. runtime-tools: pidfile.
# hint: runtime_create() writes pid_file with write_file_atomic() once init is made.
test_runtime_pidfile() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sleep", "1000"]'
		runtime "$rt" create --bundle "$T/$rt" --pid-file "$T/$rt.pid" c1
		expect_status 0
		runtime "$rt" state c1
		expect_eq "$rt: the pid file and the state" "$(jq -r .pid "$T/stdout")" "$(cat "$T/$rt.pid")"
		runtime "$rt" delete --force c1
		expect_status 0
	done
}





# A command whose first process fails while it is made (a mount that
# cannot be done) fails create, says why, and leaves no state; with
# --log FILE --log-format json, the error is a line of JSON there too, as
# containerd reads runc's.
# hint: wait_until_made() gets no "r" from init: it kills and waits for it, and runtime_create() removes the state dir; log_line() in runtime.c.
test_runtime_create_fails_cleanly_and_logs_json() {
	bundle "$T/b" '.mounts += [{destination: "/data", type: "bind", source: "/no/such/dir", options: ["rbind"]}]'
	runtime mydocker --log "$T/log.json" --log-format json create --bundle "$T/b" c1
	[ "$status" != 0 ] || fail "create with a bind of a missing source succeeded"
	expect_stderr_has "bind mount /no/such/dir on /data"
	expect_eq "what the failed create left" "" "$(ls -A "$T/state-mydocker")"
	[ -s "$T/log.json" ] || fail "nothing in --log"
	jq -e 'select(.level == "error") | .msg' "$T/log.json" >/dev/null || fail "--log holds no JSON error line"
	grep -q "first process failed" "$T/log.json" || fail "--log lacks create's error"
}

# --version has runc's three lines; a flag of runc's this runtime cannot
# honour is refused by name.
# hint: runtime_main() in runtime.c.
test_runtime_version_and_global_flags() {
	mydocker --version
	expect_status 0
	expect_eq "--version's lines" "mydocker version|commit:|spec:" "$(awk '{ print ($1 == "mydocker" ? $1 " " $2 : $1) }' "$T/stdout" | paste -sd '|')"
	mydocker --root "$T/x" --systemd-cgroup state c1
	expect_status 125
	expect_one_error_line "--systemd-cgroup: this runtime does not ask systemd for cgroups"
	mydocker --root "$T/x" state c1
	expect_status 125
	expect_one_error_line "container c1 does not exist"
	mydocker --root "$T/x" create --preserve-fds x c1
	expect_status 125
	expect_one_error_line "--preserve-fds x: expected a number of fds from 0 to 1000"
}

# run --no-pivot: the bundle's root without pivot_root(2), moved onto /
# and chroot(2)ed into, as runc does it for a ramdisk. A process that
# climbs out of a chroot (probe climb, with CAP_SYS_CHROOT) still finds
# the container's own /proc, as it does with pivot_root: a bare chroot
# would have let it reach the host's.
# hint: move_root_into() in rootfs.c; clone_bundle_init() sends "NO_PIVOT PRESERVE_FDS" to init on fd 3 before config.json.
test_runtime_no_pivot() {
	local rt caps='.process.capabilities[] += ["CAP_SYS_CHROOT"]'
	for rt in runc mydocker; do
		bundle "$T/$rt" "$caps"' | .process.args = ["sh", "-c", "hostname; ls /; probe climb /proc"]'
		runtime "$rt" run --no-pivot --bundle "$T/$rt" c1
		expect_status 0
		cp "$T/stdout" "$T/$rt.out"
	done
	expect_eq "what the command saw, runc's and ours" "$(cat "$T/runc.out")" "$(cat "$T/mydocker.out")"
	grep -qx "[0-9]* entries, 1 pids" "$T/mydocker.out" || fail "the climb out of the chroot found other pids: $(tail -1 "$T/mydocker.out")"
	expect_eq "what run --no-pivot left" "" "$(ls -A "$T/state-mydocker")"
}

# run --preserve-fds N: the caller's fds 3 to 3+N-1 are the command's fds
# 3 to 3+N-1 (podman run --preserve-fds passes them so), and no other fd
# goes in. An fd of the range that is not open is refused before anything
# is made.
# hint: preserved_fds() in runtime.c checks them; move_preserved_fds() in runtime_create.c moves them out of init's way, restore_preserved_fds() in bundle_init.c puts them back.
test_runtime_preserve_fds() {
	local rt
	echo three >"$T/three"
	echo four >"$T/four"
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sh", "-c", "cat <&3; cat <&4; probe fds"]'
		runtime "$rt" run --preserve-fds 2 --bundle "$T/$rt" c1 3<"$T/three" 4<"$T/four" 5<"$T/four"
		expect_status 0
		cp "$T/stdout" "$T/$rt.out"
	done
	expect_eq "the command's fds, runc's and ours" "$(cat "$T/runc.out")" "$(cat "$T/mydocker.out")"
	expect_eq "what the command read and its fds" "three|four|0 1 2 3 4" "$(paste -sd '|' "$T/mydocker.out")"
	runtime mydocker run --preserve-fds 3 --bundle "$T/mydocker" c2 3<"$T/three" 4<"$T/four" 5<&-
	expect_status 125
	expect_one_error_line "--preserve-fds 3: fd 5 is not open"
	expect_eq "what the refused run left" "" "$(ls -A "$T/state-mydocker")"
}
