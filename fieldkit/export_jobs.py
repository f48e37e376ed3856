"""Build export files in background threads, with progress, so a web request never waits for one.

A job writes into a folder of its own under the instance; the page that
started it polls (a plain meta refresh) until the file is ready. Finished
jobs and their files are removed after `KEEP_SECONDS`.
"""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

KEEP_SECONDS = 3600
#: Share of the work done when each stage starts (loading, the section sheets, Fritext, Data, saving).
STAGES = {"load": (0.0, 0.3), "sections": (0.3, 0.4), "freetext": (0.4, 0.5), "data": (0.5, 0.93),
          "save": (0.93, 1.0)}

Build = Callable[[Path, Callable[[str, int, int], None]], None]


@dataclass
class Job:
    id: str
    owner: str | None
    filename: str
    folder: Path
    back: str | None = None  # the page to return to
    status: str = "queued"  # queued | running | done | failed
    stage: str = "load"
    fraction: float = 0.0
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def path(self) -> Path:
        return self.folder / self.filename

    @property
    def percent(self) -> int:
        return int(round(self.fraction * 100))

    def progress(self, stage: str, done: int, total: int) -> None:
        start, end = STAGES.get(stage, (self.fraction, self.fraction))
        part = done / total if total else 1.0
        self.stage = stage
        self.fraction = max(self.fraction, start + (end - start) * min(1.0, part))


class JobRunner:
    """A small pool of export threads and the jobs they run."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder = Path(folder)
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fieldkit-export")

    def submit(self, owner: str | None, filename: str, build: Build, back: str | None = None) -> Job:
        """Queue `build(path, progress)`; returns the job at once."""
        self.cleanup()
        job_id = secrets.token_urlsafe(16)
        job = Job(job_id, owner, filename, self.folder / job_id, back)
        job.folder.mkdir(parents=True, exist_ok=True)
        with self.lock:
            self.jobs[job_id] = job
        self.pool.submit(self._run, job, build)
        return job

    def _run(self, job: Job, build: Build) -> None:
        job.status = "running"
        try:
            build(job.path, job.progress)
        except Exception as exc:  # the page shows the failure; the thread must not die silently
            job.error = f"{type(exc).__name__}: {exc}"
            job.status = "failed"
        else:
            job.fraction = 1.0
            job.status = "done"
        job.finished = time.time()

    def get(self, job_id: str, owner: str | None) -> Job | None:
        """The job, if it exists and belongs to `owner`."""
        with self.lock:
            job = self.jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def cleanup(self, now: float | None = None) -> None:
        """Forget finished jobs older than KEEP_SECONDS and delete their files."""
        now = now or time.time()
        with self.lock:
            old = [j for j in self.jobs.values() if j.finished and now - j.finished > KEEP_SECONDS]
            for job in old:
                del self.jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)
