"""Signing in, the session, and which pages each role may open.

The session keeps only the signed-in account's id and the time of sign-in (``st.session_state``
lives on the server; nothing here is read from the URL). Every run re-reads the account from the
database (:func:`etl.accounts.get_account`), so a disabled account, a changed role or an expired
session (:func:`etl.accounts.session_expired`) takes effect on the next click. Writing pages call
:func:`gate` before rendering anything and :func:`for_write` right before each write; the data
layer checks role and scope again on every read and write (:mod:`etl.submissions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import streamlit as st

from dashboard import queries, state
from dashboard.i18n import t
from etl.accounts import (
    ROLE_LABELS_EN,
    ROLE_LABELS_VI,
    Account,
    Role,
    authenticate,
    get_account,
    require,
    session_expired,
)
from etl.errors import AuthError
from etl.models import utcnow

_SESSION = "qcdc_auth"  # {"user_id": int, "signed_in_at": datetime}
_NOTICE = "qcdc_auth_notice"  # an i18n key to show once in the sidebar (expired, signed out)
_ERROR = "qcdc_auth_error"  # why the last sign-in was refused, shown once
_PRIVATE = ("qcdc_entry_", "qcdc_review_", "qcdc_admin_", "fv_", "fn_")  # an account's typed values and choices

# Pages that need a signed-in account, and the roles that may open each. The dashboard's own pages
# (tong_quan, xu_huong, …) are not listed: anyone who reaches the server may read them.
PAGE_ROLES: dict[str, tuple[Role, ...]] = {
    "nhap_so_lieu": (Role.OFFICIAL,),
    "duyet_bao_cao": (Role.REVIEWER,),
    "quan_tri": (Role.ADMIN,),
    "lich_su": (Role.ADMIN, Role.REVIEWER, Role.OFFICIAL, Role.VIEWER),
}


def role_label(role: Role | str, lang: str) -> str:
    labels = ROLE_LABELS_EN if lang == "en" else ROLE_LABELS_VI
    return labels.get(Role(role), str(role))


# ------------------------------------------------------------------------------------------------
# The session
# ------------------------------------------------------------------------------------------------


def _forget(notice: str | None = None) -> None:
    st.session_state.pop(_SESSION, None)
    if notice:
        st.session_state[_NOTICE] = notice


def current_account() -> Account | None:
    """The signed-in account, re-read from the database; ``None`` when nobody is signed in, the
    session has expired, or the account is gone or disabled (the session is then ended)."""
    session = st.session_state.get(_SESSION)
    if not isinstance(session, dict):
        return None
    signed_in_at = session.get("signed_in_at")
    if not isinstance(signed_in_at, datetime) or session_expired(signed_in_at, utcnow()):
        _forget("auth.expired")
        return None
    with queries.engine().connect() as connection:
        account = get_account(connection, int(session.get("user_id", 0)))
    if account is None or not account.active:
        _forget("auth.disabled")
        return None
    return account


def sign_in(username: str, password: str) -> Account:
    """Check the password (:func:`etl.accounts.authenticate`, throttled) and start a session.
    Failed attempts are committed even though sign-in is refused: that is what throttles guessing."""
    address = st.context.ip_address
    address = address if isinstance(address, str) else ""  # no address in tests or behind some proxies
    with queries.engine().connect() as connection:
        try:
            account = authenticate(connection, username, password, address=address)
        except AuthError:
            connection.commit()
            raise
        connection.commit()
    drop_private_state()
    st.session_state[_SESSION] = {"user_id": account.id, "signed_in_at": utcnow()}
    st.session_state.pop(_NOTICE, None)
    return account


def sign_out() -> None:
    drop_private_state()
    state.remember("form_unit", None)  # the next account starts on its own unit
    _forget("auth.signed_out")


def drop_private_state() -> None:
    """Forget what a previous account typed in this browser session (the draft keeps it)."""
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(_PRIVATE)]:
        del st.session_state[key]


# ------------------------------------------------------------------------------------------------
# Pages and writes
# ------------------------------------------------------------------------------------------------


def can_open(page: str, account: Account | None) -> bool:
    """Whether the page may be shown to the account (public pages: to everyone)."""
    roles = PAGE_ROLES.get(page)
    if roles is None:
        return True
    return account is not None and account.active and account.role in roles


def visible(pages: Iterable, account: Account | None) -> list:
    """The ``st.Page`` objects of the menu the account may open (the others stay reachable by URL,
    where they refuse to render)."""
    return [p for p in pages if can_open(p.url_path or "", account)]


def gate(page: str, lang: str) -> Account | None:
    """At the top of a writing page: the signed-in account allowed on ``page``, or ``None`` after
    showing the refusal (the page then renders nothing else). Not ``st.stop()``: the router still
    has the menu and the URL to write after the page."""
    account = current_account()
    if account is None or not can_open(page, account):
        st.error(t("auth.denied", lang), icon="🔒")
        if account is None:
            st.info(t("auth.sign_in_first", lang))
        return None
    return account


def for_write(*roles: Role) -> Account:
    """Right before a write: the account re-read from the database, with one of ``roles``;
    :class:`etl.errors.PermissionDenied` otherwise (the page shows it as an error)."""
    return require(current_account(), *roles)


# ------------------------------------------------------------------------------------------------
# The sidebar box
# ------------------------------------------------------------------------------------------------


def _on_sign_in() -> None:
    """``on_click`` of the sign-in button (callbacks run before the script, whichever page runs)."""
    username = str(st.session_state.get("signin_user") or "")
    password = str(st.session_state.get("signin_password") or "")
    if not username or not password:
        st.session_state[_ERROR] = "auth.missing"
        return
    try:
        sign_in(username, password)
    except AuthError as exc:
        st.session_state[_ERROR] = str(exc)


def sidebar(lang: str) -> Account | None:
    """Sign-in form, or who is signed in with a sign-out button. Returns the account."""
    account = current_account()
    with st.sidebar:
        notice = st.session_state.pop(_NOTICE, None)
        if account is None:
            if notice:
                st.info(t(notice, lang))
            with st.form("signin", clear_on_submit=True, border=True):
                st.markdown(f"**{t('auth.title', lang)}**")
                st.text_input(t("auth.username", lang), key="signin_user", autocomplete="username")
                st.text_input(
                    t("auth.password", lang), key="signin_password", type="password", autocomplete="current-password"
                )
                st.form_submit_button(t("auth.sign_in", lang), key="signin_submit", on_click=_on_sign_in)
            error = st.session_state.pop(_ERROR, None)
            if error:
                st.error(t(error, lang) if error == "auth.missing" else error)  # the data layer's text: plain
        else:
            with st.container(border=True):
                st.caption(t("auth.signed_in_as", lang))
                st.text(f"{account.display_name} ({account.username})")
                st.caption(role_label(account.role, lang))
                st.button(t("auth.sign_out", lang), key="signout", width="stretch", on_click=sign_out)
    return account
