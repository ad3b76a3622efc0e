"""An article's attachments: for its staff page, for readers, one to download."""

from __future__ import annotations

from django.http import Http404

from ..models import Article, ArticleAttachment


def article_attachments(*, article: Article, drafts: bool) -> list[ArticleAttachment]:
    """The staff page's list: with the draft's files (`drafts`, for who may write or review
    the article) or only what readers get."""
    attachments = article.attachments.all()
    if not drafts:
        attachments = attachments.filter(published_at__isnull=False)
    return list(attachments)


def attachments_for_reader(*, article: Article) -> list[ArticleAttachment]:
    """The forms to download on a live article's page: its own; a local variant without any
    offers the shared article's (the same forms, usually: the variant changes fees and
    addresses). Each links to the article it belongs to."""
    own = list(article.attachments.filter(published_at__isnull=False).select_related("article"))
    if own or article.variant_of_id is None:
        return own
    return list(
        ArticleAttachment.objects.filter(
            article_id=article.variant_of_id,
            article__published_version__isnull=False,
            published_at__isnull=False,
        ).select_related("article")
    )


def attachment_get(*, article: Article, pk: int, drafts: bool = False) -> ArticleAttachment:
    """An attachment of the article (the caller has checked the reader may read it), or 404.
    A file of the draft only with `drafts` (the caller has checked `can_see_draft_files`)."""
    attachments = article.attachments.filter(pk=pk)
    if not drafts:
        attachments = attachments.filter(published_at__isnull=False)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    return attachment
