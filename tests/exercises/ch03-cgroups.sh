# ch03-cgroups.sh: the reference test of ch03-cgroups' "build it" exercise.
# tests/run-exercises runs it against the stage with the answer in
# notes/answers/ch03-cgroups/ applied (and without, where it must fail).

since ch03-cgroups

# Exercise 2: --pids-limit N sets pids.max in the container's cgroup, and a
# fork past it fails.
test_pids_limit_is_set() {
	local dir
	start_container --pids-limit 20 "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	dir=$(cgroup_dir_of "$cpid" pids)
	[ -n "$dir" ] || fail "the container is in no pids cgroup"
	expect_eq "pids.max of $dir" 20 "$(cat "$dir/pids.max")"
	kill -KILL "$cpid"
	wait_bg
	container --pids-limit 5 "${IMAGE[@]}" /bin/sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 3 & done 2>&1; wait'
	grep -qi "fork\|resource temporarily unavailable" "$T/stdout" || fail "the sixth fork did not fail"
}
