# Sourcewise: one image for every command; the default runs `sourcewise serve`
# (Telegram webhook, Slack events, /healthz, /metrics and the handoff scheduler on one port).
#
#   docker build -t sourcewise .
#   docker run -p 8080:8080 -v sourcewise-data:/data --env-file .env sourcewise
#
# See docs/deploy.md for single-process and multi-replica deployments (compose.yaml).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY costengine costengine
COPY bot bot
COPY templates templates
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=true \
    SOURCEWISE_HTTP_HOST=0.0.0.0 \
    SOURCEWISE_HTTP_PORT=8080 \
    SOURCEWISE_DATABASE_URL=sqlite+aiosqlite:////data/sourcewise.db
RUN useradd --create-home --uid 10001 sourcewise \
    && mkdir /data && chown sourcewise:sourcewise /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER sourcewise
WORKDIR /home/sourcewise
VOLUME ["/data"]
EXPOSE 8080
# 200 when the database answers, 503 when it does not (the container is then "unhealthy").
HEALTHCHECK --interval=15s --timeout=6s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=5).status != 200)"]
# SIGTERM (docker stop) is a graceful stop: no new requests, in-flight ones finish.
STOPSIGNAL SIGTERM
ENTRYPOINT ["sourcewise"]
CMD ["serve"]
