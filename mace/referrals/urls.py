"""/referrals/: the inbox and what was sent, and a referral's page (where the service responds)."""

from __future__ import annotations

from django.urls import path

from mace.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
]
