"""
gunicorn's settings for the portal (issue #17), read by ``gunicorn`` started from the project's
root (docker-compose.yml's web, ../shared/peer-bench/side_by_side.sh); the command line wins over
this file (workers, worker class, timeout, bind, log level stay there).

- preload_app: the master imports and warms the application once (portal/wsgi.py ``warm``: views,
  catalogues, templates, static manifest, no connections) and forks the workers from it, so a
  new worker serves its first request as fast as its thousandth, and the compiled templates are
  shared memory. Code changes need a restart of the master (a new container), not a HUP.
- worker_tmp_dir: each worker touches its heartbeat file between requests; on /dev/shm that is
  a write to memory, not to the container's overlay file system (gunicorn's own advice).
"""

import os

preload_app = True
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
