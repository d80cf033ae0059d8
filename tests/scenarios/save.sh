# save.sh: images in and out as archives (ch07-save): `save` writes a tar
# of an OCI image layout that skopeo reads, with the digests the image was
# loaded with; `load` takes such a tar from a file or stdin, refuses a
# broken one and leaves nothing; rmi takes the blobs no image lists.

since ch07-save

# A two-layer image, "two", loaded from a layout made here.
two_layers() {
	layout "$T/L" two --cmd '["cat", "/etc/only"]' "$HELPERS/../images/busybox.tar" \
		'top:etc/only=from-the-top-layer'
	mydocker load -i "$T/L"
	expect_status 0
}

# save, then load the tar (into another store): the same image, the same
# digests; skopeo reads the tar as an oci-archive.
# hint: save_command(): oci-layout, the blobs load kept (stored_blob_path()), index.json naming the image; load of a file unpacks it first (unpack_archive()).
test_save_then_load_gives_the_same_image() {
	two_layers
	mydocker save -o "$T/two.tar" two
	expect_status 0
	command -v skopeo >/dev/null || fail "skopeo is not installed (tools/ensure-deps installs it)"
	skopeo inspect --format '{{.Digest}} {{len .Layers}}' "oci-archive:$T/two.tar" >"$T/inspect" 2>&1 ||
		fail "skopeo could not read the saved tar: $(cat "$T/inspect")"
	expect_eq "skopeo's digest and layers" "$(jq -r '.manifests[0].digest' "$T/L/index.json") 2" "$(cat "$T/inspect")"
	MYDOCKER_ROOT=$T/other mydocker load -i "$T/two.tar"
	expect_status 0
	expect_stdout "Loaded image: two"
	MYDOCKER_ROOT=$T/other mydocker run --rm two
	expect_status 0
	expect_stdout "from-the-top-layer"
	expect_eq "the image's id after the round trip" "$(jq -r .id "$MYDOCKER_ROOT/images/two.json")" \
		"$(jq -r .id "$T/other/images/two.json")"
	rm -rf "$T/other"
}

# load reads the tar on stdin too, as docker load does; skopeo's
# oci-archive is read as well.
# hint: Without -i, load_command() unpacks "-" (stdin) with the same checks.
test_load_reads_stdin_and_skopeo_s_archives() {
	two_layers
	skopeo copy --quiet "oci:$T/L:two" "oci-archive:$T/sk.tar:two" || fail "skopeo copy failed"
	mydocker rmi two
	expect_status 0
	STDIN=$T/sk.tar mydocker load
	expect_status 0
	expect_stdout "Loaded image: two"
	mydocker run --rm two
	expect_stdout "from-the-top-layer"
}

# An image of one tar (busybox as install-image puts it) is saved as a
# one-layer image: its tar is its layer, a config keeps its command.
# hint: add_tar_image(): the tar's sha256 is both its digest and its diff id (uncompressed); a config with Cmd, a manifest, made here.
test_a_tar_image_is_saved_as_one_layer() {
	mydocker save -o "$T/bb.tar" busybox
	expect_status 0
	skopeo inspect --config "oci-archive:$T/bb.tar" >"$T/config" 2>&1 || fail "skopeo: $(cat "$T/config")"
	expect_eq "the saved config's Cmd" '["sh"]' "$(jq -c .config.Cmd "$T/config")"
	expect_eq "the saved layer" "sha256:$(sha256sum <"$MYDOCKER_ROOT/images/busybox.tar" | cut -d' ' -f1)" \
		"$(jq -r '.rootfs.diff_ids[0]' "$T/config")"
	MYDOCKER_ROOT=$T/other mydocker load -i "$T/bb.tar"
	expect_status 0
	MYDOCKER_ROOT=$T/other mydocker run --rm busybox echo loaded
	expect_stdout loaded
	rm -rf "$T/other"
}

# A broken archive is refused, 125 with one line, and leaves nothing: an
# empty file, a cut one, one whose entry climbs out, and the terminal
# for save.
# hint: unpack_archive() uses layer_unpack() without digests: the same secure extraction; on a failure the temp dir and the blobs no image lists go.
test_load_refuses_a_broken_archive_and_leaves_nothing() {
	two_layers
	mydocker save -o "$T/two.tar" two
	mydocker rmi two
	expect_status 0
	: >"$T/empty.tar"
	head -c 100000 "$T/two.tar" >"$T/cut.tar"
	python3 -c 'import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
i = tarfile.TarInfo("../../../../tmp/mydocker-evil"); i.size = 1
t.addfile(i, io.BytesIO(b"x"))' "$T/evil.tar" || fail "python3 could not make the tar"
	for f in empty cut evil; do
		mydocker load -i "$T/$f.tar"
		expect_status 125
		expect_one_error_line "is not a whole image archive"
		expect_eq "what $f left in layers/ and blobs/" ".lock" \
			"$(ls -A "$MYDOCKER_ROOT/layers" "$MYDOCKER_ROOT/blobs/sha256" | grep -v ':$' | grep .)"
		[ ! -e "$MYDOCKER_ROOT/images/two.json" ] || fail "a broken archive ($f) became an image"
	done
	[ ! -e /tmp/mydocker-evil ] || fail "an archive wrote outside its directory"
}

# rmi of a loaded image takes its blobs with its layers, unless another
# image has them.
# hint: remove_unused_layers() also removes blobs/sha256/HEX that no images/NAME.json lists under "blobs".
test_rmi_removes_the_blobs_no_image_lists() {
	two_layers
	expect_eq "blobs kept (manifest, config, 2 layers)" 4 "$(ls "$MYDOCKER_ROOT/blobs/sha256" | wc -l)"
	mydocker rmi two
	expect_status 0
	expect_eq "blobs left" "" "$(ls -A "$MYDOCKER_ROOT/blobs/sha256")"
}
