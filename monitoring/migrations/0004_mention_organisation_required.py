import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("monitoring", "0003_mentions_across_sources"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mention",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="mentions",
                to="accounts.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="mention",
            name="added_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="added by hand by",
            ),
        ),
        migrations.AlterField(
            model_name="mention",
            name="platform",
            field=models.CharField(
                choices=[
                    ("web", "Website"), ("news", "News site"), ("google_reviews", "Google reviews"),
                    ("facebook", "Facebook"), ("instagram", "Instagram"), ("linkedin", "LinkedIn"),
                    ("x", "X (Twitter)"), ("mastodon", "Mastodon"), ("reddit", "Reddit"), ("youtube", "YouTube"),
                    ("bluesky", "Bluesky"), ("tiktok", "TikTok"), ("trustpilot", "Trustpilot"), ("forum", "Forum"),
                    ("blog", "Blog"), ("other", "Other"),
                ],
                default="web",
                max_length=32,
                verbose_name="platform",
            ),
        ),
        migrations.AlterField(
            model_name="signalphrase",
            name="phrase",
            field=models.CharField(
                help_text="Whole words; end with * to match word starts too (klacht* also finds klachten).",
                max_length=100,
                unique=True,
                verbose_name="word or phrase",
            ),
        ),
    ]
