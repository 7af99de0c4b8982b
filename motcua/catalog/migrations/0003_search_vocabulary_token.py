# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue search: a token that changes with every change of the indexed text (docs/search.md).

catalog_search_state holds one row; triggers on catalog_procedure give it a fresh random token whenever a
procedure's search text, code or name is inserted, changed or deleted. The search module keeps the index's
vocabulary (for typo tolerance) in memory under that token. A random token rather than a counter: a
rolled-back change brings the old token back together with the old words.

On SQLite the FTS triggers of 0002_search are replaced by the same ones plus the token update; these
(SQLITE_TRIGGERS below) are the ones a later migration must create again if it rebuilds catalog_procedure
(Django's SQLite "remake" drops a table's triggers; test_search_index.py fails until they are back).
"""

from django.db import migrations

# head: folded code + name (search_text starts with them, fold keeps their length); tail: field + keywords.
_HEAD = "substr(new.search_text, 1, length(new.code) + 1 + length(new.name))"
_TAIL = "substr(new.search_text, length(new.code) + length(new.name) + 2)"
_INSERT = f"INSERT INTO catalog_procedure_fts(rowid, head, tail) VALUES (new.id, {_HEAD}, {_TAIL});"
_DELETE = "DELETE FROM catalog_procedure_fts WHERE rowid = old.id;"
_TOUCH = "UPDATE catalog_search_state SET token = lower(hex(randomblob(8)));"


def _sqlite_triggers(touch: str) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS catalog_procedure_fts_insert",
        "DROP TRIGGER IF EXISTS catalog_procedure_fts_update",
        "DROP TRIGGER IF EXISTS catalog_procedure_fts_delete",
        f"CREATE TRIGGER catalog_procedure_fts_insert AFTER INSERT ON catalog_procedure BEGIN {_INSERT} {touch} END",
        "CREATE TRIGGER catalog_procedure_fts_update AFTER UPDATE OF search_text, code, name ON catalog_procedure "
        f"BEGIN {_DELETE} {_INSERT} {touch} END",
        f"CREATE TRIGGER catalog_procedure_fts_delete AFTER DELETE ON catalog_procedure BEGIN {_DELETE} {touch} END",
    ]


SQLITE_TRIGGERS = _sqlite_triggers(_TOUCH)
SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS catalog_search_state (id integer PRIMARY KEY CHECK (id = 1), token text NOT NULL)",
    "INSERT OR IGNORE INTO catalog_search_state (id, token) VALUES (1, lower(hex(randomblob(8))))",
    *SQLITE_TRIGGERS,
]
SQLITE_BACKWARD = [*_sqlite_triggers(""), "DROP TABLE IF EXISTS catalog_search_state"]

POSTGRES_FORWARD = [
    "CREATE TABLE IF NOT EXISTS catalog_search_state (id integer PRIMARY KEY CHECK (id = 1), token text NOT NULL)",
    "INSERT INTO catalog_search_state (id, token) VALUES (1, gen_random_uuid()::text) ON CONFLICT DO NOTHING",
    "CREATE OR REPLACE FUNCTION catalog_search_state_touch() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN UPDATE catalog_search_state SET token = gen_random_uuid()::text; RETURN NULL; END $$",
    "DROP TRIGGER IF EXISTS catalog_search_state_touch ON catalog_procedure",
    "CREATE TRIGGER catalog_search_state_touch AFTER INSERT OR UPDATE OF search_text, code, name OR DELETE "
    "OR TRUNCATE ON catalog_procedure FOR EACH STATEMENT EXECUTE FUNCTION catalog_search_state_touch()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_state_touch ON catalog_procedure",
    "DROP FUNCTION IF EXISTS catalog_search_state_touch()",
    "DROP TABLE IF EXISTS catalog_search_state",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_search'),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
