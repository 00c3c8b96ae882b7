"""The floor: an empty Streamlit page, measured like the real ones."""

import streamlit as st

st.write("")
