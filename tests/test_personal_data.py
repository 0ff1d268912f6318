"""What the areas declare about people covers every table that names one, and says only
what the tables hold (community/personal_data.py)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlmodel import SQLModel

from community import areas
from community.i18n import using
from community.personal_data import OnErase
from realtime import log as event_log

TABLES: dict[str, Table] = {
    **{str(t.name): t for t in SQLModel.metadata.sorted_tables},
    **{str(t.name): t for t in event_log.metadata.sorted_tables},
}


def _names_a_person(table: Table) -> set[str]:
    """The columns of `table` that hold a user id (or the user table's own key)."""
    if table.name == "user":
        return {"id"}
    return {
        str(column.name)
        for column in table.columns
        if any(fk.column.table.name == "user" for fk in column.foreign_keys)
    }


def test_every_column_holding_a_user_id_is_declared_by_an_area() -> None:
    declared = {(h.name, column) for h in areas.HOLDINGS for column in h.person}
    undeclared = sorted(
        f"{name}.{column}"
        for name, table in TABLES.items()
        for column in _names_a_person(table)
        if (name, column) not in declared
    )
    assert len(declared) >= 20
    assert not undeclared, f"no area declares these: {undeclared}"


def test_each_table_is_declared_once_and_its_columns_exist() -> None:
    names = [h.name for h in areas.HOLDINGS]
    assert len(names) == len(set(names)), "a table is declared twice"
    for holding in areas.HOLDINGS:
        table = TABLES[holding.name]
        columns = {str(c.name) for c in table.columns}
        assert set(holding.person) <= _names_a_person(table), holding.name
        assert set(holding.exported) <= columns, holding.name
        if holding.retention.after is not None:
            assert holding.retention.since in columns, holding.name


def test_an_archive_never_carries_another_persons_id() -> None:
    for holding in areas.HOLDINGS:
        others = _names_a_person(TABLES[holding.name]) - set(holding.person)
        assert not others & set(holding.exported), holding.name


def test_only_tables_that_name_nobody_are_declared_not_linked() -> None:
    for holding in areas.HOLDINGS:
        not_linked = holding.on_erase is OnErase.NOT_LINKED
        assert not_linked == (holding.person == ()), holding.name


def test_every_declaration_reads_in_french_and_english() -> None:
    for locale in ("fr", "en"):
        with using(locale):
            for holding in areas.HOLDINGS:
                texts = (holding.what(), holding.purpose(), holding.recipients())
                assert all(texts), holding.name
                assert holding.retention.describe() and holding.basis.label()
    with using("fr"):
        users = next(h for h in areas.HOLDINGS if h.name == "user")
        assert users.what() != "Your account: name, e-mail address, language, role."
