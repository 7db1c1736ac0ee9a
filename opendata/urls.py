"""/api/hsds/: the paths of HSDS 3.0's OpenAPI description, with or without a final slash."""

from django.urls import path, re_path

from . import downloads, views

app_name = "opendata"

ID = r"(?P<pk>[^/]+)"

urlpatterns = [
    path("", views.Root.as_view(), name="root"),
    path("openapi.json", views.OpenAPI.as_view(), name="openapi"),
    path("profile", views.Profile.as_view(), name="profile"),
    path("datapackage.zip", downloads.DataPackageView.as_view(), name="datapackage"),
    re_path(r"^services/?$", views.ServiceList.as_view(), name="services"),
    re_path(rf"^services/{ID}/?$", views.ServiceDetail.as_view(), name="service"),
    re_path(r"^organizations/?$", views.OrganizationList.as_view(), name="organizations"),
    re_path(rf"^organizations/{ID}/?$", views.OrganizationDetail.as_view(), name="organization"),
    re_path(
        r"^service_at_locations/?$",
        views.ServiceAtLocationList.as_view(),
        name="service_at_locations",
    ),
    re_path(
        rf"^service_at_locations/{ID}/?$",
        views.ServiceAtLocationDetail.as_view(),
        name="service_at_location",
    ),
    re_path(r"^taxonomies/?$", views.TaxonomyList.as_view(), name="taxonomies"),
    re_path(rf"^taxonomies/{ID}/?$", views.TaxonomyDetail.as_view(), name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.TaxonomyTermList.as_view(), name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{ID}/?$", views.TaxonomyTermDetail.as_view(), name="taxonomy_term"),
]
