"""The admin's contacts in a more useful order: by name, but a role's contacts without a name
(a shared e-mail, say) after the people's rather than first, as an empty name sorts. The
list's index (actors/0023) is replaced by one in that order, so a page is still read from an
index rather than by sorting every contact.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0024_facet_list_orders"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="contact",
            name="actors_contact_name_idx",
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                models.ExpressionWrapper(
                    models.Q(("name", "")), output_field=models.BooleanField()
                ),
                models.F("name"),
                models.F("id"),
                name="actors_contact_admin_order_idx",
            ),
        ),
    ]
