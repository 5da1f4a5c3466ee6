"""QCDC Tracker dashboard: the router. Start it with ``qcdc serve``.

Page config, the language switch and the shared filters (sidebar), then the page the URL names.
Filters live in the URL (see :mod:`dashboard.state`); data comes only from :mod:`dashboard.queries`.
"""

from __future__ import annotations

import streamlit as st

from dashboard import queries, state, ui
from dashboard.i18n import t

st.set_page_config(page_title="QCDC Tracker", page_icon=":material/how_to_vote:", layout="wide")

# (file in pages/, icon); the first page is the default. A page's URL path is its file name
# (/xu_huong): the name Streamlit also gives it before st.navigation first runs, so a shared link
# works on a server that has just started.
PAGES = (
    ("tong_quan", ":material/dashboard:"),
    ("xu_huong", ":material/show_chart:"),
    ("so_sanh", ":material/leaderboard:"),
    ("nong_thon_moi", ":material/agriculture:"),
    ("ho_so_don_vi", ":material/badge:"),
    ("tinh_hinh_bao_cao", ":material/fact_check:"),
)

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

with ui.guarded(lang):
    if not queries.is_ready():
        st.error(t("empty.no_schema", lang), icon=":material/database:")
    else:
        filters = ui.sidebar_filters(lang)
        if filters is not None:
            with state.routed(filters):
                page.run()

state.write_url()
ui.page_links(menu, pages)
