# saaprep's production image: gunicorn behind your TLS-terminating proxy.
# Build: docker build -t saaprep .   Run: see docker-compose.yml and README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# GNU gettext for compilemessages; psycopg[binary] brings its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Build output, made once here rather than at every start. The settings need a secret to
# import; this one is only for the build and never reaches the running container.
RUN if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        DJANGO_DEBUG=1 python manage.py compilemessages; \
    fi \
    && DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --noinput

# The code stays owned by root: the app process can read it but not change it.
RUN useradd --system --no-create-home --uid 10001 saaprep
USER saaprep

EXPOSE 8000
# No curl in the slim image; urlopen raises (exit 1) on a 503 from /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["bin/start"]
