# Untested here (the project machine has no Docker engine); kept correct by reading.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DATA_DIR=/data
WORKDIR /app
RUN useradd --create-home --uid 10001 aman && mkdir -p /data && chown aman /data

# Dependencies first, so a source change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir -p bot nlu content webhooks console migrations \
    && for p in bot nlu content webhooks console migrations; do touch $p/__init__.py; done \
    && pip install . && pip uninstall -y migrasi-aman

COPY . .
RUN pip install --no-deps . && aman nlu train --out /app/nlu-model.joblib
ENV NLU_MODEL_PATH=/app/nlu-model.joblib
USER aman
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["aman", "serve", "--host", "0.0.0.0", "--port", "8000"]
