"""The client address that django-axes counts failed sign-ins against (SECURITY.md item 5).

Without a reverse proxy (``AXES_IPWARE_PROXY_COUNT = 0``, the default) only the socket address counts:
an X-Forwarded-For header is written by the client and is ignored, so a spoofed header can neither
reset the counter nor lock somebody else out. Behind N trusted proxies the address is the one the
outermost proxy saw: the N-th entry from the right of X-Forwarded-For (entries further left are again
written by the client). This callable replaces django-ipware so the rule holds whether or not that
package happens to be installed.
"""

from django.conf import settings


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
