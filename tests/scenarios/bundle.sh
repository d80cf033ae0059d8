# bundle.sh: a container from an OCI bundle, a directory with config.json
# and a root (ch07-bundle on): `mydocker run --bundle DIR ID`, as runc
# runs one. Each case runs first with runc, the oracle, on the same kind
# of bundle: a check that runc fails is a wrong check (the scenario fails,
# and its last command says runc). crun is no oracle here: crun 1.8
# refuses hosts whose cgroups are hybrid ("cgroups in hybrid mode not
# supported"), as this kind of host is.

since ch07-bundle

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc


# outside_view PID: what the host sees of a container's process: its
# command, environment, working directory, user and groups, capabilities,
# no_new_privs, open-files limit, hostname, and its root's files and flags.
outside_view() {
	local pid=$1
	tr '\0' ' ' <"/proc/$pid/cmdline"; echo
	tr '\0' '\n' <"/proc/$pid/environ" | sort
	echo "cwd $(readlink "/proc/$pid/cwd")"
	grep -E '^(Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' "/proc/$pid/status"
	grep 'Max open files' "/proc/$pid/limits"
	echo "hostname $(nsenter -u -t "$pid" hostname)"
	ls "/proc/$pid/root/" | tr '\n' ' '; echo
	awk '$5 == "/" { split($6, o, ","); print "root", o[1] }' "/proc/$pid/mountinfo"
}

# the_child_of PID: sets $child, the process PID started, once it runs
# its command (`sleep`): runc's and mydocker's run both wait for it.
the_child_of() {
	local i
	for i in $(seq 100); do
		for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
			[ "$(tr '\0' ' ' <"/proc/$child/cmdline" 2>/dev/null)" = "sleep 1000 " ] && return 0
		done
		sleep 0.1
	done
	fail "no child of $1 runs sleep 1000: $(cat "$2")"
}

# What the process is, as config.json says it and as the host sees it:
# its arguments, environment, working directory, user and groups (uid,
# gid, additionalGids), capabilities (all five sets), no_new_privs,
# rlimits, hostname; a read-only root that is the bundle's, not the
# host's. The same bundle looks the same under runc and mydocker.
# runtime-tools: process, process_user, process_capabilities,
# process_rlimits (from ch07-spec on), hostname, root_readonly_true.
# hint: bundle_init() lists the order: hostname, enter_root() (pivot_root, read-only root), limits, bounding set, user and capabilities (capabilities.c), no_new_privs, cwd.
test_bundle_process_as_runc_gives_it() {
	local rt pid limits=.
	at_least ch07-spec && limits='.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 900}]'
	for rt in runc mydocker; do
		bundle "$T/$rt" "$limits"' | .process.args = ["sleep", "1000"] | .process.env += ["GREETING=hello there"]
			| .process.cwd = "/tmp" | .hostname = "box-1"
			| .process.user = {uid: 1000, gid: 1000, additionalGids: [5, 20]}
			| .process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = ["CAP_KILL"]'
		# runc cannot start without /proc (it closes fds through
		# /proc/self/fd): its bundle mounts one where ch07-bundle takes none
		if [ "$rt" = runc ] && ! at_least ch07-spec; then
			jq '.mounts = [{destination: "/proc", type: "proc", source: "proc"}]' "$T/runc/config.json" >"$T/c" &&
				mv "$T/c" "$T/runc/config.json"
		fi
		LAST_CMD="$rt run --bundle $T/$rt c1 (in the background)"
		empty_bg_output
		if [ "$rt" = runc ]; then
			runc --root "$T/state-runc" run --bundle "$T/runc" c1 </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
		else
			runtime_bg run --bundle "$T/mydocker" c1 </dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
		fi
		pid=$!
		the_child_of "$pid" "$T/bg.stderr"
		outside_view "$child" >"$T/$rt.view"
		kill -KILL "$child" && wait "$pid"
	done
	diff -u "$T/runc.view" "$T/mydocker.view" >&2 || fail "mydocker's container differs from runc's (above)"
	grep -q '^GREETING=hello there$' "$T/mydocker.view" || fail "no GREETING in the environment"
	grep -q '^cwd /tmp$' "$T/mydocker.view" || fail "not in /tmp"
	grep -qP '^Uid:\t1000\t1000\t1000\t1000$' "$T/mydocker.view" || fail "not uid 1000"
	grep -qP '^Groups:\t5 20 ?$' "$T/mydocker.view" || fail "not in groups 5 and 20"
	grep -qP '^CapAmb:\t0000000000000020$' "$T/mydocker.view" || fail "CAP_KILL is not ambient"
	grep -qP '^CapBnd:\t0000000020000420$' "$T/mydocker.view" || fail "the bounding set is not the config's"
	grep -qP '^NoNewPrivs:\t1$' "$T/mydocker.view" || fail "no_new_privs is not set"
	if at_least ch07-spec; then
		grep -q '^Max open files *512 *900' "$T/mydocker.view" || fail "RLIMIT_NOFILE is not 512/900"
	fi
	grep -q '^hostname box-1$' "$T/mydocker.view" || fail "the hostname is not box-1"
	grep -q '^root ro$' "$T/mydocker.view" || fail "the root is not read-only"
}

# run --bundle: the container's exit status is run's; a command that is
# not there is 127, as in docker; nothing is left.
# hint: runtime_run(); replace_init() exits 127 when the command is not found.
test_bundle_run_exits_as_its_command() {
	bundle "$T/b" '.process.args = ["sh", "-c", "exit 3"]'
	runtime mydocker run --bundle "$T/b" c1
	expect_status 3
	runtime mydocker run --bundle "$T/b" c1
	expect_status 3
	jq '.process.args = ["/no/such/command"]' "$T/b/config.json" >"$T/c" && mv "$T/c" "$T/b/config.json"
	runtime mydocker run --bundle "$T/b" c1
	expect_status 127
	expect_eq "what run left" "" "$(ls -A "$T/state-mydocker" 2>/dev/null)"
	runtime mydocker run --bundle "$T/b" 'not an id'
	expect_status 125
	expect_one_error_line "expected one container id"
}

# A config.json this runtime cannot apply is refused before anything is
# made, naming what it cannot apply (config.md: "MUST generate an error"),
# never ignored: a caller must not believe a container is confined in a
# way it is not. An empty object or list asks for nothing.
# hint: bundle_parse(): check_version(), only_known() per object (asks_nothing()), read_namespaces(), read_capabilities().
test_bundle_refuses_what_it_cannot_apply() {
	local filter expected
	bundle "$T/b"
	cp "$T/b/config.json" "$T/good.json"
	{
		cat <<'EOF'
.ociVersion = "2.0.0"~ociVersion 2.0.0: this runtime implements the runtime spec 1.x
.linux.seccomp = {defaultAction: "SCMP_ACT_ERRNO"}~linux.seccomp is not supported by this runtime
.linux.uidMappings = [{containerID: 0, hostID: 1000, size: 1}]~linux.uidMappings is not supported by this runtime
.linux.namespaces += [{type: "user"}]~linux.namespaces: type user is not supported by this runtime
.linux.namespaces = [{type: "pid"}]~this runtime needs a new mount namespace
.hostname = "h" | .linux.namespaces = [{type: "mount"}]~hostname needs a new uts namespace
.root.path = "nowhere"~root.path nowhere: No such file or directory
.process.capabilities.bounding = ["CAP_NOT_ONE"]~unknown capability CAP_NOT_ONE
.process.cwd = "tmp"~process needs args and an absolute cwd
EOF
		if ! at_least ch07-hooks; then
			echo '.hooks = {prestart: [{path: "/bin/true"}]}~hooks is not supported by this runtime'
		fi
		if at_least ch07-console; then
			echo '.process.terminal = true~process.terminal: a terminal needs --console-socket'
		else
			echo '.process.terminal = true~process.terminal: this runtime gives no terminal'
		fi
		if at_least ch07-spec; then
			cat <<'EOF'
.process.rlimits = [{type: "RLIMIT_NOPE", soft: 1, hard: 1}]~process.rlimits: RLIMIT_NOPE is not a limit
.mounts += [{destination: "relative", type: "tmpfs", source: "tmpfs"}]~destination relative is not an absolute path
EOF
		else
			cat <<'EOF'
.mounts = [{destination: "/proc", type: "proc", source: "proc"}]~config.json: mounts is not supported by this runtime
.linux.namespaces += [{type: "cgroup", path: "/proc/1/ns/cgroup"}]~type cgroup with a path is not supported
.linux.maskedPaths = ["/proc/kcore"]~linux.maskedPaths is not supported by this runtime
.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1, hard: 1}]~process.rlimits is not supported by this runtime
EOF
		fi
		if at_least ch07-spec && ! at_least ch07-callers; then
			echo '.mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup"}]~mounts[] /sys/fs/cgroup: type cgroup is not supported'
			echo '.linux.resources = {pids: {limit: 10}}~linux.resources is not supported by this runtime'
		fi
		if at_least ch07-callers; then
			cat <<'EOF'
.linux.resources.memory = {limit: 1, swap: 2}~linux.resources.memory.swap is not supported by this runtime
.linux.resources.blockIO = {weight: 10}~linux.resources.blockIO is not supported by this runtime
.linux.resources.devices = [{allow: true, type: "x"}]~linux.resources.devices: a rule needs allow
.linux.sysctl = {"kernel.core_pattern": "core"}~kernel.core_pattern is not a setting a container's namespaces hold
.linux.sysctl = {"net/../kernel/core_pattern": "core"}~is not a setting's name
.linux.cgroupsPath = "a/../../b"~linux.cgroupsPath a/../../b climbs out of the cgroup tree
EOF
		fi
	} >"$T/cases"
	while IFS='~' read -r filter expected; do
		jq "$filter" "$T/good.json" >"$T/b/config.json"
		runtime mydocker run --bundle "$T/b" c1
		[ "$status" = 125 ] || fail "$filter: expected exit status 125, got $status"
		expect_one_error_line "$expected"
	done <"$T/cases"
	rm "$T/b/config.json"
	runtime mydocker run --bundle "$T/b" c1
	expect_status 125
	expect_one_error_line "bundle $T/b: read config.json: No such file or directory"
	echo '{ not json' >"$T/b/config.json"
	runtime mydocker run --bundle "$T/b" c1
	expect_status 125
	expect_one_error_line "config.json is not JSON"
	expect_eq "what the refused runs left" "" "$(ls -A "$T/state-mydocker" 2>/dev/null)"
	jq '.linux.resources = {} | .hooks = {} | .process.args = ["true"]' "$T/good.json" >"$T/b/config.json"
	runtime mydocker run --bundle "$T/b" c1
	expect_status 0
}
