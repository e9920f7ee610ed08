"""The directory group → grant table (docs/integration.md): its JSON form,
its mistakes reported at start-up, and which grants a set of groups maps to."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.checks import grant_maps_check
from accounts.directory import GroupGrant, grant_map_parse, wanted_grants

TABLE = """[
  {"group": "CN=WF-HR,OU=Groups,DC=customs,DC=example", "role": "hr", "unit": "5100"},
  {"group": "CN=WF-HR,OU=Groups,DC=customs,DC=example", "role": "hr", "unit": "5300"},
  {"group": "wf-leaders", "role": "leadership", "unit": " 0000 "}
]"""


def test_it_reads_the_table_from_its_json_text():
    grant_map = grant_map_parse(TABLE, setting="LDAP_GRANT_MAP")
    assert grant_map == (
        GroupGrant("CN=WF-HR,OU=Groups,DC=customs,DC=example", "hr", "5100"),
        GroupGrant("CN=WF-HR,OU=Groups,DC=customs,DC=example", "hr", "5300"),
        GroupGrant("wf-leaders", "leadership", "0000"),
    )
    assert grant_map_parse("", setting="LDAP_GRANT_MAP") == ()
    # Group names compared without regard to case; unmapped groups give nothing.
    assert wanted_grants(grant_map, ["cn=wf-hr,ou=groups,dc=customs,dc=example", "cn=other"]) == {
        ("hr", "5100"),
        ("hr", "5300"),
    }
    assert wanted_grants(grant_map, ["WF-Leaders"]) == {("leadership", "0000")}
    assert wanted_grants(grant_map, []) == set()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "LDAP_GRANT_MAP is not valid JSON"),
        ('{"group": "g", "role": "hr", "unit": "5100"}', "LDAP_GRANT_MAP must be a JSON list"),
        ('[{"group": "g", "role": "hr"}]', "LDAP_GRANT_MAP entry 1 needs the texts group, role and unit."),
        (
            '[{"group": "g", "role": "hr", "unit": "1"}, {"group": "g", "role": "boss", "unit": "1"}]',
            "LDAP_GRANT_MAP entry 2: unknown role 'boss' (one of hr, supervision, audit, leadership).",
        ),
    ],
)
def test_it_names_the_mistake_and_the_check_stops_the_start(text, message, settings):
    with pytest.raises(ImproperlyConfigured) as refused:
        grant_map_parse(text, setting="LDAP_GRANT_MAP")
    assert str(refused.value).startswith(message)
    settings.LDAP_GRANT_MAP = text
    errors = grant_maps_check()
    assert [(e.id, e.msg.startswith(message)) for e in errors] == [("accounts.E001", True)]
    settings.LDAP_GRANT_MAP = TABLE
    assert grant_maps_check() == []
