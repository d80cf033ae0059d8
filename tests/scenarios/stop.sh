# stop.sh: chapter 5.5, `mydocker stop [-t SECONDS] CONTAINER...`: SIGTERM,
# a wait, SIGKILL; the record then says how the container really ended.

since ch05-stop

# status_of NAME: the STATUS column of ps -a for container NAME
status_of() {
	"$MYDOCKER" ps -a | awk -v name="$1" '$2 == name { print $4, $5 }'
}

# A PID 1 that traps TERM and exits 0 at once: `wait` returns when a
# trapped signal comes, a foreground `sleep` would delay the trap.
TRAPS_TERM='trap "exit 0" TERM; sleep 1000 & wait'

# hint: pidfd_send_signal(2) SIGTERM on a pidfd of PID 1; poll(2) the pidfd until it exits; then wait for the monitor to write the record.
test_stop_of_a_container_that_traps_term_exits_0_at_once() {
	mydocker run -d --name trapper "${IMAGE[@]}" /bin/sh -c "$TRAPS_TERM"
	expect_status 0
	local start=$(date +%s%N)
	mydocker stop trapper
	expect_status 0
	expect_stdout trapper
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 5000 ] || fail "stop took $ms ms: it should not wait for the timeout"
	expect_eq "ps -a status" "exited (0)" "$(status_of trapper)"
	mydocker rm trapper
	expect_status 0
}

# A namespace's PID 1 gets only the signals it has a handler for, even
# from the host (pid_namespaces(7)): sh without a trap ignores SIGTERM.
# hint: After -t SECONDS, SIGKILL: the one signal PID 1 cannot ignore from outside; exit 137.
test_stop_kills_a_container_that_ignores_term_after_the_timeout() {
	mydocker run -d --name ignorer "${IMAGE[@]}" /bin/sh -c 'sleep 1000 & wait'
	expect_status 0
	local start=$(date +%s%N)
	mydocker stop -t 1 ignorer
	expect_status 0
	expect_stdout ignorer
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -ge 900 ] || fail "stop returned after $ms ms, before the timeout of 1 s"
	[ "$ms" -lt 6000 ] || fail "stop took $ms ms for a timeout of 1 s"
	expect_eq "ps -a status" "exited (137)" "$(status_of ignorer)"
	mydocker ps
	! grep -q ignorer "$T/stdout" || fail "ps still lists the stopped container"
	mydocker rm ignorer
	expect_status 0
}

# hint: Signal them all, then wait for them all: one timeout, not ten.
test_stop_ten_containers_at_once() {
	local i names=()
	for i in $(seq 10); do
		mydocker run -d --name c$i "${IMAGE[@]}" /bin/sh -c 'sleep 1000 & wait'
		expect_status 0
		names+=(c$i)
	done
	local start=$(date +%s%N)
	mydocker stop -t 1 "${names[@]}"
	expect_status 0
	local ms=$((($(date +%s%N) - start) / 1000000))
	[ "$ms" -lt 8000 ] || fail "stopping ten with -t 1 took $ms ms: one at a time?"
	expect_eq "the names stop printed" "$(printf '%s\n' "${names[@]}")" "$(stdout)"
	for i in $(seq 10); do
		expect_eq "c$i's status" "exited (137)" "$(status_of c$i)"
	done
	mydocker rm "${names[@]}"
	expect_status 0
}

# hint: Stopping an exited container does nothing and succeeds; a name that is no container is 125.
test_stop_of_an_exited_or_unknown_container() {
	mydocker run -d --name done "${IMAGE[@]}" /bin/true
	expect_status 0
	wait_until "container done has exited" sh -c "'$MYDOCKER' ps -a | grep -q 'done .*exited (0)'"
	mydocker stop done
	expect_status 0
	expect_stdout done
	expect_eq "ps -a status" "exited (0)" "$(status_of done)"
	mydocker stop nosuch
	expect_status 125
	expect_one_error_line "no container nosuch"
	mydocker stop -t x done
	expect_status 125
	expect_one_error_line "invalid -t x"
	mydocker rm done
	expect_status 0
}

# hint: rm refuses a running container and says to stop it; after stop, rm frees the name.
test_stop_then_rm_frees_the_name() {
	mydocker run -d --name web "${IMAGE[@]}" /bin/sh -c "$TRAPS_TERM"
	expect_status 0
	mydocker rm web
	expect_status 125
	expect_one_error_line "stop it first (mydocker stop web)"
	mydocker stop web
	expect_status 0
	mydocker rm web
	expect_status 0
	mydocker run -d --name web "${IMAGE[@]}" /bin/sh -c "$TRAPS_TERM"
	expect_status 0
	mydocker stop web
	mydocker rm web
	expect_status 0
}

# hint: The foreground run waits for its container as always; stop signals the container, not run.
test_a_foreground_container_is_stopped_from_elsewhere() {
	start_container --name fg "${IMAGE[@]}" /bin/sh -c "echo started; $TRAPS_TERM"
	wait_until "the container has started" grep -q started "$T/bg.stdout"
	mydocker stop fg
	expect_status 0
	wait_bg
	expect_status 0
	expect_eq "ps -a status" "exited (0)" "$(status_of fg)"
	mydocker rm fg
	expect_status 0
}

# The container's PID 1 has gone and its pid now names another process,
# while its monitor still runs (a moment a real monitor makes short; here
# a sleep of the test's plays the monitor). stop must signal nothing.
# hint: Open the pidfd, then check the start time in /proc/PID/stat: a pidfd names one process for good.
test_stop_never_signals_a_reused_pid() {
	local id=0123456789ab victim monitor
	sleep 1000 &
	victim=$!
	sleep 2 &
	monitor=$!
	mkdir -p "$MYDOCKER_RUN/$id" "$MYDOCKER_RUN/names"
	cat >"$MYDOCKER_RUN/$id/config.json" <<-EOF
	{ "id": "$id", "name": "old", "pid": $victim, "pid_start_time": 1,
	  "monitor_pid": $monitor, "monitor_start_time": $(awk '{ print $22 }' /proc/$monitor/stat),
	  "command": ["sleep"], "created": "2026-01-01T00:00:00Z", "status": "running", "exit_code": -1,
	  "image": "test", "volumes": [], "env": [], "detached": true,
	  "limits": { "memory": 0, "cpu_shares": 0, "cpuset_cpus": "" } }
	EOF
	ln -s "../$id" "$MYDOCKER_RUN/names/old"
	mydocker stop -t 0 old
	expect_status 0
	kill -0 "$victim" 2>/dev/null || fail "stop signalled a process that is not the container"
	kill "$victim"
	wait "$victim" "$monitor" 2>/dev/null
	mydocker rm old
	expect_status 0
}
