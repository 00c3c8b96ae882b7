"""Query results as pandas frames, for the figures computed over them."""

import pandas as pd
from sqlalchemy import Executable
from sqlalchemy.orm import Session


def query_frame(session: Session, stmt: Executable) -> pd.DataFrame:
    """The statement's rows as a frame whose columns are the selected names."""
    result = session.execute(stmt)
    # Plain tuples: pandas reads SQLAlchemy's Row objects about twice as slowly.
    return pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))
