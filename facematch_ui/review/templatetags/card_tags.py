"""{% cached_include %}: a gallery piece rendered through review.card_cache."""

from __future__ import annotations

from django import template
from django.template import Context
from django.utils.safestring import SafeString

from facematch_ui.review.card_cache import render_cached

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_include(context: Context, template_name: str, key: str | None) -> SafeString:
    """`{% include template_name %}`, cached under `key` when given (review.card_cache).

    A card's conflict message, a bulk action's notice or an out-of-band
    swap belong to one answer, never to the cached piece, so they render
    afresh.
    """
    if context.get("conflict") or context.get("oob") or context.get("bulk_notice"):
        key = None
    piece = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
    return render_cached(piece, context, key)
