# Production image for the NTM portal: one image for web (gunicorn),
# Celery worker, Celery beat and the one-shot migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VAR_DIR=/app/var

# WeasyPrint (PDF reports) needs Pango/HarfBuzz at run time; Liberation Serif
# is the Times-compatible font with Vietnamese glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

# Home directory so fontconfig (used by WeasyPrint) has a writable cache.
RUN groupadd --gid 1000 ntm \
    && useradd --uid 1000 --gid ntm --create-home --shell /usr/sbin/nologin ntm

WORKDIR /app

# Dependencies only (pyproject has `packages = []`), in their own layer so a
# code change does not reinstall them. Built outside /app so no build/ or
# *.egg-info is left next to the source. pyproject names README.md as readme;
# an empty stand-in keeps README edits from invalidating this layer.
COPY pyproject.toml /tmp/deps/
RUN touch /tmp/deps/README.md \
    && pip install --no-cache-dir /tmp/deps \
    && rm -rf /tmp/deps

# Source stays root-owned (read-only for the app user).
COPY . .

# Static files are baked into the image under VAR_DIR/static (served by
# WhiteNoise). Only media/ and beat/ are volumes, so a volume never hides them.
# Without REDIS_URL the settings also create embedded-mode folders under var/;
# drop everything but static/ so they do not ship in the image.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && find /app/var -mindepth 1 -maxdepth 1 ! -name static -exec rm -rf {} + \
    && mkdir -p /app/var/media /app/var/beat \
    && chown ntm:ntm /app/var /app/var/media /app/var/beat

# Uploaded files. Compose mounts a named volume here; an empty named volume
# takes this directory's ntm ownership on first mount.
VOLUME ["/app/var/media"]

USER ntm

EXPOSE 8000

# /healthz answers 200 when the database answers; exempt from the SSL redirect,
# and settings always allow 127.0.0.1 as host.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"

CMD ["gunicorn", "ntm_portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--timeout", "60", \
     "--access-logfile", "-"]
