class SecurityHeadersMiddleware:
    """Headers every response carries, errors and static files included (SECURITY.md item 9).

    SecurityMiddleware sets nosniff, HSTS and the referrer policy; django-csp sets the CSP. This adds what
    neither sets and fills in anything a response lost on an exceptional path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
