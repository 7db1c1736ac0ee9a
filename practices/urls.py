from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.PracticeListView.as_view(), name="list"),
    path("<slug:slug>/", views.PracticeDetailView.as_view(), name="detail"),
]
