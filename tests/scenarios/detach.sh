# detach.sh: chapter 5, background containers (run -d) with a monitor each,
# and their logs.

since ch05-detach-ps-logs

# wait_exited NAME: until ps says the container has exited
wait_exited() {
	wait_until "container $1 has exited" sh -c "[ \"\$(\"$MYDOCKER\" ps -a --format json | grep -A7 '\"name\":	\"$1\"' | grep -c '\"status\":	\"exited\"')\" = 1 ]"
}

detach() {
	mydocker run -d "$@"
}

# part: 1
# hint: fork a monitor that runs the container and writes its id on a pipe; mydocker prints it and returns.
test_detach_prints_the_id_and_returns_while_it_runs() {
	detach --name sleeper "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	expect_status 0
	[[ $(stdout) =~ ^[0-9a-f]{12}$ ]] || fail "expected the container's id on stdout"
	local id=$(stdout) pid cmd="/bin/sh -c exec sleep"
	[ -f "$MYDOCKER_RUN/$id/config.json" ] || fail "no record for $id"
	pid=$(ps_json_field sleeper pid)
	kill -0 "$pid" || fail "the container's process $pid is not running after run -d returned"
	# run -d returns once the container has started: its sh may not have exec'd sleep yet
	wait_until "pid $pid is the container's sleep" grep -qx sleep "/proc/$pid/comm"
	mydocker ps
	grep -q "^$id  sleeper  $pid  *running  *$cmd" "$T/stdout" || fail "ps does not show it running with pid $pid"
	mydocker rm -f sleeper
	expect_status 0
}

# part: 2
# hint: The container's stdout and stderr are a pty's slave; the monitor copies the master into container.log.
test_logs_show_stdout_and_stderr() {
	detach --name talker "${IMAGE[@]}" /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
	wait_exited talker
	mydocker logs talker
	expect_status 0
	expect_stdout "to-stdout
to-stderr"
}

# part: 2
# hint: logs -f: inotify(7) for growth, a pidfd (pidfd_open(2)) of the monitor for the end.
test_logs_follow_ends_when_the_container_exits() {
	detach --name slow "${IMAGE[@]}" /bin/sh -c 'echo first; sleep 1; echo second'
	mydocker logs -f slow
	expect_status 0
	expect_stdout "first
second"
	[ "$(ps_json_field slow status)" = exited ] || fail "logs -f returned while the container still ran"
}

# part: 1
# hint: The monitor stays the container's parent: it reaps it, removes cgroup and layer, then exits.
test_detached_container_is_cleaned_up_when_it_exits() {
	local monitor
	detach --name tidy -m 64m -v "$T/vol:/data" "${IMAGE[@]}" /bin/sh -c 'echo kept >/data/f; sleep 0.5'
	monitor=$(ps_json_field tidy monitor_pid)
	wait_exited tidy
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "the layer is left"
	[ -z "$(find /sys/fs/cgroup -name "mydocker-$(ps_json_field tidy id)")" ] || fail "the cgroup is left"
	! grep -q "$MYDOCKER_ROOT" /proc/self/mountinfo || fail "a mount is left"
	wait_until "the monitor has exited (no zombie)" sh -c "! kill -0 $monitor"
	expect_eq "the volume's file" kept "$(cat "$T/vol/f")"
}

# part: 1
# hint: A record that says running whose monitor is gone shows as exited (?).
test_killed_monitor_leaves_an_exited_record() {
	local pid monitor
	detach --name orphan "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	pid=$(ps_json_field orphan pid)
	monitor=$(ps_json_field orphan monitor_pid)
	kill -KILL "$monitor"
	wait_until "the container died with its monitor" sh -c "! kill -0 $pid"
	mydocker ps -a
	grep -q " orphan .*exited (?)" "$T/stdout" || fail "ps -a does not show exited (?)"
	clean_up_after_sigkill
}

# part: 1
# hint: Nothing shared between containers but atomic operations: mkdir, symlink, rename.
test_twenty_detached_containers_at_once() {
	local i
	for i in $(seq 20); do
		mydocker_bg run -d -m 32m "${IMAGE[@]}" /bin/sh -c 'sleep 1' >"$T/id.$i" 2>"$T/err.$i" &
	done
	wait
	cat "$T"/id.* | sort -u >"$T/ids"
	[ "$(grep -c '^[0-9a-f]\{12\}$' "$T/ids")" = 20 ] || fail "expected 20 distinct ids: $(cat "$T"/id.* "$T"/err.*)"
	[ "$(ls "$MYDOCKER_RUN" | grep -c '^[0-9a-f]\{12\}$')" = 20 ] || fail "expected 20 records"
	wait_until "all 20 have exited" sh -c "[ \"\$(\"$MYDOCKER\" ps | wc -l)\" = 1 ]"
	mydocker ps -a --format json
	[ "$(grep -c '"exit_code":	0' "$T/stdout")" = 20 ] || fail "not all exited with 0"
	wait_until "every layer is removed" sh -c "[ -z \"\$(ls -A '$MYDOCKER_ROOT/containers')\" ]"
}

# part: 1
# hint: -d with -i or -t: one line, 125.
test_d_with_i_or_t_is_refused() {
	detach -it "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "-d runs in the background, -i and -t in this terminal"
	detach -i "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "-d runs in the background"
}


# The log is capped: past 10 MiB, container.log becomes container.log.1 and
# a new one starts, so a container keeps at most 20 MiB of output. logs
# prints both, the older first; logs -f follows across the rotation.
# part: 2
# hint: At LOG_MAX_BYTES rename container.log to container.log.1 and open a new one; logs prints .1 first.
test_the_log_is_capped_and_rotated() {
	local total=$((13 * 1048576 + 4))
	detach --name chatty "${IMAGE[@]}" /bin/sh -c 'sleep 1; i=0
		while [ $i -lt 13 ]; do head -c 1048576 /dev/zero | tr "\0" "$((i % 10))"; i=$((i + 1)); done
		echo end'
	expect_status 0
	local id=$(stdout) now old
	"$MYDOCKER" logs -f chatty >"$T/followed" 2>"$T/stderr"
	wait_exited chatty
	now=$(stat -c %s "$MYDOCKER_RUN/$id/container.log")
	old=$(stat -c %s "$MYDOCKER_RUN/$id/container.log.1")
	[ "$now" -le $((10 << 20)) ] && [ "$old" -le $((10 << 20)) ] || fail "a log file is over 10 MiB: $old, $now"
	expect_eq "bytes in container.log.1 and container.log" $total $((old + now))
	mydocker logs chatty
	expect_eq "bytes that logs prints" $total "$(wc -c <"$T/stdout")"
	expect_eq "the first and last bytes logs prints" "0end" "$(head -c 1 "$T/stdout")$(tail -c 4 "$T/stdout" | tr -d '\n')"
	expect_eq "bytes that logs -f printed" $total "$(wc -c <"$T/followed")"
	mydocker rm chatty
}

# part: 2
# hint: logs_command(): a record that is not detached has no log.
test_logs_of_a_foreground_container_is_refused() {
	mydocker run --name fg "${IMAGE[@]}" /bin/true
	expect_status 0
	mydocker logs fg
	expect_status 125
	expect_one_error_line "foreground"
}
