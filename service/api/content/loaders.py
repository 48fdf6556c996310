"""Per-request DataLoaders: a page costs the same statements for 5 entries as for 100."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from service.content import queries
from service.content.models import EntryTranslation, Topic


async def _load_translations(entry_ids: Sequence[int]) -> list[list[EntryTranslation]]:
    found = await queries.translations_by_entry(entry_ids)
    return [found.get(entry_id, []) for entry_id in entry_ids]


async def _load_topics(entry_ids: Sequence[int]) -> list[list[Topic]]:
    found = await queries.topics_by_entry(entry_ids)
    return [found.get(entry_id, []) for entry_id in entry_ids]


@dataclass
class ContentLoaders:
    translations: DataLoader[int, list[EntryTranslation]] = field(
        default_factory=lambda: DataLoader(load_fn=_load_translations)
    )
    topics: DataLoader[int, list[Topic]] = field(
        default_factory=lambda: DataLoader(load_fn=_load_topics)
    )
