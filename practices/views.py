from django.views.generic import DetailView
from django_filters.views import FilterView

from keko.pagination import CachedPaginationMixin

from .filters import PracticeFilter
from .models import Practice


class PracticeListView(CachedPaginationMixin, FilterView):
    filterset_class = PracticeFilter
    paginate_by = 50
    template_name = "practices/practice_list.html"

    def get_queryset(self):
        return Practice.objects.published().for_list()


class PracticeDetailView(DetailView):
    template_name = "practices/practice_detail.html"

    def get_queryset(self):
        return Practice.objects.visible_to(self.request.user).for_detail()
