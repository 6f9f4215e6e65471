"""Who may download a file attached to a duty record: whoever may read the record.

Each area registers its own models here (core.attachments asks the owner's app)."""
