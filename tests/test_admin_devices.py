"""Admin pages: enrol and revoke laptops, reset a password; each is audited like the command line does."""

from __future__ import annotations

import re

from central_helpers import PASSWORD, logged_in, login

from sync import audit, devices


def test_an_admin_enrols_a_laptop_and_sees_its_code_once_with_a_qr_code(central_app, cdb):
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/enheter", data={"device": "lund-anna"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    code = re.search(r'<code class="enrol-code">([^<]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml' in page and "Registreringskoden som QR-kod" in page
    (device,) = devices.list_devices(cdb)
    assert device.name == "lund-anna" and device.id in code
    entry = audit.entries(cdb, action="device_enrolled")[0]
    assert (entry["actor"], entry["target"]) == ("ada", "lund-anna")
    assert code not in admin.get("/admin/anvandare").get_data(as_text=True), "the list never shows the code"
    assert code not in str(audit.entries(cdb, limit=50)), "nor does the audit log"


def test_an_admin_revokes_a_laptop_from_the_page(central_app, cdb):
    devices.enrol(cdb, "lund-anna", actor="test")
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/enheter/aterkalla", data={"device": "lund-anna"}, follow_redirects=True)
    assert "Enheten lund-anna är återkallad" in response.get_data(as_text=True)
    assert devices.list_devices(cdb)[0].revoked
    assert audit.entries(cdb, action="device_revoked")[0]["actor"] == "ada"


def test_enrolling_a_name_twice_says_so_on_the_page(central_app, cdb):
    devices.enrol(cdb, "lund-anna", actor="test")
    admin = logged_in(central_app, "admin")
    page = admin.post("/admin/enheter", data={"device": "lund-anna"}, follow_redirects=True).get_data(as_text=True)
    assert "En enhet som heter lund-anna är redan registrerad" in page and len(devices.list_devices(cdb)) == 1


def test_an_admin_resets_a_password_and_the_old_sessions_end(central_app, cdb):
    eva = logged_in(central_app, "eva")
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/anvandare/losenord", data={"name": "eva", "password": "ett nytt långt lösenord",
                                                             "password_again": "ett nytt långt lösenord"},
                          follow_redirects=True)
    assert "Lösenordet för eva är bytt" in response.get_data(as_text=True)
    assert eva.get("/granskning/").status_code == 302
    assert login(central_app.test_client(), "eva", "ett nytt långt lösenord").status_code == 302
    assert audit.entries(cdb, action="password_changed")[0]["actor"] == "ada"


def test_only_admins_manage_devices_and_passwords(central_app, cdb):
    evaluator = logged_in(central_app, "evaluator")
    assert evaluator.post("/admin/enheter", data={"device": "x"}).status_code == 403
    assert evaluator.post("/admin/enheter/aterkalla", data={"device": "x"}).status_code == 403
    assert evaluator.post("/admin/anvandare/losenord", data={"name": "ada", "password": "x" * 12,
                                                            "password_again": "x" * 12}).status_code == 403
    assert devices.list_devices(cdb) == []
