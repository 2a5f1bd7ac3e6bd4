#!/usr/bin/env bash
# Runs its arguments under a private D-Bus session with an unlocked gnome-keyring (Secret Service) and a throwaway HOME,
# so keychain tests exercise the real OS keychain on a headless Linux box without touching the person's own keyring.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-keyring.sh <command> [args...]" >&2
  exit 2
fi

if [ "${ORGDESK_KEYRING_SESSION:-}" != "1" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "The keychain tests need $tool: install it with 'apt-get install -y dbus gnome-keyring' (Debian/Ubuntu)." >&2
      exit 1
    fi
  done
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/orgdesk-keyring.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p "$scratch/home" "$scratch/runtime"
  chmod 700 "$scratch/runtime"
  status=0
  ORGDESK_KEYRING_SESSION=1 HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/runtime" \
    XDG_DATA_HOME="$scratch/home/.local/share" XDG_CONFIG_HOME="$scratch/home/.config" \
    npm_config_cache="${npm_config_cache:-${HOME}/.npm}" \
    dbus-run-session -- "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the D-Bus session: start the keyring daemon unlocked with a throwaway password, then run the command.
eval "$(printf 'orgdesk-test-keyring' | gnome-keyring-daemon --unlock --components=secrets --daemonize)"
export GNOME_KEYRING_CONTROL
exec "$@"
