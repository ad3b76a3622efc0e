"""The knowledge centre's writes, by concern:

- `articles`: create, edit (a new draft version), submit, publish, archive, restore;
- `usage`: readers' feedback, usage events (incl. an article used in a reply) and their pruning;
- `attachments`: forms to download, checked by their first bytes;
- `reminders`: review reminders to the owners of an article;
- `learning`: editors accept or dismiss the phrasings that learning from use suggests;
  pruning what decay has made irrelevant;
- `exchange`: importing JSON Lines (the format itself is `vik.knowledge.exchange`);
- `synonyms`: the editors' search synonyms;
- `guards`: the permission, lock and value checks the others share.

Callers import the functions from here (`from vik.knowledge import services`;
`services.article_publish(...)`); the periodic jobs in `VIK_PERIODIC_JOBS` are named by these
paths too.
"""

from .articles import (
    UNCHANGED,
    article_archive,
    article_create,
    article_edit,
    article_publish,
    article_restore,
    article_return,
    article_submit,
    own_draft_publish_refused,
    pending_drafts,
)
from .attachments import ATTACHMENT_TYPES, attachment_add, attachment_delete
from .exchange import ImportReport, articles_import
from .learning import (
    LEARNING_PRUNE_BATCH,
    learning_prune,
    learning_prune_due,
    suggestion_accept,
    suggestion_dismiss,
)
from .reminders import REVIEW_REMINDERS_BATCH, review_reminders_send
from .synonyms import synonym_delete, synonym_save
from .usage import (
    REPLY_ARTICLES_MAX,
    USAGE_PRUNE_BATCH,
    USAGE_QUERY_LENGTH,
    feedback_record,
    reply_usage_record,
    search_usage_record,
    usage_prune,
    usage_prune_due,
    usage_record,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "LEARNING_PRUNE_BATCH",
    "REPLY_ARTICLES_MAX",
    "REVIEW_REMINDERS_BATCH",
    "UNCHANGED",
    "USAGE_PRUNE_BATCH",
    "USAGE_QUERY_LENGTH",
    "ImportReport",
    "article_archive",
    "article_create",
    "article_edit",
    "article_publish",
    "article_restore",
    "article_return",
    "article_submit",
    "articles_import",
    "attachment_add",
    "attachment_delete",
    "feedback_record",
    "learning_prune",
    "learning_prune_due",
    "own_draft_publish_refused",
    "pending_drafts",
    "reply_usage_record",
    "review_reminders_send",
    "search_usage_record",
    "suggestion_accept",
    "suggestion_dismiss",
    "synonym_delete",
    "synonym_save",
    "usage_prune",
    "usage_prune_due",
    "usage_record",
]
