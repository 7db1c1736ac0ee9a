"""The public "suggest a correction" form of actor and practice pages."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from keko import ratelimit
from keko.middleware import client_ip, refuse_file_uploads

from . import services
from .forms import CorrectionForm

# Per client address: enough for a person correcting several entries, too few for a flood.
RATE_LIMIT = 5
RATE_PERIOD = 60 * 60


@refuse_file_uploads  # the form takes no files: a POST with one gets a 400
@require_http_methods(["GET", "POST"])
def correction(request, slug, model):
    """The correction form of the published `model` entry (an actor or a practice) `slug`."""
    entry = get_object_or_404(model.objects.published(), slug=slug)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST":
        ip_hash = services.hash_ip(client_ip(request))
        key = f"correction:{ip_hash}"
        if not ratelimit.allow(key, limit=RATE_LIMIT, period=RATE_PERIOD):
            seconds = ratelimit.retry_after(key, period=RATE_PERIOD)
            context = {"entry": entry, "retry_minutes": -(-seconds // 60)}
            response = render(request, "curation/correction_limited.html", context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        if form.is_valid():
            # A filled honeypot gets the same thank-you page, but nothing is stored.
            if not form.is_spam():
                services.submit_correction(
                    entry=entry,
                    what_is_wrong=form.cleaned_data["what_is_wrong"],
                    proposed_fix=form.cleaned_data["proposed_fix"],
                    email=form.cleaned_data["email"],
                    ip_hash=ip_hash,
                )
            thanks = f"curation:{model._meta.model_name}_correction_thanks"
            return redirect(reverse(thanks, kwargs={"slug": entry.slug}))
    return render(request, "curation/correction_form.html", {"entry": entry, "form": form})


def correction_thanks(request, slug, model):
    entry = get_object_or_404(model.objects.published(), slug=slug)
    return render(request, "curation/correction_thanks.html", {"entry": entry})
