# detach.sh: chapter 5, background containers (run -d) with a monitor each,
# names, records, ps, logs and rm.

since ch05-detach-ps-logs

# ps_json_field NAME FIELD: a field of a container's record, as ps shows it
ps_json_field() {
	"$MYDOCKER" ps -a --format json | awk -v name="\"$1\"," -v field="\"$2\":" '
		$1 == "\"name\":" && $2 == name { on = 1 }
		on && $1 == field { sub(/,$/, "", $2); gsub(/"/, "", $2); print $2; exit }'
}

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
	[ "$(cat "/proc/$pid/comm")" = sleep ] || fail "pid $pid is not the container's sleep"
	mydocker ps
	grep -q "^$id  sleeper  $pid  *running  *$cmd" "$T/stdout" || fail "ps does not show it running with pid $pid"
	mydocker rm -f sleeper
	expect_status 0
}

# part: 3
# hint: The container's stdout and stderr are a pty's slave; the monitor copies the master into container.log.
test_logs_show_stdout_and_stderr() {
	detach --name talker "${IMAGE[@]}" /bin/sh -c 'echo to-stdout; echo to-stderr >&2'
	wait_exited talker
	mydocker logs talker
	expect_status 0
	expect_stdout "to-stdout
to-stderr"
}

# part: 3
# hint: logs -f: inotify(7) for growth, a pidfd (pidfd_open(2)) of the monitor for the end.
test_logs_follow_ends_when_the_container_exits() {
	detach --name slow "${IMAGE[@]}" /bin/sh -c 'echo first; sleep 1; echo second'
	mydocker logs -f slow
	expect_status 0
	expect_stdout "first
second"
	[ "$(ps_json_field slow status)" = exited ] || fail "logs -f returned while the container still ran"
}

# part: 2
# hint: The monitor writes status exited and the exit code into the record after cleaning up.
test_exited_containers_show_their_exit_code() {
	detach --name three "${IMAGE[@]}" /bin/sh -c 'exit 3'
	wait_exited three
	mydocker ps -a
	grep -q " three .*exited (3)" "$T/stdout" || fail "ps -a does not show exited (3)"
	mydocker ps
	! grep -q " three " "$T/stdout" || fail "ps without -a shows an exited container"
	expect_eq "exit_code in the record" 3 "$(ps_json_field three exit_code)"
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

# part: 4
# hint: A name is symlink(2) names/NAME -> ../ID: EEXIST when taken.
test_names_must_be_unique() {
	detach --name web "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	expect_status 0
	detach --name web "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "the name web is taken"
	[ "$(ls "$MYDOCKER_ROOT/containers" | wc -l)" = 1 ] || fail "the refused container left a layer"
	[ "$(ls "$MYDOCKER_RUN" | grep -vc names)" = 1 ] || fail "the refused container left a record"
	mydocker run --name web "${IMAGE[@]}" /bin/true
	expect_status 125
	mydocker rm -f web
	detach --name web "${IMAGE[@]}" /bin/true
	expect_status 0
}

# part: 4
# hint: Names are 1 to 64 of [a-zA-Z0-9_.-], starting with a letter or digit.
test_invalid_names_are_refused() {
	local long=$(printf 'a%.0s' $(seq 200)) bad
	for bad in ../../etc "" "$long" -x .x a/b "a b" "x:y"; do
		detach --name "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "name"
	done
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers" 2>/dev/null)" ] || fail "a refused name left a layer"
	[ -z "$(ls -A "$MYDOCKER_RUN" | grep -v names)" ] || fail "a refused name left a record"
}

# part: 4
# hint: adjective_person, as docker makes them; try again when taken.
test_made_up_names_are_valid_and_distinct() {
	local i
	for i in 1 2 3 4 5; do
		mydocker run "${IMAGE[@]}" /bin/true
		expect_status 0
	done
	mydocker ps -a --format json
	grep '"name":' "$T/stdout" | awk '{ print $2 }' | tr -d '",' >"$T/names"
	[ "$(sort -u "$T/names" | wc -l)" = 5 ] || fail "made-up names repeat: $(cat "$T/names")"
	! grep -qv '^[a-z]*_[a-z]*$' "$T/names" || fail "a made-up name is not adjective_name: $(cat "$T/names")"
}

# part: 2
# hint: Compare the monitor's pid and its start time (field 22 of /proc/PID/stat) with the record's.
test_a_record_whose_process_is_gone_shows_exited() {
	local id=deadbeef0001
	mkdir -p "$MYDOCKER_RUN/$id" "$MYDOCKER_RUN/names"
	ln -s "../$id" "$MYDOCKER_RUN/names/ghost"
	cat >"$MYDOCKER_RUN/$id/config.json" <<JSON
{"id": "$id", "name": "ghost", "pid": 4194300, "pid_start_time": 12345, "monitor_pid": 4194301,
 "monitor_start_time": 12344,
 "command": ["sleep", "100"], "created": "2026-01-01T00:00:00Z", "status": "running",
 "exit_code": -1, "image": "busybox", "volumes": [], "detached": true,
 "limits": {"memory": 0, "cpu_shares": 0, "cpuset_cpus": ""}}
JSON
	mydocker ps
	expect_status 0
	! grep -q ghost "$T/stdout" || fail "ps shows a container whose process is gone as running"
	mydocker ps -a
	grep -q "^$id  ghost  -  *exited (?)" "$T/stdout" || fail "ps -a does not show it as exited (?)"
	mydocker rm ghost
	expect_status 0
}

# part: 2
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

# part: 2
# hint: Every container has a record; --rm removes it at exit.
test_foreground_run_keeps_its_record_unless_rm() {
	mydocker run --name fg "${IMAGE[@]}" /bin/sh -c 'exit 5'
	expect_status 5
	mydocker ps -a
	grep -q " fg .*exited (5)" "$T/stdout" || fail "the foreground container's record is not kept"
	mydocker run --rm --name gone "${IMAGE[@]}" /bin/true
	expect_status 0
	mydocker ps -a
	! grep -q " gone " "$T/stdout" || fail "--rm kept the record"
	[ ! -e "$MYDOCKER_RUN/names/gone" ] || fail "--rm kept the name"
	mydocker logs fg
	expect_status 125
	expect_one_error_line "foreground"
}

# part: 4
# hint: rm -f kills the container (if its pid is still the same process) and waits for the monitor to clean up.
test_rm_refuses_a_running_container_unless_forced() {
	detach --name busy "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	mydocker rm busy
	expect_status 125
	expect_one_error_line "is running"
	mydocker rm -f busy
	expect_status 0
	expect_stdout busy
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "rm -f left the layer"
	mydocker rm nosuch
	expect_status 125
	expect_one_error_line "no container nosuch"
}

# part: 4
# hint: record_lookup(): a name first, then an id.
test_commit_takes_a_name() {
	detach --name saved "${IMAGE[@]}" /bin/sh -c 'echo kept >/f; exec sleep 100'
	wait_until "the container wrote /f" sh -c "[ -f $MYDOCKER_ROOT/containers/*/merged/f ]"
	mydocker commit saved fromname
	expect_status 0
	mydocker rm -f saved
	mydocker run --rm "${IMAGE_FLAG[@]}" fromname /bin/cat /f
	expect_status 0
	expect_stdout kept
}


# The log is capped: past 10 MiB, container.log becomes container.log.1 and
# a new one starts, so a container keeps at most 20 MiB of output. logs
# prints both, the older first; logs -f follows across the rotation.
# part: 3
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

# prune looks at every cgroup on the host: another scenario's would be its
# leftovers. This one runs alone.
exclusive

# A record cut in half (a crash with the disk full, a hand edit) is still a
# container's: ps -a shows it as broken, and rm or prune remove it and free
# its name.
# part: 2
# hint: record_read() of a config.json that does not parse: a record with status broken and the name that links to it.
test_a_broken_record_is_shown_and_can_be_removed() {
	local id
	for remover in rm prune; do
		detach --name cut "${IMAGE[@]}" /bin/true
		id=$(stdout)
		wait_exited cut
		truncate -s "$(( $(stat -c %s "$MYDOCKER_RUN/$id/config.json") / 2 ))" "$MYDOCKER_RUN/$id/config.json"
		mydocker ps -a
		grep -q "^$id  cut  *-  *broken " "$T/stdout" || fail "ps -a does not show $id as broken"
		if [ $remover = rm ]; then
			mydocker rm cut
			expect_status 0
			expect_stdout cut
		else
			mydocker prune
			expect_stdout_has "stale record    $MYDOCKER_RUN/$id (its config.json is cut short or corrupt)"
			mydocker prune --force
			expect_status 0
		fi
		[ ! -e "$MYDOCKER_RUN/$id" ] || fail "$remover left the broken record"
		detach --name cut "${IMAGE[@]}" /bin/true
		expect_status 0 # the name is free again
		wait_exited cut
		mydocker rm cut
	done
}
