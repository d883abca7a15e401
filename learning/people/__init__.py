"""People and roles, sign-in, invitations and onboarding."""
