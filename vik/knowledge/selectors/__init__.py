"""The knowledge centre's reads, by concern:

- `readers`: what a reader may see where (the territory), the portal's lists, one article;
- `search`: searching the live articles (lexical, semantic, fused) and the snippets;
- `articles`: articles in any state for the staff: lists, versions, review lists, the export;
- `usage`: the usage metrics;
- `attachments`: an article's attachments.

Callers import from here (`from vik.knowledge import selectors`; `selectors.article_search(...)`).
"""

from .articles import (
    article_get_for_staff,
    article_staff_list,
    article_versions,
    articles_awaiting_review,
    articles_due_for_review,
    articles_for_export,
    articles_for_staff,
    articles_lapsed,
    latest_version,
    version_diff,
    version_get,
    with_title,
)
from .attachments import article_attachments, attachment_get, attachments_for_reader
from .readers import (
    Territory,
    article_browse,
    article_for_reader,
    articles_for,
    kind_counts,
    reader_version,
    related_for_reader,
    territory_for_municipality,
    territory_for_request,
    territory_for_staff,
    topic_and_subtopic_ids,
    topic_counts,
)
from .search import (
    SEARCH_LIMIT_MAX,
    SEARCH_MODES,
    SearchExplanation,
    SearchHit,
    article_search,
    article_search_explained,
    article_titles,
    snippet,
    synonyms_for,
)
from .usage import (
    METRICS_TOP,
    ArticleUsage,
    UsageMetrics,
    usage_metrics,
    usage_metrics_counted,
    usage_metrics_of,
)

__all__ = [
    "METRICS_TOP",
    "SEARCH_LIMIT_MAX",
    "SEARCH_MODES",
    "ArticleUsage",
    "SearchExplanation",
    "SearchHit",
    "Territory",
    "UsageMetrics",
    "article_attachments",
    "article_browse",
    "article_for_reader",
    "article_get_for_staff",
    "article_search",
    "article_search_explained",
    "article_staff_list",
    "article_titles",
    "article_versions",
    "articles_awaiting_review",
    "articles_due_for_review",
    "articles_for",
    "articles_for_export",
    "articles_for_staff",
    "articles_lapsed",
    "attachment_get",
    "attachments_for_reader",
    "kind_counts",
    "latest_version",
    "reader_version",
    "related_for_reader",
    "snippet",
    "synonyms_for",
    "territory_for_municipality",
    "territory_for_request",
    "territory_for_staff",
    "topic_and_subtopic_ids",
    "topic_counts",
    "usage_metrics",
    "usage_metrics_counted",
    "usage_metrics_of",
    "version_diff",
    "version_get",
    "with_title",
]
