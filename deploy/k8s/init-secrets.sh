#!/usr/bin/env bash
# Prepares an overlay's secret files, once: copies each secrets/*.env.example to *.env (edit
# them afterwards) and generates the gateway's Ed25519 key pair for the internal identity
# token. Never overwrites an existing file.   Usage: deploy/k8s/init-secrets.sh overlays/production
set -euo pipefail
overlay="${1:?usage: init-secrets.sh OVERLAY_DIR}"
case "$overlay" in /*) ;; *) overlay="$(cd "$(dirname "$0")" && pwd)/$overlay" ;; esac
secrets="$overlay/secrets"
umask 077
for example in "$secrets"/*.env.example; do
  target="${example%.example}"
  if [ ! -e "$target" ]; then
    cp "$example" "$target"
    echo "wrote $target (edit the values)"
  fi
done
private="$secrets/internal-token-private.pem"
public="$secrets/internal-token-public.pem"
if [ ! -e "$private" ]; then
  openssl genpkey -algorithm ed25519 -out "$private"
  rm -f "$public"
  echo "wrote $private"
fi
if [ ! -e "$public" ]; then
  openssl pkey -in "$private" -pubout -out "$public"
  echo "wrote $public"
fi
