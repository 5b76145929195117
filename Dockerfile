# Oversight in one image: the web app, the JSON API and the scheduler, on SQLite in /app/var.
#   docker build -t oversight .
#   docker run -p 8000:8000 -v oversight-data:/app/var oversight

# --- htmx and the map outlines from npm, at the versions web/package-lock.json pins --------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- the application ------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /app

# Dependencies first, in a layer of their own, so a change to the code does not reinstall them:
# an empty project is installed for its dependency list, then removed.
COPY pyproject.toml README.md ./
RUN mkdir api web migrations \
    && pip install . \
    && pip uninstall --yes oversight \
    && rm -rf api web migrations build ./*.egg-info

# The source tree stays in /app and is what runs. Settings find alembic.ini, migrations/ and
# campaigns/ relative to the api package (PROJECT_ROOT), and those are not Python packages: a
# plain `pip install .` would put api/ in site-packages, away from them, and `oversight migrate`
# would find no alembic.ini. The editable install adds only the `oversight` command and an
# import hook that points at /app.
COPY alembic.ini ./
COPY api/ api/
COPY web/ web/
COPY migrations/ migrations/
COPY campaigns/ campaigns/
COPY --from=assets /build/node_modules/htmx.org/dist/htmx.min.js web/static/vendor/htmx.min.js
COPY --from=assets /build/node_modules/us-atlas/counties-albers-10m.json \
     api/atlas/shapes/counties-albers-10m.json
RUN pip install --no-deps --editable . \
    && pybabel compile --directory api/i18n/locale --domain messages \
    && rm -rf build

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin oversight \
    && mkdir -p /app/var \
    && chown oversight:oversight /app/var
ENV OVERSIGHT_DATA_DIR=/app/var \
    OVERSIGHT_DATABASE_URL=sqlite:////app/var/oversight.db
VOLUME ["/app/var"]
USER oversight

EXPOSE 8000
# The slim image has no curl; the standard library is enough to ask for /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# exec hands PID 1 to the server, so `docker stop` reaches it and it shuts down cleanly.
CMD ["sh", "-c", "oversight migrate && exec oversight serve --host 0.0.0.0 --port 8000"]
