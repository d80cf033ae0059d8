# stages.sh: the course's order of stages, from stages.list, and questions
# about it. Sourced by the test scripts.
stages_file=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/stages.list
mapfile -t STAGES < <(awk '!/^#/ && NF { print $1 }' "$stages_file")
# The stages whose directory is here: a handout lists its lab's stage
# without one (tools/handout).
mapfile -t PRESENT_STAGES < <(for s in "${STAGES[@]}"; do [ -f "$(dirname "$stages_file")/$s/main.c" ] && echo "$s"; done)

# stage_index STAGE: its position in the course (0 = first), or fails.
stage_index() {
	local i
	for i in "${!STAGES[@]}"; do
		[ "${STAGES[$i]}" = "$1" ] && { echo "$i"; return 0; }
	done
	return 1
}

# stage_in_range STAGE SINCE [UNTIL]: SINCE <= STAGE < UNTIL. A SINCE or
# UNTIL that names a stage not in this course yet: since = never, until = not yet.
stage_in_range() {
	local s i u
	s=$(stage_index "$1") || return 1
	i=$(stage_index "${2:-${STAGES[0]}}") || return 1
	[ "$s" -ge "$i" ] || return 1
	[ -z "${3:-}" ] && return 0
	u=$(stage_index "$3") || return 0
	[ "$s" -lt "$u" ]
}

# stage_demo STAGE: what ./run runs for it without arguments.
stage_demo() {
	awk -v s="$1" '!/^#/ && $1 == s { $1 = ""; sub(/^ +/, ""); print }' "$stages_file"
}
