"""gunicorn settings for `make serve` (docs/performance.md).

Workers: a request spends most of its time waiting on the database, so
2 x cores + 1 synchronous workers keep every core busy while some wait
(gunicorn's own advice); WEB_CONCURRENCY overrides it. Each worker keeps
its database connection between requests (CONN_MAX_AGE in settings).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A national export or PDF may take a while; a worker stuck longer is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
