# Shared by ./scripts/test, ./scripts/demo, ./scripts/fuzz and bench/*:
# install what a fresh Debian 12 lacks, fetch the npm packages, build.
# Source it from the repository root.

ECC_ROOT=$(pwd)
# mosquitto and gpsd live in /usr/sbin, which a normal user's PATH lacks.
PATH=$PATH:/usr/sbin:/sbin
export PATH


# Debian packages ECC needs to build, test and run the demo.
ECC_DEBS="build-essential cmake pkg-config clang libclang-rt-14-dev clang-format
 libglib2.0-dev libwebsockets-dev libwebsockets-evlib-glib libmosquitto-dev
 mosquitto mosquitto-clients libcjson-dev libsodium-dev libsqlite3-dev sqlite3 libcsv-dev
 libarchive-dev libssl-dev
 gpsd gpsd-clients python3 chromium fonts-noto-cjk iproute2 util-linux
 procps ca-certificates openssl
 libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstrtspserver-1.0-dev
 libgstreamer-plugins-bad1.0-dev libnice-dev gstreamer1.0-nice
 gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
 gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x
 libpango1.0-dev libcairo2-dev libfontconfig-dev ffmpeg nginx libnginx-mod-rtmp"

ecc_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
ecc_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ecc_install_deps() {
	missing=""
	for p in $ECC_DEBS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing="$missing $p"
	done
	if ! command -v node >/dev/null 2>&1; then missing="$missing nodejs npm"; fi
	if [ -n "$missing" ]; then
		ecc_log "installing Debian packages:$missing"
		ecc_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
		# shellcheck disable=SC2086
		ecc_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing
	fi
	# Debian starts mosquitto and gpsd as services on install; ECC runs its
	# own instances on its own ports, so those are left alone.
}

ecc_npm_ci() {
	stamp=node_modules/.ecc-lock
	if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
		ecc_log "installing npm packages (npm ci)"
		npm ci --no-audit --no-fund --loglevel=error
		cp package-lock.json "$stamp"
	fi
}

# ecc_build TYPE DIR [cmake args...]
ecc_build() {
	type=$1 dir=$2
	shift 2
	ecc_log "building $type in $dir"
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
	# shellcheck disable=SC2086
	cmake --build "$dir" -j "$(nproc)" ${ECC_TARGETS:+--target $ECC_TARGETS}
}
