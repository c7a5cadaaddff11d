"""Links repeat their activity's occurred_at, indexed with the record id, for the timeline."""

from django.db import migrations, models

BACKFILL = """
UPDATE activities_activitylink SET occurred_at = (
    SELECT a.occurred_at FROM activities_activity a
    WHERE a.id = activities_activitylink.activity_id
)
"""


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_calendar_feeds")]

    operations = [
        migrations.AddField(
            model_name="activitylink",
            name="occurred_at",
            field=models.DateTimeField(null=True, verbose_name="date"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.AlterField(
            model_name="activitylink",
            name="occurred_at",
            field=models.DateTimeField(verbose_name="date"),
        ),
        migrations.AddIndex(
            model_name="activitylink",
            index=models.Index(
                fields=["record_id", "occurred_at", "activity"], name="activities_link_timeline"
            ),
        ),
    ]
