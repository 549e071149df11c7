from django.urls import path

from mace.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.TwoFactorView.as_view(), name="two_factor"),
    path("sign-in/recovery-code/", views.RecoveryCodeView.as_view(), name="recovery_code"),
    path("sign-in/set-up/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("account/", views.account, name="account"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
    # Powerful roles wait here for a second person's approval.
    path("role-requests/", views.role_grants, name="role_grants"),
    path("role-requests/<int:pk>/", views.role_grant, name="role_grant"),
]
