# env.sh: chapter 5.8, `run -e` and `--env-file`: the container's
# environment is docker's defaults plus what the flags ask for, kept in
# its record for exec; never mydocker's own.

since ch05-images-env

# The book's command lines from its section 5.8, and the host's variables
# that must stay out.
# part: 2
# hint: environment_flag(): NAME=VALUE, or NAME with its value here; environment_set() replaces a default of that name.
test_e_sets_variables_on_top_of_docker_s_defaults() {
	FROM_HOST=here HOST_SECRET=token mydocker run --name container4 -e bird=123 -e luck=bird \
		-e FROM_HOST -e NOT_SET_HERE -e "SPACES=a  b" -e PATH=/bin:/usr/bin "${IMAGE[@]}" /bin/sh -c 'env | sort'
	expect_status 0
	expect_stdout "FROM_HOST=here
HOME=/root
HOSTNAME=$(grep -o '"id":[^,]*' "$MYDOCKER_RUN"/*/config.json | cut -d'"' -f4)
PATH=/bin:/usr/bin
PWD=/
SHLVL=1
SPACES=a  b
bird=123
luck=bird"
}

# part: 2
# hint: The record keeps the container's environment; exec starts from it, then its own -e, never from exec's caller.
test_exec_starts_with_the_container_s_environment() {
	mydocker run -d --name container5 -e bird=123 -e luck=bird "${IMAGE[@]}" top
	expect_status 0
	HOST_SECRET=token mydocker exec -e extra=1 -e luck=exec container5 /bin/sh -c 'env | grep -v "^HOSTNAME=\|^PWD=\|^SHLVL=" | sort'
	expect_status 0
	expect_stdout "HOME=/root
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
bird=123
extra=1
luck=exec"
	mydocker rm -f container5
	expect_status 0
}

# part: 2
# hint: --env-file: one NAME=VALUE or NAME per line; blank lines and '#' lines are skipped.
test_env_file() {
	printf '# a comment\n\nA=1\nB=two words\nFROM_HOST\n' >"$T/env"
	FROM_HOST=here mydocker run --env-file "$T/env" -e A=2 "${IMAGE[@]}" /bin/sh -c 'echo "$A|$B|$FROM_HOST"'
	expect_status 0
	expect_stdout "2|two words|here"
}

# part: 2
# hint: An empty name, or '=' first, or a NUL in --env-file: 125, one line, before anything is made.
test_malformed_e_is_refused() {
	local bad
	for bad in "" "=x" "=" ; do
		mydocker run -e "$bad" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "invalid -e"
	done
	printf 'A=1\0B=2\n' >"$T/env"
	mydocker run --env-file "$T/env" "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "holds a NUL byte"
	mydocker run --env-file "$T/no-such-file" "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "no-such-file"
	[ -z "$(ls -A "$MYDOCKER_RUN" 2>/dev/null | grep -v names)" ] || fail "a refused run left a record"
}

# --env-file reads what docker reads, and only that: a regular file (a
# FIFO would hang the start, /dev/zero never end), lines up to 64 KiB,
# names without blanks; a CR before the newline and leading blanks are
# dropped, as a file written on Windows or indented has them.
# part: 2
# hint: open(2) with O_NONBLOCK, then fstat(2): S_ISREG or refuse; strip "\r\n" and leading blanks; a blank before '=' is an error.
test_env_file_takes_a_regular_file_as_docker_reads_it() {
	local bad
	printf 'A=1\r\n  B=two\r\n' >"$T/env"
	mydocker run --rm --env-file "$T/env" "${IMAGE[@]}" /bin/sh -c 'echo "[$A][$B]"'
	expect_status 0
	expect_stdout "[1][two]"
	mkfifo "$T/fifo"
	mkdir "$T/dir"
	for bad in "$T/fifo:not a regular file" "/dev/zero:not a regular file" "$T/dir:Is a directory"; do
		TIMEOUT=10 mydocker run --env-file "${bad%%:*}" "${IMAGE[@]}" /bin/true
		expect_status 125
		expect_one_error_line "${bad#*:}"
	done
	printf 'MY VAR=1\n' >"$T/env"
	mydocker run --env-file "$T/env" "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "line 1: its variable's name has a blank in it"
	{ printf 'A=1\nLONG='; head -c 70000 /dev/zero | tr '\0' x; printf '\n'; } >"$T/env"
	mydocker run --env-file "$T/env" "${IMAGE[@]}" /bin/true
	expect_status 125
	expect_one_error_line "line 2: is longer than 64 KiB"
	[ -z "$(ls -A "$MYDOCKER_RUN" 2>/dev/null | grep -v names)" ] || fail "a refused run left a record"
}
