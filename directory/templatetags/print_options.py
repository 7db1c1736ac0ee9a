"""The print options form of a page that shows the options without printing yet."""

from django import template

from directory.forms import PrintOptionsForm

register = template.Library()


@register.simple_tag
def print_options_form():
    """Return an unbound PrintOptionsForm: an area page offers the same options as its print
    page (includes/print_options.html), every kind, service and target group."""
    return PrintOptionsForm()
