"""Brute force (issue 12, item 9): sign-in lockout per username and per address, with an
expiry, an audited unlock by HR, an audited lockout, and Django's password validators."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from kpilib.accounts.errors import AccountError
from kpilib.accounts.services import user_create
from kpilib.audit.models import AuditEvent
from kpilib.audit.origin import SYSTEM, Origin
from tests.factories import make_user

PASSWORD = "pw-123456"  # the factories' password
START = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def sign_in(username: str, password: str, *, address: str = "203.0.113.7", language: str = "en"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response, client


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == "/"


@pytest.fixture
def engineer(db: None):
    return make_user("zhangwei")


def test_thirty_wrong_passwords_then_the_right_one_is_refused(engineer) -> None:
    # given 30 wrong passwords in a row for one account
    with time_machine.travel(START, tick=False):
        for attempt in range(30):
            sign_in("zhangwei", f"wrong-{attempt}")
        # when the right password comes next
        response, _ = sign_in("zhangwei", PASSWORD)
    # then it is refused with the lockout page, and the lockout is audited once, by the system
    assert response.status_code == 429
    assert "Sign-in locked" in response.content.decode()
    lockouts = AuditEvent.objects.filter(object_type="axes.accessattempt", action="update")
    assert lockouts.count() == 1
    event = lockouts.get()
    assert (event.actor, event.origin) == (None, Origin.WEB)
    assert event.changes["locked_out"] == {"before": False, "after": True}


def test_the_lockout_page_is_in_chinese_for_a_chinese_browser(engineer) -> None:
    # given a locked-out account
    for attempt in range(5):
        sign_in("zhangwei", f"wrong-{attempt}", language="zh-Hans")
    # when the right password is tried from a Chinese browser
    response, _ = sign_in("zhangwei", PASSWORD, language="zh-Hans")
    # then the lockout is explained in Chinese, naming the limit and the wait
    page = response.content.decode()
    assert response.status_code == 429
    assert "登录已锁定" in page
    assert "连续 5 次登录失败" in page
    assert "请在 15 分钟后再试" in page


def test_the_lockout_expires_after_the_cool_off(engineer) -> None:
    # given a locked-out account
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            sign_in("zhangwei", f"wrong-{attempt}")
    # when the right password comes 14 minutes later, then 16 minutes later
    with time_machine.travel(START + dt.timedelta(minutes=14), tick=False):
        still_locked, _ = sign_in("zhangwei", PASSWORD)
    with time_machine.travel(START + dt.timedelta(minutes=30), tick=False):
        after_expiry, _ = sign_in("zhangwei", PASSWORD)
    # then it is refused while the lockout lasts, and accepted once it has expired
    assert still_locked.status_code == 429
    assert signed_in(after_expiry)


def test_an_address_trying_many_usernames_is_locked_out(engineer) -> None:
    # given one address guessing the passwords of five different usernames
    for number in range(5):
        sign_in(f"guess{number}", "wrong", address="198.51.100.9")
    # when the real engineer signs in from that address, and from their own
    from_guesser, _ = sign_in("zhangwei", PASSWORD, address="198.51.100.9")
    from_own, _ = sign_in("zhangwei", PASSWORD, address="192.0.2.1")
    # then the address is refused and the username is not
    assert from_guesser.status_code == 429
    assert signed_in(from_own)


def test_hr_unlocks_a_locked_out_account_and_the_unlock_is_audited(engineer) -> None:
    # given a locked-out account and HR signed in
    for attempt in range(6):
        sign_in("zhangwei", f"wrong-{attempt}")
    hr_user = make_user("hr", hr_admin=True)
    hr = Client(HTTP_ACCEPT_LANGUAGE="en")
    hr.force_login(hr_user)
    # when HR opens the lockouts page and unlocks it
    page = hr.get("/accounts/lockouts/").content.decode()
    attempt = AccessAttempt.objects.get(username="zhangwei")
    response = hr.post(f"/accounts/lockouts/{attempt.pk}/unlock/")
    # then the page listed it, the right password works again and HR's unlock is in the trail
    assert "zhangwei" in page
    assert "203.0.113.7" in page
    assert response.status_code == 302
    assert signed_in(sign_in("zhangwei", PASSWORD)[0])
    unlock = AuditEvent.objects.get(object_type="axes.accessattempt", action="delete")
    assert (unlock.actor, unlock.origin) == (hr_user, Origin.WEB)
    assert "Nobody is locked out." in hr.get("/accounts/lockouts/").content.decode()


def test_only_hr_may_unlock(engineer) -> None:
    # given a locked-out attempt and an engineer signed in
    for attempt in range(5):
        sign_in("someone", f"wrong-{attempt}")
    attempt = AccessAttempt.objects.get()
    client = Client()
    client.force_login(engineer)
    # when the engineer tries the page and the unlock
    # then both are forbidden and the lockout stays
    assert client.get("/accounts/lockouts/").status_code == 403
    assert client.post(f"/accounts/lockouts/{attempt.pk}/unlock/").status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_right_password_before_the_limit_starts_the_count_again(engineer) -> None:
    # given four wrong passwords, then the right one
    for attempt in range(4):
        sign_in("zhangwei", f"wrong-{attempt}")
    assert signed_in(sign_in("zhangwei", PASSWORD)[0])
    # when four more wrong ones come
    for attempt in range(4):
        sign_in("zhangwei", f"again-{attempt}")
    # then the account is not locked
    assert signed_in(sign_in("zhangwei", PASSWORD)[0])


@pytest.mark.parametrize("password", ["12345678", "short", "password", "lihua2026lihua"])
def test_a_weak_password_is_refused_for_a_new_account(db: None, password: str) -> None:
    # given a weak password (numeric, short, common, or like the username)
    # when an account is created with it
    # then the password validators refuse it
    with pytest.raises(AccountError):
        user_create(actor=SYSTEM, origin=Origin.CLI, username="lihua2026", password=password)


def test_changing_to_a_weak_password_is_refused(engineer) -> None:
    # given a signed-in engineer
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(engineer)
    # when they change their password to a common one
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    # then the change is refused with the validator's reason
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
