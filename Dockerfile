# The newswire worker image. One process per container: scale with replicas.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY agents ./agents
COPY schemas ./schemas
RUN pip install --no-cache-dir .
ENV NEWSWIRE_WEB_HOST=0.0.0.0 \
    NEWSWIRE_DATA_DIR=/var/lib/newswire
EXPOSE 6066
CMD ["newswire", "worker", "-l", "info"]
