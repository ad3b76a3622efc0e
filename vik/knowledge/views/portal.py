"""The public knowledge centre: browse, search, read, "Was this helpful?". No JavaScript needed.

Every page reads as a citizen (the public audience), even for a member of staff who is logged
in: what the portal shows is what the public sees. `?obec=<code or name>` places the reader in a
municipality, so that its centre's local variants replace the shared articles.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from vik.abuse.ratelimit import address, rate_limited
from vik.territory.models import Municipality
from vik.territory.selectors import municipality_resolve
from vik.topics.models import Topic

from .. import deflection, learning, selectors, services
from ..choices import LIFE_SITUATION_SECTIONS, ArticleKind, UsageKind, UsageWhere
from ..forms import FeedbackForm, SearchForm
from ..models import Article
from ..rendering import markdown_html
from .staff import attachment_response

CITIZEN = AnonymousUser()
FEES_SECTION = "fees"  # where the amount the centre set is shown
RESULTS = 20


def _municipality(request: HttpRequest) -> Municipality | None:
    text = request.GET.get("obec", "").strip()[:120]
    if not text:
        return None
    found, _candidates = municipality_resolve(text=text)
    return found


def _place(request: HttpRequest) -> tuple[Municipality | None, selectors.Territory | None, str]:
    """The reader's municipality, its territory, and the query string that keeps it."""
    municipality = _municipality(request)
    if municipality is None:
        return None, None, ""
    territory = selectors.territory_for_municipality(municipality)
    return municipality, territory, urlencode({"obec": municipality.code})


def _centre_id(territory: selectors.Territory | None, article: Article | None = None) -> int | None:
    """For the usage metrics: the centre competent for the reader's municipality, else the
    centre of a local article."""
    if territory is not None and territory.centre_ids:
        return min(territory.centre_ids)
    return article.centre_id if article is not None else None


def _reader(request: HttpRequest) -> str:
    """Who reads, for learning from use: a keyed hash of the address (the portal has no
    users; a logged-in member of staff reads as the public does)."""
    return learning.actor_key(address=address(request))


def _ask_url(text: str) -> str:
    """The web form with the citizen's words already in the message."""
    home = reverse("portal:home")
    return f"{home}?{urlencode({'q': text})}" if text.strip() else home


def home(request: HttpRequest) -> HttpResponse:
    municipality, territory, place = _place(request)
    topic = Topic.objects.filter(slug=request.GET.get("tema", ""), is_active=True).first()
    kind = request.GET.get("druh", "")
    kind = kind if kind in ArticleKind.values else ""
    browsing = topic is not None or bool(kind)
    context = {
        "form": SearchForm(initial={"obec": municipality.label if municipality else ""}),
        "municipality": municipality,
        "place": place,
        "topics": selectors.topic_counts(viewer=CITIZEN, territory=territory),
        "kinds": selectors.kind_counts(viewer=CITIZEN, territory=territory),
        "topic": topic,
        "kind": kind,
        "kind_label": ArticleKind(kind).label if kind else "",
        "articles": (
            selectors.article_browse(viewer=CITIZEN, territory=territory, topic=topic, kind=kind)
            if browsing
            else []
        ),
        "browsing": browsing,
        "language": get_language() or "cs",
    }
    return render(request, "knowledge/home.html", context)


@rate_limited("search", kept=lambda request: request.GET.get("q", ""))
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    municipality, territory, place = _place(request)
    hits = (
        selectors.article_search(
            query=query,
            viewer=CITIZEN,
            limit=RESULTS,
            territory=territory,
            language=get_language() or "cs",
        )
        if query
        else []
    )
    services.search_usage_record(
        query=query, hits=hits, where=UsageWhere.PORTAL, centre_id=_centre_id(territory)
    )
    return render(
        request,
        "knowledge/search.html",
        {
            "form": form,
            "query": query,
            "hits": hits,
            "municipality": municipality,
            "place": place,
            "ask_url": _ask_url(query),
        },
    )


def article(request: HttpRequest, slug: str) -> HttpResponse:
    municipality, territory, place = _place(request)
    found = selectors.article_for_reader(slug=slug, viewer=CITIZEN, territory=territory)
    if found.slug != slug:  # the centre's local variant of the shared article
        return redirect(_article_url(found, request.GET.get("q", ""), place))
    version = selectors.reader_version(found, get_language() or "cs")
    query = request.GET.get("q", "").strip()[:300]
    sections = [
        (key, label, markdown_html(version.sections.get(key, "")))
        for key, label in LIFE_SITUATION_SECTIONS
        if version.sections.get(key, "").strip()
        or (key == FEES_SECTION and version.fee_amount is not None)
    ]
    services.usage_record(
        kind=UsageKind.ARTICLE_VIEW,
        where=UsageWhere.PORTAL,
        article=found,
        centre_id=_centre_id(territory, found),
    )
    response = render(
        request,
        "knowledge/article.html",
        {
            "article": found,
            "version": version,
            "body": markdown_html(version.body),
            "sections": sections,
            "attachments": selectors.attachments_for_reader(article=found),
            "related": selectors.related_for_reader(
                article=found, viewer=CITIZEN, territory=territory
            ),
            "feedback_form": FeedbackForm(initial={"q": query}),
            "feedback": request.GET.get("ohlas", ""),
            "query": query,
            "municipality": municipality,
            "place": place,
            "ask_url": _ask_url(query or version.title),
        },
    )
    if query:  # opened from the results of a search: the query led here
        learning.learning_record(
            query=query, article=found, actor=_reader(request), kind=learning.CLICK
        )
    if query and not deflection.flow_state(request):  # found by a search or a suggestion
        deflection.flow_set(response, deflection.FOUND)
    return response


def attachment(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A form to download: only of a live public article (404 otherwise, as for the page)."""
    found = selectors.article_for_reader(slug=slug, viewer=CITIZEN)
    return attachment_response(selectors.attachment_get(article=found, pk=pk))


def _article_url(article: Article, query: str = "", place: str = "", **extra: str) -> str:
    url = reverse("portal:knowledge_article", kwargs={"slug": article.slug})
    params = {**({"q": query} if query else {}), **extra}
    parts = [part for part in (place, urlencode(params) if params else "") if part]
    return f"{url}?{'&'.join(parts)}" if parts else url


@require_POST
@rate_limited("feedback", kept=lambda request: request.POST.get("comment", ""))
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.article_for_reader(slug=slug, viewer=CITIZEN)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()  # the page offers two buttons: only a robot gets here
    data = form.cleaned_data
    answer = "ano" if data["helpful"] == "yes" else "ne"
    response = redirect(_article_url(found, data["q"], ohlas=answer) + "#feedback")
    if data["website"]:
        return response
    helpful = data["helpful"] == "yes"
    services.feedback_record(
        article=found,
        is_helpful=helpful,
        comment=data["comment"],
        query=data["q"],
        language=get_language() or "cs",
    )
    if helpful and data["q"]:
        learning.learning_record(
            query=data["q"], article=found, actor=_reader(request), kind=learning.HELPFUL
        )
    kind = UsageKind.HELPFUL if helpful else UsageKind.NOT_HELPFUL
    centre_id = _centre_id(None, found)
    services.usage_record(kind=kind, where=UsageWhere.PORTAL, article=found, centre_id=centre_id)
    if helpful and deflection.flow_state(request) == deflection.FOUND:
        services.usage_record(
            kind=UsageKind.DEFLECTED, where=UsageWhere.PORTAL, article=found, centre_id=centre_id
        )
        deflection.flow_set(response, deflection.DEFLECTED)  # once per browser session
    return response
