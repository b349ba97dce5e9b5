"""Text handling, the floor beneath every stage: documents, folding, segmentation.

A report's content (plain text, HTML or Markdown) becomes a ``Document``: its
plain text, the same text folded for matching, paragraphs and sentences, and
an offset map back to the original content.  Nothing here knows about
incidents, places or a database.
"""

from seethe.text._budget import WorkBudget, WorkLimits
from seethe.text._document import Document, normalize
from seethe.text._fold import fold
from seethe.text._markup import (OffsetMap, front_matter, html_to_text, links_in, markdown_to_text,
                                 plain_text_lines, to_plain_text)
from seethe.text._segment import Sentence, Span, segment

__all__ = ["Document", "OffsetMap", "Sentence", "Span", "WorkBudget", "WorkLimits", "fold", "front_matter",
           "html_to_text", "links_in", "markdown_to_text", "normalize", "plain_text_lines", "segment",
           "to_plain_text"]
