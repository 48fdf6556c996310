"""Feeds: RSS, Atom and JSON Feed per stream, iCalendar for events and call deadlines.

Rendered by the workers when content changes and stored as snapshots (bytes, ETag,
Last-Modified), so every API process serves the same bytes.
"""
