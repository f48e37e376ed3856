"""A browser's device sends only its own user's revisions (a browser may be shared by several interviewers).

The bundles are written by a laptop store whose device the central then treats as a browser's, by
setting `sync_devices.user_name` as `devices.enrol_browser` does.
"""

from __future__ import annotations

from sync import store
from sync.bundle import write_bundle
from sync.ingest import ingest


def _two_interviews(laptop) -> tuple[str, str]:
    """One interview completed by ivar and one by inez, in the same store (as in one shared browser)."""
    ivars = store.create_submission(laptop, "kub-webbenkat", "2480", interviewer="ivar")
    store.complete_submission(laptop, ivars, {"lok.har_lok": "nej"}, author="ivar")
    inez = store.create_submission(laptop, "kub-webbenkat", "0180", interviewer="inez")
    store.complete_submission(laptop, inez, {"lok.har_lok": "ja"}, author="inez")
    return ivars, inez


def test_a_browser_device_may_send_only_revisions_by_its_enrolled_user(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "webb-ivar")
    ivars, inez = _two_interviews(laptop)
    central.execute("update sync_devices set user_name = 'ivar' where name = 'webb-ivar'")
    central.conn.commit()
    result = ingest(central, write_bundle(laptop, tmp_path / "shared.fkb").path)
    assert (result.counts["new"], result.counts["rejected"]) == (1, 1)
    inez_revision = laptop.execute("select id from revisions where submission_uuid = ?", [inez]).fetchone()[0]
    assert result.rejected == [(inez_revision, "its author is 'inez', but this browser's device webb-ivar is "
                                               "enrolled for 'ivar': each user sends their own interviews")]
    assert [row["uuid"] for row in central.query("select uuid from submissions")] == [ivars]
    assert store.get_submission(central, ivars).interviewer == "ivar"


def test_a_browser_revision_naming_no_author_is_refused_and_a_laptop_is_not_checked(tmp_path, make_central,
                                                                                    make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    ivars, _inez = _two_interviews(laptop)
    laptop.execute("update revisions set author = null where submission_uuid = ?", [ivars])
    laptop.conn.commit()
    bundle = write_bundle(laptop, tmp_path / "anna.fkb").path
    central.execute("update sync_devices set user_name = 'ivar' where name = 'anna'")
    central.conn.commit()
    result = ingest(central, bundle)
    assert result.counts["rejected"] == 2
    reasons = sorted(reason.split(",")[0] for _rid, reason in result.rejected)
    assert reasons == ["its author is 'inez'", "its author is None"]
    central.execute("update sync_devices set user_name = null where name = 'anna'")  # a laptop: any author
    central.conn.commit()
    assert ingest(central, bundle).counts["new"] == 2
