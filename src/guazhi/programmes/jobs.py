"""The programmes app's background job kinds, found by core.jobs when a worker looks them up.

(The post import registers itself in `imports`; matching runs in `runs_job`.)
"""

from guazhi.programmes import runs_job  # noqa: F401
