"""Poll errors and pause reasons become codes with parameters, put into words when shown; sources
can be retired; the hand-added source keeps one name in every language.

Sentences stored before are read back into their code where they match a sentence we know (in Dutch
or English); any other stays as it was written (code ``text``).
"""

import re

import django.core.validators
from django.db import migrations, models

import monitoring.models


def _patterns():
    from django.utils import translation

    from monitoring.texts import TEXTS

    patterns = []
    for code, template in TEXTS.items():
        for language in ("nl", "en"):
            with translation.override(language):
                sentence = str(template)
            names = re.findall(r"%\((\w+)\)([sd])", sentence)
            regex = re.escape(sentence)
            for name, kind in names:
                group = rf"(?P<{name}>-?\d+)" if kind == "d" else rf"(?P<{name}>.+)"
                regex = regex.replace(re.escape(f"%({name}){kind}"), group, 1)
            patterns.append((code, re.compile(regex + r"\Z", re.DOTALL), dict(names)))
    return patterns


def _text_of(sentence, patterns):
    """The code and parameters of a stored sentence; ("text", {"text": sentence}) when none fits."""
    if not sentence:
        return "", {}
    for code, pattern, kinds in patterns:
        match = pattern.match(sentence)
        if match:
            params = {}
            for name, value in match.groupdict().items():
                if kinds[name] == "d":
                    params[name] = int(value)
                elif name == "error":
                    inner_code, inner_params = _text_of(value, patterns)
                    params[name] = {"code": inner_code, "params": inner_params}
                else:
                    params[name] = value
            return code, params
    return "text", {"text": sentence}


def texts_to_codes(apps, schema_editor):
    Source = apps.get_model("monitoring", "Source")
    FetchLog = apps.get_model("monitoring", "FetchLog")
    patterns = _patterns()
    for source in Source.objects.exclude(last_error="", paused_reason="").iterator():
        source.last_error_code, source.last_error_params = _text_of(source.last_error, patterns)
        source.paused_reason_code, source.paused_reason_params = _text_of(source.paused_reason, patterns)
        source.save(
            update_fields=["last_error_code", "last_error_params", "paused_reason_code", "paused_reason_params"]
        )
    for log in FetchLog.objects.exclude(error="").iterator():
        log.error_code, log.error_params = _text_of(log.error, patterns)
        log.save(update_fields=["error_code", "error_params"])
    Source.objects.filter(kind="manual").update(name="Added by hand")


def codes_to_texts(apps, schema_editor):
    from monitoring.texts import text_render

    Source = apps.get_model("monitoring", "Source")
    FetchLog = apps.get_model("monitoring", "FetchLog")
    for source in Source.objects.exclude(last_error_code="", paused_reason_code="").iterator():
        source.last_error = text_render(source.last_error_code, source.last_error_params)
        source.paused_reason = text_render(source.paused_reason_code, source.paused_reason_params)
        source.save(update_fields=["last_error", "paused_reason"])
    for log in FetchLog.objects.exclude(error_code="").iterator():
        log.error = text_render(log.error_code, log.error_params)
        log.save(update_fields=["error"])


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0011_poll_claim_lease_and_entry_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="fetchlog",
            name="error_code",
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.AddField(
            model_name="fetchlog",
            name="error_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error_code",
            field=models.CharField(blank=True, max_length=50, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="source",
            name="last_error_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="source",
            name="paused_reason_code",
            field=models.CharField(blank=True, max_length=50, verbose_name="why it was paused"),
        ),
        migrations.AddField(
            model_name="source",
            name="paused_reason_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="source",
            name="retired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="retired at"),
        ),
        migrations.AlterField(
            model_name="source",
            name="poll_interval_minutes",
            field=models.PositiveIntegerField(
                default=monitoring.models._default_interval,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(1440),
                ],
                verbose_name="poll every (minutes)",
            ),
        ),
        migrations.RunPython(texts_to_codes, codes_to_texts),
        migrations.RemoveField(
            model_name="fetchlog",
            name="error",
        ),
        migrations.RemoveField(
            model_name="source",
            name="last_error",
        ),
        migrations.RemoveField(
            model_name="source",
            name="paused_reason",
        ),
    ]
