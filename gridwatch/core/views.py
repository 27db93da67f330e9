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


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """No request context: no context processor (user, navigation, database) may fail a second time."""
    html = loader.get_template("errors/500.html").render()
    return HttpResponseServerError(html)
