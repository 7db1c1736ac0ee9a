"""The benchmark's own views, served only by bench.settings (bench/urls.py)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from actors.models import Actor, Region


def minimal(request):
    """The ceiling for any page of this site: one query and a small template."""
    return render(request, "bench/minimal.html", {"region": Region.objects.first()})


@csrf_exempt
@require_POST
def edit(request, slug):
    """Rename an actor and publish or unpublish it through this instance (the multi-instance
    check of run_benchmark.py saves through one app server and reads through another)."""
    actor = get_object_or_404(Actor, slug=slug)
    actor.name = request.POST.get("name", actor.name)
    actor.status = request.POST.get("status", actor.status)
    actor.save()
    return HttpResponse("ok")
