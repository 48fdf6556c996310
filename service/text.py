"""Checks of plain text shared by the domains.

A name or a title ends up in mail headers (a staff member's name in `To:`, an entry's
title in `Subject:`), where a line break is refused by the mailer, or worse, read as a
new header. Control characters have no business in one-line text anywhere.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, less tab and line breaks, for text that may run over several lines.
_IN_A_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return (_IN_A_TEXT if multiline else _IN_A_LINE).search(text) is not None
