from django.urls import URLPattern, path

from . import views

# At the site's root: the widget's script (`/widget.js`), its API and files, the sample page.
portal_urlpatterns: list[URLPattern] = [
    path("widget.js", views.widget_js, name="chat_widget_js"),
    path("chat/demo/", views.demo, name="chat_demo"),
    path("chat/api/status", views.status, name="chat_status"),
    path("chat/api/start", views.start, name="chat_start"),
    path("chat/api/offline", views.offline, name="chat_offline"),
    path("chat/api/suggest", views.suggest, name="chat_suggest"),
    path("chat/api/deflected", views.deflected, name="chat_deflected"),
    path("chat/pokracovat/<str:token>/", views.resume, name="chat_resume"),
    path("chat/api/upload", views.upload, name="chat_upload"),
    path("chat/file/<int:chat>/<int:pk>/", views.file_download, name="chat_file"),
]

staff_urlpatterns: list[URLPattern] = [
    path("chat/", views.console, name="chat_console"),
    path("chat/live/", views.console_live, name="chat_console_live"),
    path("chat/<int:chat>/aids/", views.console_aids, name="chat_console_aids"),
]
