# One image for every role: the api, the worker and the migrate job.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    EMAIL_TEMPLATES_DIR=/app/email_templates \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

WORKDIR /app
RUN pip install --no-cache-dir uv

# Dependencies first, from the lock file, so code edits do not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

COPY service ./service
COPY workers ./workers
COPY migrations ./migrations
COPY email_templates ./email_templates
COPY graphql ./graphql
RUN uv sync --locked --no-dev --no-editable

RUN useradd --system --home /app buletin
USER buletin
EXPOSE 8000
CMD ["buletin", "serve", "--host", "0.0.0.0", "--port", "8000"]
