"""Every action the code writes to the audit log has a name in the reader's language: the log page never
shows a bare code for an event the application itself wrote."""

import ast
import importlib
import re
from pathlib import Path

import pytest

from gridwatch.audit.labels import ACTION_GROUPS, ACTION_LABELS, action_choices, action_label
from gridwatch.audit.models import AuditEvent
from gridwatch.conftest import seeded_demo

ROOT = Path(__file__).resolve().parents[2]  # the gridwatch package
CODE = re.compile(r"[a-z_]+(\.[a-z_]+)+")

# Where ``action`` is a variable rather than a value: the values reach it through calls found below
# (``triage._move(action=...)``) or are built from a prefix that ``action_label`` names as a whole.
DYNAMIC = {
    "cases/triage.py": "its callers pass the action, collected with the other literal actions",
    "core/admin_audit.py": "admin.<model>.<verb>, named by the admin. prefix",
}


def _module_name(path):
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)


def _resolve(node, module):
    """The strings an ``action=`` expression can take, or ``None`` when it is a variable of the function."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _resolve(node.body, module), _resolve(node.orelse, module)
        return None if body is None or orelse is None else body | orelse
    if isinstance(node, ast.Name):
        value = getattr(importlib.import_module(module), node.id, None)
        return {value} if isinstance(value, str) else None
    if isinstance(node, ast.Attribute):
        names = []
        while isinstance(node, ast.Attribute):
            names.insert(0, node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        value = getattr(importlib.import_module(module), node.id, None)
        for name in names:
            value = getattr(value, name, None)
        return {value} if isinstance(value, str) else None
    return None


def written_actions():
    """``(actions, unresolved)``: every audit code passed as ``action=`` in the application's code (not its
    tests or migrations), and the ``audit_log`` calls whose action could not be read from the source."""
    actions, unresolved = set(), []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            for keyword in node.keywords:
                if keyword.arg != "action":
                    continue
                values = _resolve(keyword.value, _module_name(path))
                if values is None:
                    if name == "audit_log" and relative not in DYNAMIC:
                        unresolved.append(f"{relative}:{node.lineno}")
                    continue
                actions |= {v for v in values if CODE.fullmatch(v)}
    return actions, unresolved


def test_it_finds_the_actions_written_through_constants_and_conditions():
    """The scan itself: literals, constants of another module and both branches of a condition."""
    actions, _unresolved = written_actions()
    assert {
        "report.submit",  # a literal
        "report.identity_reveal",  # IDENTITY_REVEAL, imported from cases.selectors
        "report.reporter_attachment",  # attachment_store.REPORTER_ATTACHMENT
        "user.enable",  # "user.enable" if active else "user.disable"
        "user.disable",
        "report.reroute",  # passed to triage._move, which writes it
    } <= actions


def test_it_names_every_action_the_code_writes():
    actions, unresolved = written_actions()
    assert not unresolved, f"audit_log calls whose action the test cannot read: {unresolved}"
    missing = sorted(code for code in actions if code not in ACTION_LABELS)
    assert not missing, f"add these actions to ACTION_LABELS in gridwatch/audit/labels.py: {missing}"


def test_it_names_the_changes_made_in_the_admin_by_their_prefix():
    assert action_label("admin.area.update") != "admin.area.update"
    assert action_label("admin.user.password_change") == ACTION_LABELS["admin.user.password_change"]


def test_it_puts_every_labelled_action_in_a_section_of_the_filter():
    prefixes = {prefix for _label, group in ACTION_GROUPS for prefix in group}
    assert not sorted(code for code in ACTION_LABELS if code.split(".", 1)[0] not in prefixes)
    offered = [code for _group, items in action_choices() for code, _label in items]
    assert sorted(offered) == sorted([*ACTION_LABELS, "admin."])


@pytest.fixture(scope="module")
def demo_actions(django_db_setup, django_db_blocker, tmp_path_factory):
    """The actions the demo seeder records (the demo goes through the services, as users do)."""
    with seeded_demo(django_db_blocker, tmp_path_factory):
        yield set(AuditEvent.objects.values_list("action", flat=True).distinct())


def test_it_names_every_action_the_demo_records(demo_actions, db):
    assert len(demo_actions) > 40
    assert not sorted(code for code in demo_actions if action_label(code) == code)
