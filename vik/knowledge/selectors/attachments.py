"""An article's attachments: for its staff page, for readers, one to download."""

from __future__ import annotations

from django.http import Http404

from ..models import Article, ArticleAttachment


def article_attachments(*, article: Article) -> list[ArticleAttachment]:
    return list(article.attachments.all())


def attachments_for_reader(*, article: Article) -> list[ArticleAttachment]:
    """The forms to download on a live article's page: its own; a local variant without any
    offers the shared article's (the same forms, usually: the variant changes fees and
    addresses). Each links to the article it belongs to."""
    own = list(article.attachments.select_related("article"))
    if own or article.variant_of_id is None:
        return own
    return list(
        ArticleAttachment.objects.filter(
            article_id=article.variant_of_id, article__published_version__isnull=False
        ).select_related("article")
    )


def attachment_get(*, article: Article, pk: int) -> ArticleAttachment:
    """An attachment of the article (the caller has checked the reader may read it), or 404."""
    attachment = article.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    return attachment
