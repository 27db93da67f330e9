from django.db import connection
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_http_methods

from .permissions import authenticated, public


@require_http_methods(["GET"])
@authenticated
def home(request):
    from gridwatch.accounts.dashboard import home_context

    return render(request, "core/home.html", home_context(request.user))


@require_http_methods(["GET"])
@public
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def _for_the_public(request):
    """Whether a 404 answers a resident rather than staff: the address was a public page (the portal, the
    mailbox, the ballot), or nobody is signed in (staff pages send anonymous visitors to sign in first, so
    their 404 is an unknown address)."""
    match = getattr(request, "resolver_match", None)
    if match is not None and getattr(match.func, "gridwatch_policy", None) == "public":
        return True
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def page_not_found(request, exception=None):
    """The portal's page for residents, the staff page (with its wording about jurisdiction) otherwise;
    neither says anything of the exception."""
    template = "errors/404_public.html" if _for_the_public(request) else "errors/404.html"
    return render(request, template, status=404)


def server_error(request):
    """No request context: no context processor (user, navigation, database) may fail a second time."""
    html = loader.get_template("errors/500.html").render()
    return HttpResponseServerError(html)
