# layers.sh: images of layers (ch07-layers): `load -i DIR` of an OCI image
# layout, each layer unpacked once and checked, whiteouts as overlayfs's,
# a container's root an overlay of the image's layers. The layouts are made
# here, offline (tests/helpers/make-oci-layout; umoci as a second maker).

since ch07-layers

BUSYBOX=$HELPERS/../images/busybox.tar

# A base layer (busybox) and one on top that deletes /bin/vi (a whiteout)
# and makes /etc opaque (nothing of the base's /etc shows) with a file of
# its own.
# hint: load_command(): index.json, then for each image its manifest, its config and each layer (layer_unpack()); image_unpack() of a loaded image is its layers' dirs, top first, as lowerdir.
test_load_runs_an_image_of_layers() {
	layout "$T/L" two --cmd '["/bin/sh","-c","ls /etc; cat /etc/only"]' "$BUSYBOX" \
		'top:bin/.wh.vi,etc/,etc/.wh..wh..opq,etc/only=from-the-top-layer'
	mydocker load -i "$T/L"
	expect_status 0
	expect_stdout "Loaded image: two"
	mydocker run --rm two
	expect_status 0
	expect_stdout "only
from-the-top-layer"
	mydocker run --rm two /bin/sh -c 'ls /bin/vi; ls /bin/sh'
	expect_stdout "/bin/sh"
	expect_eq "layers stored" 2 "$(ls "$MYDOCKER_ROOT/layers" | wc -l)"
}

# umoci makes the same kind of image its own way (a layer per repack, its
# own whiteouts); the container's root is what `umoci unpack` makes of it.
# hint: Whiteouts: .wh.NAME becomes a character device 0/0 NAME, .wh..wh..opq trusted.overlay.opaque=y on its directory.
test_a_umoci_image_runs_as_umoci_unpacks_it() {
	command -v umoci >/dev/null || skip "umoci is not installed (apt install umoci)"
	umoci init --layout "$T/U" && umoci new --image "$T/U:img" && umoci unpack --image "$T/U:img" "$T/b1" >/dev/null &&
		tar -xf "$BUSYBOX" -C "$T/b1/rootfs" && umoci repack --image "$T/U:img" "$T/b1" &&
		umoci unpack --image "$T/U:img" "$T/b2" >/dev/null && rm -rf "$T/b2/rootfs/bin/vi" "$T/b2/rootfs/etc/"* &&
		echo hi >"$T/b2/rootfs/etc/only" && umoci repack --image "$T/U:img" "$T/b2" &&
		umoci unpack --image "$T/U:img" "$T/oracle" >/dev/null || fail "umoci could not make the image"
	mydocker load -i "$T/U"
	expect_status 0
	mydocker run --rm img /bin/sh -c 'cd / && find bin etc usr -xdev | sort'
	expect_status 0
	(cd "$T/oracle/rootfs" && find bin etc usr | sort) >"$T/expected"
	diff "$T/expected" "$T/stdout" >"$T/diff" || fail "the container's root is not umoci's: $(head -n 5 "$T/diff")"
}

# Two images with the same base layer store it once; loading them again
# changes nothing; rmi removes the layers no other image has.
# hint: layers/HEX is named by the layer's diff id: a layer that is there already is not unpacked again; rmi ends with forget_unused_layers().
test_a_shared_layer_is_stored_once() {
	layout "$T/L" one --cmd '["true"]' "$BUSYBOX" 'a:a=1'
	layout "$T/L" two --cmd '["true"]' "$BUSYBOX" 'b:b=2'
	mydocker load -i "$T/L"
	expect_status 0
	expect_stdout "Loaded image: one
Loaded image: two"
	expect_eq "layers stored" 3 "$(ls "$MYDOCKER_ROOT/layers" | grep -vc '^\.')"
	mydocker load -i "$T/L"
	expect_status 0
	expect_eq "layers stored after a second load" 3 "$(ls "$MYDOCKER_ROOT/layers" | wc -l)"
	mydocker images
	expect_stdout_has "one "
	expect_stdout_has "two "
	mydocker rmi one
	expect_status 0
	expect_eq "layers kept once one is gone (the shared base and two's)" 2 "$(ls "$MYDOCKER_ROOT/layers" | wc -l)"
	mydocker run --rm two /bin/cat /b
	expect_stdout 2
	mydocker rmi two
	expect_status 0
	expect_eq "layers once both are gone" 0 "$(ls "$MYDOCKER_ROOT/layers" | wc -l)"
}

# A layout that is wrong in one way is refused, 125 with one line that
# says what, and leaves nothing in MYDOCKER_ROOT: no image, no layer but
# those of the image loaded before it.
# hint: Check every blob's sha256 as it is read; the config's diff id against the layer's tar; on a failure remove the layers no image lists (remove_unused_layers()), under lock_layers().
test_load_refuses_a_broken_layout_and_leaves_nothing() {
	local broken why how
	layout "$T/good" good --cmd '["true"]' "$BUSYBOX" 'g:g=1'
	mydocker load -i "$T/good"
	expect_status 0
	for broken in tamper missing diffid truncate nested empty none; do
		rm -rf "$T/L"
		how=$broken
		[ "$broken" != empty ] && [ "$broken" != none ] || how= # index.json is broken below
		layout "$T/L" bad --cmd '["true"]' --break "$how" 'a:a=1' 'b:b=2'
		case $broken in
		tamper) why="its bytes are" ;;
		missing) why="No such file or directory" ;;
		diffid) why="the config names" ;;
		truncate) why="not a layer" ;;
		nested) why="names no config" # from ch07-config on, load looks for this machine's entry
			at_least ch07-config && why="has no manifest for linux/amd64" ;;
		empty) why="index.json: not JSON" && : >"$T/L/index.json" ;;
		none) why="lists no image" && echo '{"schemaVersion": 2, "manifests": []}' >"$T/L/index.json" ;;
		esac
		mydocker load -i "$T/L"
		expect_status 125
		expect_one_error_line "$why"
		expect_eq "layers after a $broken layout (good's only)" 2 "$(ls "$MYDOCKER_ROOT/layers" | wc -l)"
		expect_eq "what $broken left in layers/ but the lock" ".lock" "$(ls -A "$MYDOCKER_ROOT/layers" | grep '^\.')"
		[ ! -e "$MYDOCKER_ROOT/images/bad.json" ] || fail "a $broken layout became an image"
	done
	mydocker run --rm good /bin/cat /g
	expect_stdout 1
}

# A layer's entries stay inside its own directory: a "..", an absolute
# path, a file through a symlink the layer made, a hard link out.
# hint: archive_write_disk(3) with ARCHIVE_EXTRACT_SECURE_NODOTDOT, SECURE_SYMLINKS and SECURE_NOABSOLUTEPATHS, relative to the layer's directory.
test_a_layer_that_climbs_out_is_refused() {
	local layer
	mkdir -p "$T/victim"
	for layer in 'up:../../../etc/mydocker-evil=x' 'abs:/tmp/mydocker-evil=x' \
		"link:out->$T/victim,out/evil=x" 'hard:h=>../../../etc/passwd'; do
		rm -rf "$T/L"
		layout "$T/L" bad --cmd '["true"]' "$layer"
		mydocker load -i "$T/L"
		expect_status 125
		expect_eq "files in the victim dir" "" "$(ls -A "$T/victim")"
		expect_eq "what ${layer%%:*} left in layers/" ".lock" "$(ls -A "$MYDOCKER_ROOT/layers" 2>/dev/null)"
	done
	[ ! -e /etc/mydocker-evil ] && [ ! -e /tmp/mydocker-evil ] || fail "a layer wrote outside its directory"
}

# A load whose mydocker was killed leaves its layer's temp dir: prune finds
# it (its pid is gone), and --force removes it. (Made by hand here, with
# the pid of a process that has exited.)
# hint: store_layer() unpacks into layers/.HEX.loading-PID; prune_images() looks there with prune_temp_files().
test_prune_removes_a_half_loaded_layer() {
	local pid
	sh -c 'exit 0' &
	pid=$!
	wait "$pid"
	mkdir -p "$MYDOCKER_ROOT/layers/.$(printf '%064d' 7).loading-$pid/bin"
	mydocker prune
	expect_status 0
	expect_stdout_has "layer"
	expect_stdout_has ".loading-$pid"
	mydocker prune --force
	expect_status 0
	expect_eq "what prune left in layers/" "" "$(ls -A "$MYDOCKER_ROOT/layers")"
}
