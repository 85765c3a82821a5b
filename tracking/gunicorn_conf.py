"""Gunicorn settings for drelu's local MLflow server (mlflow-server.sh passes `-c` this file).

Every SQLite connection a worker opens commits with synchronous=NORMAL: in the WAL mode
mlflow-server.sh puts the database in, a commit then appends to the log without an fsync. A power
cut may lose the last commits but never corrupts the database, and drelu's artifacts, not MLflow,
are the record of a run (a lost run is logged again by the next rerun). Why: a cached quickstart
rerun sends ~170 small requests, and their fsyncs were a third of the server's time.
(mlflow-server.sh puts the database in WAL mode; without it NORMAL would still sync.)
"""


def post_worker_init(worker):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _commit_without_fsync(dbapi_connection, connection_record):
        if type(dbapi_connection).__module__ == "sqlite3":
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()
