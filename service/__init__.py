"""Buletin: a headless CMS with bilingual newsletters, feeds and staff notices."""
