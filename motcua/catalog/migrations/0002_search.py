# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue search (docs/search.md): synonyms table seeded from catalog/data/synonyms.json, and the
full-text index of Procedure.search_text for the database in use.

- PostgreSQL: pg_trgm and unaccent extensions; a tsvector column search_document, unknown to the Django
  model, kept by a BEFORE INSERT/UPDATE trigger and indexed with GIN; a GIN trigram index on search_text.
- SQLite: an FTS5 table (head = folded code + name, tail = folded field + keywords) kept in sync by
  triggers on catalog_procedure, and an fts5vocab table over it (the vocabulary for typo tolerance).

Warning for later migrations on SQLite: Django rebuilds a table to alter it ("remake"), which drops its
triggers. A migration that alters catalog_procedure must run SQLITE_TRIGGERS again
(test_search_index.py fails otherwise).
"""

import json
import re
from pathlib import Path

from django.db import migrations, models

from motcua.core.text import fold

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.json"
WORD = re.compile(r"[a-z0-9]+")

# search_document: weight A = the head (folded code + name), B = the tail (field + keywords), so that a phrase
# can be looked for in the name only; kept by a trigger rather than a generated column so that a later
# ALTER COLUMN of code, name or search_text (a longer max_length) is not refused by PostgreSQL.
POSTGRES_DOCUMENT = (
    "setweight(to_tsvector('simple'::regconfig, regexp_replace("
    "substr(NEW.search_text, 1, length(NEW.code) + 1 + length(NEW.name)), '[^a-z0-9]+', ' ', 'g')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, regexp_replace("
    "substr(NEW.search_text, length(NEW.code) + length(NEW.name) + 2), '[^a-z0-9]+', ' ', 'g')), 'B')"
)
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE catalog_procedure ADD COLUMN IF NOT EXISTS search_document tsvector",
    "CREATE OR REPLACE FUNCTION catalog_procedure_search_document() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN NEW.search_document := {POSTGRES_DOCUMENT}; RETURN NEW; END $$",
    "DROP TRIGGER IF EXISTS catalog_procedure_search_document ON catalog_procedure",
    "CREATE TRIGGER catalog_procedure_search_document BEFORE INSERT OR UPDATE OF search_text, code, name "
    "ON catalog_procedure FOR EACH ROW EXECUTE FUNCTION catalog_procedure_search_document()",
    "UPDATE catalog_procedure SET search_text = search_text",
    # fastupdate off: the catalogue is written rarely and read on every search; a GIN pending list would
    # be scanned linearly by every search until the next vacuum.
    "CREATE INDEX IF NOT EXISTS catalog_procedure_search_document ON catalog_procedure USING gin "
    "(search_document) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS catalog_procedure_search_trgm ON catalog_procedure USING gin "
    "(search_text gin_trgm_ops) WITH (fastupdate = off)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_procedure_search_trgm",
    "DROP INDEX IF EXISTS catalog_procedure_search_document",
    "DROP TRIGGER IF EXISTS catalog_procedure_search_document ON catalog_procedure",
    "DROP FUNCTION IF EXISTS catalog_procedure_search_document()",
    "ALTER TABLE catalog_procedure DROP COLUMN IF EXISTS search_document",
]

# head: folded code + name (search_text starts with them, fold keeps their length); tail: field + keywords.
_HEAD = "substr({row}.search_text, 1, length({row}.code) + 1 + length({row}.name))"
_TAIL = "substr({row}.search_text, length({row}.code) + length({row}.name) + 2)"
_INSERT = ("INSERT INTO catalog_procedure_fts(rowid, head, tail) VALUES "
           f"(new.id, {_HEAD.format(row='new')}, {_TAIL.format(row='new')});")
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_update",
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_delete",
    f"CREATE TRIGGER catalog_procedure_fts_insert AFTER INSERT ON catalog_procedure BEGIN {_INSERT} END",
    "CREATE TRIGGER catalog_procedure_fts_update AFTER UPDATE OF search_text, code, name ON catalog_procedure "
    f"BEGIN DELETE FROM catalog_procedure_fts WHERE rowid = old.id; {_INSERT} END",
    "CREATE TRIGGER catalog_procedure_fts_delete AFTER DELETE ON catalog_procedure "
    "BEGIN DELETE FROM catalog_procedure_fts WHERE rowid = old.id; END",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_procedure_fts USING fts5(head, tail, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_procedure_fts_vocab USING fts5vocab(catalog_procedure_fts, 'row')",
    *SQLITE_TRIGGERS,
    "DELETE FROM catalog_procedure_fts",
    "INSERT INTO catalog_procedure_fts(rowid, head, tail) SELECT p.id, "
    f"{_HEAD.format(row='p')}, {_TAIL.format(row='p')} FROM catalog_procedure p",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_update",
    "DROP TRIGGER IF EXISTS catalog_procedure_fts_delete",
    "DROP TABLE IF EXISTS catalog_procedure_fts_vocab",
    "DROP TABLE IF EXISTS catalog_procedure_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)
    return run


def _normalize(text: str) -> str:
    return " ".join(WORD.findall(fold(text)))


def synonyms_seed(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    rows = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))["synonyms"]
    pairs = {(_normalize(row["phrase"]), _normalize(row.get("expansion", ""))) for row in rows}
    SearchSynonym.objects.bulk_create(
        [SearchSynonym(phrase=phrase, expansion=expansion) for phrase, expansion in sorted(pairs) if phrase],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('phrase', models.CharField(max_length=100, verbose_name='cụm từ người dân gõ')),
                ('expansion', models.CharField(blank=True, help_text='Để trống nếu cụm từ chỉ là từ đệm, bỏ qua khi tìm.', max_length=255, verbose_name='cách gọi trong danh mục')),
            ],
            options={
                'verbose_name': 'từ đồng nghĩa tìm kiếm',
                'verbose_name_plural': 'từ đồng nghĩa tìm kiếm',
                'ordering': ['phrase', 'expansion'],
                'constraints': [models.UniqueConstraint(fields=('phrase', 'expansion'), name='search_synonym_unique')],
            },
        ),
        migrations.RunPython(synonyms_seed, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
