#!/usr/bin/env bash
# Autogenerate a migration from the models: scripts/new-migration.sh 0002 "what it adds" [BASE]
# Each domain starts its own branch off the foundation (BASE defaults to 0001); later migrations of the
# same domain pass the revision they follow, e.g. scripts/new-migration.sh 0005 "more" 0003.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="$1"; msg="$2"
tmp=$(mktemp -d)
.venv/bin/python - "$tmp" "$rev" "$msg" "${3:-0001}" <<'PY'
import sys
from alembic import command
from config.settings import DatabaseSettings
from db.session import make_engine
from runtime.migrate import alembic_config, upgrade
tmp, rev, msg, base = sys.argv[1:]
engine = make_engine(DatabaseSettings(url=f"sqlite:///{tmp}/gen.db"))
upgrade(engine)
command.revision(alembic_config(engine), message=msg, autogenerate=True, rev_id=rev, head=base, splice=True)
PY
f=$(ls runtime/migrations/versions/${rev}_*.py)
sed -i 's/db\.base\.UTCDateTime(timezone=True)/sa.DateTime(timezone=True)/g' "$f"
.venv/bin/ruff format -q "$f"
echo "check that $f holds only your domain's tables (models of others without a migration yet show up too)"
rm -rf "$tmp"
echo "$f"
