"""Programmes and selection: batches, posts, the call, matching runs, publicity, groups, training."""
