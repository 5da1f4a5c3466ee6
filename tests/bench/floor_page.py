"""The floor of the dashboard benchmark (tests/bench/test_bench_dashboard.py): the least a Streamlit
page can cost, one plotly chart of 20 points, run through AppTest like the dashboard's pages."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=list(range(20)), y=[(i * 7) % 13 for i in range(20)])), key="floor")
