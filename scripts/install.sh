#!/usr/bin/env bash
# Installs the Anjungan kiosk on Raspberry Pi OS Bookworm (Lite). Idempotent: run it again after
# an update; it changes only what differs and says what it changed.
#
#   sudo scripts/install.sh              install / update from this checkout
#   scripts/install.sh --dry-run         print what would change, change nothing (no root needed)
#
# Steps: system packages, Node.js >= 20.9, the `anjungan` service user in the device groups, the
# application in /opt/anjungan (+ /usr/local/bin/anjungan), the pcscd polkit rule, the pn533_usb
# blacklist, GPIO pull-ups in /boot/firmware/config.txt, the systemd unit; then `anjungan selftest`.
set -euo pipefail

APP_USER=anjungan
DRY_RUN=0
PREFIX=""          # a fake root for tests: every path written is under it
SKIP_SELFTEST=0
NODE_MAJOR=20
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
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --prefix) PREFIX="${2:?--prefix needs a directory}"; shift ;;
    --skip-selftest) SKIP_SELFTEST=1 ;;
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

# --- 2. Node.js >= 20.9 (Bookworm ships 18) ------------------------------------------------------
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=9)?0:1)'
}
install_node() {
  if ! system_changes; then say "skip: Node.js (--prefix)"; return 0; fi
  if node_ok; then say "ok: node $(node --version)"; return 0; fi
  change "install Node.js ${NODE_MAJOR}.x from the NodeSource apt repository"
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
    rsync -a --delete --exclude node_modules --exclude .git --exclude var --exclude dist \
      --exclude .install-stamp "$src/" "$dest/"
  else
    find "$dest" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name dist -exec rm -rf {} +
    (cd "$src" && tar -cf - --exclude=./node_modules --exclude=./.git --exclude=./var --exclude=./dist .) \
      | (cd "$dest" && tar -xf -)
  fi
}

# What an installed copy was built from: sources, lock file, unit and docs.
source_stamp() {
  local paths=() p
  for p in bin src data systemd docs package.json package-lock.json tsconfig.json tsconfig.build.json; do
    [[ -e "$SRC_DIR/$p" ]] && paths+=("$p")
  done
  (cd "$SRC_DIR" && find "${paths[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
install_app() {
  local dest="$PREFIX/opt/anjungan" stamp
  # What the installed copy was built from: sources, lock file and unit.
  stamp="$(source_stamp)"
  if [[ -f "$dest/.install-stamp" ]] && [[ "$(cat "$dest/.install-stamp")" == "$stamp" ]]; then
    say "ok: /opt/anjungan is up to date"
  else
    change "install the application in /opt/anjungan (npm ci, build)"
    if [[ $DRY_RUN -eq 0 ]]; then
      mkdir -p "$dest"
      copy_tree "$SRC_DIR" "$dest"
      if system_changes; then
        (cd "$dest" && npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev --no-audit --no-fund)
      fi
      chmod 755 "$dest/bin/anjungan.js"
      printf '%s\n' "$stamp" > "$dest/.install-stamp"
    fi
  fi
  if [[ "$(readlink "$PREFIX/usr/local/bin/anjungan" 2>/dev/null || true)" != /opt/anjungan/bin/anjungan.js ]]; then
    change "link /usr/local/bin/anjungan -> /opt/anjungan/bin/anjungan.js"
    if [[ $DRY_RUN -eq 0 ]]; then
      mkdir -p "$PREFIX/usr/local/bin"
      ln -sfn /opt/anjungan/bin/anjungan.js "$PREFIX/usr/local/bin/anjungan"
    fi
  else
    say "ok: /usr/local/bin/anjungan"
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
  block="# BEGIN anjungan (scripts/install.sh): kiosk buttons
gpio=${pins}=ip,${pull}
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

# --- 8. the systemd unit -------------------------------------------------------------------------
install_unit() {
  local unit=/etc/systemd/system/anjungan.service
  put_file "$unit" 644 "$(cat "$SRC_DIR/systemd/anjungan.service")"
  system_changes || return 0
  run systemctl daemon-reload
  if ! systemctl is-enabled --quiet anjungan 2>/dev/null; then
    change "enable anjungan.service"
    run systemctl enable anjungan.service
  fi
  if [[ -f /etc/anjungan/config.json ]]; then
    change "(re)start anjungan.service"
    run systemctl restart anjungan.service
  else
    say "next: sudo anjungan provision … then sudo systemctl start anjungan"
  fi
}

# --- 9. selftest ---------------------------------------------------------------------------------
run_selftest() {
  if [[ $SKIP_SELFTEST -eq 1 ]]; then say "skip: selftest"; return 0; fi
  if [[ $DRY_RUN -eq 1 ]]; then say "would run: anjungan selftest"; return 0; fi
  if ! system_changes; then say "skip: selftest (--prefix)"; return 0; fi
  local args=()
  [[ -f /etc/anjungan/config.json ]] && args=(--config /etc/anjungan/config.json)
  say "running: anjungan selftest ${args[*]}"
  if runuser -u "$APP_USER" -- /usr/local/bin/anjungan selftest "${args[@]}"; then
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
install_polkit_rule
install_blacklist
install_gpio_pullups
install_unit
if [[ $DRY_RUN -eq 1 ]]; then
  say "DRY RUN done: $CHANGES change(s) would be made"
  run_selftest
  exit 0
fi
say "done: $CHANGES change(s)"
run_selftest
