"""Company sign-in: people sign in with the company's identity provider (OpenID Connect)."""
