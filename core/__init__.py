"""The domain and its services: plain functions over a SQLAlchemy session, scoped to a coach."""
