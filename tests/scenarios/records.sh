# records.sh: chapter 5, every container's record (MYDOCKER_RUN/ID/config.json)
# and its name (MYDOCKER_RUN/names/NAME).

since ch05-records

# sleeper NAME: a container named NAME that runs until killed, in the
# background; waits until its record says running.
sleeper() {
	start_container --name "$1" "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	wait_until "container $1 runs" grep -q '"status":	"running"' "$MYDOCKER_RUN/names/$1/config.json"
}

# end_sleeper: kills the background container's PID 1 (which, as PID 1,
# ignores SIGTERM) and waits for its mydocker.
end_sleeper() {
	container_pid
	kill -KILL "$cpid"
	wait_bg
	expect_status 137
}

# part: 1
# hint: record_create_for_run() before the clone, record_started() after it, record_finished() in tear_down().
test_a_running_container_has_a_record() {
	local id
	sleeper rec
	id=$(id_of rec)
	[[ $id =~ ^[0-9a-f]{12}$ ]] || fail "names/rec does not link to ../ID: $id"
	container_pid
	grep -q "\"pid\":	$cpid," "$MYDOCKER_RUN/$id/config.json" || fail "the record does not hold the container's pid $cpid"
	grep -q "\"monitor_pid\":	$bg," "$MYDOCKER_RUN/$id/config.json" || fail "the record does not hold mydocker's pid $bg"
	grep -q '"command":	\["/bin/sh", "-c", "exec sleep 100"\]' "$MYDOCKER_RUN/$id/config.json" ||
		fail "the record does not hold the command"
	end_sleeper
	if at_least ch05-ps-rm; then # the record outlives it, until rm
		grep -q '"status":	"exited"' "$MYDOCKER_RUN/$id/config.json" || fail "the record does not say exited"
		return 0
	fi
	[ -z "$(ls -A "$MYDOCKER_RUN" | grep -v '^names$')" ] || fail "the record outlived the container: $(ls "$MYDOCKER_RUN")"
	[ -z "$(ls -A "$MYDOCKER_RUN/names")" ] || fail "the name outlived the container"
}

# part: 2
# hint: A name is symlink(2) names/NAME -> ../ID: EEXIST when taken.
test_names_must_be_unique() {
	sleeper web
	container --name web "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "the name web is taken"
	[ "$(ls "$MYDOCKER_ROOT/containers" | wc -l)" = 1 ] || fail "the refused container left a layer"
	[ "$(ls "$MYDOCKER_RUN" | grep -vc names)" = 1 ] || fail "the refused container left a record"
	end_sleeper
	at_least ch05-ps-rm && mydocker rm web # (the record outlives it)
	container --name web "${IMAGE[@]}" /bin/true
	expect_status 0 # free again once its container has gone
}

# part: 2
# hint: Names are 1 to 64 of [a-zA-Z0-9_.-], starting with a letter or digit.
test_invalid_names_are_refused() {
	local long=$(printf 'a%.0s' $(seq 200)) bad
	for bad in ../../etc "" "$long" -x .x a/b "a b" "x:y"; do
		container --name "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "a name is 1 to 64 letters"
	done
	[ -z "$(ls -A "$MYDOCKER_ROOT/containers" 2>/dev/null)" ] || fail "a refused name left a layer"
	[ -z "$(ls -A "$MYDOCKER_RUN" | grep -v names)" ] || fail "a refused name left a record"
}

# part: 2
# hint: adjective_person, as docker makes them; try again when taken.
test_a_made_up_name_is_adjective_person() {
	start_container "${IMAGE[@]}" /bin/sh -c 'exec sleep 100'
	wait_until "the container has a name" sh -c "ls '$MYDOCKER_RUN/names' | grep -q ."
	ls "$MYDOCKER_RUN/names" | grep -qx '[a-z]*_[a-z]*' || fail "not adjective_person: $(ls "$MYDOCKER_RUN/names")"
	end_sleeper
}

# part: 2
# hint: record_lookup(): a name first, then an id.
test_commit_takes_a_name() {
	start_container --name saved "${IMAGE[@]}" /bin/sh -c 'echo kept >/f; exec sleep 100'
	wait_until "the container wrote /f" sh -c "[ -f $MYDOCKER_ROOT/containers/*/merged/f ]"
	mydocker commit saved fromname
	expect_status 0
	mydocker commit nosuch other
	expect_status 125
	expect_one_error_line "no container nosuch"
	end_sleeper
	container "${IMAGE_FLAG[@]}" fromname /bin/cat /f
	expect_status 0
	expect_stdout kept
}

# prune looks at every cgroup on the host: another scenario's would be its
# leftovers. This one runs alone.
exclusive

# part: 1
# hint: record_read() of a config.json that does not parse: a record with status broken and the name that links to it; prune_records() removes it.
test_prune_removes_a_broken_record_and_frees_its_name() {
	local id=deadbeef0002
	mkdir -p "$MYDOCKER_RUN/$id" "$MYDOCKER_RUN/names"
	ln -s "../$id" "$MYDOCKER_RUN/names/cut"
	echo '{"id": "deadbeef0002", "name": "cu' >"$MYDOCKER_RUN/$id/config.json"
	container --name cut "${IMAGE[@]}" /bin/true
	expect_status 125
	mydocker prune
	expect_stdout_has "stale record    $MYDOCKER_RUN/$id (its config.json is cut short or corrupt)"
	mydocker prune --force
	expect_status 0
	[ ! -e "$MYDOCKER_RUN/$id" ] || fail "prune left the broken record"
	[ ! -L "$MYDOCKER_RUN/names/cut" ] || fail "prune left the name"
	container --name cut "${IMAGE[@]}" /bin/true
	expect_status 0
}
