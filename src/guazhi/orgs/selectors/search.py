"""Name and pinyin search shared by the unit and cadre lists."""

from django.db.models import Q, QuerySet


def _search(queryset: QuerySet, query: str) -> QuerySet:
    """By name (substring) or pinyin: initials prefix (zs → 张三) or full pinyin prefix."""
    query = query.strip()
    if not query:
        return queryset
    condition = Q(name__icontains=query)
    if query.isascii():
        letters = query.lower().replace(" ", "")
        condition |= Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=query.lower())
    return queryset.filter(condition)
