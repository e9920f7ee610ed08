"""The dashboard offers exactly the reports and desks the user may open."""

import pytest

pytestmark = pytest.mark.django_db


def _labels(client, user, unit_code):
    client.force_login(user)
    response = client.get("/", {"unit": unit_code, "year": 2009}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return {link["label"] for link in response.context["links"]}, response


def test_it_offers_leadership_the_pdfs_and_the_composite(client, dora):
    labels, _ = _labels(client, dora, "0000")
    assert {"Unit report (PDF)", "All leader dossiers (zip)", "Composite assessment", "Audit plan"} <= labels
    assert "Integrity-risk alerts" not in labels


def test_it_offers_supervision_the_alert_desk(client, bob):
    labels, _ = _labels(client, bob, "9100")
    assert "Integrity-risk alerts" in labels
    assert "Audit plan" not in labels


def test_it_offers_only_links_that_open(client, alice, bob, dora):
    for user, code in ((alice, "5100"), (bob, "9100"), (dora, "0000")):
        labels, response = _labels(client, user, code)
        for link in response.context["links"]:
            assert client.get(link["url"]).status_code == 200, (user.username, link)
