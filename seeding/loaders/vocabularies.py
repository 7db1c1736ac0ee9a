"""The controlled vocabularies any handbook file may carry: service types, target groups,
contact roles, the services typical of each kind of actor, and applicant types. Created once
and never overwritten, so curators own them after the first run."""

from actors.models import ContactRole, ServiceType, TargetGroup, TypicalService
from funding.models import ApplicantType


def seed_vocabularies(seeder, data):
    for item in data.get("service_types", []):
        ServiceType.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
    for item in data.get("target_groups", []):
        TargetGroup.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
    for item in data.get("contact_roles", []):
        ContactRole.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "checklist_order": item.get("checklist_order"),
                "actor_kinds": item.get("actor_kinds", []),
            },
        )
    for kind, slugs in data.get("typical_services", {}).items():
        for service in seeder.many(ServiceType, slugs, f"typical services of {kind}"):
            TypicalService.objects.get_or_create(kind=kind, service=service)
    for item in data.get("applicant_types", []):
        ApplicantType.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
