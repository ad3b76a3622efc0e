"""The citizen's rating page: no sign-in, its address a token per request.

`/hodnoceni/<token>/<score>/` is the one-click link of the e-mail. A GET never records
anything: mail scanners and link previews (Outlook's Safe Links, antivirus gateways) open
every link of a message, and would rate with all five scores at once. The link opens the page
with the score chosen; in a browser, the page's script (`satisfaction/rating.js`) posts that
score at once, so the citizen's click on the link is the only one, and the page it returns to
offers the comment box. Without scripts, one confirming click posts the score. A rating is
changeable for `VIK_CSAT_CHANGE_DAYS`, then the page only shows it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vik.abuse.guard import Guard, form_guard_post
from vik.channels.core.choices import ChannelKind

from .. import selectors, services
from ..forms import RatingForm
from ..models import RatingInvitation

SOURCE_TRACKING = "tracking"


def _answered_on(request: HttpRequest, invitation: RatingInvitation) -> str:
    """The channel the citizen answered on: the tracking page's form is the web; a link
    came by the channel the invitation went by."""
    if request.POST.get("source") == SOURCE_TRACKING or not invitation.channel:
        return ChannelKind.WEB
    return invitation.channel


def rating_page(request: HttpRequest, token: str, score: int | None = None) -> HttpResponse:
    invitation = selectors.invitation_by_token(token)
    if invitation is None or (score is not None and not 1 <= score <= 5):
        raise Http404
    offer = selectors.rating_offer(invitation)
    guard = Guard()
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        guard = form_guard_post(request, "rating", challenge=False, tracked=token)
        status = guard.status
        if not guard.refused and form.is_valid():
            try:
                services.rating_record(
                    request=invitation.request,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                    channel=_answered_on(request, invitation),
                )
            except services.RatingRefused as error:
                messages.error(request, str(error))
                status = 409  # the page shows the rating given, and what they wrote to copy
            else:
                messages.success(request, _("Thank you for your rating."))
                if request.POST.get("source") == SOURCE_TRACKING:
                    return redirect("portal:tracking", token=invitation.request.public_token)
                return redirect("portal:rating", token=token)
    else:
        rating = offer.rating
        form = RatingForm(
            initial={
                "score": score or (rating.score if rating else None),
                "comment": rating.comment if rating else "",
            }
        )
    # The script posts the link's score unless it would change nothing or cannot be recorded.
    autosubmit = (
        score
        if request.method == "GET"
        and score is not None
        and offer.rateable
        and offer.changeable
        and (offer.rating is None or offer.rating.score != score)
        else None
    )
    response = render(
        request,
        "satisfaction/rating_page.html",
        {
            "invitation": invitation,
            "item": invitation.request,
            "offer": offer,
            "form": form,
            "guard": guard,
            "preselected": score,
            "autosubmit": autosubmit,
        },
        status=status,
    )
    if guard.retry_after:
        response["Retry-After"] = str(guard.retry_after)
    # The token stays out of other sites' logs; not "no-referrer": the browser would then send
    # "Origin: null" with the form, and the CSRF check refuses it.
    response["Referrer-Policy"] = "same-origin"
    return response
