"""Markdown written by county staff (standards, articles) turned into HTML that is safe to show to the
public: rendered by Python-Markdown, then cleaned by nh3 (an allow-list of tags and attributes; links
only to http, https, mailto and tel; no images, scripts, styles or frames). Images of articles are
``ArticleImage`` rows shown by the template, never links to other hosts."""

import html

import markdown as md
import nh3
from django.utils.safestring import mark_safe

TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text):
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    # A heading level 1 belongs to the page: shift # to ## so the page keeps one h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - cleaned by nh3 above


def plain_text(text):
    """The text of the Markdown without markup (for PDFs and summaries): plain characters, not HTML, so a
    template escapes it once and a PDF prints "&" as "&"."""
    return html.unescape(nh3.clean(md.markdown(text or ""), tags=set())).strip()
