from django.conf import settings


def gridwatch(request):
    from gridwatch.accounts.navigation import navigation_for

    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation_for(request) if user is not None and user.is_authenticated else [],
    }
