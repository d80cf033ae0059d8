# cgroups.sh: chapter 3.2, resource limits: -m (ch03-memory), then
# --cpu-shares and --cpuset-cpus (ch03-cgroups), set in the container's own
# cgroup, which is gone when the container is.

since ch03-memory

# start_limited FLAGS...: a container with these limits that waits; sets
# $pid (its PID 1 on the host) and $dir_memory, $dir_cpu, $dir_cpuset.
start_limited() {
	start_container "$@" "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	pid=$cpid
	dir_memory=$(cgroup_dir_of "$pid" memory)
	dir_cpu=$(cgroup_dir_of "$pid" cpu)
	dir_cpuset=$(cgroup_dir_of "$pid" cpuset)
}

stop_limited() {
	kill -KILL "$pid"
	wait_bg
	expect_status 137
}

expect_gone() {
	[ ! -d "$1" ] || fail "cgroup $1 is still there after the container exited"
}

# hint: v1: memory.limit_in_bytes (and memory.memsw.limit_in_bytes); v2: memory.max and memory.swap.max = 0.
test_memory_limit_is_set() {
	start_limited -m 100m
	[[ $dir_memory == */mydocker-* ]] || fail "the container is not in a mydocker cgroup: $dir_memory"
	if [ "$(cgroup_version)" = 1 ]; then
		expect_eq memory.limit_in_bytes 104857600 "$(cat "$dir_memory/memory.limit_in_bytes")"
	else
		expect_eq memory.max 104857600 "$(cat "$dir_memory/memory.max")"
	fi
	stop_limited
	expect_gone "$dir_memory"
}

# hint: Write the child's pid to cgroup.procs before sending it the go (or its command).
test_command_starts_inside_its_cgroup() {
	container -m 100m "${IMAGE[@]}" /bin/cat /proc/self/cgroup
	expect_status 0
	grep -q 'memory.*/mydocker-\|^0::/mydocker/mydocker-' "$T/stdout" ||
		fail "the command's first look at /proc/self/cgroup is not the container's cgroup"
}

# hint: No limit asked for: no cgroup at all (cgroup_find() finds nothing to make).
# lab: holds from the start: ch03-run makes no cgroup either; it guards against one made when none is asked for
test_no_limits_means_no_cgroup() {
	container "${IMAGE[@]}" /bin/cat /proc/self/cgroup
	expect_status 0
	! grep -q mydocker "$T/stdout" || fail "a container without limits got a cgroup"
}

# hint: Read oom_kill from memory.oom_control (v1) or memory.events (v2) after the wait: above 0 means exit 137 and a line saying so.
test_oom_kill_exits_137() {
	container -m 20m "${IMAGE[@]}" "$PROBE" hog 200m
	expect_status 137
	expect_stderr_has "OOM"
	expect_stderr_has "-m 20m"
}

# hint: A limit with room to spare changes nothing: no false OOM report.
test_memory_under_the_limit_is_fine() {
	container -m 100m "${IMAGE[@]}" "$PROBE" hog 20m
	expect_status 0
	expect_stdout "allocated 20m"
}

# hint: parse_size(): a number with b, k, m or g; docker's minimum 6m; at most 8388608g.
test_bad_memory_is_refused() {
	local bad
	for bad in abc 5m 0 -1 10x "" 8388609g 9223372036854775808 18446744073709551615 18446744073709551616; do
		container -m "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		[ -z "$bad" ] || expect_one_error_line "invalid --memory $bad"
	done
}

# hint: cgroup_destroy() on every path out of run_container(), the failed ones too.
test_cgroup_is_removed_after_a_failed_start() {
	container -m 100m "${IMAGE[@]}" /no/such/command
	expect_status 127
}

# hint: The container dies of the forwarded signal; mydocker then removes the cgroup like after any exit.
test_cgroup_is_removed_after_sigterm() {
	start_container -m 100m "${IMAGE[@]}" "$PROBE" trap
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	pid=$cpid
	dir_memory=$(cgroup_dir_of "$pid" memory)
	kill -TERM "$bg"
	wait_bg
	expect_status 115
	expect_gone "$dir_memory"
}

before ch04-rootfs

# The book's example, word for word (stress from the host: no image yet).
# hint: The book's own example: stress allocates 800m under -m 100m.
test_book_stress_example_is_oom_killed() {
	command -v stress >/dev/null || fail "stress is not installed (tools/ensure-deps installs it)"
	container -it -m 100m "${IMAGE[@]}" -- "$(command -v stress)" --vm-bytes 800m --vm-keep -m 1
	expect_status 137
	expect_stderr_has "OOM"
	expect_stderr_has "-m 100m"
}

# The command's own flags are not mydocker's: stress's -m 1 after the
# command does not replace -m 100m (issue: option parsing stops there).
since ch03-memory

# hint: Parsing stops at the command: '-m 5' after it is the command's own argument.
test_flags_after_the_command_are_the_command_s() {
	container -m 100m "${IMAGE[@]}" "$PROBE" args --vm-bytes 800m -m 1
	expect_status 0
	expect_stdout "10 $("$HELPERS/probe" args --vm-bytes | cut -d' ' -f2) --vm-bytes
4 $("$HELPERS/probe" args 800m | cut -d' ' -f2) 800m
2 $("$HELPERS/probe" args -m | cut -d' ' -f2) -m
1 $("$HELPERS/probe" args 1 | cut -d' ' -f2) 1"
}

# The CPU's share and the CPUs it may run on: two more subsystems, each a
# row of the cgroup manager's table.
since ch03-cgroups

# hint: v1: cpu.shares; v2: cpu.weight, converted as runc does (cpu_shares_to_weight()).
test_cpu_shares_are_set() {
	start_limited --cpu-shares 512
	[[ $dir_cpu == */mydocker-* ]] || fail "the container is not in a mydocker cgroup: $dir_cpu"
	if [ "$(cgroup_version)" = 1 ]; then
		expect_eq cpu.shares 512 "$(cat "$dir_cpu/cpu.shares")"
	else
		expect_eq cpu.weight 59 "$(cat "$dir_cpu/cpu.weight")"
	fi
	stop_limited
	expect_gone "$dir_cpu"
}

# hint: v1 needs cpuset.mems too, copied from the parent, before cpuset.cpus; v2: cpuset.cpus.
test_cpuset_is_set() {
	start_limited --cpuset-cpus 0
	[[ $dir_cpuset == */mydocker-* ]] || fail "the container is not in a mydocker cgroup: $dir_cpuset"
	expect_eq cpuset.cpus 0 "$(cat "$dir_cpuset/cpuset.cpus")"
	expect_eq "CPUs the container may run on" 0 \
		"$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")"
	stop_limited
	expect_gone "$dir_cpuset"
}

# hint: Long options for the book's -cpushare and -cpuset as well; getopt_long_only takes single-dash long options.
test_all_limits_at_once_and_book_spellings() {
	start_limited -m 64m -cpushare 256 -cpuset 0
	[[ $dir_memory == */mydocker-* && $dir_cpu == */mydocker-* && $dir_cpuset == */mydocker-* ]] ||
		fail "not in all three cgroups: $dir_memory $dir_cpu $dir_cpuset"
	stop_limited
	expect_gone "$dir_memory"; expect_gone "$dir_cpu"; expect_gone "$dir_cpuset"
}

# hint: 2 to 262144, as docker; refuse before anything is created.
test_bad_cpu_shares_are_refused() {
	local bad
	for bad in 1 0 abc 262145 -5 ""; do
		container --cpu-shares "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "invalid --cpu-shares $bad"
	done
}

# hint: Parse the list (0-1,3) and check every CPU is in /sys/devices/system/cpu/online.
test_bad_cpuset_is_refused() {
	local bad
	for bad in 1-10,11-- 42-3 64 "" a 0, ,0 0--1 "0 1"; do
		container --cpuset-cpus "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "invalid --cpuset-cpus $bad"
	done
}

# hint: Every subsystem's directory goes, in reverse order of creation.
test_every_cgroup_is_removed_after_a_failed_start() {
	container -m 100m --cpu-shares 512 --cpuset-cpus 0 "${IMAGE[@]}" /no/such/command
	expect_status 127
}
