"""Journey maps under review: versions, field-level edits, diffs, status, comments."""
