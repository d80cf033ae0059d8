# ps.sh: chapter 5, records that outlive their containers: ps, exit codes,
# rm and --rm.

since ch05-ps-rm

# part: 1
# hint: record_list(): every MYDOCKER_RUN/ID/config.json, newest first; ps shows the running ones.
test_ps_shows_a_running_container() {
	local id
	start_container --name sleeper "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	wait_until "ps shows sleeper" sh -c "'$MYDOCKER' ps | grep -q ' sleeper .* running '"
	container_pid
	id=$(id_of sleeper)
	mydocker ps
	expect_status 0
	grep -q "^$id  sleeper  $cpid  *running  *\/bin\/sh -c exec sleep" "$T/stdout" || fail "ps does not show it running with pid $cpid"
	kill -KILL "$cpid"
	wait_bg
}

# part: 1
# hint: record_finished(): status exited and the exit code, written once the container is cleaned up.
test_exited_containers_show_their_exit_code() {
	container --name three "${IMAGE[@]}" /bin/sh -c 'exit 3'
	expect_status 3
	mydocker ps -a
	grep -q " three .*exited (3)" "$T/stdout" || fail "ps -a does not show exited (3)"
	mydocker ps
	! grep -q " three " "$T/stdout" || fail "ps without -a shows an exited container"
	expect_eq "exit_code in the record" 3 "$(ps_json_field three exit_code)"
}

# part: 1
# hint: adjective_person, as docker makes them; try again when taken.
test_made_up_names_are_valid_and_distinct() {
	local i
	for i in 1 2 3 4 5; do
		container "${IMAGE[@]}" /bin/true
		expect_status 0
	done
	mydocker ps -a --format json
	grep '"name":' "$T/stdout" | awk '{ print $2 }' | tr -d '",' >"$T/names"
	[ "$(sort -u "$T/names" | wc -l)" = 5 ] || fail "made-up names repeat: $(cat "$T/names")"
	! grep -qv '^[a-z]*_[a-z]*$' "$T/names" || fail "a made-up name is not adjective_name: $(cat "$T/names")"
}

# part: 1
# hint: Compare the mydocker's pid and its start time (field 22 of /proc/PID/stat) with the record's.
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
	rm -rf "${MYDOCKER_RUN:?}/$id" "$MYDOCKER_RUN/names/ghost" # (rm comes in part 2)
}

# part: 1
# hint: A record that says running whose mydocker is gone shows as exited (?).
test_a_killed_mydocker_leaves_an_exited_record() {
	start_container --name orphan "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	wait_until "ps shows orphan" sh -c "'$MYDOCKER' ps | grep -q ' orphan '"
	container_pid
	kill -KILL "$bg"
	wait "$bg" 2>/dev/null
	wait_until "the container died with its mydocker" sh -c "! kill -0 $cpid"
	mydocker ps -a
	grep -q " orphan .*exited (?)" "$T/stdout" || fail "ps -a does not show exited (?)"
	clean_up_after_sigkill
}

# part: 2
# hint: Every container keeps its record; --rm removes it at exit.
test_foreground_run_keeps_its_record_unless_rm() {
	container --name fg "${IMAGE[@]}" /bin/sh -c 'exit 5'
	expect_status 5
	mydocker ps -a
	grep -q " fg .*exited (5)" "$T/stdout" || fail "the container's record is not kept"
	[ -L "$MYDOCKER_RUN/names/fg" ] || fail "the exited container's name is not kept"
	container --rm --name gone "${IMAGE[@]}" /bin/true
	expect_status 0
	mydocker ps -a
	! grep -q " gone " "$T/stdout" || fail "--rm kept the record"
	[ ! -e "$MYDOCKER_RUN/names/gone" ] || fail "--rm kept the name"
}

# part: 2
# hint: rm -f kills the container (if its pid is still the same process) and waits for its mydocker to clean up.
test_rm_refuses_a_running_container_unless_forced() {
	start_container --name busy "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	wait_until "ps shows busy" sh -c "'$MYDOCKER' ps | grep -q ' busy '"
	mydocker rm busy
	expect_status 125
	expect_one_error_line "is running"
	mydocker rm -f busy
	expect_status 0
	expect_stdout busy
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers")" ] || fail "rm -f left the layer"
	[ ! -e "$MYDOCKER_RUN/names/busy" ] || fail "rm -f left the name"
	wait_bg
	expect_status 137
	mydocker rm nosuch
	expect_status 125
	expect_one_error_line "no container nosuch"
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
	local id remover
	for remover in rm prune; do
		container --name cut "${IMAGE[@]}" /bin/true
		expect_status 0
		id=$(id_of cut)
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
		container --name cut "${IMAGE[@]}" /bin/true
		expect_status 0 # the name is free again
		mydocker rm cut
	done
}
