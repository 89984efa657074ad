# Webcare Inbox: one image for every process (web, Celery worker, Celery beat, migrations).
# docker-compose.yml shows how to run it; configuration comes from the environment (webcare/settings.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEBCARE_DATA_DIR=/app/var

# The app runs as an unprivileged user that owns only its data folder, not the code.
RUN groupadd --system --gid 1000 webcare \
    && useradd --system --uid 1000 --gid webcare --create-home --home-dir /home/webcare webcare

WORKDIR /app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN mkdir -p /app/var /app/staticfiles && chown webcare:webcare /app/var /app/staticfiles

USER webcare

# Static files are collected into the image (STATIC_ROOT is /app/staticfiles, outside the data folder) and served by
# WhiteNoise. The secret key and host below exist only for this build step; they never reach a container.
RUN DEBUG=false \
    SECRET_KEY=build-only-not-a-secret-collectstatic-needs-one-of-fifty-characters \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "webcare.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
