class SecurityHeadersMiddleware:
    """Headers every response carries, errors and static files included (SECURITY.md item 9).

    It is the outermost middleware: SecurityMiddleware sets nosniff, HSTS and the referrer policy and
    django-csp sets the CSP, but a response made before them (WhiteNoise's static files, an exception
    turned into an error page) still gets what is missing here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
