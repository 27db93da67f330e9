from django.utils.cache import patch_vary_headers


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
        if not getattr(response, "xframe_options_exempt", False):  # the portal's embeddable pages
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class LanguageMiddleware:
    """Simplified Chinese unless the person chose English with the switch (the language cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language, which would show a county
    official on an English-language phone or office PC an English page they never asked for; the
    plan's users work in Chinese, and English is a deliberate choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RejectNulMiddleware:
    """A NUL character in the path or in a query parameter answers 400 (the generic error page) before any
    view runs: no database stores it (PostgreSQL refuses it in text and would answer 500), and no address
    of GridWatch holds one. Form fields refuse it themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            from .views import bad_request

            return bad_request(request)
        return self.get_response(request)
