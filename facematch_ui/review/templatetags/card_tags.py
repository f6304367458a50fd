"""{% gallery_cards %}: the gallery's card list, through review.card_cache."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from facematch_ui.review.card_cache import render_cards

register = template.Library()

CARD_TEMPLATE = "review/_match_card.html"


@register.simple_tag(takes_context=True)
def gallery_cards(context: Context) -> SafeString:
    """The cards of `cards`, cached under `card_cache_key` when the context has one."""
    cards = context.template.engine.get_template(CARD_TEMPLATE)  # type: ignore[union-attr]
    return render_cards(cards, context, context.get("card_cache_key"))
