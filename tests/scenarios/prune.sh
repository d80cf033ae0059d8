# prune.sh: `mydocker prune`: what a mydocker killed with SIGKILL (which it
# cannot catch) leaves behind, found and removed, at several points of
# start-up; afterwards the host is as before (the harness checks).

# prune looks at every cgroup on the host (and from the networks' stage on
# every link and rule): another scenario's would be its leftovers. These
# run alone.
exclusive

since ch03-run

# A container that exited, even one that was killed, leaves nothing.
# hint: prune with no finder says 'nothing to prune'.
test_prune_finds_nothing_after_containers_end() {
	container "${IMAGE[@]}" /bin/true
	start_container "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	container_pid
	kill -KILL "$cpid"
	wait_bg
	mydocker prune
	expect_status 0
	expect_stdout "nothing to prune"
	mydocker prune --force
	expect_status 0
	expect_stdout "nothing to prune"
}

# hint: command_flags() with { "--force", 'f' }; more arguments are a mistake.
# lab: holds from the start: the plumbing the lab gives (prune.c) passes it
test_prune_refuses_unknown_flags_and_arguments() {
	mydocker prune --forse
	expect_status 125
	expect_one_error_line "unknown flag: --forse"
	mydocker prune everything
	expect_status 125
	expect_one_error_line "prune takes no arguments"
	mydocker prune --help
	expect_status 0
	expect_stdout_has "Usage: mydocker prune [--force]"
}

since ch03-cgroups

# kill_at STEP [FLAGS]: starts a container and kills its mydocker with
# SIGKILL once the --debug narration has reached STEP.
kill_at() {
	local step=$1 pid
	shift
	mydocker_bg --debug run -m 32m --cpu-shares 512 "$@" "${IMAGE[@]}" /bin/sh -c 'exec sleep 7777' \
		</dev/null >"$T/killed.stdout" 2>"$T/killed.stderr" &
	pid=$!
	wait_until "mydocker reached: $step" grep -q -- "$step" "$T/killed.stderr"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	wait_until "its container died with it (mydocker killed at: $step)" none_running_here 'sleep [7]777'
}

prune_finds_and_removes() {
	mydocker prune
	expect_status 0
	grep -q '^stale ' "$T/stdout" || fail "prune found nothing after a kill at: $1"
	mydocker prune --force
	expect_status 0
	grep -q '^removed ' "$T/stdout" || fail "prune --force removed nothing"
	mydocker prune
	expect_stdout "nothing to prune"
}

# part: 3
# hint: A cgroup named after a mydocker (or a container) that is gone, and empty, is stale: prune_cgroups() walks each hierarchy with nftw(3).
test_prune_after_sigkill_at_each_step_of_start_up() {
	local steps=("cgroup: created" "cloned pid" "init: exec")
	at_least ch04-overlay && steps=("mounted overlay" "${steps[@]}")
	at_least ch05-records && steps=("record" "${steps[@]}")
	for step in "${steps[@]}"; do
		kill_at "$step"
		prune_finds_and_removes "$step"
	done
}

# part: 3
# hint: A cgroup whose owner still runs, or that holds processes, is not a leftover.
test_prune_leaves_a_running_container_alone() {
	start_container -m 32m "${IMAGE[@]}" /bin/sh -c 'echo ready; exec sleep 100'
	wait_until "the container says ready" grep -q ready "$T/bg.stdout"
	mydocker prune --force
	expect_status 0
	expect_stdout "nothing to prune"
	container_pid
	kill -KILL "$cpid"
	wait_bg
	expect_status 137
}

# part: 3
# hint: Only names mydocker makes (mydocker-PID, mydocker-ID, mydocker-check-PID) are ever touched.
# lab: holds from the start: a prune that finds nothing leaves everything alone; it guards against one that finds too much
test_prune_leaves_other_cgroups_alone() {
	local mine
	mine=$(cgroup_dir_of $BASHPID cpu)/not-mydocker-$BASHPID
	mkdir "$mine" "$(cgroup_dir_of $BASHPID cpu)/mydocker-unknown-name"
	mydocker prune --force
	local pruned=$status kept=$([ -d "$mine" ] && [ -d "$(cgroup_dir_of $BASHPID cpu)/mydocker-unknown-name" ] && echo yes)
	rmdir "$mine" "$(cgroup_dir_of $BASHPID cpu)/mydocker-unknown-name"
	expect_eq "prune's exit status" 0 "$pruned"
	expect_eq "cgroups prune does not own, kept" yes "$kept"
}

since ch04-rootfs

# An image whose tar never ends (a FIFO): mydocker is killed while tar
# unpacks it into images/.slow.unpacking-PID.
# hint: image_unpack() works in images/.NAME.unpacking-PID: prune_images() removes those whose mydocker is gone.
test_prune_after_sigkill_while_unpacking() {
	local pid
	mkfifo "$MYDOCKER_ROOT/images/slow.tar"
	mydocker_bg run "${IMAGE_FLAG[@]}" slow /bin/true </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_until "the unpacking has started" sh -c "ls -a '$MYDOCKER_ROOT/images' | grep -q '^.slow.unpacking-'"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	pkill -KILL -f "tar --numeric-owner -xf $MYDOCKER_ROOT/images/slow.tar"
	prune_finds_and_removes "unpacking"
	rm "$MYDOCKER_ROOT/images/slow.tar"
}

since ch05-detach-ps-logs

# part: 1
# hint: A record that says running but whose layer's flock(2) is free belongs to nobody: prune_records().
test_prune_after_a_killed_monitor() {
	local monitor
	mydocker run -d --name lost -m 32m "${IMAGE[@]}" /bin/sh -c 'exec sleep 7777'
	expect_status 0
	monitor=$("$MYDOCKER" ps --format json | awk '$1 == "\"monitor_pid\":" { print $2 + 0 }')
	kill -KILL "$monitor"
	wait_until "its container died with it" none_running_here 'sleep [7]777'
	prune_finds_and_removes "a killed monitor"
	mydocker ps -a
	! grep -q lost "$T/stdout" || fail "the stale record is still listed"
	mydocker run -d --name lost "${IMAGE[@]}" /bin/true
	expect_status 0
}

since ch03-pipe

# mydocker killed after it sent the command, but before its child has set
# PR_SET_PDEATHSIG: no signal would come, and the child would run the
# command with no mydocker to wait for it or to clean up after it. So the
# child looks at a pidfd of mydocker after its prctl(2). strace holds that
# prctl back, so that mydocker is killed first.
# hint: In the child, after prctl(PR_SET_PDEATHSIG): poll(2) a pidfd of mydocker, opened before clone(2); readable means it has exited: _exit.
test_a_child_whose_mydocker_died_before_its_prctl_runs_nothing() {
	local tracer pid
	LAST_CMD="strace -f -e inject=prctl:delay_enter=1s:when=1 mydocker --debug run -m 32m ... sleep 7777"
	strace -f -qq -e trace=prctl -e inject=prctl:delay_enter=1000000:when=1 -o /dev/null \
		"$MYDOCKER" --debug run -m 32m "${IMAGE[@]}" /bin/sh -c 'exec sleep 7777' \
		</dev/null >"$T/bg.stdout" 2>"$T/bg.stderr" &
	tracer=$!
	wait_until "mydocker has sent the command" grep -q "sent the command" "$T/bg.stderr"
	traced_pid "$tracer"
	kill -KILL "$pid"
	wait_until "strace has ended: the child ran nothing" sh -c "! kill -0 $tracer"
	none_running_here 'sleep [7]777' || fail "the container ran its command with its mydocker dead"
	mydocker prune --force
	expect_status 0
}
