#!/usr/bin/env bash
# Refresh the Mermaid renderer shipped with the docs (docs/assets/javascripts/mermaid.min.js).
# Material for MkDocs would otherwise load Mermaid from a CDN, so diagrams would not render
# offline. Major version 11 is the one Material 9.x expects. Usage: scripts/vendor_mermaid.sh [VERSION]
set -euo pipefail
version="${1:-11}"
here="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "mermaid@${version}" >/dev/null && tar xzf mermaid-*.tgz package/dist/mermaid.min.js package/LICENSE package/package.json)
cp "$tmp/package/dist/mermaid.min.js" "$here/docs/assets/javascripts/mermaid.min.js"
cp "$tmp/package/LICENSE" "$here/docs/assets/javascripts/mermaid.LICENSE"
python3 -c "import json,sys; print('vendored mermaid', json.load(open(sys.argv[1]))['version'])" "$tmp/package/package.json"
