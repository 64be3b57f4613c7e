# claimbot as a container. Build and run: see docs/operations.md.
#   docker build -t claimbot .
#   docker run -d --name claimbot --restart unless-stopped --env-file .env \
#       -v claimbot-data:/data claimbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/claimbot.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY migrations ./migrations
RUN pip install ".[postgresql]" \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin claimbot \
    && mkdir -p /data && chown claimbot:claimbot /data

USER claimbot
WORKDIR /data
# The SQLite database (and its -wal/-shm files): keep it on a volume.
VOLUME ["/data"]

# SIGTERM (docker stop) lets the bot write queued votes and land pending edits; give it
# more than its 5 s: docker stop --time 30, or stop_grace_period in compose.
STOPSIGNAL SIGTERM
CMD ["claimbot", "run"]
