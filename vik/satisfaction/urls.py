from django.urls import path

from .views import portal, staff

portal_urlpatterns = [
    path("hodnoceni/<str:token>/", portal.rating_page, name="rating"),
    path("hodnoceni/<str:token>/<int:score>/", portal.rating_page, name="rating_score"),
]

staff_urlpatterns = [
    path("satisfaction/", staff.follow_up_list, name="satisfaction_follow_up"),
    path(
        "satisfaction/<int:pk>/followed-up",
        staff.follow_up_mark,
        name="satisfaction_followed_up",
    ),
]
