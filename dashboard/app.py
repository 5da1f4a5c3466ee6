"""QCDC Tracker dashboard: the router. Start it with ``qcdc serve``.

Page config, the language switch and the shared filters (sidebar), then the page the URL names.
Filters live in the URL (see :mod:`dashboard.state`); data comes only from :mod:`dashboard.queries`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, queries, state, ui
from dashboard.i18n import t

# Icons are emoji, never ":material/…:": Streamlit fetches a Material page icon (the favicon) from
# fonts.gstatic.com, which a closed government network refuses; an emoji favicon is drawn locally.
st.set_page_config(page_title="QCDC Tracker", page_icon="🗳️", layout="wide")

# (file in pages/, icon); the first page is the default. A page's URL path is its file name
# (/xu_huong): the name Streamlit also gives it before st.navigation first runs, so a shared link
# works on a server that has just started.
PAGES = (
    ("tong_quan", "📊"),
    ("xu_huong", "📈"),
    ("so_sanh", "📶"),
    ("nong_thon_moi", "🌾"),
    ("ho_so_don_vi", "🏠"),
    ("tinh_hinh_bao_cao", "📋"),
    ("trinh_chieu", "📽️"),  # the ready-made deck for the meeting screen (issue 5)
    # Data entry and review (issue 4): each needs a signed-in account of the roles in dashboard/auth.py;
    # the menu shows only the ones the account may open.
    ("nhap_so_lieu", "✍️"),
    ("duyet_bao_cao", "✅"),
    ("quan_tri", "🛠️"),
    ("lich_su", "🕘"),
)

queries.new_run()  # the data version is read again, once, in this run
state.sync_from_url()
menu = st.sidebar.container()  # the page links, filled last: they carry the final filters
lang = ui.language_switch()
pages = [
    st.Page(f"pages/{name}.py", title=t(f"page.{name}", lang), icon=icon, url_path=name, default=i == 0)
    for i, (name, icon) in enumerate(PAGES)
]
page = st.navigation(pages, position="hidden")
state.resume_page()
st.sidebar.caption(f"**{t('app.title', lang)}** — {t('app.subtitle', lang)}")

account = None
with ui.guarded(lang):
    if not queries.is_ready():
        st.error(t("empty.no_schema", lang))
    else:
        account = auth.sidebar(lang)
        filters = ui.sidebar_filters(lang)
        if filters is not None:
            ui.unapproved_switch(lang)
            with state.routed(filters):
                page.run()

state.write_url()
ui.page_links(menu, auth.visible(pages, account))
