# SPDX-License-Identifier: AGPL-3.0-or-later
"""The full-text index behind catalog.search: created by migrations 0002 and 0003, kept by triggers, used by
the queries. One test per database where the objects differ; the behaviour tests run on both."""

import pytest
from django.db import connection

from motcua.catalog.models import Procedure
from motcua.catalog.search import PG_MATCH, SQLITE_MATCH, procedure_search, search_index_rebuild
from motcua.catalog.tests.test_search import catalogue_import, record

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 objects")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@sqlite_only
def test_sqlite_fts_triggers_survive_every_migration():
    """Django rebuilds a SQLite table to alter it and drops its triggers: a later migration of
    catalog_procedure must create them again (see 0003_search_vocabulary_token)."""
    triggers = {name for (name,) in _rows("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND tbl_name = 'catalog_procedure'")}
    assert {"catalog_procedure_fts_insert", "catalog_procedure_fts_update",
            "catalog_procedure_fts_delete"} <= triggers


@pytest.mark.postgres
@postgres_only
def test_postgres_trigger_and_indexes_exist():
    triggers = {name for (name,) in _rows("SELECT tgname FROM pg_trigger "
                                          "WHERE tgrelid = 'catalog_procedure'::regclass")}
    assert {"catalog_procedure_search_document", "catalog_search_state_touch"} <= triggers
    indexes = {name for (name,) in _rows("SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_procedure'")}
    assert {"catalog_procedure_search_document", "catalog_procedure_search_trgm"} <= indexes
    assert {name for (name,) in _rows("SELECT extname FROM pg_extension")} >= {"pg_trgm", "unaccent"}


def _plan(condition: str, expression: str) -> str:
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    rows = _rows(prefix + 'SELECT "catalog_procedure"."id" FROM catalog_procedure WHERE ' + condition, [expression])
    return "\n".join(str(row) for row in rows)


@sqlite_only
def test_sqlite_search_goes_through_the_fts5_index():
    catalogue_import()
    assert "catalog_procedure_fts VIRTUAL TABLE INDEX" in _plan(SQLITE_MATCH, '("dang" AND "ky")')


@pytest.mark.postgres
@postgres_only
def test_postgres_search_can_use_the_gin_index():
    catalogue_import()
    _rows("SET LOCAL enable_seqscan = off")  # a table this small is scanned otherwise
    assert "Bitmap Index Scan on catalog_procedure_search_document" in _plan(PG_MATCH, "('dang' & 'ky')")


def test_each_write_reaches_the_index():
    catalogue_import([record("1.100001", "Thủ tục đăng ký nuôi ong mật", "HOTICH", 1)])
    assert [p.code for p in procedure_search(q="nuoi ong").results] == ["1.100001"]
    Procedure.objects.filter(code="1.100001").update(search_text="1.100001 thu tuc dang ky nuoi ca ho tich")
    assert procedure_search(q="nuoi ong").count == 0 and procedure_search(q="nuoi ca").count == 1
    Procedure.objects.filter(code="1.100001").delete()
    assert procedure_search(q="nuoi ca").count == 0


def test_the_typo_vocabulary_follows_the_catalogue():
    catalogue_import([record("1.100001", "Thủ tục đăng ký nuôi ong mật", "HOTICH", 1)])
    assert procedure_search(q="nuoi ong matt").count == 1  # vocabulary read
    catalogue_import([record("1.100002", "Thủ tục cấp phép khai thác yến sào", "HOTICH", 1)])
    assert [p.code for p in procedure_search(q="khai thac yen saoo").results] == ["1.100002"]  # read again


def test_rebuilding_the_index_keeps_search_working():
    catalogue_import()
    assert search_index_rebuild() == Procedure.objects.count()
    assert procedure_search(q="dang ky ket hom").results[0].code == "1.000894"


@sqlite_only
def test_sqlite_rebuild_refills_an_emptied_fts_table():
    catalogue_import()
    _rows("DELETE FROM catalog_procedure_fts")
    assert procedure_search(q="ket hon").count == 0
    search_index_rebuild()
    assert procedure_search(q="ket hon").results[0].code == "1.000894"
