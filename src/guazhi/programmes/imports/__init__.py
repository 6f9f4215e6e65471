"""Excel imports of the programmes app, run as background jobs (core.jobs finds them here).

`posts`: a batch's posts from a sheet, with a sample workbook that offers the host units.
"""

from guazhi.programmes.imports.posts import (
    POST_IMPORT,
    POST_SHEET,
    PostRows,
    post_import_job,
    post_spec,
)

__all__ = ["POST_IMPORT", "POST_SHEET", "PostRows", "post_import_job", "post_spec"]
