# docker.sh: images as docker names and ships them (ch07-docker): names
# are references, [PATH/]NAME[:TAG], with docker's defaults filled in;
# `images` has docker's columns and ids; load takes the archive docker
# save writes (manifest.json), and refuses one that leads out.

since ch07-docker

# Names as docker writes them, [PATH/]NAME[:TAG], with what docker fills
# in when it is left out (docker.io/library/, :latest): busybox and
# busybox:latest are one image. `images` has docker's columns; the id of
# an image of one tar is that of the config save makes for it.
# hint: image_file_name(): the short name (image_short_name()) with '/' and ':' written %2F and %3A; image_name_is_valid() checks each part and the tag; same_image() for rmi.
test_images_are_named_as_docker_names_them() {
	mydocker run -d --name box busybox:latest /bin/sleep 1000
	expect_status 0
	mydocker commit box me/app:v1
	expect_status 0
	mydocker run --rm me/app:v1 /bin/echo tagged
	expect_stdout tagged
	mydocker run --rm docker.io/library/busybox /bin/echo named-in-full
	expect_stdout named-in-full
	mydocker images
	expect_status 0
	expect_eq "the heading" "REPOSITORY TAG IMAGE ID CREATED SIZE" "$(head -n 1 "$T/stdout" | tr -s ' ')"
	expect_eq "repositories and tags" "busybox latest
me/app v1
test latest" "$(tail -n +2 "$T/stdout" | awk '{ print $1, $2 }')"
	local id
	id=$(awk '$1 == "busybox" { print $3 }' "$T/stdout")
	mydocker save -o "$T/bb.tar" busybox
	expect_eq "busybox's id, and its saved config's digest" \
		"$(skopeo inspect --raw "oci-archive:$T/bb.tar" | jq -r .config.digest | cut -c8-19)" "$id"
	mydocker rmi busybox
	expect_status 125
	expect_one_error_line "image busybox is in use by running container box"
	mydocker rm -f box
	expect_status 0
	local bad
	for bad in 'a//b' 'x/../y' 'nginx:' 'a:b:c' '/abs' 'me/app.tar' 'localhost:5000/app'; do
		mydocker run "$bad" /bin/true
		expect_status 125
		expect_one_error_line "invalid image name"
	done
	mydocker rmi me/app:v1
	expect_status 0
	expect_eq "what rmi left of me/app" "" "$(ls -A "$MYDOCKER_ROOT/images" | grep '^me')"
}

# load takes what docker save writes (manifest.json, a config and a tar
# per layer; skopeo's docker-archive), gzip'd or not, or unpacked into a
# directory (only read), under the name it gives
# (docker.io/library/web:1.0 is web:1.0), and keeps the config's digest
# as the image's id.
# hint: docker_archive_to_layout(): hash each file manifest.json names, link (or copy) it into load's own dir as blobs/sha256/HEX, make a manifest per image and an index.json with one entry per tag; then load it as any layout.
test_load_reads_docker_s_archive() {
	layout "$T/L" two --cmd '["cat", "/etc/only"]' "$HELPERS/../images/busybox.tar" \
		'top:etc/only=from-the-top-layer'
	skopeo copy --quiet "oci:$T/L:two" "docker-archive:$T/d.tar:docker.io/library/web:1.0" ||
		fail "skopeo could not write a docker-archive"
	mydocker load -i "$T/d.tar"
	expect_status 0
	expect_stdout "Loaded image: web:1.0"
	mydocker run --rm web:1.0
	expect_status 0
	expect_stdout "from-the-top-layer"
	expect_eq "the image's id" "sha256:$(tar -xOf "$T/d.tar" manifest.json | jq -r '.[0].Config' | cut -d. -f1)" \
		"$(jq -r .id "$MYDOCKER_ROOT/images/web%3A1.0.json")"
	mydocker rmi web:1.0
	expect_status 0
	gzip -c "$T/d.tar" >"$T/d.tar.gz"
	STDIN=$T/d.tar.gz mydocker load
	expect_status 0
	expect_stdout "Loaded image: web:1.0"
	expect_eq "layers stored" 2 "$(ls "$MYDOCKER_ROOT/layers" | grep -vc '^\.')"
	mydocker rmi web:1.0
	expect_status 0
	mkdir "$T/d" && tar -xf "$T/d.tar" -C "$T/d" || fail "tar could not unpack the archive"
	local before
	before=$(find "$T/d" | sort)
	mydocker load -i "$T/d"
	expect_status 0
	expect_stdout "Loaded image: web:1.0"
	expect_eq "the directory load read (only read)" "$before" "$(find "$T/d" | sort)"
	mydocker run --rm web:1.0
	expect_stdout "from-the-top-layer"
}

# A docker archive whose manifest.json names a file outside it (a path
# that climbs out, a symlink of the archive to a host file) is refused
# and leaves nothing: the host's file is never read as a layer.
# hint: file_below(): realpath(3) of what manifest.json names must stay below the unpacked archive, and be a regular file.
test_a_docker_archive_that_leads_out_is_refused() {
	local how
	for how in climbs symlink; do
		python3 - "$T/$how.tar" "$how" <<'PY' || fail "python3 could not make the archive"
import io, json, sys, tarfile
t = tarfile.open(sys.argv[1], "w")
def add(name, data=b"", link=None):
    i = tarfile.TarInfo(name)
    if link:
        i.type, i.linkname = tarfile.SYMTYPE, link
    i.size = 0 if link else len(data)
    t.addfile(i, None if link else io.BytesIO(data))
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode()
add("c.json", config)
layer = "../../../../etc/hostname" if sys.argv[2] == "climbs" else "l.tar"
if sys.argv[2] == "symlink":
    add("l.tar", link="/etc/hostname")
add("manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["evil:1"], "Layers": [layer]}]).encode())
PY
		mydocker load -i "$T/$how.tar"
		expect_status 125
		expect_one_error_line "not a file of the archive"
		expect_eq "what $how left in layers/ and blobs/" ".lock" \
			"$(ls -A "$MYDOCKER_ROOT/layers" "$MYDOCKER_ROOT/blobs/sha256" | grep -v ':$' | grep .)"
		[ ! -e "$MYDOCKER_ROOT/images/evil%3A1.json" ] || fail "the $how archive became an image"
	done
}

# inspect prints what docker image inspect shows: the id images shows (in
# full), the name with its tag, the config with the ports it exposes, the
# layers' diff ids; an image of one tar shows its command and its tar.
# hint: inspect_image(): images/NAME.json's "config" and "layers" (a loaded image), or its "cmd" and the tar's sha256; the id from image_id().
test_inspect_shows_the_image_s_config() {
	layout "$T/L" web --cmd '["httpd", "-f"]' --config '{"ExposedPorts": {"80/tcp": {}}, "StopSignal": "SIGQUIT"}' \
		"$HELPERS/../images/busybox.tar"
	mydocker load -i "$T/L"
	expect_status 0
	mydocker inspect web
	expect_status 0
	jq -e . "$T/stdout" >/dev/null || fail "inspect printed no JSON: $(stdout)"
	expect_eq "RepoTags" '["web:latest"]' "$(jq -c '.[0].RepoTags' "$T/stdout")"
	expect_eq "ExposedPorts" '["80/tcp"]' "$(jq -c '.[0].Config.ExposedPorts | keys' "$T/stdout")"
	expect_eq "StopSignal" SIGQUIT "$(jq -r '.[0].Config.StopSignal' "$T/stdout")"
	expect_eq "Cmd" '["httpd","-f"]' "$(jq -c '.[0].Config.Cmd' "$T/stdout")"
	expect_eq "layers" 1 "$(jq '.[0].RootFS.Layers | length' "$T/stdout")"
	expect_eq "the id" "$(jq -r .id "$MYDOCKER_ROOT/images/web.json")" "$(jq -r '.[0].Id' "$T/stdout")"
	mydocker inspect busybox:latest
	expect_status 0
	expect_eq "busybox's Cmd and layer" "[\"sh\"] sha256:$(sha256sum <"$MYDOCKER_ROOT/images/busybox.tar" | cut -d' ' -f1)" \
		"$(jq -c '.[0].Config.Cmd' "$T/stdout") $(jq -r '.[0].RootFS.Layers[0]' "$T/stdout")"
	local id
	mydocker images
	id=$(awk '$1 == "busybox" { print $3 }' "$T/stdout")
	mydocker inspect busybox
	expect_eq "the id images shows" "$id" "$(jq -r '.[0].Id' "$T/stdout" | cut -c8-19)"
	mydocker inspect nosuch
	expect_status 125
	expect_one_error_line "no such image: nosuch"
}

# podman, a real caller, reads what save writes (and gives the image the
# id images shows), and load reads what podman save writes in docker's
# format. podman keeps its store, its state and its network config in
# the scenario's own dirs (vfs: no mounts), so nothing is left.
# hint: save's OCI layout is what podman load reads; docker_archive_to_layout() reads podman save --format docker-archive.
test_podman_loads_what_save_writes_and_back() {
	command -v podman >/dev/null || fail "podman is not installed (tools/ensure-deps installs it)"
	local id
	local -a podman=(podman --root "$T/podman" --runroot "$T/podman-run" --tmpdir "$T/podman-tmp"
		--storage-driver vfs --events-backend none --cgroup-manager cgroupfs
		--network-backend cni --network-config-dir "$T/podman-net")
	mydocker save -o "$T/bb.tar" busybox
	expect_status 0
	"${podman[@]}" load -i "$T/bb.tar" >"$T/podman.out" 2>&1 || fail "podman load: $(cat "$T/podman.out")"
	mydocker images
	id=$(awk '$1 == "busybox" { print $3 }' "$T/stdout")
	expect_eq "podman's id of the image" "$id" "$("${podman[@]}" images --format '{{.ID}}' localhost/busybox)"
	"${podman[@]}" save --format docker-archive -o "$T/podman.tar" localhost/busybox:latest >"$T/podman.out" 2>&1 ||
		fail "podman save: $(cat "$T/podman.out")"
	mydocker load -i "$T/podman.tar"
	expect_status 0
	expect_stdout "Loaded image: localhost/busybox"
	mydocker run --rm localhost/busybox echo from-podman
	expect_status 0
	expect_stdout "from-podman"
}
