"""The task a worker runs for every background job (`guazhi db_worker` picks it up)."""

from django_tasks import task

from guazhi.core import jobs


@task()
def run_job(job_id: str) -> None:
    # All the bookkeeping (claiming, progress, outcome) lives in core.jobs, so the task stays
    # a thin, JSON-argument entry point whatever backend delivers it.
    jobs.job_run(job_id)
