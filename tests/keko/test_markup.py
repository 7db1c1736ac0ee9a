import pytest
from django.utils import html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from keko import markup

TEXTS = [
    "Esimerkkiyhdistys ry",
    "Työ & \"toimeentulo\" <ry> 'Oy'",
    mark_safe('<span lang="fi">Työpaja</span>'),
    gettext_lazy("Palvelut"),
    42,
]


@pytest.mark.parametrize("value", TEXTS)
def test_markup_is_escaped_as_django_escapes_it(value):
    assert markup.conditional_escape(value) == html.conditional_escape(value)
    if not hasattr(value, "__html__"):
        assert markup.escape(str(value)) == html.escape(value)


def test_a_text_marked_safe_is_left_as_it_is_and_any_other_escaped():
    assert markup.conditional_escape(mark_safe("<b>x</b>")) == "<b>x</b>"
    assert markup.conditional_escape("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
