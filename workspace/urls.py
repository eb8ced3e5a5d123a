"""Routes per the contract's section 5, plus the ledger, the admin overview and Django admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workspace import views

urlpatterns = [
    path("", views.county_list, name="list"),
    path("talents/<str:talent_id>/", views.talent_page, name="talent"),
    path("talents/<str:talent_id>/actions/", views.record_action, name="record_action"),
    path("talents/<str:talent_id>/contact/", views.reveal_contact, name="reveal_contact"),
    path("ledger/", views.ledger, name="ledger"),
    path("overview/", views.overview, name="overview"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
