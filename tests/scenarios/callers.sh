# callers.sh: config.json as containerd and podman write it (ch07-callers
# on): the container's cgroup (linux.resources at linux.cgroupsPath, and a
# cgroup mount), linux.sysctl and process.user.umask; then containerd and
# podman themselves, with mydocker as their runtime. The config cases run
# first with runc, the oracle, as bundle.sh's do.

since ch07-callers

source "$HELPERS/../../tests/helpers/bundles.sh" # bundle() and runtime(): they change at ch07-spec and ch07-runc
source "$HELPERS/../../tests/helpers/callers.sh" # containerd, podman, recvtty: ch07-callers on use them

# cgroup_of PID CONTROLLER: the directory of PID's cgroup in the v1
# hierarchy that holds CONTROLLER.
cgroup_of() {
	local path mount
	path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
	mount=$(awk -v c="$2" '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "cgroup" && index("," $(i + 3) ",", "," c ",")) print $5 }' /proc/self/mountinfo)
	[ -n "$path" ] && [ -n "$mount" ] || fail "no $2 cgroup for pid $1"
	echo "$mount${path%/}"
}

LIMITS='.linux.resources = {memory: {limit: 67108864}, cpu: {quota: 50000, period: 100000}, pids: {limit: 64}, devices: [{allow: false, access: "rwm"}]}'

# linux.resources are the limits of the container's cgroup, which is at
# linux.cgroupsPath (relative: below the runtime's own cgroup), its
# parents made; delete removes it. runtime-tools: linux_cgroups_memory,
# linux_cgroups_cpus, linux_cgroups_pids, linux_cgroups_devices,
# linux_cgroups_relative_memory.
# hint: bundle.c's read_resources() and read_cgroups_path(); runtime_create() calls bundle_cgroup_enter() before init reads its config; cpu.c's quota and period, pids.c, devices.c; state.json's "cgroups" for runtime_delete().
test_linux_cgroups_resources_at_the_cgroups_path() {
	local rt pid own
	v1_only
	for rt in runc mydocker; do
		bundle "$T/$rt" ".process.args = [\"sleep\", \"1000\"] | $LIMITS | .linux.cgroupsPath = \"callers-res-$rt/c1\""
		runtime "$rt" create --bundle "$T/$rt" c1
		expect_status 0
		runtime "$rt" state c1
		pid=$(jq -r .pid "$T/stdout")
		own=$(cgroup_of "$BASHPID" pids)
		expect_eq "$rt: the container's pids cgroup" "$own/callers-res-$rt/c1" "$(cgroup_of "$pid" pids)"
		expect_eq "$rt: pids.max" 64 "$(cat "$(cgroup_of "$pid" pids)/pids.max")"
		expect_eq "$rt: memory.limit_in_bytes" 67108864 "$(cat "$(cgroup_of "$pid" memory)/memory.limit_in_bytes")"
		expect_eq "$rt: cpu.cfs_quota_us of cpu.cfs_period_us" "50000 100000" \
			"$(cat "$(cgroup_of "$pid" cpu)/cpu.cfs_quota_us" "$(cgroup_of "$pid" cpu)/cpu.cfs_period_us" | paste -sd ' ')"
		grep -qx 'c 1:3 rwm' "$(cgroup_of "$pid" devices)/devices.list" ||
			fail "$rt: /dev/null is not allowed: $(cat "$(cgroup_of "$pid" devices)/devices.list")"
		! grep -qx 'a \*:\* rwm' "$(cgroup_of "$pid" devices)/devices.list" || fail "$rt: every device is allowed"
		runtime "$rt" delete --force c1
		expect_status 0
		[ ! -e "$own/callers-res-$rt/c1" ] || fail "$rt: delete left the cgroup $own/callers-res-$rt/c1"
		# runc leaves the parent it made, in every hierarchy (v2's too, which
		# is not below the test's own): gone now, before a check can fail
		[ "$rt" = runc ] && find /sys/fs/cgroup -maxdepth 8 -type d -name callers-res-runc -exec rmdir {} + 2>/dev/null
	done
	[ ! -e "$own/callers-res-mydocker" ] || fail "mydocker: delete left the parent cgroup $own/callers-res-mydocker"
	return 0
}

# A cgroup mount shows the container its own cgroups, read-only; the
# devices rules hold inside: the defaults open, others not even made.
# runtime-tools: mounts (cgroup), linux_cgroups_devices.
# hint: bundle_mounts.c hands a cgroup mount to mount_cgroups() (bundle_cgroup.c): a tmpfs and a bind of each cgroup init is in; devices.c's default_devices.
test_linux_cgroups_mount_and_devices_inside() {
	local rt
	v1_only
	local check='cat /sys/fs/cgroup/pids/pids.max; echo 1 > /sys/fs/cgroup/pids/pids.max 2>/dev/null && echo wrote; echo x > /dev/null && echo null-ok'
	for rt in runc mydocker; do
		bundle "$T/$rt" ".process.args = [\"sh\", \"-c\", \"$check\"] | $LIMITS | .linux.cgroupsPath = \"callers-mnt-$rt\"
			| .mounts += [{destination: \"/sys/fs/cgroup\", type: \"cgroup\", source: \"cgroup\", options: [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}]"
		runtime "$rt" run --bundle "$T/$rt" c1
		expect_status 0
		expect_eq "$rt: the container's pids.max, not written, and /dev/null" "64 null-ok" "$(paste -sd ' ' "$T/stdout")"
	done
	# mknod(2) of /dev/mem: refused by the devices cgroup, not by the
	# capability (runc's defaults allow making any device: "c *:* m")
	bundle "$T/mknod" '.process.args = ["sh", "-c", "mknod /tmp/mem c 1 1 && echo made"] | .root.readonly = false
		| .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	runtime mydocker run --bundle "$T/mknod" c2
	expect_eq "mknod without device rules" made "$(cat "$T/stdout")"
	rm -f "$T/mknod/rootfs/tmp/mem"
	jq "$LIMITS" "$T/mknod/config.json" >"$T/c" && mv "$T/c" "$T/mknod/config.json"
	runtime mydocker run --bundle "$T/mknod" c3
	expect_eq "mknod with every device denied" "" "$(cat "$T/stdout")"
	[ ! -e "$T/mknod/rootfs/tmp/mem" ] || fail "/tmp/mem was made with every device denied"
}

# linux.sysctl: a setting the container's own namespace holds is written
# inside (the host's stays); one of the whole host, or of a namespace the
# container shares with the host, is refused and nothing is left.
# runtime-tools: linux_sysctl.
# hint: sysctl.c: check_sysctls() at parse time (namespace_of()), write_sysctls() after pivot_root, on a /proc that fstatfs(2) says is proc.
test_linux_sysctl_only_what_the_namespaces_hold() {
	local rt host_forward host_core
	host_forward=$(cat /proc/sys/net/ipv4/ip_forward)
	host_core=$(cat /proc/sys/kernel/core_pattern)
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni"]
			| .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1000"}'
		runtime "$rt" run --bundle "$T/$rt" c1
		expect_status 0
		expect_eq "$rt: the container's settings" "1 1000" "$(paste -sd ' ' "$T/stdout")"
		expect_eq "$rt: the host's ip_forward" "$host_forward" "$(cat /proc/sys/net/ipv4/ip_forward)"
		jq '.linux.sysctl = {"kernel.core_pattern": "|/bin/false"}' "$T/$rt/config.json" >"$T/c" && mv "$T/c" "$T/$rt/config.json"
		runtime "$rt" run --bundle "$T/$rt" c2
		[ "$status" != 0 ] || fail "$rt: kernel.core_pattern, the host's, was taken"
		jq '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces -= [{type: "network"}]' "$T/$rt/config.json" >"$T/c" &&
			mv "$T/c" "$T/$rt/config.json"
		runtime "$rt" run --bundle "$T/$rt" c3
		[ "$status" != 0 ] || fail "$rt: net.ipv4.ip_forward without a network namespace was taken"
		expect_eq "$rt: the host's ip_forward" "$host_forward" "$(cat /proc/sys/net/ipv4/ip_forward)"
	done
	expect_one_error_line
	expect_stderr_has "net.ipv4.ip_forward is the host's"
	expect_eq "the host's core_pattern" "$host_core" "$(cat /proc/sys/kernel/core_pattern)"
	expect_eq "what the refused ones left" "" "$(ls -A "$T/state-mydocker")"
}

# process.user.umask: the mode bits the command's new files lose.
# runtime-tools: process_user (umask).
# hint: bundle_init() calls umask(2) just before it execs the command.
test_process_user_umask() {
	local rt
	for rt in runc mydocker; do
		bundle "$T/$rt" '.process.args = ["sh", "-c", "umask"] | .process.user.umask = 63'
		runtime "$rt" run --bundle "$T/$rt" c1
		expect_status 0
		expect_eq "$rt: umask" 0077 "$(cat "$T/stdout")"
	done
}

# A cgroupsPath that climbs out of the tree, and a limit the kernel
# refuses, fail create and leave no cgroup and no state; delete --force
# of a container that is not there succeeds, as containerd's shim needs
# (runc cleans ".." away instead of refusing it: mydocker alone here).
# hint: read_cgroups_path() refuses "..", cgroup_create() and cgroup_set() fail and bundle_cgroup_enter() destroys what was made; runtime_delete()'s --force.
test_bad_cgroups_leave_nothing() {
	local own
	v1_only
	own=$(cgroup_of "$BASHPID" cpuset)
	bundle "$T/b" '.linux.cgroupsPath = "../../../escaped" | .linux.resources.pids.limit = 10'
	runtime mydocker create --bundle "$T/b" c1
	[ "$status" = 125 ] || fail "a cgroupsPath with .. was taken (status $status)"
	expect_one_error_line
	expect_stderr_has "climbs out"
	jq '.linux.cgroupsPath = "callers/c2" | .linux.resources = {cpu: {cpus: "4095"}}' "$T/b/config.json" >"$T/c" &&
		mv "$T/c" "$T/b/config.json"
	runtime mydocker create --bundle "$T/b" c2
	[ "$status" = 125 ] || fail "CPU 4095 was taken (status $status)"
	expect_one_error_line
	expect_eq "the cgroups left" "" "$(find "$own" -mindepth 1 -type d)"
	expect_eq "the state left" "" "$(ls -A "$T/state-mydocker")"
	runtime mydocker delete --force c2
	expect_status 0
	runtime runc delete --force c2
	expect_status 0
}

exclusive

# containerd, with its ctr, runs the saved busybox image through mydocker
# (--runc-binary): once to the end with --rm, once in the background,
# killed and deleted. Its own containerd, in T; nothing left.
# hint: containerd's shim calls create --bundle B --pid-file F, start, state, kill, delete (and delete --force once more when it cleans up); linux.resources.devices and cgroupsPath "/default/ID" are what ch07-hooks refused.
test_containerd_runs_containers_through_mydocker() {
	local i
	v1_only
	start_containerd
	timeout 60 "${CTR[@]}" run --rm "${CTR_RUN[@]}" busybox c1 sh -c 'echo hi; grep devices: /proc/self/cgroup' \
		>"$T/stdout" 2>"$T/stderr"
	status=$?
	expect_status 0
	expect_eq "ctr run --rm" "hi 5:devices:/default/c1" "$(sed 's/^[0-9]*:devices/5:devices/' "$T/stdout" | paste -sd ' ')"
	timeout 60 "${CTR[@]}" run -d "${CTR_RUN[@]}" busybox c2 sleep 1000 >"$T/stdout" 2>&1 ||
		fail "ctr run -d: $(cat "$T/stdout")"
	"${CTR[@]}" task ls | grep -q '^c2 .*RUNNING' || fail "c2 is not running: $("${CTR[@]}" task ls)"
	"${CTR[@]}" task kill -s SIGKILL c2 || fail "ctr task kill"
	for i in $(seq 100); do "${CTR[@]}" task ls | grep -q '^c2 .*STOPPED' && break; sleep 0.1; done
	"${CTR[@]}" task delete c2 >/dev/null 2>&1 || fail "ctr task delete: $("${CTR[@]}" task ls)"
	"${CTR[@]}" containers rm c2 || fail "ctr containers rm"
	expect_eq "the containers mydocker still knows" "" "$(ls -A "$T/ctd/runc/default" 2>/dev/null)"
	stop_containerd
}

# podman runs the saved busybox image through mydocker (--runtime): its
# config has linux.sysctl, process.user.umask, devices and pids limits at
# its cgroupsPath and a cgroup mount; podman's fd 3 goes in through conmon
# (--preserve-fds). Then a detached one that podman stops and removes.
# hint: bundle.c reads linux.sysctl, linux.resources, linux.cgroupsPath and process.user.umask; a cgroup mount goes to mount_cgroups(); conmon passes create --preserve-fds 1.
test_podman_runs_containers_through_mydocker() {
	v1_only
	start_podman
	echo three >"$T/three"
	timeout 60 "${PODMAN[@]}" run --rm --preserve-fds 1 "${PODMAN_RUN[@]}" localhost/busybox \
		sh -c 'echo hi; cat <&3; cat /sys/fs/cgroup/pids/pids.max /proc/sys/net/ipv4/ping_group_range; umask' \
		>"$T/stdout" 2>"$T/stderr" 3<"$T/three"
	status=$?
	expect_status 0
	expect_eq "podman run --rm" "hi three 2048 0	0 0022" "$(paste -sd ' ' "$T/stdout")"
	timeout 60 "${PODMAN[@]}" run -d --name web "${PODMAN_RUN[@]}" localhost/busybox sleep 1000 >"$T/stdout" 2>&1 ||
		fail "podman run -d: $(cat "$T/stdout")"
	expect_eq "podman ps" web "$("${PODMAN[@]}" ps --format '{{.Names}}')"
	timeout 60 "${PODMAN[@]}" stop -t 1 web >/dev/null 2>&1 || fail "podman stop"
	"${PODMAN[@]}" rm web >/dev/null || fail "podman rm"
	expect_eq "podman ps -a" "" "$("${PODMAN[@]}" ps -a -q)"
	stop_podman
}
