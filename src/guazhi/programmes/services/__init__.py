"""Every write of the programmes app: one transaction, a batch event where the batch page shows
it, an audit event always. Area modules: batches, posts, call, runs, selection, groups; locks
holds the batch lock they all take before reading the batch's state."""
